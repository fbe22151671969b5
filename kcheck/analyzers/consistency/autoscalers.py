"""What a HorizontalPodAutoscaler scales and measures: its target, resolved in its namespace, and the
resources whose utilization it computes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.consistency.facts import WorkloadFacts
from kcheck.analyzers.consistency.index import FAMILY_NAME, Index
from kcheck.core.location import ObjectPath
from kcheck.model.base import K8sObject, group_of
from kcheck.model.kinds import BUILTIN_GROUPS
from kcheck.model.policy import HorizontalPodAutoscaler


@dataclass(frozen=True, slots=True)
class Target:
    autoscaler: HorizontalPodAutoscaler
    namespace: str
    kind: str
    name: str
    obj: K8sObject | None  # None: not in the input
    facts: WorkloadFacts | None  # the target's pods, when it is a workload of the input
    # scaleTargetRef has no apiVersion: the controller looks the kind up in the core group, and fails.
    no_api_version: bool = False


def autoscalers(index: Index) -> Iterator[Target]:
    inventory = index.inventory
    for hpa in inventory.of_kind("autoscaling", "HorizontalPodAutoscaler"):
        if not isinstance(hpa, HorizontalPodAutoscaler) or hpa.spec is None:
            continue
        ref = hpa.spec.scale_target_ref
        if ref is None or not ref.kind or not ref.name:
            continue
        namespace = inventory.namespace_of(hpa) or inventory.default_namespace
        if not ref.api_version:
            yield Target(hpa, namespace, ref.kind, ref.name, None, None, no_api_version=True)
            continue
        obj = _find(index, namespace, group_of(ref.api_version), ref.kind, ref.name, hpa.file_path)
        facts = inventory.facts_of(FAMILY_NAME, obj) if obj is not None else None
        yield Target(
            hpa, namespace, ref.kind, ref.name, obj, facts if isinstance(facts, WorkloadFacts) else None
        )


def _find(index: Index, namespace: str, group: str, kind: str, name: str, near: str) -> K8sObject | None:
    """A built-in kind is one object whatever group its manifest uses (`extensions` or `apps`)."""
    served = BUILTIN_GROUPS.get(kind, ())
    for candidate in served if group in served else (group,):
        found = index.find(namespace, candidate, kind, name, near)
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class UtilizationMetric:
    resource: str
    container: str | None  # a ContainerResource metric measures one container
    path: ObjectPath


def utilization_metrics(hpa: HorizontalPodAutoscaler) -> Iterator[UtilizationMetric]:
    """autoscaling/v2 `Resource` and `ContainerResource` metrics with a `Utilization` target, and
    autoscaling/v1 `targetCPUUtilizationPercentage`."""
    spec = hpa.raw.get("spec")
    if not isinstance(spec, dict):
        return
    if spec.get("targetCPUUtilizationPercentage") is not None:
        yield UtilizationMetric("cpu", None, ("spec", "targetCPUUtilizationPercentage"))
    metrics = spec.get("metrics")
    for index, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict):
            continue
        for key, field in (("Resource", "resource"), ("ContainerResource", "containerResource")):
            source = metric.get(field)
            if metric.get("type") != key or not isinstance(source, dict):
                continue
            target = source.get("target")
            utilization = isinstance(target, dict) and target.get("type") == "Utilization"
            legacy = source.get("targetAverageUtilization") is not None  # autoscaling/v2beta1
            name = source.get("name")
            if (utilization or legacy) and isinstance(name, str):
                container = source.get("container") if field == "containerResource" else None
                yield UtilizationMetric(
                    name, container if isinstance(container, str) else None, ("spec", "metrics", index, field)
                )
