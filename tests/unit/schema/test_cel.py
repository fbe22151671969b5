"""CEL for CRD rules: what compiles, what is refused or skipped, the budget, schema-typed values."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from celpy import celtypes
from celpy.evaluation import CELEvalError, Evaluator
from hypothesis import given, settings
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
    try:
        value = evaluate()
    except (cel_program.BudgetExceededError, RecursionError):
        return ("exhausted", "", budget.used)
    except CELEvalError as problem:
        value = problem
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as problem:
        return ("escaped", type(problem).__name__, budget.used)
    if isinstance(value, CELEvalError):
        return ("error", cel_program.describe_error(value), budget.used)
    return ("value", f"{type(value).__name__}: {value!r}", budget.used)


def _both(expression: str, self_value: Any, limit: int = 100_000) -> tuple[Any, Any] | None:
    program = cel_program.compile_expression(expression, RULE_VARIABLES)
    if not isinstance(program, cel_program.Program):
        return None
    bindings = {"self": self_value}
    ours = cel_program.Budget(limit)
    theirs = cel_program.Budget(limit)
    reference = _CelpyEvaluator(program.ast, cel_program._base_activation(), theirs)
    return (
        _outcome(lambda: program.evaluate(bindings, ours), ours),
        _outcome(lambda: reference.evaluate(dict(bindings)), theirs),
    )


def test_no_celpy_node_method_needs_larks_visit_wrapper() -> None:
    # kcheck's evaluator calls each node's method directly, without lark's check for a `visit_wrapper`
    # (set by lark's v_args decorators).
    wrapped = [name for name in dir(Evaluator) if hasattr(getattr(Evaluator, name, None), "visit_wrapper")]
    assert wrapped == []


_SAMPLE = {"a": 1, "items": [1, 2, 3], "m": {"x": "y"}, "s": "text", "google": 2}


@pytest.mark.parametrize(
    "expression",
    [
        "self.a == 1",
        "self.items.all(i, i > 0) && self.items.exists_one(i, i == 2)",
        "self.items.map(x, x * 2).filter(y, y > 2) == [4, 6]",
        "self.items.all(x, self.items.exists(x, x > 1))",  # an inner variable shadows an outer one
        "self.items.map(self, self + 1) == [2, 3, 4] && self.size() == 5",  # and `self`, in the macro only
        "self.items.map(x, [x].map(x, x + 1)[0])",
        "self.items.all(google, google > 0)",  # a name celpy's base activation holds
        "has(self.a) && !has(self.zz) && has(self.m.x)",
        "self.zz > 0",
        "self.a / 0 == 1",
        "self.items[7] == 1",
        "self.a + 'x'",
        "1 + true",
        "self.a > 0 ? self.s : 'no'",
        "self.s.startsWith('te') || self.zz",
        "size(self.items) == 3 && self.s.matches('^t')",
        "quantity('1Gi').isGreaterThan(quantity('1Mi')) && ip.isCanonical('1.2.3.4')",
        "self.items.min() == 1 && url('https://a/b').getHost() == 'a'",
        "{'k': self.a}.k == 1 && [self.a, 2][1] == 2 && -self.a == -1 && !(self.a == 2)",
        "self.a in [1, 2] && dyn(self.a) == 1 && type(self.s) == string && int('3') + 1 == 4",
        "double(self.a) == 1.0 && (self.a + 2) * 3 % 5 == 4",
        "self.m.all(k, self.m[k] == 'y')",
    ],
)
def test_the_evaluator_matches_celpys_values_errors_and_steps(expression: str) -> None:
    both = _both(expression, cel_values.generic(_SAMPLE))
    assert both is not None, expression
    ours, theirs = both
    assert ours == theirs
    # And runs out of a budget at the same step.
    steps = ours[2]
    assert _both(expression, cel_values.generic(_SAMPLE), steps - 1) == (
        ("exhausted", "", steps),
        ("exhausted", "", steps),
    )


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
def test_any_expression_evaluates_as_celpy_does(tokens: list[str], data: Any) -> None:
    both = _both(" ".join(tokens), cel_values.generic(data), 2_000)
    if both is not None:
        assert both[0] == both[1]
