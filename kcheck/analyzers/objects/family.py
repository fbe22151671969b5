"""The objects family (KC1xx): rules that read one object at a time, through its typed model."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from kcheck.analyzers.family import Dispatch, Enabled, Family, ObjectRule, Result
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
from kcheck.inventory.context import AnalysisContext
from kcheck.model.base import K8sObject


def _rule(module: ModuleType) -> ObjectRule:
    # These rules need nothing but the object and their options.
    check = module.check
    return ObjectRule(module.RULE, lambda obj, _analysis, options: check(obj, options))


RULES: tuple[ObjectRule, ...] = tuple(
    _rule(module)
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


def _prepare(context: AnalysisContext, enabled: Enabled) -> Dispatch:
    return Dispatch(RULES, enabled)


def _check_objects(dispatch: Any, objects: Sequence[K8sObject], enabled: Enabled) -> Iterator[Result]:
    for obj in objects:
        yield from dispatch.run(obj, None)


FAMILY = Family(
    name="objects",
    rules=tuple(rule.spec for rule in RULES),
    check_objects=_check_objects,
    prepare=_prepare,
)
