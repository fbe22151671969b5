"""Label selectors with the semantics of k8s.io/apimachinery (`labels.Selector`,
`metav1.LabelSelectorAsSelector`): compile once, match many.

- `matchLabels` and `matchExpressions` are ANDed; `{}` (no requirement) matches everything.
- A null selector matches nothing. Which one a caller means depends on the field (upstream types):
  * Deployment, ReplicaSet, StatefulSet, DaemonSet, Job `spec.selector`; PodDisruptionBudget (policy/v1)
    `spec.selector`; NetworkPolicyPeer `podSelector`/`namespaceSelector` *when the peer is interpreted*:
    these are pointers, so compile them as they are (`None` -> nothing). A peer that sets only one of the
    two is interpreted by the caller (only `namespaceSelector`: every pod of the selected namespaces; only
    `podSelector`: pods of the policy's own namespace).
  * NetworkPolicy `spec.podSelector` is not a pointer upstream: null is `{}` and selects every pod of the
    namespace. Compile `spec.pod_selector or LabelSelector()`.
  * Service `spec.selector` and ReplicationController `spec.selector` are plain maps: use
    `selector_from_map`. An empty or missing Service selector means "endpoints are managed by hand",
    which the caller must treat as selecting nothing before calling here.
- `In`/`=` needs the key present with one of the values; `NotIn` matches objects that lack the key;
  `Exists`/`DoesNotExist` test presence only.
- An invalid selector (unknown operator, `In` without values, `Exists` with values, a bad key or value)
  is a `SelectorError`, the error `LabelSelectorAsSelector` would return; the API server rejects it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from kcheck.core.location import ObjectPath
from kcheck.model.workloads import LabelSelector

IN, NOT_IN, EXISTS, DOES_NOT_EXIST = "In", "NotIn", "Exists", "DoesNotExist"
_OPERATORS = frozenset({IN, NOT_IN, EXISTS, DOES_NOT_EXIST})

# apimachinery/pkg/util/validation: qualified names and label values.
_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist (matchLabels entries are In with one value)
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        operator = self.operator
        if operator == IN:
            value = labels.get(self.key)
            return value is not None and value in self.values
        if operator == NOT_IN:
            value = labels.get(self.key)
            return value is None or value not in self.values
        if operator == EXISTS:
            return self.key in labels
        return self.key not in labels


@dataclass(frozen=True, slots=True)
class Selector:
    """A compiled selector. `matches_nothing` is the null selector; no requirements match everything."""

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.matches_nothing:
            return False
        return all(requirement.matches(labels) for requirement in self.requirements)

    @property
    def matches_everything(self) -> bool:
        return not self.matches_nothing and not self.requirements


EVERYTHING = Selector()
NOTHING = Selector(matches_nothing=True)


@dataclass(frozen=True, slots=True)
class SelectorError:
    """Why a selector is invalid, and where: `path` is relative to the selector."""

    message: str
    path: ObjectPath


_Expression = tuple[str | None, str | None, tuple[str, ...]]


def compile_selector(selector: LabelSelector | None) -> Selector | SelectorError:
    """metav1.LabelSelectorAsSelector: None matches nothing, `{}` everything."""
    if selector is None:
        return NOTHING
    expressions = tuple((e.key, e.operator, tuple(e.values)) for e in selector.match_expressions)
    return _compile(tuple(selector.match_labels.items()), expressions)


def selector_from_map(labels: Mapping[str, str]) -> Selector | SelectorError:
    """labels.SelectorFromSet, for the plain-map selectors (Service, ReplicationController): `{}` is all."""
    return _compile(tuple(labels.items()), ())


@lru_cache(maxsize=4096)
def _compile(
    match_labels: tuple[tuple[str, str], ...], expressions: tuple[_Expression, ...]
) -> Selector | SelectorError:
    requirements: list[Requirement] = []
    for label, value in match_labels:
        problem = _key_problem(label) or _value_problem(value)
        if problem:
            return SelectorError(problem, ("matchLabels", label))
        requirements.append(Requirement(label, IN, frozenset((value,))))
    for index, (key, operator, values) in enumerate(expressions):
        if operator not in _OPERATORS:
            return SelectorError(
                f"{_quote(operator)} is not a valid label selector operator",
                ("matchExpressions", index, "operator"),
            )
        problem = _key_problem(key or "")
        if problem:
            return SelectorError(problem, ("matchExpressions", index, "key"))
        if operator in (IN, NOT_IN) and not values:
            return SelectorError(
                "for 'In' and 'NotIn' operators, values set can't be empty",
                ("matchExpressions", index, "values"),
            )
        if operator in (EXISTS, DOES_NOT_EXIST) and values:
            return SelectorError(
                "values set must be empty for 'Exists' and 'DoesNotExist' operators",
                ("matchExpressions", index, "values"),
            )
        for value_index, value in enumerate(values):
            problem = _value_problem(value)
            if problem:
                return SelectorError(problem, ("matchExpressions", index, "values", value_index))
        requirements.append(Requirement(key or "", operator, frozenset(values)))
    if not requirements:
        return EVERYTHING
    return Selector(tuple(requirements))


def _key_problem(key: str) -> str | None:
    """validation.IsQualifiedName: an optional DNS subdomain prefix and `/`, then a name of 1-63 chars."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix)):
        return f"invalid label key {_quote(key)}: the prefix must be a DNS subdomain"
    if not name or len(name) > 63 or not _NAME.match(name):
        return (
            f"invalid label key {_quote(key)}: the name must be 63 characters or less, begin and end with an "
            "alphanumeric character, and contain only alphanumerics, '-', '_' and '.'"
        )
    return None


def _value_problem(value: str) -> str | None:
    """validation.IsValidLabelValue: empty, or 63 characters or less of the name alphabet."""
    if value and (len(value) > 63 or not _NAME.match(value)):
        return (
            f"invalid label value {_quote(value)}: it must be 63 characters or less, begin and end with an "
            "alphanumeric character, and contain only alphanumerics, '-', '_' and '.'"
        )
    return None


def _quote(text: str | None) -> str:
    return '""' if text is None else f'"{text}"'
