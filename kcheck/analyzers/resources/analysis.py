"""Per namespace: the LimitRanges and ResourceQuotas of the input, every workload's pods as admission
leaves them (defaults, rejections, QoS class), and each quota's usage at declared replicas and at the
HorizontalPodAutoscalers' maximum. The rules (KC7xx) and `kcheck resources` both read this one result.

What counts against a quota (assumptions, documented in docs/resources.md):
- a workload's pods: Deployment, ReplicaSet, StatefulSet and ReplicationController `replicas` (1 when
  unset), a Job's `parallelism` (at most its `completions`; 0 when suspended), one Job per CronJob, a
  DaemonSet's pods on `nodes` nodes (an option: manifests do not say how many nodes a cluster has), one per
  Pod; at the worst case, an HPA's `maxReplicas` replaces the replicas of the workload it scales;
- the PersistentVolumeClaims of the input, and a StatefulSet's claim templates once per replica;
- one of each namespaced object of the input for object counts (`count/<resource>.<group>`, `services`,
  `configmaps`, ...), Services' node ports and load balancers;
- nothing else: objects the cluster already holds, and objects controllers create (ReplicaSets of a
  Deployment, Jobs of a CronJob beyond one), are not in the manifests.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.resources.admission import (
    EffectivePod,
    LimitItem,
    QoSClass,
    Rejection,
    admit,
    admit_claim,
    limit_items,
    qos_class,
)
from kcheck.analyzers.resources.demand import ClaimDemand, Invalid, PodDemand, Resources
from kcheck.analyzers.resources.quota import (
    LEGACY_COUNTS,
    Quota,
    claim_usage,
    count_name,
    guess_resource,
    matches_pod,
    missing_for_quota,
    pod_usage,
    quota_of,
    service_usage,
)
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.location import ObjectPath
from kcheck.inventory.inventory import Inventory
from kcheck.kube.quantity import format_quantity
from kcheck.model.base import K8sObject, group_of
from kcheck.model.networking import Service
from kcheck.model.policy import HorizontalPodAutoscaler, LimitRange, ResourceQuota

FAMILY_NAME = "resources"


@dataclass(frozen=True, slots=True)
class Charge:
    """What one object adds to a quota resource: `count` pods (or objects) of `each`."""

    obj: K8sObject
    count: int
    each: Fraction

    @property
    def total(self) -> Fraction:
        return self.each * self.count


@dataclass(slots=True)
class QuotaUsage:
    quota: Quota
    used: Resources = field(default_factory=dict)  # at declared replicas
    used_at_max: Resources = field(default_factory=dict)  # at the HPAs' maxReplicas
    charges: dict[str, list[Charge]] = field(default_factory=dict)  # by resource, at declared replicas
    charges_at_max: dict[str, list[Charge]] = field(default_factory=dict)

    def charge(self, resource: str, charge: Charge, at_max: Charge) -> None:
        if resource not in self.quota.hard:
            return
        for used, charges, one in (
            (self.used, self.charges, charge),
            (self.used_at_max, self.charges_at_max, at_max),
        ):
            used[resource] = used.get(resource, Fraction(0)) + one.total
            if one.count:
                charges.setdefault(resource, []).append(one)


@dataclass(frozen=True, slots=True)
class QuotaConstraint:
    """A quota that rejects the workload's pods: containers (by index) lacking what it tracks."""

    quota: Quota
    containers: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(slots=True)
class WorkloadResources:
    obj: K8sObject
    namespace: str
    pod: EffectivePod
    qos: QoSClass
    replicas: int
    max_replicas: int
    autoscaler: HorizontalPodAutoscaler | None
    usage: Resources  # of one pod, in quota resource names
    quotas: list[Quota] = field(default_factory=list)  # the quotas its pods are charged to
    constraints: list[QuotaConstraint] = field(default_factory=list)
    claim_rejections: list[Rejection] = field(default_factory=list)


@dataclass(slots=True)
class ClaimResources:
    obj: K8sObject
    claim: ClaimDemand
    rejections: list[Rejection]


@dataclass(slots=True)
class NamespaceResources:
    name: str
    limit_ranges: list[LimitRange] = field(default_factory=list)
    limit_items: list[LimitItem] = field(default_factory=list)
    quotas: list[QuotaUsage] = field(default_factory=list)
    workloads: list[WorkloadResources] = field(default_factory=list)
    claims: list[ClaimResources] = field(default_factory=list)
    # Quantities that do not parse, with the object they are in: the results that need them are partial.
    invalid: list[tuple[K8sObject, Invalid]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Settings:
    nodes: int = 1  # nodes a DaemonSet runs on
    pod_level_resources: bool = True  # the target version honours pod-level `spec.resources`


def pod_level_resources_supported(kubernetes_version: str) -> bool:
    """Pod-level resources (feature PodLevelResources) are beta and on by default from Kubernetes 1.34;
    before, the API server drops `spec.resources` from pods."""
    major, minor = (int(part) for part in kubernetes_version.split(".")[:2])
    return (major, minor) >= (1, 34)


# `kcheck resources` reads the analysis for its report after the rules have read it for their findings:
# the last one is kept, not computed twice.
@functools.lru_cache(maxsize=1)
def analyse(inventory: Inventory, settings: Settings) -> dict[str, NamespaceResources]:
    """Every namespace with workloads, claims, LimitRanges or ResourceQuotas, by name (computed once per
    inventory and settings; treat as read-only)."""
    namespaces: dict[str, NamespaceResources] = {}

    def namespace(obj: K8sObject) -> NamespaceResources:
        name = inventory.namespace_of(obj) or inventory.default_namespace
        if name not in namespaces:
            namespaces[name] = NamespaceResources(name)
        return namespaces[name]

    for obj in inventory.of_kind("", "LimitRange"):
        if isinstance(obj, LimitRange):
            found = namespace(obj)
            invalid: list[Invalid] = []
            found.limit_ranges.append(obj)
            found.limit_items += limit_items(obj, invalid)
            found.invalid += [(obj, problem) for problem in invalid]
    for obj in inventory.of_kind("", "ResourceQuota"):
        if isinstance(obj, ResourceQuota):
            found = namespace(obj)
            invalid = []
            found.quotas.append(QuotaUsage(quota_of(obj, invalid)))
            found.invalid += [(obj, problem) for problem in invalid]
    autoscalers = _autoscalers(inventory)
    for obj, fact in inventory.objects_with_facts(FAMILY_NAME):
        found = namespace(obj)
        if isinstance(fact, PodDemand):
            found.invalid += [(obj, problem) for problem in fact.invalid]
            found.workloads.append(_workload(obj, fact, found, autoscalers, settings))
        elif isinstance(fact, ClaimDemand):
            found.invalid += [(obj, problem) for problem in fact.invalid]
            found.claims.append(ClaimResources(obj, fact, admit_claim(fact, found.limit_items)))
    for found in namespaces.values():
        _charge(found, inventory)
    return namespaces


def _autoscalers(inventory: Inventory) -> dict[tuple[str | None, str, str, str], HorizontalPodAutoscaler]:
    """HPAs by (namespace, group, kind, name) of the workload they scale; the first one wins."""
    found: dict[tuple[str | None, str, str, str], HorizontalPodAutoscaler] = {}
    for obj in inventory.of_kind("autoscaling", "HorizontalPodAutoscaler"):
        target = obj.spec.scale_target_ref if isinstance(obj, HorizontalPodAutoscaler) and obj.spec else None
        if isinstance(obj, HorizontalPodAutoscaler) and target is not None and target.kind and target.name:
            key = (inventory.namespace_of(obj), group_of(target.api_version), target.kind, target.name)
            found.setdefault(key, obj)
    return found


def _workload(
    obj: K8sObject,
    demand: PodDemand,
    namespace: NamespaceResources,
    autoscalers: dict[tuple[str | None, str, str, str], HorizontalPodAutoscaler],
    settings: Settings,
) -> WorkloadResources:
    pod = admit(demand, namespace.limit_items, settings.pod_level_resources)
    qos = qos_class(pod)
    replicas = settings.nodes if demand.replicas is None else demand.replicas
    autoscaler = autoscalers.get((namespace.name, obj.group, obj.kind or "", obj.metadata.name or ""))
    maximum = replicas
    if autoscaler is not None and autoscaler.spec is not None and autoscaler.spec.max_replicas is not None:
        maximum = max(autoscaler.spec.max_replicas, 0)
    result = WorkloadResources(obj, namespace.name, pod, qos, replicas, maximum, autoscaler, pod_usage(pod))
    for usage in namespace.quotas:
        if matches_pod(usage.quota, pod, qos == "BestEffort"):
            result.quotas.append(usage.quota)
            missing = missing_for_quota(usage.quota.hard, pod)
            if missing:
                containers = tuple((index, tuple(names)) for index, names in missing)
                result.constraints.append(QuotaConstraint(usage.quota, containers))
    for claim in demand.claims:
        result.claim_rejections += admit_claim(claim, namespace.limit_items)
    return result


def _charge(namespace: NamespaceResources, inventory: Inventory) -> None:
    """Each quota's usage: the workloads' pods and claim templates, then the objects of the namespace."""
    if not namespace.quotas:
        return
    for workload in namespace.workloads:
        charged = {id(quota) for quota in workload.quotas}
        for usage in namespace.quotas:
            if id(usage.quota) in charged:
                for resource, each in workload.usage.items():
                    declared = Charge(workload.obj, workload.replicas, each)
                    usage.charge(resource, declared, Charge(workload.obj, workload.max_replicas, each))
        for claim in workload.pod.demand.claims:
            _charge_object(
                namespace, workload.obj, claim_usage(claim), workload.replicas, workload.max_replicas
            )
    for standalone in namespace.claims:
        _charge_object(namespace, standalone.obj, claim_usage(standalone.claim), 1, 1)
    info = inventory.namespaces.get(namespace.name)
    for obj in info.objects if info is not None else []:
        _charge_object(namespace, obj, _object_usage(obj, inventory), 1, 1)


def _charge_object(
    namespace: NamespaceResources, obj: K8sObject, usage: Resources, count: int, at_max: int
) -> None:
    """Object usage goes to the quotas without scopes (scoped quotas track pods only)."""
    for quota_usage in namespace.quotas:
        if not quota_usage.quota.scoped:
            for resource, each in usage.items():
                quota_usage.charge(resource, Charge(obj, count, each), Charge(obj, at_max, each))


def _object_usage(obj: K8sObject, inventory: Inventory) -> Resources:
    """What one object of the input counts by itself: `count/<resource>[.<group>]`, the legacy count name of
    its kind, and a Service's node ports and load balancer. Pods and claims are counted with their owners."""
    group, kind = obj.group, obj.kind or ""
    if (group, kind) in (("", "Pod"), ("", "PersistentVolumeClaim")):
        return {}
    crd = inventory.crds.definition(group, kind)
    names = crd.spec.names if crd is not None and crd.spec is not None else None
    plural = (names.plural if names is not None else None) or _PLURALS.get(kind) or guess_resource(kind)
    usage: Resources = {count_name(group, plural): Fraction(1)}
    legacy = LEGACY_COUNTS.get((group, kind))
    if legacy is not None:
        usage[legacy] = Fraction(1)
    if isinstance(obj, Service) and obj.spec is not None:
        spec = obj.spec
        explicit = sum(1 for port in spec.ports if port.node_port)
        usage.update(
            service_usage(spec.type, len(spec.ports), explicit, spec.allocate_load_balancer_node_ports)
        )
    return usage


# Built-in kinds whose resource name is not the guessed plural.
_PLURALS = {"Endpoints": "endpoints"}


def largest(charges: Iterable[Charge], count: int = 3) -> list[Charge]:
    """The biggest consumers first (file order among equals)."""
    return sorted(charges, key=lambda charge: -charge.total)[:count]


@dataclass(frozen=True, slots=True)
class Overage:
    quota: Quota
    resource: str
    used: Fraction
    hard: Fraction
    charges: list[Charge]


def overages(namespace: NamespaceResources, at_max: bool) -> Iterator[Overage]:
    """The quota resources whose usage exceeds `hard`, at declared replicas or at the HPAs' maximum."""
    for usage in namespace.quotas:
        used = usage.used_at_max if at_max else usage.used
        charges = usage.charges_at_max if at_max else usage.charges
        for resource, hard in usage.quota.hard.items():
            total = used.get(resource, Fraction(0))
            if total > hard:
                yield Overage(usage.quota, resource, total, hard, charges.get(resource, []))


def overage_violation(namespace: NamespaceResources, overage: Overage) -> Violation:
    """The finding of KC704 and KC705: on the quota's exceeded limit, the largest consumers related."""
    consumers, related = describe(overage)
    args = {
        "namespace": namespace.name,
        "resource": overage.resource,
        "used": format_quantity(overage.used, overage.resource),
        "hard": format_quantity(overage.hard, overage.resource),
        "quota": overage.quota.name,
        "consumers": consumers,
    }
    return Violation(("spec", "hard", overage.resource), args, related)


def describe(overage: Overage) -> tuple[str, tuple[RelatedViolation, ...]]:
    """The largest consumers as a message part (`Deployment web: 3 x 500m`, with a multiplication sign)
    and as related locations."""
    parts: list[str] = []
    related: list[RelatedViolation] = []
    for charge in largest(overage.charges):
        each = format_quantity(charge.each, overage.resource)
        name = f"{charge.obj.kind} {charge.obj.metadata.name}"
        parts.append(f"{name}: {charge.count} × {each}" if charge.count != 1 else f"{name}: {each}")
        path: ObjectPath = ("spec", "replicas") if charge.obj.kind in _REPLICATED else ()
        related.append(
            RelatedViolation(
                charge.obj, path, f"{name} uses {format_quantity(charge.total, overage.resource)}"
            )
        )
    rest = len(overage.charges) - len(parts)
    if rest > 0:
        parts.append(f"and {rest} more")
    return ", ".join(parts) or "nothing in the input uses it", tuple(related)


_REPLICATED = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


class UsageOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: int = Field(
        default=1,
        ge=0,
        description="Nodes a DaemonSet runs on (one pod each): manifests do not say how many nodes the "
        "cluster has.",
    )
