"""The schema family (KC5xx): every object against the Kubernetes API of the target version (bundled
schemas, API lifecycle), custom resources against their CRDs (schemas and CEL validation rules), and the
CRDs themselves."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType

from kcheck.analyzers.family import Dispatch, Enabled, Family, ObjectRule, Result
from kcheck.analyzers.schema import (
    crd_validation_cost_exceeded,
    crd_validation_rule_failed,
    crd_validation_rule_skipped,
    deprecated_api_version,
    invalid_crd_validation_rule,
    non_structural_crd_schema,
    removed_api_version,
    schema_violation,
    unknown_field,
    unvalidated_kind,
)
from kcheck.analyzers.schema.analysis import ObjectAnalysis, SchemaRun
from kcheck.analyzers.schema.api_versions import builtin_groups
from kcheck.analyzers.schema.crd import rule_locations
from kcheck.core.location import ObjectPath
from kcheck.inventory.context import AnalysisContext
from kcheck.inventory.inventory import Inventory
from kcheck.model.base import K8sObject, group_of
from kcheck.model.crd import CustomResourceDefinition

RULES: tuple[ObjectRule, ...] = tuple(
    ObjectRule(module.RULE, module.check)
    for module in (
        schema_violation,
        unknown_field,
        deprecated_api_version,
        removed_api_version,
        non_structural_crd_schema,
        crd_validation_rule_failed,
        invalid_crd_validation_rule,
        crd_validation_rule_skipped,
        crd_validation_cost_exceeded,
    )
)
_INVENTORY_MODULES: tuple[ModuleType, ...] = (unvalidated_kind,)


@dataclass(frozen=True)
class _State:
    run: SchemaRun
    dispatch: Dispatch


def _prepare(context: AnalysisContext, enabled: Enabled) -> _State:
    return _State(SchemaRun.of(context), Dispatch(RULES, enabled))


def _check_objects(state: _State, objects: Sequence[K8sObject], enabled: Enabled) -> Iterator[Result]:
    for obj in objects:
        yield from state.dispatch.run(obj, ObjectAnalysis(obj, state.run), enabled)


def _check_inventory(state: _State, inventory: Inventory, enabled: Enabled) -> Iterator[Result]:
    for module in _INVENTORY_MODULES:
        if module.RULE.id in enabled:
            for target, violation in module.check(state.run, inventory, enabled[module.RULE.id]):
                yield module.RULE.id, target, violation


def _needs_run_context(obj: K8sObject, enabled: Enabled) -> Collection[str]:
    # A kind of Kubernetes' own API groups is never a custom resource, even one the target version no longer
    # serves (an apiextensions.k8s.io/v1beta1 CRD): only the kinds of other groups wait for the CRDs, with
    # all of the family's rules (a custom resource's schema is its CRD's).
    return () if group_of(obj.api_version) in builtin_groups() else enabled.keys()


def _cross_file_paths(obj: K8sObject, fact: object | None = None) -> Iterator[ObjectPath]:
    # A custom resource's KC507/KC510 finding points at the rule in its CRD, which may be in another file.
    if isinstance(obj, CustomResourceDefinition):
        yield from rule_locations(obj)


FAMILY = Family(
    name="schema",
    rules=(*(rule.spec for rule in RULES), *(module.RULE for module in _INVENTORY_MODULES)),
    check_objects=_check_objects,
    check_inventory=_check_inventory,
    prepare=_prepare,
    needs_run_context=_needs_run_context,
    cross_file_paths=_cross_file_paths,
)
