"""The objects family (KC1xx): rules that read one object at a time, through its typed model.

A rule module defines `RULE` and one of two entry points: `check_workload(workload, options)` for rules
about pods and pod templates, which all read one `WorkloadView` built once per object, or
`check(obj, options)` for the other kinds (Services, Ingresses, PodDisruptionBudgets, metadata).
"""

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
from kcheck.analyzers.objects.view import WorkloadView, workload_view
from kcheck.core.findings import Violation
from kcheck.inventory.context import AnalysisContext
from kcheck.model.base import K8sObject

_NO_VIEW = object()


class _Analysis:
    """What the rules of one object share: its workload view, built on first use."""

    __slots__ = ("_view", "context", "obj")

    def __init__(self, obj: K8sObject, context: AnalysisContext) -> None:
        self.obj, self.context = obj, context
        self._view: object = _NO_VIEW

    @property
    def workload(self) -> WorkloadView | None:
        if self._view is _NO_VIEW:
            self._view = workload_view(self.obj, self.context)
        return self._view  # type: ignore[return-value]


def _workload_check(module: ModuleType) -> Any:
    check = module.check_workload

    def run(obj: K8sObject, analysis: _Analysis, options: Any) -> Iterator[Violation]:
        workload = analysis.workload
        return iter(()) if workload is None else check(workload, options)

    return run


def _rule(module: ModuleType) -> ObjectRule:
    if hasattr(module, "check_workload"):
        return ObjectRule(module.RULE, _workload_check(module))
    check = module.check
    return ObjectRule(module.RULE, lambda obj, _analysis, options: check(obj, options))


RULE_MODULES: tuple[ModuleType, ...] = (
    privileged_container,
    latest_image_tag,
    unset_resource_requests,
    unset_resource_limits,
    host_network,
    host_pid,
    host_ipc,
    run_as_root_allowed,
    # -- security context and capabilities
    # -- host mounts and ports, service accounts, secrets
    # -- resources, probes, images, containers
    # -- reliability, networking, metadata
    # -- Pod Security Standards controls
)
RULES: tuple[ObjectRule, ...] = tuple(_rule(module) for module in RULE_MODULES)


def _prepare(context: AnalysisContext, enabled: Enabled) -> tuple[Dispatch, AnalysisContext]:
    return Dispatch(RULES, enabled), context


def _check_objects(
    state: tuple[Dispatch, AnalysisContext], objects: Sequence[K8sObject], enabled: Enabled
) -> Iterator[Result]:
    dispatch, context = state
    for obj in objects:
        yield from dispatch.run(obj, _Analysis(obj, context))


FAMILY = Family(
    name="objects",
    rules=tuple(rule.spec for rule in RULES),
    check_objects=_check_objects,
    prepare=_prepare,
)
