"""The evaluation cache of CRD validation rules: each (rule, value) pair is evaluated once per process, and
what the cache holds never changes an evaluation (its failures, messages, steps or where a budget ran out)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from kcheck.analyzers.schema import crd as crds
from kcheck.cel import program as cel_program
from kcheck.model.build import build_objects
from kcheck.source.loader import load_bytes

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "!has(self.parts) || self.parts.all(p, p.weight < 100)"
                  message: weights are below 100
              properties:
                port:
                  x-kubernetes-int-or-string: true
                  x-kubernetes-validations:
                    - rule: type(self) == int
                      message: a number
                parts:
                  type: array
                  items:
                    type: object
                    x-kubernetes-validations:
                      - rule: self.weight > 0
                        messageExpression: "'weight ' + string(self.weight) + ' of ' + self.name"
                        fieldPath: .weight
                      - rule: self.ratio < 1.0
                    properties:
                      name: {type: string}
                      weight: {type: integer}
                      ratio: {type: number}
                labels:
                  type: object
                  additionalProperties:
                    type: string
                    x-kubernetes-validations:
                      - rule: self != ''
"""


@pytest.fixture(autouse=True)
def cache() -> Iterator[crds.EvaluationCache]:
    crds.EVALUATION_CACHE.clear()
    crds.EVALUATION_CACHE.enabled = True
    yield crds.EVALUATION_CACHE
    crds.EVALUATION_CACHE.clear()
    crds.EVALUATION_CACHE.enabled = True


@pytest.fixture
def version() -> crds.CrdVersion:
    catalog = crds.CrdCatalog(build_objects(load_bytes("crd.yaml", CRD.encode()).documents).objects)
    found = catalog.version("example.com/v1", "Gadget")
    assert found is not None
    return found


def gadget(spec: str) -> dict[str, Any]:
    text = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n" + textwrap.indent(
        spec, "  "
    )
    (obj,) = build_objects(load_bytes("g.yaml", text.encode()).documents).objects
    return obj.raw


def parts(*items: str) -> str:
    return "parts:\n" + "".join(f"  - {item}\n" for item in items)


def uncached(version: crds.CrdVersion, value: Any, budget: int = crds.DEFAULT_BUDGET) -> crds.Evaluation:
    cache = crds.EVALUATION_CACHE
    enabled, cache.enabled = cache.enabled, False
    try:
        return crds.evaluate(version, value, budget)
    finally:
        cache.enabled = enabled


SPECS = [
    parts("{name: a, weight: 1, ratio: 0.5}", "{name: a, weight: 1, ratio: 0.5}", "{name: b, weight: 0}"),
    parts("{name: b, weight: 0}", "{name: c, weight: 150, ratio: 2.0}", "{name: b, weight: 0}"),
    "port: 80\nlabels: {a: x, b: ''}\n" + parts("{name: a, weight: 1, ratio: 0.5}"),
    "port: http\n" + parts("{name: x, weight: many}", "{weight: 1}"),  # a mistyped value, a missing key
]


def test_replayed_outcomes_are_the_fresh_ones(version: crds.CrdVersion, cache: crds.EvaluationCache) -> None:
    fresh = [uncached(version, gadget(spec)) for spec in SPECS]
    assert any(evaluation.failures for evaluation in fresh)
    first = [crds.evaluate(version, gadget(spec)) for spec in SPECS]
    assert cache.hits > 0
    hits, evaluations = cache.hits, cache.evaluations
    again = [crds.evaluate(version, gadget(spec)) for spec in SPECS]
    assert cache.hits - hits == cache.evaluations - evaluations > 0  # the second time, every pair is cached
    assert first == fresh and again == fresh
    messages = [(f.path, f.message) for f in again[1].failures]
    missing = "no such key: ratio evaluating rule: self.ratio < 1.0"
    assert messages == [
        (("spec",), "weights are below 100"),
        (("spec", "parts", 0, "weight"), "weight 0 of b"),  # replayed at another path, with its fieldPath
        (("spec", "parts", 0), missing),
        (("spec", "parts", 1), "failed rule: self.ratio < 1.0"),
        (("spec", "parts", 2, "weight"), "weight 0 of b"),
        (("spec", "parts", 2), missing),
    ]


def test_identical_sub_objects_are_evaluated_once(
    version: crds.CrdVersion, cache: crds.EvaluationCache
) -> None:
    same = "{name: a, weight: 1, ratio: 0.5}"
    crds.evaluate(version, gadget(parts(same, same, same, "{name: b, weight: 2, ratio: 0.5}")))
    # The spec rule once, the two item rules on four items, of which two are the first again.
    assert (cache.evaluations, cache.hits) == (9, 4)
    crds.evaluate(version, gadget(parts(same, same, same, "{name: b, weight: 2, ratio: 0.5}")))
    assert (cache.evaluations, cache.hits) == (18, 13)
    assert len(cache) == 5


def test_values_that_differ_in_type_or_order_are_different_entries(version: crds.CrdVersion) -> None:
    cache = crds.EVALUATION_CACHE
    keys = [cache.key(value) for value in (1, 1.0, True, "1", 0.0, -0.0, {"a": 1, "b": 2}, {"b": 2, "a": 1})]
    assert None not in keys and len(set(keys)) == len(keys)
    assert cache.key([1, 2]) != cache.key([2, 1]) and cache.key([1, 2]) == cache.key([1, 2])
    # And so give their own verdicts: int 1 is an int, "1", 1.0 and True are not.
    verdicts = [
        bool(crds.evaluate(version, gadget(f"port: {port}\n")).failures)
        for port in ("1", "'1'", "1.0", "true", "1")
    ]
    assert verdicts == [False, True, True, True, False]


def test_a_value_marshal_does_not_take_or_too_large_is_not_cached(
    version: crds.CrdVersion, cache: crds.EvaluationCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache.key(object()) is None
    assert cache.key({"a": [1.5, None, "x"]}) is not None
    item = {"name": "a", "weight": 1, "ratio": 0.5}
    size = len(cache.key(item) or b"")
    monkeypatch.setattr(cache, "max_value_bytes", size)
    assert cache.key("x" * size) is None
    same = "{name: a, weight: 1, ratio: 0.5}"
    crds.evaluate(version, gadget(parts(same, same)))
    assert cache.hits == 2 and len(cache) == 2  # the items are small enough; the spec is not
    monkeypatch.setattr(cache, "max_value_bytes", size - 1)
    cache.clear()
    crds.evaluate(version, gadget(parts(same, same)))
    assert cache.hits == 0 and len(cache) == 0


def test_the_cache_keeps_to_its_size_least_recently_used_out(version: crds.CrdVersion) -> None:
    shape = version.shape()
    rule = next(iter(version.rules_at(shape.properties["spec"][1], ("properties", "spec"))))
    outcome = crds._Outcome(3, None)
    cache = crds.EvaluationCache(max_bytes=2 * (crds._ENTRY_BYTES + 1))
    for key in (b"a", b"b"):
        cache.put(rule, shape, key, outcome)
    assert cache.get(rule, shape, b"a") == outcome  # now the most recently used
    cache.put(rule, shape, b"c", outcome)
    assert len(cache) == 2 and cache.get(rule, shape, b"b") is None
    assert cache.get(rule, shape, b"a") == outcome == cache.get(rule, shape, b"c")
    assert cache.get(rule, version.shape().properties["spec"][1], b"a") is None  # another shape


def test_a_budget_runs_out_at_the_same_rule_and_step_whatever_the_cache_holds(
    version: crds.CrdVersion,
) -> None:
    value = gadget(parts(*["{name: a, weight: 0, ratio: 0.5}", "{name: b, weight: 3, ratio: 0.5}"] * 3))
    total = uncached(version, value).steps
    assert total > 100
    exhausted = 0
    for limit in range(total + 2):
        expected = uncached(version, value, limit)
        exhausted += expected.exhausted is not None
        crds.EVALUATION_CACHE.clear()
        assert crds.evaluate(version, value, limit) == expected, limit  # filling the cache as it goes
        crds.evaluate(version, value)
        assert crds.evaluate(version, value, limit) == expected, limit  # replaying every pair
    assert exhausted == total


def test_only_completed_evaluations_are_cached(version: crds.CrdVersion, cache: crds.EvaluationCache) -> None:
    value = gadget(parts("{name: a, weight: 0, ratio: 0.5}"))
    evaluation = crds.evaluate(version, value, 5)
    assert evaluation.exhausted is not None and evaluation.exhausted[0] == ("spec",)
    assert len(cache) == 0
    assert crds.evaluate(version, value) == uncached(version, value)


def test_rules_of_absent_levels_never_run(version: crds.CrdVersion, cache: crds.EvaluationCache) -> None:
    cache.enabled = False
    crds.evaluate(version, gadget("{}\n"))
    assert cache.evaluations == 1  # the spec rule; no port, parts or labels
    crds.evaluate(version, gadget("port: 1\nlabels: {a: x, b: z}\n" + parts("{weight: 1}")))
    assert cache.evaluations == 1 + (1 + 1 + 2 + 2)  # spec, port, labels.a and .b, the item's two


def test_charging_a_replayed_evaluation_runs_out_as_spending_it_would() -> None:
    for limit in range(2, 9):
        spent, charged = cel_program.Budget(limit, 2), cel_program.Budget(limit, 2)
        try:
            for _ in range(4):
                spent.spend()
        except cel_program.BudgetExceededError:
            with pytest.raises(cel_program.BudgetExceededError):
                charged.charge(4)
        else:
            charged.charge(4)
        assert charged.used == spent.used
