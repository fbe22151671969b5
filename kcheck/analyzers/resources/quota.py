"""ResourceQuota as the quota admission plugin evaluates it: which quotas a pod (or another object) is
charged to, what it is charged, and the per-container constraint that rejects pods not saying what a quota
tracks.

Sources: pkg/quota/v1/evaluator/core/pods.go (podComputeUsageHelper, Constraints, podMatchesScopeFunc),
services.go, persistent_volume_claims.go, pkg/quota/v1/generic (object counts) and
plugin/pkg/admission/resourcequota/controller.go.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from kcheck.analyzers.resources.admission import CPU, EPHEMERAL_STORAGE, MEMORY, STORAGE, EffectivePod
from kcheck.analyzers.resources.demand import ClaimDemand, Invalid, Resources, parse_resources
from kcheck.model.policy import ResourceQuota

PODS = "pods"
COUNT_PODS = "count/pods"
# Quota names that make every container say what it needs (the pod evaluator's validationSet).
_CONSTRAINED = frozenset(
    {CPU, MEMORY, f"requests.{CPU}", f"requests.{MEMORY}", f"limits.{CPU}", f"limits.{MEMORY}"}
)
_STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
_ONE = Fraction(1)


@dataclass(frozen=True, slots=True)
class ScopeRequirement:
    scope: str
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quota:
    quota: ResourceQuota
    hard: Resources
    requirements: tuple[ScopeRequirement, ...]  # `scopes` (as Exists) and `scopeSelector`, all ANDed

    @property
    def name(self) -> str:
        return self.quota.metadata.name or "<no name>"

    @property
    def scoped(self) -> bool:
        return bool(self.requirements)


def quota_of(quota: ResourceQuota, invalid: list[Invalid]) -> Quota:
    spec = quota.spec
    hard = parse_resources(spec.hard if spec is not None else None, ("spec", "hard"), invalid)
    requirements = [
        ScopeRequirement(scope, "Exists", ()) for scope in (spec.scopes if spec is not None else [])
    ]
    selector = spec.scope_selector if spec is not None else None
    for expression in selector.match_expressions if selector is not None else []:
        requirements.append(
            ScopeRequirement(expression.scope_name or "", expression.operator or "", tuple(expression.values))
        )
    return Quota(quota, hard, tuple(requirements))


def matches_pod(quota: Quota, pod: EffectivePod, best_effort: bool) -> bool:
    """generic.Matches with podMatchesScopeFunc: the quota tracks something pods use, and every scope
    requirement holds for the pod."""
    if not any(_pod_resource(name) for name in quota.hard):
        return False
    return all(_scope_holds(requirement, pod, best_effort) for requirement in quota.requirements)


def _scope_holds(requirement: ScopeRequirement, pod: EffectivePod, best_effort: bool) -> bool:
    demand = pod.demand
    scope = requirement.scope
    if scope == "Terminating":
        return demand.terminating
    if scope == "NotTerminating":
        return not demand.terminating
    if scope == "BestEffort":
        return best_effort
    if scope == "NotBestEffort":
        return not best_effort
    if scope == "CrossNamespacePodAffinity":
        return demand.cross_namespace_affinity
    if scope == "PriorityClass":
        # A label selector over {"PriorityClass": the pod's class}, which is absent when the pod names none.
        name = demand.priority_class
        operator = requirement.operator
        if operator == "Exists":
            return name is not None
        if operator == "DoesNotExist":
            return name is None
        if operator == "In":
            return name is not None and name in requirement.values
        if operator == "NotIn":
            return name is None or name not in requirement.values
        return False
    return False


def _pod_resource(name: str) -> bool:
    """Whether the pod evaluator tracks a quota resource (its MatchingResources)."""
    return name in (PODS, COUNT_PODS, CPU, MEMORY, EPHEMERAL_STORAGE) or (
        name.startswith(("requests.", "limits.", "hugepages-")) and name != f"requests.{STORAGE}"
    )


def pod_usage(pod: EffectivePod) -> Resources:
    """PodUsageFunc for a pod being created: `pods` and `count/pods`, then podComputeUsageHelper over the
    pod's PodRequests and PodLimits."""
    usage = _compute_usage(pod.requests, pod.limits)
    usage[COUNT_PODS] = _ONE
    return usage


def _compute_usage(requests: Resources, limits: Resources) -> Resources:
    """podComputeUsageHelper: requests as both `<r>` and `requests.<r>` for cpu, memory and
    ephemeral-storage, limits as `limits.<r>`; hugepages as `<r>` and `requests.<r>`; extended resources
    only as `requests.<r>`."""
    usage: Resources = {PODS: _ONE}
    for resource in (CPU, MEMORY, EPHEMERAL_STORAGE):
        if resource in requests:
            usage[resource] = usage[f"requests.{resource}"] = requests[resource]
        if resource in limits:
            usage[f"limits.{resource}"] = limits[resource]
    for resource, value in requests.items():
        if resource.startswith("hugepages-"):
            usage[resource] = usage[f"requests.{resource}"] = value
        elif _extended(resource):
            usage[f"requests.{resource}"] = value
    return usage


def _extended(resource: str) -> bool:
    """IsExtendedResourceName: a qualified name outside the `kubernetes.io/` namespace, not `requests.`."""
    return "/" in resource and "kubernetes.io/" not in resource and not resource.startswith("requests.")


def missing_for_quota(hard: Iterable[str], pod: EffectivePod) -> list[tuple[int, list[str]]]:
    """Constraints: when a quota tracks cpu or memory (requests or limits), every container and init
    container must set it, unless the pod sets pod-level resources. The containers (index in
    `pod.containers`) that do not, with what they miss."""
    required = _CONSTRAINED.intersection(hard)
    missing: list[tuple[int, list[str]]] = []
    if not required or pod.pod_level_set:
        return missing
    for index, container in enumerate(pod.containers):
        has = set(_compute_usage(container.requests, container.limits))
        lacking = sorted(required - has)
        if lacking:
            missing.append((index, lacking))
    return missing


def constraint_message(pod: EffectivePod, missing: list[tuple[int, list[str]]]) -> str:
    """The error of Constraints: `must specify limits.cpu for: app,worker; requests.memory for: app`."""
    by_resource: dict[str, list[str]] = {}
    for index, names in missing:
        for name in names:
            by_resource.setdefault(name, []).append(pod.containers[index].demand.name)
    parts = [
        f"{name} for: {','.join(sorted(containers))}" for name, containers in sorted(by_resource.items())
    ]
    return f"must specify {'; '.join(parts)}"


def claim_usage(claim: ClaimDemand) -> Resources:
    """A PersistentVolumeClaim's usage: the claim count and its storage request, in total and for its
    StorageClass when it names one (a claim without a class gets the cluster's default class at admission,
    which manifests do not tell)."""
    usage: Resources = {"persistentvolumeclaims": _ONE, "count/persistentvolumeclaims": _ONE}
    storage = claim.requests.get(STORAGE)
    if storage is not None:
        storage = Fraction(math.ceil(storage))  # counted in whole bytes
    if storage is not None:
        usage[f"requests.{STORAGE}"] = storage
    if claim.storage_class:
        prefix = f"{claim.storage_class}{_STORAGE_CLASS_SUFFIX}"
        usage[f"{prefix}persistentvolumeclaims"] = _ONE
        if storage is not None:
            usage[f"{prefix}requests.{STORAGE}"] = storage
    return usage


def service_usage(
    service_type: str | None, ports: int, explicit_node_ports: int, allocate: bool | None
) -> Resources:
    """The service evaluator: a NodePort Service uses a node port per port; a LoadBalancer one also, unless
    `allocateLoadBalancerNodePorts: false` (then only its explicit node ports), and one load balancer."""
    usage: Resources = {"services": _ONE, "count/services": _ONE}
    if service_type == "NodePort":
        usage["services.nodeports"] = Fraction(ports)
    elif service_type == "LoadBalancer":
        usage["services.nodeports"] = Fraction(explicit_node_ports if allocate is False else ports)
        usage["services.loadbalancers"] = _ONE
    return usage


# Object count names kept from before `count/<resource>` existed.
LEGACY_COUNTS = {
    ("", "ConfigMap"): "configmaps",
    ("", "Secret"): "secrets",
    ("", "ReplicationController"): "replicationcontrollers",
    ("", "ResourceQuota"): "resourcequotas",
}


def count_name(group: str, resource: str) -> str:
    """`count/<resource>.<group>`, or `count/<resource>` for the core group."""
    return f"count/{resource}.{group}" if group else f"count/{resource}"


def guess_resource(kind: str) -> str:
    """meta.UnsafeGuessKindToResource: the lower-cased kind, pluralised (`-s` -> `-ses`, `-y` -> `-ies`)."""
    singular = kind.lower()
    if singular.endswith("s"):
        return f"{singular}es"
    if singular.endswith("y"):
        return f"{singular[:-1]}ies"
    return f"{singular}s"
