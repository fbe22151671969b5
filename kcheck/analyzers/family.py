"""What an analyzer family gives the engine: its rules and its analysis, in one `Family` value.

A family is the engine's unit. The engine hands it the run's context and the set of its rules that are
enabled (rule id -> options), and the family computes what those rules share once and yields
`(rule id, target, violation)` results. Two entry points exist because the engine runs two stages:

- `check_objects` sees the objects of one file while the file is parsed (in a worker process with
  `--jobs`); per-object rules live here. It runs the rules of `enabled` it is given, which may be fewer
  than `prepare` saw: `needs_run_context` names the rules that can only check an object once every file's
  CustomResourceDefinitions and labelled Namespaces are known, and the engine runs those on it later.
- `check_inventory` sees the whole inventory once per run, in the main process: cross-object analyses
  (duplicates, unknown kinds, and later NetworkPolicy and RBAC graphs) live here.

`prepare` runs once per run and process before either: what a family computes for the whole run (its view
of the CRDs, compiled policies) is its return value, which both entry points receive. Families never import
each other; what two of them need lives below them (`kcheck.cel`, `kcheck.kube`, `kcheck.inventory`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kcheck.core.findings import Locatable, Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import GroupKind, RuleSpec
from kcheck.inventory.context import AnalysisContext
from kcheck.inventory.inventory import Inventory
from kcheck.model.base import K8sObject

# A violation of one rule, with what it is relative to (an object, or a file for input rules).
Result = tuple[str, Locatable, Violation]
# The family's enabled rules: rule id -> the rule's options (None for rules without options).
Enabled = Mapping[str, Any]

Prepare = Callable[[AnalysisContext, Enabled], Any]
ObjectsCheck = Callable[[Any, Sequence[K8sObject], Enabled], Iterable[Result]]
InventoryCheck = Callable[[Any, Inventory, Enabled], Iterable[Result]]
# The ids of the family's enabled rules that can only check an object once the whole input's CRDs and
# Namespaces are known (none: the object is checked at once).
NeedsRunContext = Callable[[K8sObject, Enabled], Collection[str]]


def _context_only(context: AnalysisContext, enabled: Enabled) -> AnalysisContext:
    return context


@dataclass(frozen=True)
class Family:
    name: str
    rules: tuple[RuleSpec, ...]
    check_objects: ObjectsCheck | None = None
    check_inventory: InventoryCheck | None = None
    prepare: Prepare = _context_only
    needs_run_context: NeedsRunContext | None = None
    # Paths of an object that the whole-input stage's findings point at (a CRD's validation rules, about
    # objects in other files; a container's resources, about its namespace's quota): the engine keeps their
    # locations once the object's file is released. It is given the family's own fact of the object (None
    # without one). Asked only when some rule of the family is enabled.
    cross_file_paths: Callable[[K8sObject, object | None], Iterable[ObjectPath]] | None = None
    # What `check_inventory` needs of an object that the inventory does not keep whole, computed in the
    # per-file stage while the object is (small and picklable: it crosses from worker processes). The
    # inventory holds it by object (`Inventory.facts_of`). Asked only when some rule of the family is enabled.
    facts: Callable[[K8sObject], object | None] | None = None
    # The kinds whose typed models `check_inventory` reads (NetworkPolicies, Roles, ...). Of every other
    # object the inventory keeps only apiVersion, kind and metadata, so memory follows the index, not the
    # input.
    inventory_kinds: tuple[GroupKind, ...] = ()


# A per-object rule: `check(obj, analysis, options)`, where `analysis` is what its family computed.
ObjectRuleCheck = Callable[[K8sObject, Any, Any], Iterable[Violation]]


@dataclass(frozen=True, slots=True)
class ObjectRule:
    spec: RuleSpec
    check: ObjectRuleCheck


class Dispatch:
    """The enabled rules of a family by the (group, kind) they apply to, so each object meets only its own:
    a custom resource named `Deployment` in another group never reaches a workload rule."""

    def __init__(self, rules: Sequence[ObjectRule], enabled: Enabled) -> None:
        on = [rule for rule in rules if rule.spec.id in enabled]
        self._universal = [rule for rule in on if not rule.spec.applies_to]
        self._by_kind: dict[GroupKind, list[ObjectRule]] = defaultdict(list)
        for rule in on:
            for group_kind in rule.spec.applies_to:
                self._by_kind[group_kind].append(rule)
        self._enabled = enabled

    def rules_for(self, obj: K8sObject) -> list[ObjectRule]:
        specific = self._by_kind.get((obj.group, obj.kind or ""))
        return [*self._universal, *specific] if specific else self._universal

    def run(self, obj: K8sObject, analysis: Any, enabled: Enabled | None = None) -> Iterator[Result]:
        """The violations of the rules for `obj`; only those of `enabled`, when given."""
        for rule in self.rules_for(obj):
            if enabled is None or rule.spec.id in enabled:
                for violation in rule.check(obj, analysis, self._enabled[rule.spec.id]):
                    yield rule.spec.id, obj, violation
