"""CEL expressions nested too deeply for the interpreter are refused at compile time, so that no evaluation
depends on how deep the stack is where it runs (the main process or a worker of `--jobs`)."""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kcheck.analyzers.schema.crd import RULE_VARIABLES
from kcheck.cel import program as cel_program
from kcheck.cel import values as cel_values

TOO_DEEP = cel_program.CompileProblem("is nested too deeply for kcheck's CEL interpreter", unsupported=True)


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"a": 1}
    for _ in range(levels):
        value = {"a": value}
    return value


# Expressions nested n times (with a `self` they read), each true. The first ones spend the most Python
# frames per level of the syntax tree: chains of binary operators, of conditionals, of method calls.
_SHAPES: dict[str, Callable[[int], tuple[str, Any]]] = {
    "additions": lambda n: ("1" + " + 1" * n + " > 0", None),
    "divisions": lambda n: ("1" + " / 1" * n + " == 1", None),
    "ors": lambda n: ("false" + " || false" * n + " || true", None),
    "ands": lambda n: ("true" + " && true" * n, None),
    "comparisons": lambda n: ("true" + " == true" * n, None),
    "conditionals": lambda n: ("false ? false : " * n + "true", None),
    "negations": lambda n: ("!" * (2 * n) + "true", None),
    "methods": lambda n: ("'A'" + ".lowerAscii()" * n + " == 'a'", None),
    "indexes": lambda n: ("self" + "['a']" * n + " == {'a': 1}", _nested(n)),
    "fields": lambda n: ("self" + ".a" * n + " == {'a': 1}", _nested(n)),
    "parentheses": lambda n: ("(" * n + "true" + ")" * n, None),
    "lists": lambda n: ("[" * n + "1" + "]" * n + " != []", None),
    "macros": lambda n: ("".join(f"[1].all(x{i}, " for i in range(n)) + "true" + ")" * n, None),
    "calls": lambda n: ("int(" * n + "1" + ")" * n + " == 1", None),
}


def _depth(text: str) -> int:
    return cel_program._depth(cel_program._environment().compile(text))


@functools.cache
def _deepest_accepted(shape: str) -> tuple[int, str, Any]:
    """The most nesting of `shape` kcheck evaluates, the expression and its `self`."""
    make = _SHAPES[shape]
    accepted, refused = 1, cel_program._MAX_DEPTH  # each nesting is at least one level
    assert _depth(make(accepted)[0]) <= cel_program._MAX_DEPTH < _depth(make(refused)[0])
    while refused - accepted > 1:
        middle = (accepted + refused) // 2
        if _depth(make(middle)[0]) <= cel_program._MAX_DEPTH:
            accepted = middle
        else:
            refused = middle
    return (accepted, *make(accepted))


def _stack_depth() -> int:
    frame: types.FrameType | None = sys._getframe(1)
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _called_at_depth(depth: int, action: Callable[[], Any]) -> Any:
    """`action()`, called with `depth` frames on the stack."""

    def descend(remaining: int) -> Any:
        return action() if remaining <= 0 else descend(remaining - 1)

    start = _stack_depth()
    assert start < depth
    return descend(depth - start - 2)


@contextlib.contextmanager
def _default_recursion_limit() -> Iterator[None]:
    # Python's default, which kcheck keeps (celpy raises it when imported first; kcheck puts it back).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _evaluate(text: str, self_value: Any) -> Any:
    program = cel_program._compile.__wrapped__(text, RULE_VARIABLES)
    assert isinstance(program, cel_program.Program), program
    bindings = {} if self_value is None else {"self": cel_values.generic(self_value)}
    return program.evaluate(bindings, cel_program.Budget(10**9))


@pytest.mark.parametrize("shape", _SHAPES)
def test_one_level_more_than_the_limit_is_refused_as_unsupported(shape: str) -> None:
    n, text, _ = _deepest_accepted(shape)
    assert isinstance(cel_program.compile_expression(text, RULE_VARIABLES), cel_program.Program)
    deeper = _SHAPES[shape](n + 1)[0]
    assert _depth(deeper) > cel_program._MAX_DEPTH
    assert cel_program.compile_expression(deeper, RULE_VARIABLES) == TOO_DEEP


@pytest.mark.parametrize("shape", _SHAPES)
def test_the_deepest_expressions_accepted_evaluate_from_a_deep_stack(shape: str) -> None:
    _, text, self_value = _deepest_accepted(shape)
    with _default_recursion_limit():
        assert _evaluate(text, self_value) is not None
        # kcheck lint evaluates rules 40 to 50 frames deep; 300 leaves a margin for deeper callers.
        assert _called_at_depth(300, lambda: _evaluate(text, self_value)) == True  # noqa: E712


def test_the_verdict_on_nesting_does_not_depend_on_the_stack() -> None:
    # Neither the parser nor the measure of depth recurses: from a stack close to the limit, a shallow
    # expression compiles and a very deep one is refused as from anywhere.
    deep = ["1" + " + 1" * 3000 + " > 0", "(" * 3000 + "true" + ")" * 3000, "self" + ".a" * 3000 + " > 0"]
    with _default_recursion_limit():
        for text in [*deep, "self.a + 1 > 0"]:
            compiled = _called_at_depth(
                900, functools.partial(cel_program._compile.__wrapped__, text, RULE_VARIABLES)
            )
            if text in deep:
                assert compiled == TOO_DEEP
            else:
                assert isinstance(compiled, cel_program.Program)


def test_real_rules_are_well_within_the_limit() -> None:
    # The deepest rule of the corpus: Gateway API's bound on the matches of an HTTPRoute's 16 rules.
    terms = [
        f"(self.size() > {i} ? (has(self[{i}].matches) ? self[{i}].matches.size() : 0) : 0)"
        for i in range(16)
    ]
    rule = " + ".join(terms) + " <= 128"
    assert _depth(rule) == 84
    assert 2 * _depth(rule) < cel_program._MAX_DEPTH
    rules = [{"matches": [{"path": {"value": "/"}}] * 8}] * 16
    assert _evaluate(rule, rules) == True  # noqa: E712
