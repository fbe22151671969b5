"""Quotas, limits, disruption budgets, autoscalers, priority classes and namespaces."""

from __future__ import annotations

from pydantic import Field

from kcheck.model.base import Integer, IntOrString, K8sObject, KubeModel, NullableList, Quantity
from kcheck.model.workloads import LabelSelector


class ScopedResourceSelectorRequirement(KubeModel):
    scope_name: str | None = None
    operator: str | None = None
    values: NullableList[str] = Field(default_factory=list)


class ScopeSelector(KubeModel):
    match_expressions: NullableList[ScopedResourceSelectorRequirement] = Field(default_factory=list)


class ResourceQuotaSpec(KubeModel):
    hard: dict[str, Quantity] | None = None
    scopes: NullableList[str] = Field(default_factory=list)
    scope_selector: ScopeSelector | None = None


class ResourceQuota(K8sObject):
    spec: ResourceQuotaSpec | None = None


class LimitRangeItem(KubeModel):
    type: str | None = None
    max: dict[str, Quantity] | None = None
    min: dict[str, Quantity] | None = None
    default: dict[str, Quantity] | None = None
    default_request: dict[str, Quantity] | None = None
    max_limit_request_ratio: dict[str, Quantity] | None = None


class LimitRangeSpec(KubeModel):
    limits: NullableList[LimitRangeItem] = Field(default_factory=list)


class LimitRange(K8sObject):
    spec: LimitRangeSpec | None = None


class PodDisruptionBudgetSpec(KubeModel):
    min_available: IntOrString | None = None
    max_unavailable: IntOrString | None = None
    # policy/v1: a null selector selects no pods, an empty one every pod of the namespace.
    selector: LabelSelector | None = None
    unhealthy_pod_eviction_policy: str | None = None


class PodDisruptionBudget(K8sObject):
    spec: PodDisruptionBudgetSpec | None = None


class CrossVersionObjectReference(KubeModel):
    api_version: str | None = None
    kind: str | None = None
    name: str | None = None


class MetricSpec(KubeModel):
    """autoscaling/v2 metric; the source (`resource`, `pods`, `object`, `external`) stays an extra."""

    type: str | None = None


class HorizontalPodAutoscalerSpec(KubeModel):
    scale_target_ref: CrossVersionObjectReference | None = None
    min_replicas: Integer | None = None
    max_replicas: Integer | None = None
    target_cpu_utilization_percentage: Integer | None = Field(
        default=None, alias="targetCPUUtilizationPercentage"
    )  # autoscaling/v1
    metrics: NullableList[MetricSpec] = Field(default_factory=list)  # autoscaling/v2


class HorizontalPodAutoscaler(K8sObject):
    spec: HorizontalPodAutoscalerSpec | None = None


class PriorityClass(K8sObject):
    value: Integer | None = None
    global_default: bool | None = None
    preemption_policy: str | None = None
    description: str | None = None


class Namespace(K8sObject):
    """A namespace; its labels are what namespace selectors match (plus `kubernetes.io/metadata.name`)."""
