"""A pod's way through admission, as the API server and the kubelet compute it: LimitRanger's defaults and
constraints, the pod's QoS class, and what the pod counts against a ResourceQuota.

Each function follows one upstream function (named in its docstring) over exact values; the quantities
were parsed in the per-file stage (`demand`). Sources: plugin/pkg/admission/limitranger/admission.go,
pkg/apis/core/v1/defaults.go (SetDefaults_LimitRangeItem), pkg/apis/core/helper/qos/qos.go,
staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests, PodLimits) and
pkg/quota/v1/evaluator/core/pods.go.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from kcheck.analyzers.resources.demand import (
    ClaimDemand,
    ContainerDemand,
    Invalid,
    PodDemand,
    Resources,
    parse_resources,
)
from kcheck.core.location import ObjectPath
from kcheck.kube.quantity import format_quantity
from kcheck.model.policy import LimitRange

CPU, MEMORY, EPHEMERAL_STORAGE, STORAGE = "cpu", "memory", "ephemeral-storage", "storage"
QoSClass = Literal["Guaranteed", "Burstable", "BestEffort"]
# Only these decide the QoS class (isSupportedQoSComputeResource).
_QOS_RESOURCES = (CPU, MEMORY)
# The resources pod-level `spec.resources` may set (IsSupportedPodLevelResource).
_POD_LEVEL_RESOURCES = (CPU, MEMORY)
# resource.MaxMilliValue: values up to it are compared in milli units, larger ones in units.
_MAX_MILLI_VALUE = (2**63 - 1) // 1000


@dataclass(frozen=True, slots=True)
class LimitItem:
    """One `spec.limits[i]` of a LimitRange, after the API server's defaulting of it."""

    limit_range: LimitRange
    index: int
    type: str  # Container, Pod or PersistentVolumeClaim
    min: Resources
    max: Resources
    default: Resources
    default_request: Resources
    max_limit_request_ratio: Resources

    @property
    def name(self) -> str:
        return self.limit_range.metadata.name or "<no name>"

    def at(self, *path: str | int) -> ObjectPath:
        return ("spec", "limits", self.index, *path)


def limit_items(limit_range: LimitRange, invalid: list[Invalid]) -> list[LimitItem]:
    """The items of a LimitRange. For `Container` items the API server fills in (SetDefaults_LimitRangeItem)
    a missing `default` from `max`, then a missing `defaultRequest` from `default`, then from `min`."""
    items: list[LimitItem] = []
    spec = limit_range.spec
    for index, item in enumerate(spec.limits if spec is not None else []):

        def parsed(values: object, key: str, index: int = index) -> Resources:
            return parse_resources(
                values if isinstance(values, dict) else None, ("spec", "limits", index, key), invalid
            )

        minimum, maximum = parsed(item.min, "min"), parsed(item.max, "max")
        default, default_request = (
            parsed(item.default, "default"),
            parsed(item.default_request, "defaultRequest"),
        )
        if item.type == "Container":
            default = {**maximum, **default}
            default_request = {**minimum, **default, **default_request}
        ratio = parsed(item.max_limit_request_ratio, "maxLimitRequestRatio")
        items.append(
            LimitItem(limit_range, index, item.type or "", minimum, maximum, default, default_request, ratio)
        )
    return items


@dataclass(slots=True)
class EffectiveContainer:
    """A container as admission leaves it: its requests and limits after LimitRanger's defaults, and the
    LimitRange item that supplied each defaulted value (`("requests" | "limits", resource)` -> item)."""

    demand: ContainerDemand
    requests: Resources
    limits: Resources
    defaulted: dict[tuple[str, str], LimitItem] = field(default_factory=dict)

    @property
    def defaulted_keys(self) -> set[str]:
        """The requests a LimitRange filled in."""
        return {resource for key, resource in self.defaulted if key == "requests"}


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why admission rejects a pod (or a claim): the upstream message, where the offending value is written in
    the workload, and the object that sets the constraint."""

    message: str
    path: ObjectPath
    item: LimitItem
    what: str  # `container 'app'`, `the pod`, `claim 'data'`


@dataclass(slots=True)
class EffectivePod:
    demand: PodDemand
    containers: list[EffectiveContainer]
    pod_level: bool  # pod-level `spec.resources` is honoured (set, and the target version supports it)
    rejections: list[Rejection] = field(default_factory=list)
    # Pod-level requests and limits after API defaulting (empty unless `pod_level`).
    pod_requests: Resources = field(default_factory=dict)
    pod_limits: Resources = field(default_factory=dict)

    @property
    def pod_level_set(self) -> bool:
        """IsPodLevelResourcesSet: pod-level requests or limits name cpu or memory."""
        return self.pod_level and any(
            name in _POD_LEVEL_RESOURCES for name in (*self.pod_requests, *self.pod_limits)
        )

    @property
    def requests(self) -> Resources:
        """PodRequests: what the scheduler and the quota count for the pod."""
        return pod_requests(self)

    @property
    def limits(self) -> Resources:
        return pod_limits(self)


def admit(demand: PodDemand, items: Iterable[LimitItem], pod_level_resources: bool) -> EffectivePod:
    """LimitRanger on a pod CREATE: every `Container` item's defaults merged into each container and init
    container that lacks the resource (mergePodResourceRequirements), then every item's constraints
    checked (PodValidateLimitFunc), then the API server's own check that no request exceeds its limit."""
    items = list(items)
    containers = [EffectiveContainer(c, dict(c.requests), dict(c.limits)) for c in demand.containers]
    pod_level = pod_level_resources and demand.pod_requests is not None
    pod = EffectivePod(demand, containers, pod_level)
    if pod_level:
        pod.pod_requests, pod.pod_limits = _pod_level_defaults(pod)
    for item in items:
        if item.type != "Container":
            continue
        for container in containers:
            for key, defaults, target in (
                ("limits", item.default, container.limits),
                ("requests", item.default_request, container.requests),
            ):
                for resource, value in defaults.items():
                    if resource not in target:
                        target[resource] = value
                        container.defaulted[key, resource] = item
    for item in items:
        if item.type == "Container":
            for container in containers:
                for message, key, resource in _constraints(item, container.requests, container.limits):
                    written = container.demand.written_requests
                    if (
                        key == "requests"
                        and resource not in written
                        and resource not in container.defaulted_keys
                    ):
                        continue  # a request defaulted from the limit: the limit is reported
                    path = container.demand.at("resources", key, resource) if key else container.demand.path
                    pod.rejections.append(Rejection(message, path, item, container.demand.display))
        elif item.type == "Pod":
            # LimitRanger's podRequests and podLimits: as PodRequests and PodLimits, without the overhead.
            requests, limits = _pod_total(pod, "requests"), _pod_total(pod, "limits")
            for message, _, _ in _constraints(item, requests, limits):
                path = (*demand.template_path, "resources") if pod_level else demand.template_path
                pod.rejections.append(Rejection(message, path, item, "the pod"))
    return pod


def admit_claim(claim: ClaimDemand, items: Iterable[LimitItem]) -> list[Rejection]:
    """PersistentVolumeClaimValidateLimitFunc: a claim's requests against the `min` (minConstraint, with no
    limits) and `max` (maxRequestConstraint) of every `PersistentVolumeClaim` item."""
    rejections: list[Rejection] = []
    what = f"claim {claim.name!r}"
    for item in items:
        if item.type != "PersistentVolumeClaim":
            continue
        minimum = LimitItem(item.limit_range, item.index, item.type, item.min, {}, {}, {}, {})
        for message, _, resource in _constraints(minimum, claim.requests, {}):
            rejections.append(Rejection(message, _claim_path(claim, resource), item, what))
        for resource, enforced in item.max.items():
            request = claim.requests.get(resource)
            shown = format_quantity(enforced, resource)
            if request is None:
                message = f"maximum {resource} usage per {item.type} is {shown}.  No request is specified"
            elif _observed(request, None, enforced)[0] > _observed(request, None, enforced)[2]:
                message = (
                    f"maximum {resource} usage per {item.type} is {shown}, but request is "
                    f"{format_quantity(request, resource)}"
                )
            else:
                continue
            rejections.append(Rejection(message, _claim_path(claim, resource), item, what))
    return rejections


def _claim_path(claim: ClaimDemand, resource: str) -> ObjectPath:
    return (*claim.path, "resources", "requests", resource) if resource in claim.requests else claim.path


def _constraints(item: LimitItem, requests: Resources, limits: Resources) -> Iterator[tuple[str, str, str]]:
    """minConstraint, maxConstraint and limitRequestRatioConstraint: (message, "requests" | "limits" | "",
    resource) for each one violated."""
    kind = item.type

    def written(value: Fraction | None) -> str:
        return "" if value is None else format_quantity(value, resource)

    for resource, enforced in item.min.items():
        request, limit = requests.get(resource), limits.get(resource)
        observed = _observed(request, limit, enforced)
        shown = format_quantity(enforced, resource)
        if request is None:
            yield f"minimum {resource} usage per {kind} is {shown}.  No request is specified", "", resource
        elif observed[0] < observed[2]:
            yield (
                f"minimum {resource} usage per {kind} is {shown}, but request is {written(request)}",
                "requests",
                resource,
            )
        if limit is not None and observed[1] < observed[2]:
            yield (
                f"minimum {resource} usage per {kind} is {shown}, but limit is {written(limit)}",
                "limits",
                resource,
            )
    for resource, enforced in item.max.items():
        request, limit = requests.get(resource), limits.get(resource)
        observed = _observed(request, limit, enforced)
        shown = format_quantity(enforced, resource)
        if limit is None:
            yield f"maximum {resource} usage per {kind} is {shown}.  No limit is specified", "", resource
        elif observed[1] > observed[2]:
            yield (
                f"maximum {resource} usage per {kind} is {shown}, but limit is {written(limit)}",
                "limits",
                resource,
            )
        if request is not None and observed[0] > observed[2]:
            yield (
                f"maximum {resource} usage per {kind} is {shown}, but request is {written(request)}",
                "requests",
                resource,
            )
    for resource, enforced in item.max_limit_request_ratio.items():
        request, limit = requests.get(resource), limits.get(resource)
        observed = _observed(request, limit, enforced)
        prefix = f"{resource} max limit to request ratio per {kind} is {format_quantity(enforced, resource)}"
        if request is None or observed[0] == 0:
            yield f"{prefix}, but no request is specified or request is 0", "requests", resource
            continue
        if limit is None or observed[1] == 0:
            yield f"{prefix}, but no limit is specified or limit is 0", "limits", resource
            continue
        provided = Fraction(observed[1], observed[0])
        # Compared in milli units while the limit fits in an int64, as upstream does (exactly here, where
        # upstream compares float64s: they differ only past 15 significant digits).
        ceiling = math.ceil(enforced)
        exceeded = (
            provided * 1000 > math.ceil(enforced * 1000)
            if ceiling <= _MAX_MILLI_VALUE
            else provided > ceiling
        )
        if exceeded:
            yield f"{prefix}, but provided ratio is {_ratio_text(provided)}", "limits", resource


def _ratio_text(ratio: Fraction) -> str:
    """Go's `%f`: six decimals (a ratio too large for a float in exponent form)."""
    try:
        return f"{float(ratio):f}"
    except OverflowError:
        return format_quantity(ratio, "cpu")


def _observed(request: Fraction | None, limit: Fraction | None, enforced: Fraction) -> tuple[int, int, int]:
    """requestLimitEnforcedValues: the three values in units (Value(), rounded up), or in milli units
    (MilliValue()) when all three fit; an absent value is zero."""
    values = [Fraction(0) if v is None else v for v in (request, limit, enforced)]
    units = [math.ceil(v) for v in values]
    if all(v <= _MAX_MILLI_VALUE for v in units):
        units = [math.ceil(v * 1000) for v in values]
    return units[0], units[1], units[2]


def requests_above_limits(pod: EffectivePod) -> Iterator[tuple[EffectiveContainer, str, LimitItem]]:
    """Containers whose request exceeds a limit that a LimitRange defaulted (ValidatePod then rejects the
    pod: `must be less than or equal to <resource> limit`). Requests above limits both written in the
    manifest are KC137's."""
    for container in pod.containers:
        for resource, limit in container.limits.items():
            item = container.defaulted.get(("limits", resource)) or container.defaulted.get(
                ("requests", resource)
            )
            request = container.requests.get(resource)
            if item is not None and request is not None and request > limit:
                yield container, resource, item


def qos_class(pod: EffectivePod) -> QoSClass:
    """ComputePodQOS: Guaranteed when every container (and init container) limits cpu and memory and each
    request equals its limit (pod-level resources instead, where honoured); BestEffort with no cpu or memory
    request or limit anywhere; Burstable otherwise. Zero values count as unset."""
    requests: Resources = {}
    limits: Resources = {}
    guaranteed = True
    if pod.pod_level:
        # Taken whenever the pod sets `spec.resources`, even `{}` (upstream then ignores the containers).
        for name, value in pod.pod_requests.items():
            if name in _QOS_RESOURCES and value > 0:
                requests[name] = value
        if pod.pod_limits:
            found = set()
            for name, value in pod.pod_limits.items():
                if name in _QOS_RESOURCES and value > 0:
                    found.add(name)
                    limits[name] = value
            if not found.issuperset(_QOS_RESOURCES):
                guaranteed = False
    else:
        for container in pod.containers:
            for name, value in container.requests.items():
                if name in _QOS_RESOURCES and value > 0:
                    requests[name] = requests.get(name, Fraction(0)) + value
            found = set()
            for name, value in container.limits.items():
                if name in _QOS_RESOURCES and value > 0:
                    found.add(name)
                    limits[name] = limits.get(name, Fraction(0)) + value
            if not found.issuperset(_QOS_RESOURCES):
                guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    equal = all(limits.get(name) == value for name, value in requests.items())
    if guaranteed and equal and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _aggregate(pod: EffectivePod, key: Literal["requests", "limits"]) -> Resources:
    """AggregateContainerRequests / AggregateContainerLimits: the sum over containers, and over sidecars,
    which run beside them; each other init container runs alone, beside the sidecars started before it; the
    pod needs the larger of the two, per resource."""
    total: Resources = {}
    for container in pod.containers:
        if container.demand.kind == "container":
            _add(total, getattr(container, key))
    sidecars: Resources = {}
    init: Resources = {}
    for container in pod.containers:
        own: Resources = getattr(container, key)
        if container.demand.kind == "sidecar":
            _add(total, own)
            _add(sidecars, own)
            _max(init, sidecars)
        elif container.demand.kind == "initContainer":
            alone = dict(own)
            _add(alone, sidecars)
            _max(init, alone)
    _max(total, init)
    return total


def _pod_total(pod: EffectivePod, key: Literal["requests", "limits"]) -> Resources:
    """The containers' aggregate, with the pod-level values that are set (cpu, memory) in its place."""
    total = _aggregate(pod, key)
    for name, value in (pod.pod_requests if key == "requests" else pod.pod_limits).items():
        if name in _POD_LEVEL_RESOURCES:
            total[name] = value
    return total


def pod_requests(pod: EffectivePod) -> Resources:
    """PodRequests: the containers' aggregate, pod-level requests where honoured, plus the pod overhead."""
    requests = _pod_total(pod, "requests")
    _add(requests, pod.demand.overhead)
    return requests


def pod_limits(pod: EffectivePod) -> Resources:
    """PodLimits: as PodRequests, with the overhead added only to limits that are set and not zero."""
    limits = _pod_total(pod, "limits")
    for name, value in pod.demand.overhead.items():
        if limits.get(name):
            limits[name] += value
    return limits


def _pod_level_defaults(pod: EffectivePod) -> tuple[Resources, Resources]:
    """defaultPodRequests (SetDefaults_Pod): when the pod sets pod-level limits, a pod-level request it lacks
    (cpu, memory) is the containers' aggregate request, or else the limit."""
    requests = dict(pod.demand.pod_requests or {})
    limits = dict(pod.demand.pod_limits or {})
    if limits:
        aggregate = _aggregate(pod, "requests")
        for name in _POD_LEVEL_RESOURCES:
            if name not in requests and name in aggregate:
                requests[name] = aggregate[name]
        for name, value in limits.items():
            requests.setdefault(name, value)
    return requests, limits


def _add(total: Resources, values: Resources) -> None:
    for name, value in values.items():
        total[name] = total.get(name, Fraction(0)) + value


def _max(total: Resources, values: Resources) -> None:
    for name, value in values.items():
        if name not in total or value > total[name]:
            total[name] = value
