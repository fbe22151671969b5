"""Label selectors behave as apimachinery's labels.Selector built by metav1.LabelSelectorAsSelector."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcheck.inventory.selectors import (
    EVERYTHING,
    NOTHING,
    Selector,
    SelectorError,
    compile_selector,
    selector_from_map,
)
from kcheck.model.workloads import LabelSelector


def compiled(raw: dict[str, Any] | None) -> Selector:
    selector = compile_selector(None if raw is None else LabelSelector.model_validate(raw))
    assert isinstance(selector, Selector), selector
    return selector


@pytest.mark.parametrize(
    ("raw", "labels", "expected"),
    [
        (None, {}, False),
        (None, {"app": "web"}, False),
        ({}, {}, True),
        ({"matchLabels": {}, "matchExpressions": []}, {"x": "y"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "fe"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "db"}, False),
        ({"matchLabels": {"app": "web"}}, {}, False),
        ({"matchExpressions": [{"key": "env", "operator": "In", "values": ["a", "b"]}]}, {"env": "b"}, True),
        ({"matchExpressions": [{"key": "env", "operator": "In", "values": ["a"]}]}, {}, False),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["a"]}]}, {}, True),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["a"]}]}, {"env": "a"}, False),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["a"]}]}, {"env": "c"}, True),
        ({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, {"env": ""}, True),
        ({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, {}, True),
        ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, {"env": "a"}, False),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["x"]}],
            },
            {"app": "web", "env": "x"},
            False,
        ),
    ],
)
def test_matching(raw: dict[str, Any] | None, labels: dict[str, str], expected: bool) -> None:
    assert compiled(raw).matches(labels) is expected


def test_null_and_empty_selectors_are_the_shared_constants() -> None:
    assert compiled(None) is NOTHING
    assert compiled({}) is EVERYTHING
    assert EVERYTHING.matches_everything
    assert not NOTHING.matches_everything


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (
            {"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]},
            SelectorError('"in" is not a valid label selector operator', ("matchExpressions", 0, "operator")),
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "In"}]},
            SelectorError(
                "for 'In' and 'NotIn' operators, values set can't be empty", ("matchExpressions", 0, "values")
            ),
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
            SelectorError(
                "values set must be empty for 'Exists' and 'DoesNotExist' operators",
                ("matchExpressions", 0, "values"),
            ),
        ),
        (
            {"matchLabels": {"app": "has space"}},
            SelectorError(
                'invalid label value "has space": it must be 63 characters or less, begin and end with an '
                "alphanumeric character, and contain only alphanumerics, '-', '_' and '.'",
                ("matchLabels", "app"),
            ),
        ),
        (
            {"matchLabels": {"Bad_Prefix/app": "x"}},
            SelectorError(
                'invalid label key "Bad_Prefix/app": the prefix must be a DNS subdomain',
                ("matchLabels", "Bad_Prefix/app"),
            ),
        ),
    ],
)
def test_invalid_selectors_are_errors_not_exceptions(raw: dict[str, Any], error: SelectorError) -> None:
    assert compile_selector(LabelSelector.model_validate(raw)) == error


def test_prefixed_keys_and_map_selectors() -> None:
    assert compiled({"matchLabels": {"app.kubernetes.io/name": "web"}}).matches(
        {"app.kubernetes.io/name": "web"}
    )
    selector = selector_from_map({"app": "web"})
    assert isinstance(selector, Selector)
    assert selector.matches({"app": "web"})
    assert selector_from_map({}) is EVERYTHING


keys = st.sampled_from(["a", "b", "c"])
values = st.sampled_from(["x", "y", "z"])
label_sets = st.dictionaries(keys, values, max_size=3)
expressions = st.one_of(
    st.fixed_dictionaries(
        {
            "key": keys,
            "operator": st.sampled_from(["In", "NotIn"]),
            "values": st.lists(values, min_size=1, max_size=2),
        }
    ),
    st.fixed_dictionaries({"key": keys, "operator": st.sampled_from(["Exists", "DoesNotExist"])}),
)
selectors = (
    st.fixed_dictionaries({"matchLabels": label_sets, "matchExpressions": st.lists(expressions, max_size=3)})
    | st.none()
)


def reference_matches(raw: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """The definition, written out: null matches nothing; otherwise every requirement must hold."""
    if raw is None:
        return False
    if any(labels.get(key) != value for key, value in raw["matchLabels"].items()):
        return False
    for expression in raw["matchExpressions"]:
        key, operator = expression["key"], expression["operator"]
        if operator == "In" and not (key in labels and labels[key] in expression["values"]):
            return False
        if operator == "NotIn" and key in labels and labels[key] in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


@given(selectors, label_sets)
def test_matching_agrees_with_the_reference(raw: dict[str, Any] | None, labels: dict[str, str]) -> None:
    assert compiled(raw).matches(labels) is reference_matches(raw, labels)
