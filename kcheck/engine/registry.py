"""Every built-in rule, listed explicitly (as yamllint does): importing this module is the whole catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from kcheck.analyzers.input import (
    ambiguous_yaml_scalar,
    duplicate_key,
    duplicate_object,
    empty_input,
    excessive_aliasing,
    excessive_nesting,
    invalid_object_shape,
    non_utf8_encoding,
    oversized_file,
    suppression_without_reason,
    undecodable_file,
    unused_suppression,
    yaml_syntax_error,
)
from kcheck.analyzers.objects import (
    host_ipc,
    host_network,
    host_pid,
    latest_image_tag,
    privileged_container,
    run_as_root_allowed,
    unset_resource_limits,
    unset_resource_requests,
)
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
from kcheck.core.analysis import AnalysisContext
from kcheck.core.findings import Locatable, Violation
from kcheck.core.rules import RuleSpec

INPUT_RULES: tuple[RuleSpec, ...] = tuple(
    module.RULE
    for module in (
        yaml_syntax_error,
        invalid_object_shape,
        unused_suppression,
        suppression_without_reason,
        duplicate_key,
        ambiguous_yaml_scalar,
        duplicate_object,
        empty_input,
        undecodable_file,
        non_utf8_encoding,
        oversized_file,
        excessive_aliasing,
        excessive_nesting,
    )
)

ObjectCheck = Callable[[Any, Any], Iterable[Violation]]


@dataclass(frozen=True, slots=True)
class ObjectRule:
    """A per-object rule: its metadata and `check(obj, options)`."""

    spec: RuleSpec
    check: ObjectCheck


def _object_rule(module: ModuleType) -> ObjectRule:
    return ObjectRule(module.RULE, module.check)


OBJECT_RULES: tuple[ObjectRule, ...] = tuple(
    _object_rule(module)
    for module in (
        privileged_container,
        latest_image_tag,
        unset_resource_requests,
        unset_resource_limits,
        host_network,
        host_pid,
        host_ipc,
        run_as_root_allowed,
    )
)

ContextCheck = Callable[[Any, AnalysisContext, Any], Iterable[Violation]]


@dataclass(frozen=True, slots=True)
class ContextRule:
    """A per-object rule that also needs the run's context (the Kubernetes version): its metadata and
    `check(obj, context, options)`."""

    spec: RuleSpec
    check: ContextCheck


def _context_rule(module: ModuleType) -> ContextRule:
    return ContextRule(module.RULE, module.check)


# The schema family (KC5xx): validation against the Kubernetes API of the target version.
_SCHEMA_MODULES: tuple[ModuleType, ...] = (
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
SCHEMA_RULES: tuple[ContextRule, ...] = tuple(_context_rule(module) for module in _SCHEMA_MODULES)

InventoryCheck = Callable[[Any, AnalysisContext, Any], Iterable[tuple[Locatable, Violation]]]


@dataclass(frozen=True, slots=True)
class InventoryRule:
    """A rule over all objects at once, for findings that stand for many objects (one per unknown kind, the
    others related): its metadata and `check(inventory, context, options)`, yielding (object, violation)."""

    spec: RuleSpec
    check: InventoryCheck


INVENTORY_RULES: tuple[InventoryRule, ...] = tuple(
    InventoryRule(module.RULE, module.check) for module in (unvalidated_kind,)
)

ALL_RULES: tuple[RuleSpec, ...] = tuple(
    sorted(
        (
            *INPUT_RULES,
            *(rule.spec for rule in OBJECT_RULES),
            *(rule.spec for rule in SCHEMA_RULES),
            *(rule.spec for rule in INVENTORY_RULES),
        ),
        key=lambda spec: spec.id,
    )
)
RULES_BY_ID: Mapping[str, RuleSpec] = {spec.id: spec for spec in ALL_RULES}
