"""The resources family (KC7xx): what the API server's admission chain and the kubelet would compute for
the input's pods, per namespace. LimitRanger defaults and constraints, QoS classes, and ResourceQuota usage
(`analysis`); each rule reads that one result.

Workloads are read in the per-file stage (`Family.facts`: their parsed requests and limits, replicas and
scope fields, `demand`), so the inventory never keeps pod templates whole; LimitRanges, ResourceQuotas,
HPAs, Services and claims are small and kept as typed models.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kcheck.analyzers.family import Enabled, Family, Result
from kcheck.analyzers.resources import (
    limit_range_default_below_request,
    namespace_over_quota,
    quota_exceeded_at_max_replicas,
    rejected_by_limit_range,
    unset_quota_tracked_resource,
)
from kcheck.analyzers.resources.analysis import (
    FAMILY_NAME,
    Settings,
    UsageOptions,
    analyse,
    pod_level_resources_supported,
)
from kcheck.analyzers.resources.demand import workload_demand
from kcheck.core.location import ObjectPath
from kcheck.inventory.context import AnalysisContext
from kcheck.inventory.inventory import Inventory
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.workloads import pod_template

RULE_MODULES = (
    rejected_by_limit_range,
    limit_range_default_below_request,
    unset_quota_tracked_resource,
    namespace_over_quota,
    quota_exceeded_at_max_replicas,
)
_CLAIMS = kinds.builtin("PersistentVolumeClaim")


def settings_for(context: AnalysisContext, enabled: Enabled) -> Settings:
    """The analysis settings: the target version's pod-level resources, and the `nodes` option of KC704 and
    KC705 (one figure for both: the one configured, KC704's if both are)."""
    options = [
        enabled[module.RULE.id]
        for module in (namespace_over_quota, quota_exceeded_at_max_replicas)
        if isinstance(enabled.get(module.RULE.id), UsageOptions)
    ]
    chosen = next(
        (o for o in options if "nodes" in o.model_fields_set), options[0] if options else UsageOptions()
    )
    return Settings(chosen.nodes, pod_level_resources_supported(context.kubernetes_version))


def _check_inventory(settings: Settings, inventory: Inventory, enabled: Enabled) -> Iterator[Result]:
    for namespace in analyse(inventory, settings).values():
        for module in RULE_MODULES:
            rule_id = module.RULE.id
            if rule_id in enabled:
                for target, violation in module.check(namespace, enabled[rule_id]):
                    yield rule_id, target, violation


def _facts(obj: K8sObject) -> Any:
    if (obj.group, obj.kind or "") in _FACT_KINDS:
        return workload_demand(obj)
    return None


_FACT_KINDS = frozenset((*kinds.WORKLOADS, *_CLAIMS))


def _located_paths(obj: K8sObject, fact: object | None) -> Iterable[ObjectPath]:
    """Where the family's findings point: each container's resources and the values in them, a workload's
    replicas, claim storage requests, and the limits of LimitRanges and ResourceQuotas."""
    raw = obj.raw
    template = pod_template(obj)
    if template is not None:
        yield ("spec", "replicas")
        yield template.path
        yield (*template.path, "resources")
        for key in ("containers", "initContainers"):
            for index, container in enumerate(getattr(template.spec, _ATTRIBUTES[key])):
                path = (*template.path, key, index)
                yield path
                yield from _resource_paths((*path, "resources"), container.resources)
        for index, _ in enumerate(_list_at(raw, ("spec", "volumeClaimTemplates"))):
            yield ("spec", "volumeClaimTemplates", index, "spec", "resources", "requests", "storage")
            yield ("spec", "volumeClaimTemplates", index, "spec")
    elif (obj.group, obj.kind) == ("", "PersistentVolumeClaim"):
        yield ("spec", "resources", "requests", "storage")
    elif (obj.group, obj.kind) == ("", "LimitRange"):
        for index, item in enumerate(_list_at(raw, ("spec", "limits"))):
            yield ("spec", "limits", index, "type")
            for key, values in item.items() if isinstance(item, dict) else ():
                for name in values if isinstance(values, dict) else ():
                    yield ("spec", "limits", index, key, name)
    elif (obj.group, obj.kind) == ("", "ResourceQuota"):
        spec = raw.get("spec")
        hard = spec.get("hard") if isinstance(spec, dict) else None
        yield ("spec", "hard")
        for name in hard if isinstance(hard, dict) else ():
            yield ("spec", "hard", name)


_ATTRIBUTES = {"containers": "containers", "initContainers": "init_containers"}


def _resource_paths(path: ObjectPath, resources: Any) -> Iterator[ObjectPath]:
    yield path
    if resources is None:
        return
    for key, values in (("requests", resources.requests), ("limits", resources.limits)):
        for name in values or ():
            yield (*path, key, name)


def _list_at(raw: Any, path: ObjectPath) -> list[Any]:
    for key in path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    return raw if isinstance(raw, list) else []


def _prepare(context: AnalysisContext, enabled: Enabled) -> Settings:
    return settings_for(context, enabled)


FAMILY = Family(
    name=FAMILY_NAME,
    rules=tuple(module.RULE for module in RULE_MODULES),
    check_inventory=_check_inventory,
    prepare=_prepare,
    cross_file_paths=_located_paths,
    facts=_facts,
    inventory_kinds=kinds.builtin(
        "LimitRange", "ResourceQuota", "HorizontalPodAutoscaler", "Service", "PersistentVolumeClaim"
    ),
)
