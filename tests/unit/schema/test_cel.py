"""CEL for CRD rules: what compiles, what is refused or skipped, the budget, schema-typed values."""

from __future__ import annotations

import contextlib
import datetime
import dis
import inspect
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from celpy import celtypes
from celpy.evaluation import CELEvalError, Evaluator
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kcheck.analyzers.schema.crd import RULE_VARIABLES
from kcheck.cel import program as cel_program
from kcheck.cel import values as cel_values


def run(expression: str, self_value: Any = None, budget: int = 100_000) -> Any:
    program = cel_program.compile_expression(expression, RULE_VARIABLES)
    assert isinstance(program, cel_program.Program), program
    bindings = {} if self_value is None else {"self": self_value}
    return program.evaluate(bindings, cel_program.Budget(budget))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("self.a <=", "syntax error at line 1, column 8"),
        ("self.a.startsWithh('x')", "undeclared reference to 'startsWithh'"),
        ("size(items) > 0", "undeclared reference to 'items'"),
        ("nope(1)", "undeclared reference to 'nope'"),
        ("self.all(1, true)", "the first argument of all() must be a simple identifier"),
    ],
)
def test_what_kubernetes_refuses_is_a_compile_problem(expression: str, message: str) -> None:
    problem = cel_program.compile_expression(expression, RULE_VARIABLES)
    assert problem == cel_program.CompileProblem(message)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("self.?a.orValue(1) > 0", "uses CEL optional field selection, which kcheck cannot evaluate"),
        ("[?self.a]", "uses CEL optional field selection, which kcheck cannot evaluate"),
        ("self.all(k, v, v > 0)", "uses the 3-argument form of all(), which kcheck cannot evaluate"),
        ("self.map(x, x > 0, x * 2)", "uses the 3-argument form of map(), which kcheck cannot evaluate"),
        ("self.transformList(i, v, v)", "calls transformList(), which kcheck does not implement"),
        (
            "authorizer.group('').resource('pods').check('get').allowed()",
            "calls group(), which kcheck does not implement",
        ),
    ],
)
def test_what_kcheck_cannot_evaluate_is_an_unsupported_problem(expression: str, message: str) -> None:
    assert cel_program.compile_expression(expression, RULE_VARIABLES) == cel_program.CompileProblem(
        message, unsupported=True
    )


def test_transition_rules_are_marked() -> None:
    program = cel_program.compile_expression("self >= oldSelf", RULE_VARIABLES)
    assert isinstance(program, cel_program.Program) and program.variables == {"self", "oldSelf"}
    plain = cel_program.compile_expression("self >= 1", RULE_VARIABLES)
    assert isinstance(plain, cel_program.Program) and plain.variables == {"self"}


def test_compilation_is_cached_by_text() -> None:
    assert cel_program.compile_expression("self.x == 1", RULE_VARIABLES) is cel_program.compile_expression(
        "self.x == 1", RULE_VARIABLES
    )


def test_macro_variables_and_type_names_are_declared() -> None:
    program = cel_program.compile_expression(
        "self.items.all(i, type(i) == string || i.exists(j, j > 0))", RULE_VARIABLES
    )
    assert isinstance(program, cel_program.Program)


def test_budget_stops_a_runaway_rule_and_is_shared() -> None:
    items = cel_values.generic(list(range(40)))
    program = cel_program.compile_expression(
        "self.all(a, self.all(b, self.all(c, a + b + c >= 0)))", RULE_VARIABLES
    )
    assert isinstance(program, cel_program.Program)
    budget = cel_program.Budget(10_000)
    with pytest.raises(cel_program.BudgetExceededError):
        program.evaluate({"self": items}, budget)
    assert budget.used == 10_001
    # A cheap rule spends a few steps of the same budget.
    shared = cel_program.Budget(100)
    assert run("self.size() == 40", items) is not None
    cheap = cel_program.compile_expression("self.size() == 40", RULE_VARIABLES)
    assert isinstance(cheap, cel_program.Program)
    cheap.evaluate({"self": items}, shared)
    first = shared.used
    cheap.evaluate({"self": items}, shared)
    assert shared.used == 2 * first > 0


@pytest.mark.parametrize(
    ("expression", "self_value", "message"),
    [
        ("self.missing > 0", {"a": 1}, "no such key: missing"),
        ("self.a / 0 == 1", {"a": 1}, "division by zero"),
        ("self.items[3] == 1", {"items": [1]}, "index out of bounds"),
        ("self.a + 9223372036854775807 > 0", {"a": 1}, "integer overflow"),
        ("self.a + 'x' == 'y'", {"a": 1}, "no such overload"),
    ],
)
def test_evaluation_errors_are_worded_as_kubernetes_does(
    expression: str, self_value: object, message: str
) -> None:
    result = run(expression, cel_values.generic(self_value))
    assert isinstance(result, CELEvalError)
    assert cel_program.describe_error(result) == message


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("replicas", "replicas"),
        ("x-prop", "x__dash__prop"),
        ("redact__d", "redact__underscores__d"),
        ("a.b/c", "a__dot__b__slash__c"),
        ("namespace", "__namespace__"),
        ("int", "int"),
        ("sprint", "sprint"),
        ("true", "__true__"),
        ("1st", None),
        ("a b", None),
        ("", None),
    ],
)
def test_property_names_are_escaped_as_kubernetes_does(name: str, escaped: str | None) -> None:
    assert cel_values.escape(name) == escaped


def _schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "x-prop": {"type": "integer"},
                    "ratio": {"type": "number"},
                    "when": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date"},
                    "data": {"type": "string", "format": "byte"},
                    "port": {"x-kubernetes-int-or-string": True},
                    "extra": {"x-kubernetes-preserve-unknown-fields": True},
                    "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                    "ports": {
                        "type": "array",
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name"],
                        "items": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
                        },
                    },
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    }


def _value() -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Thing",
        "metadata": {"name": "a", "namespace": "ns", "labels": {"x": "y"}},
        "spec": {
            "x-prop": 3.0,
            "ratio": 1,
            "when": "2024-05-01T10:00:00Z",
            "day": "2024-05-01",
            "data": "aGVsbG8=",
            "port": "http",
            "extra": {"anything": 1},
            "tags": ["a", "b"],
            "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}],
            "labels": {"app.kubernetes.io/name": "web"},
            "undeclared": 1,
            "absent": None,
        },
    }


def test_values_are_typed_by_the_schema() -> None:
    value = cel_values.to_cel(_value(), cel_values.shape_of(_schema(), root=True))
    spec = value["spec"]
    assert isinstance(spec["x__dash__prop"], celtypes.IntType) and spec["x__dash__prop"] == 3
    assert isinstance(spec["ratio"], celtypes.DoubleType)
    assert spec["when"] == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc)
    assert spec["day"] == datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    assert spec["data"] == b"hello"
    assert spec["port"] == "http"
    assert spec["labels"] == {"app.kubernetes.io/name": "web"}
    # Preserved unknown data, undeclared fields and nulls are invisible; metadata shows name only.
    assert {"extra", "undeclared", "absent"}.isdisjoint(spec)
    assert value["metadata"] == {"name": "a"}
    assert value["apiVersion"] == "example.com/v1" and value["kind"] == "Thing"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("self.spec.x__dash__prop == 3", True),
        ("self.spec.ratio == 1.0 && self.spec.ratio < 2", True),
        ("self.spec.when < timestamp('2025-01-01T00:00:00Z')", True),
        ("type(self.spec.port) == string ? self.spec.port == 'http' : self.spec.port > 0", True),
        ("has(self.spec.extra) || has(self.spec.undeclared) || has(self.spec.absent)", False),
        ("self.metadata.name == 'a' && !has(self.metadata.namespace)", True),
        # Lists of type set and map compare without regard to order.
        ("self.spec.tags == ['b', 'a']", True),
        ("self.spec.tags + ['a', 'c'] == ['a', 'b', 'c']", True),
        ("self.spec.ports == [{'name': 'https', 'port': 443}, {'name': 'http', 'port': 80}]", True),
        ("(self.spec.ports + [{'name': 'http', 'port': 8080}]).map(p, p.port) == [8080, 443]", True),
        ("self.spec.labels.all(k, self.spec.labels[k] == 'web')", True),
    ],
)
def test_rules_see_what_kubernetes_gives_them(expression: str, expected: bool) -> None:
    value = cel_values.to_cel(_value(), cel_values.shape_of(_schema(), root=True))
    assert run(expression, value) == expected


def test_a_value_of_the_wrong_type_is_passed_untyped() -> None:
    shape = cel_values.shape_of({"type": "integer"})
    assert cel_values.to_cel("three", shape) == "three"
    assert not cel_values.matches_kind("three", shape)
    assert cel_values.matches_kind(3.0, shape) and not cel_values.matches_kind(3.5, shape)


_TOKENS = st.sampled_from(
    [
        "self",
        "oldSelf",
        "x",
        ".",
        "a",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "?",
        "!",
        "-",
        "+",
        "*",
        "/",
        "%",
        "<",
        "==",
        "&&",
        "||",
        "in",
        "1",
        "2.5",
        "'s'",
        "true",
        "null",
        "size",
        "all",
        "map",
        "exists",
        "has",
        "quantity",
        "url",
        "cidr",
        "ip",
        "format",
        "min",
        "sum",
        "indexOf",
        "split",
        "matches",
        "'('",
        "int",
        "string",
        "type",
        "dyn",
        "isSorted",
        "ip.isCanonical",
        "[1, 2]",
        "{'k': 1}",
    ]
)


@settings(max_examples=500, deadline=None)
@given(
    tokens=st.lists(_TOKENS, max_size=12),
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["a", "x"]), children)
        ),
        max_leaves=10,
    ),
)
def test_any_expression_on_any_value_compiles_or_evaluates_without_exceptions(
    tokens: list[str], data: Any
) -> None:
    program = cel_program.compile_expression(" ".join(tokens), RULE_VARIABLES)
    if isinstance(program, cel_program.Program):
        with contextlib.suppress(cel_program.BudgetExceededError):
            program.evaluate({"self": cel_values.generic(data)}, cel_program.Budget(10_000))


class _CelpyEvaluator(Evaluator):
    """celpy's interpreter as it is, spending one step per node it visits: kcheck's evaluator must give the
    same values, errors and step counts."""

    def __init__(self, ast: Any, activation: Any, budget: cel_program.Budget) -> None:
        super().__init__(ast, activation)
        self.budget = budget

    def _visit_tree(self, tree: Any) -> Any:
        self.budget.spend()
        return super()._visit_tree(tree)

    def sub_evaluator(self, ast: Any) -> Evaluator:
        return _CelpyEvaluator(ast, self.activation, self.budget)


def _outcome(evaluate: Callable[[], Any], budget: cel_program.Budget) -> tuple[str, str, int]:
    """What an evaluation gives, exactly: the value and its type, or the error's arguments and where it
    was raised, or the Python exception that escaped; and the steps it spent."""
    try:
        value = evaluate()
    except (cel_program.BudgetExceededError, RecursionError):
        return ("exhausted", "", budget.used)
    except CELEvalError as problem:
        value = problem
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as problem:
        return ("escaped", f"{type(problem).__name__}: {problem}", budget.used)
    if isinstance(value, CELEvalError):
        # celpy words an undeclared reference with its activation, which kcheck does not clone per evaluation.
        text = str(value.args[0]).split(" (in activation", 1)[0] if value.args else ""
        return ("error", f"{text!r} {value.args[1:]!r} at {value.line}:{value.column}", budget.used)
    return ("value", f"{type(value).__name__}: {value!r}", budget.used)


def _parse(expression: str, checked: bool) -> Any:
    """The syntax tree kcheck evaluates, or (`checked=False`) celpy's parse of what kcheck would refuse."""
    if not checked:
        return cel_program._environment().compile(expression)
    program = cel_program.compile_expression(expression, RULE_VARIABLES)
    return program.ast if isinstance(program, cel_program.Program) else None


def _both(
    expression: str, self_value: Any, limit: int = 100_000, checked: bool = True
) -> tuple[Any, Any] | None:
    """The outcomes of kcheck's evaluator and of celpy's on the same tree, each with a budget of `limit`."""
    ast = _parse(expression, checked)
    if ast is None:
        return None
    ours, theirs = cel_program.Budget(limit), cel_program.Budget(limit)
    activation = cel_program._base_activation()
    kcheck_evaluator = cel_program._BudgetedEvaluator(ast, activation, ours)
    reference = _CelpyEvaluator(ast, activation, theirs)
    return (
        _outcome(lambda: kcheck_evaluator.evaluate({"self": self_value}), ours),
        _outcome(lambda: reference.evaluate({"self": self_value}), theirs),
    )


def test_no_celpy_node_method_needs_larks_visit_wrapper() -> None:
    # kcheck's evaluator calls each node's method directly, without lark's check for a `visit_wrapper`
    # (set by lark's v_args decorators).
    wrapped = [name for name in dir(Evaluator) if hasattr(getattr(Evaluator, name, None), "visit_wrapper")]
    assert wrapped == []


_SAMPLE = {"a": 1, "items": [1, 2, 3], "m": {"x": "y"}, "s": "text", "google": 2}

# Expressions on _SAMPLE for every path of the node methods kcheck's evaluator replaces (checked below).
_EQUIVALENCE_CASES = [
    "self.a == 1",
    "self.items.all(i, i > 0) && self.items.exists_one(i, i == 2)",
    "self.items.map(x, x * 2).filter(y, y > 2) == [4, 6]",
    "self.items.all(x, self.items.exists(x, x > 1))",  # an inner variable shadows an outer one
    "self.items.map(self, self + 1) == [2, 3, 4] && self.size() == 5",  # and `self`, in the macro only
    "self.items.map(x, [x].map(x, x + 1)[0])",
    "self.items.all(google, google > 0)",  # a name celpy's base activation holds
    "has(self.a) && !has(self.zz) && has(self.m.x)",
    "self.zz > 0",
    "size(self.items) == 3 && self.s.matches('^t')",
    "quantity('1Gi').isGreaterThan(quantity('1Mi')) && ip.isCanonical('1.2.3.4')",
    "self.items.min() == 1 && url('https://a/b').getHost() == 'a'",
    "{'k': self.a}.k == 1 && [self.a, 2][1] == 2 && -self.a == -1 && !(self.a == 2)",
    "self.a in [1, 2] && dyn(self.a) == 1 && type(self.s) == string && int('3') + 1 == 4",
    "double(self.a) == 1.0 && (self.a + 2) * 3 % 5 == 4",
    "self.m.all(k, self.m[k] == 'y')",
    # the conditional: either branch, nested, an error or a non-bool condition (celpy takes the first
    # branch of an error), an error in the branch taken, a Python error escaping the branch taken
    "self.a > 0 ? self.s : 'no'",
    "self.a < 0 ? self.s : 'no'",
    "false ? 1 : self.a < 0 ? 2 : 3",
    "self.zz ? 1 : 2",
    "self.a ? 1 : 2",
    "self.a > 0 ? self.zz : 2",
    "self.a > 0 ? self.a.all(x, true) : false",
    "(self.a / 0 > 1 ? false : true) || true",
    # || and &&: short-circuits with an error on either side, no such overload, a Python error escaping
    "self.zz || true",
    "true || self.zz",
    "self.zz || false",
    "false || self.zz",
    "self.zz || self.a / 0 == 1",
    "self.a || true",
    "self.a || self.s",
    "self.s.startsWith('te') || self.zz",
    "self.a.all(x, true) || true",
    "self.zz && false",
    "false && self.zz",
    "self.zz && true",
    "true && self.zz",
    "self.a && self.s",
    "self.a.all(x, true) && false",
    # relations
    "self.a != 2 && self.a <= 1 && self.a >= 1 && !(self.a > 1) && !(self.a < 1)",
    "self.a in self.items && 'x' in self.m && !(9 in self.items)",
    "true == (1 < 2) == true",
    "self.a < 'x'",
    "self.a in self.a",
    "self.zz == 1",
    "1 == self.zz",
    # + and -: no such overload, integer and timestamp overflow, errors on either side
    "self.s + 's' == 'texts' && self.items + [4] == [1, 2, 3, 4] && 3 - self.a == 2",
    "self.a + 'x'",
    "1 + true",
    "self.s - 's'",
    "9223372036854775807 + self.a > 0",
    "-9223372036854775807 - self.a - 1 < 0",
    "timestamp('9999-12-31T23:59:59Z') + duration('24h') > timestamp('2024-01-01T00:00:00Z')",
    "self.zz + 1",
    "1 - self.zz",
    # *, / and %: division by zero, no such overload, overflow
    "7 % 3 * 2 / 1 == 2 && 1.0 / 0.0 > 0.0",
    "self.a / 0 == 1",
    "self.a % 0 == 0",
    "self.s * 2",
    "9223372036854775807 * 2 > 0",
    "(-9223372036854775807 - 1) / -1 > 0",
    "self.zz * 2",
    # ! and -
    "--self.a == 1 && !!true",
    "!self.a",
    "-self.s",
    "!self.zz",
    "-self.zz",
    "-(-9223372036854775807 - 1) > 0",
    # macros: on a list and a map, empty, errors in the body (kept by all() and exists() where the other
    # items decide), a non-bool body, an erroneous or non-list target
    "self.items.exists_one(x, x > 1) || self.items.filter(x, x > 1) == [2, 3]",
    "self.m.exists(k, k == 'x') && self.m.map(k, k) == ['x']",
    "[].all(x, false) && ![].exists(x, true) && ![].exists_one(x, true)",
    "self.items.all(x, x / (x - 2) > 0)",
    "self.items.exists(x, x / (x - 2) > 0)",
    "self.items.exists_one(x, x / (x - 2) > 0)",
    "self.items.filter(x, x / (x - 2) > 0)",
    "self.items.map(x, x / (x - 2))",
    "self.items.all(x, x)",
    "self.items.exists(x, x)",
    "self.zz.all(x, true)",
    "self.zz.map(x, x)",
    "self.a.exists(x, true)",
    # methods: with and without arguments, no such overload (a TypeError, an AttributeError), an error
    # for an overflow (a ValueError), an erroneous target or argument
    "self.s.size() == 4 && self.s.startsWith('t')",
    "self.s.startsWith(1)",
    "self.a.getHours()",
    "timestamp('2024-01-01T00:00:00Z').getHours('Nowhere/Zone')",
    "self.s.charAt(10)",
    "self.zz.size()",
    "self.s.startsWith(self.zz)",
    # lists, and indexes (out of range, missing keys, no such overload)
    "[self.a, self.zz]",
    "size([self.a, 2]) == 2",
    "self.items[7] == 1",
    "self.m['zz'] == 'y'",
    "self.items['x'] == 1",
]
# Trees kcheck never evaluates, for the paths of its methods that defer to celpy's: `reduce()` and an
# undeclared method (refused at compile time), celpy's `min()` macro (compiled as Kubernetes' `min()`).
_UNCHECKED_CASES = ["[1, 2].reduce(r, i, 0, r + i) == 3", "[3, 1].min() == 1", "self.s.nope()"]


@pytest.mark.parametrize(
    ("expression", "checked"),
    [*((case, True) for case in _EQUIVALENCE_CASES), *((case, False) for case in _UNCHECKED_CASES)],
)
def test_the_evaluator_matches_celpys_values_errors_and_steps(expression: str, checked: bool) -> None:
    both = _both(expression, cel_values.generic(_SAMPLE), checked=checked)
    assert both is not None, expression
    ours, theirs = both
    assert ours == theirs
    # And runs out of a budget at the same step.
    steps = ours[2]
    assert _both(expression, cel_values.generic(_SAMPLE), steps - 1, checked=checked) == (
        ("exhausted", "", steps),
        ("exhausted", "", steps),
    )


_CHAIN_LINKS = ["expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary"]


@pytest.mark.parametrize("method", _CHAIN_LINKS)
def test_a_one_child_link_of_the_precedence_chain_is_evaluated_as_by_celpy(method: str) -> None:
    # kcheck's evaluator never calls these methods for a one-child node (it steps through the chain), but
    # its methods still evaluate one as celpy does.
    ast = _parse("self.a", checked=True)
    node = next(node for node in ast.iter_subtrees() if node.data == method)
    outcomes = []
    for evaluator_class in (cel_program._BudgetedEvaluator, _CelpyEvaluator):
        budget = cel_program.Budget(100)
        evaluator = evaluator_class(ast, cel_program._base_activation(), budget)
        evaluator.set_activation({"self": cel_values.generic(_SAMPLE)})
        outcomes.append(_outcome(lambda: getattr(evaluator, method)(node), budget))  # noqa: B023
    assert outcomes[0] == outcomes[1] == ("value", "IntType: IntType(1)", 10 - _CHAIN_LINKS.index(method))


# Methods of kcheck's evaluator that do not replace one of celpy's node methods.
_NOT_NODE_METHODS = {"set_activation", "ident_value", "sub_evaluator", "visit_children"}


def _replacements() -> list[Any]:
    """The code of kcheck's replacements for celpy's node methods, and of their helpers."""
    evaluator = cel_program._BudgetedEvaluator
    names = {
        name
        for name, member in vars(evaluator).items()
        if inspect.isfunction(member) and hasattr(Evaluator, name) and not name.startswith("_")
    }
    codes = {getattr(evaluator, name).__code__ for name in names - _NOT_NODE_METHODS}
    # The methods of the operator nodes (`relation_lt`, ...), which celpy has none of.
    codes |= {evaluator._operator.__code__, cel_program._no_overload.__code__, cel_program._caused.__code__}
    return sorted(codes, key=lambda code: code.co_firstlineno)


def test_the_cases_run_every_line_of_the_node_methods_kcheck_replaces() -> None:
    codes = _replacements()
    assert {code.co_name for code in codes} >= {
        "expr",
        "conditionalor",
        "conditionaland",
        "relation",
        "addition",
        "multiplication",
        "unary",
        "member_dot_arg",
        "method_eval",
        "exprlist",
    }
    executed: dict[Any, set[int]] = {code: set() for code in codes}

    def trace(frame: types.FrameType, event: str, arg: Any) -> Any:
        lines = executed.get(frame.f_code)
        if lines is None:
            return None

        def line(frame: types.FrameType, event: str, arg: Any) -> Any:
            if event == "line":
                lines.add(frame.f_lineno)
            return line

        return line

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        for expression in _EQUIVALENCE_CASES:
            _both(expression, cel_values.generic(_SAMPLE))
        for expression in _UNCHECKED_CASES:
            _both(expression, cel_values.generic(_SAMPLE), checked=False)
        for method in _CHAIN_LINKS:
            test_a_one_child_link_of_the_precedence_chain_is_evaluated_as_by_celpy(method)
    finally:
        sys.settrace(previous)
    missed = {
        f"{code.co_name}:{line}": inspect.getsourcelines(code)[0][line - code.co_firstlineno].strip()
        for code in codes
        for _, line in dis.findlinestarts(code)
        if line is not None and line != code.co_firstlineno and line not in executed[code]
    }
    assert missed == {}


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(_TOKENS, max_size=12),
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["a", "x"]), children)
        ),
        max_leaves=10,
    ),
)
# Found by Hypothesis: an undeclared name's error names the activation, with the variables bound.
@example(tokens=["self", "&&", "oldSelf"], data=None)
def test_any_expression_evaluates_as_celpy_does(tokens: list[str], data: Any) -> None:
    both = _both(" ".join(tokens), cel_values.generic(data), 2_000)
    if both is not None:
        assert both[0] == both[1]
