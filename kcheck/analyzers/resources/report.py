"""`kcheck resources`: the analysis as a versioned JSON-ready document (schema: `report.schema.json`
beside this module), per namespace: each quota's hard limits against usage at declared replicas and at the
HPAs' maximum; each workload's QoS class and effective requests and limits after LimitRange defaulting."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kcheck.analyzers.resources.analysis import NamespaceResources, Settings, WorkloadResources
from kcheck.analyzers.resources.quota import constraint_message
from kcheck.kube.quantity import format_quantity
from kcheck.model.base import K8sObject

REPORT_VERSION = 1


def _quantities(values: Mapping[str, Fraction]) -> dict[str, str]:
    return {name: format_quantity(value, name) for name, value in sorted(values.items())}


def _location(obj: K8sObject, path: tuple[str | int, ...] = ()) -> dict[str, Any]:
    location = obj.locate(path)
    return {"path": location.path, "line": location.span.line, "column": location.span.column}


def _workload(workload: WorkloadResources) -> dict[str, Any]:
    pod = workload.pod
    obj = workload.obj
    reasons = [f"{r.what}: {r.message} (LimitRange {r.item.name})" for r in pod.rejections]
    reasons += [f"{r.what}: {r.message} (LimitRange {r.item.name})" for r in workload.claim_rejections]
    for constraint in workload.constraints:
        missing = [(index, list(names)) for index, names in constraint.containers]
        reasons.append(f"failed quota: {constraint.quota.name}: {constraint_message(pod, missing)}")
    for container in pod.containers:
        for resource, limit in container.limits.items():
            request = container.requests.get(resource)
            if request is not None and request > limit:
                reasons.append(
                    f"{container.demand.display}: {resource} request {format_quantity(request, resource)} "
                    f"is above its limit {format_quantity(limit, resource)}"
                )
    autoscaler = workload.autoscaler
    return {
        "kind": obj.kind,
        "name": obj.metadata.name,
        "location": _location(obj),
        "qosClass": workload.qos,
        "replicas": workload.replicas,
        "maxReplicas": workload.max_replicas,
        "autoscaler": autoscaler.metadata.name if autoscaler is not None else None,
        "pod": {"requests": _quantities(pod.requests), "limits": _quantities(pod.limits)},
        "containers": [
            {
                "name": container.demand.name,
                "type": container.demand.kind,
                "requests": _quantities(container.requests),
                "limits": _quantities(container.limits),
                "defaultedBy": {
                    f"{key}.{resource}": item.name
                    for (key, resource), item in sorted(container.defaulted.items())
                },
            }
            for container in pod.containers
        ],
        "quotas": [quota.name for quota in workload.quotas],
        "admission": {"rejected": bool(reasons), "reasons": reasons},
    }


def _namespace(namespace: NamespaceResources) -> dict[str, Any]:
    quotas = []
    for usage in namespace.quotas:
        quota = usage.quota
        resources = []
        for resource, hard in sorted(quota.hard.items()):
            used = usage.used.get(resource, Fraction(0))
            at_max = usage.used_at_max.get(resource, Fraction(0))
            resources.append(
                {
                    "resource": resource,
                    "hard": format_quantity(hard, resource),
                    "used": format_quantity(used, resource),
                    "usedAtMaxReplicas": format_quantity(at_max, resource),
                    "exceeded": used > hard,
                    "exceededAtMaxReplicas": at_max > hard,
                }
            )
        quotas.append(
            {
                "name": quota.name,
                "location": _location(quota.quota),
                "scopes": [
                    {"scopeName": r.scope, "operator": r.operator, "values": list(r.values)}
                    for r in quota.requirements
                ],
                "resources": resources,
            }
        )
    return {
        "name": namespace.name,
        "limitRanges": [obj.metadata.name or "<no name>" for obj in namespace.limit_ranges],
        "quotas": quotas,
        "workloads": [_workload(workload) for workload in namespace.workloads],
        "claims": [
            {
                "name": claim.obj.metadata.name,
                "location": _location(claim.obj),
                "storageClass": claim.claim.storage_class,
                "requests": _quantities(claim.claim.requests),
                "admission": {
                    "rejected": bool(claim.rejections),
                    "reasons": [f"{r.message} (LimitRange {r.item.name})" for r in claim.rejections],
                },
            }
            for claim in namespace.claims
        ],
        "invalidQuantities": [
            {
                **_location(obj, invalid.path),
                "object": obj.ref.display(),
                "value": invalid.text,
                "error": invalid.error,
            }
            for obj, invalid in namespace.invalid
        ],
    }


def build_report(
    namespaces: Mapping[str, NamespaceResources], settings: Settings, kubernetes_version: str
) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "kubernetesVersion": kubernetes_version,
        "assumptions": {
            "daemonSetNodes": settings.nodes,
            "podLevelResources": settings.pod_level_resources,
            "countedObjects": "only the input's: usage by objects already in the cluster comes on top",
        },
        "namespaces": [_namespace(namespaces[name]) for name in sorted(namespaces)],
    }
