"""The consistency family (KC2xx): objects checked against the other objects of the whole input, namespace
by namespace: Services against the pods they select, Ingresses against Services, HPAs and PDBs against
their workloads, pods against the ConfigMaps and Secrets they use.

Workloads and ConfigMaps/Secrets are read in the per-file stage (`facts`); Services, Ingresses, HPAs and
PDBs are small and kept as typed models. Each rule reads one `Index` of the input (`index`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kcheck.analyzers.consistency import (
    config_key_not_found,
    config_reference_not_found,
    hpa_target_not_found,
    hpa_target_pins_replicas,
    hpa_utilization_without_requests,
    ingress_service_not_found,
    ingress_service_port_not_found,
    object_reference_not_found,
    overlapping_workload_selectors,
    pdb_blocks_drain,
    pdb_selects_nothing,
    pdb_selects_several_apps,
    pods_in_several_pdbs,
    route_backend_not_found,
    route_backend_port_not_found,
    route_parent_not_found,
    service_selects_nothing,
    service_selects_several_apps,
    service_target_port_not_found,
    service_target_port_undeclared,
    statefulset_service_not_headless,
    undeclared_namespace,
)
from kcheck.analyzers.consistency.autoscalers import utilization_metrics
from kcheck.analyzers.consistency.facts import ClaimFacts, WorkloadFacts, facts_of
from kcheck.analyzers.consistency.index import FAMILY_NAME, build_index
from kcheck.analyzers.consistency.ingress_references import ingress_references
from kcheck.analyzers.family import Enabled, Family, Result
from kcheck.core.location import ObjectPath
from kcheck.inventory.ingresses import backends
from kcheck.inventory.inventory import Inventory
from kcheck.inventory.routes import ROUTE_KINDS, RouteFacts
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress, Service
from kcheck.model.policy import HorizontalPodAutoscaler

RULE_MODULES = (
    service_selects_nothing,
    service_target_port_not_found,
    service_target_port_undeclared,
    statefulset_service_not_headless,
    ingress_service_not_found,
    ingress_service_port_not_found,
    hpa_target_not_found,
    hpa_utilization_without_requests,
    pdb_selects_nothing,
    config_reference_not_found,
    config_key_not_found,
    hpa_target_pins_replicas,
    overlapping_workload_selectors,
    pdb_blocks_drain,
    pods_in_several_pdbs,
    object_reference_not_found,
    route_backend_not_found,
    route_backend_port_not_found,
    route_parent_not_found,
    service_selects_several_apps,
    undeclared_namespace,
    pdb_selects_several_apps,
)
_FACT_KINDS = frozenset(
    (*kinds.WORKLOADS, *kinds.CONFIG, *kinds.builtin("PersistentVolumeClaim"), *ROUTE_KINDS)
)


def _check_inventory(state: Any, inventory: Inventory, enabled: Enabled) -> Iterator[Result]:
    index = build_index(inventory)
    for module in RULE_MODULES:
        rule_id = module.RULE.id
        if rule_id in enabled:
            for target, violation in module.check(index, enabled[rule_id]):
                yield rule_id, target, violation


def _facts(obj: K8sObject) -> Any:
    return facts_of(obj) if (obj.group, obj.kind or "") in _FACT_KINDS else None


def _located_paths(obj: K8sObject, facts: object | None) -> Iterable[ObjectPath]:
    """Where the family's findings and related locations point."""
    if obj.metadata.namespace:
        yield ("metadata", "namespace")  # KC221
    if isinstance(obj, Service):
        yield from (("spec", "selector"), ("spec", "ports"), ("spec",))
        for number, _ in enumerate(obj.spec.ports if obj.spec is not None else []):
            yield from (("spec", "ports", number), ("spec", "ports", number, "targetPort"))
            yield ("spec", "ports", number, "port")
    elif isinstance(obj, Ingress):
        for backend in backends(obj):
            yield from (backend.path, (*backend.path, "service", "port"))
        yield from (reference.path for reference in ingress_references(obj))
    elif isinstance(obj, HorizontalPodAutoscaler):
        yield ("spec", "scaleTargetRef")
        yield from (metric.path for metric in utilization_metrics(obj))
    elif (obj.group, obj.kind) == ("policy", "PodDisruptionBudget"):
        yield from (("spec", "selector"), ("spec",), ("spec", "minAvailable"))
    # Workloads, claims and routes: from the fact `_facts` computed of them.
    elif isinstance(facts, WorkloadFacts):
        yield from (facts.template_path, ("spec", "replicas"), ("spec", "serviceName"), ("spec", "selector"))
        yield from (container.path for container in facts.all_containers)
        for reference in facts.references:
            yield reference.path
            yield from (path for _, path in reference.keys)
        yield from (reference.path for reference in facts.objects)
    elif isinstance(facts, ClaimFacts):
        yield from (reference.path for reference in facts.references)
    elif isinstance(facts, RouteFacts):
        for ref in (*facts.parents, *facts.backends):
            yield from (ref.path, (*ref.path, "port"))


FAMILY = Family(
    name=FAMILY_NAME,
    rules=tuple(module.RULE for module in RULE_MODULES),
    check_inventory=_check_inventory,
    cross_file_paths=_located_paths,
    facts=_facts,
    inventory_kinds=(
        *kinds.SERVICES,
        *kinds.INGRESSES,
        *kinds.builtin("HorizontalPodAutoscaler", "PodDisruptionBudget"),
    ),
)
