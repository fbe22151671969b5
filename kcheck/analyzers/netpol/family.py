"""The NetworkPolicy family (KC3xx): reachability between the input's workloads, external addresses and
entry points under its NetworkPolicies, and the lint rules built on it.

Workloads, NetworkPolicies and Gateway routes are read in the per-file stage (`facts`): pod labels and
ports, policies compiled with the path of each rule, peer and port. Services and Ingresses are kept as typed
models. The analysis (`analysis.analyse`) is built once per run and shared with `kcheck netpol`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kcheck.analyzers.family import Enabled, Family, Result
from kcheck.analyzers.netpol import (
    admin_policy_priority_overlap,
    egress_blocks_dns,
    invalid_network_policy,
    ip_block_covers_cluster_network,
    namespace_selector_matches_nothing,
    network_policy_allow_all_redundant,
    network_policy_named_port_undefined,
    network_policy_peer_and_or_confusion,
    network_policy_peer_selects_nothing,
    network_policy_redundant_rule,
    network_policy_section_ignored,
    network_policy_selects_nothing,
    network_policy_uses_service_port,
    workload_not_isolated,
)
from kcheck.analyzers.netpol.admin import ADMIN_KINDS, AdminPolicyFacts, admin_facts
from kcheck.analyzers.netpol.analysis import FAMILY_NAME, analyse
from kcheck.analyzers.netpol.facts import PolicyFacts, WorkloadFacts, policy_facts, workload_facts
from kcheck.core.location import ObjectPath
from kcheck.inventory.context import AnalysisContext, NetworkAssumptions
from kcheck.inventory.inventory import Inventory
from kcheck.inventory.routes import ROUTE_KINDS, route_facts
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import NetworkPolicy

RULE_MODULES = (
    invalid_network_policy,
    network_policy_selects_nothing,
    network_policy_section_ignored,
    egress_blocks_dns,
    ip_block_covers_cluster_network,
    workload_not_isolated,
    network_policy_peer_and_or_confusion,
    network_policy_allow_all_redundant,
    network_policy_redundant_rule,
    network_policy_peer_selects_nothing,
    network_policy_named_port_undefined,
    namespace_selector_matches_nothing,
    network_policy_uses_service_port,
    admin_policy_priority_overlap,
)
_WORKLOAD_KINDS = frozenset(kinds.WORKLOADS)


def _prepare(context: AnalysisContext, enabled: Enabled) -> NetworkAssumptions:
    return context.network


def _check_inventory(network: NetworkAssumptions, inventory: Inventory, enabled: Enabled) -> Iterator[Result]:
    reach = analyse(inventory, network)
    for module in RULE_MODULES:
        rule_id = module.RULE.id
        if rule_id in enabled:
            for target, violation in module.check(reach, enabled[rule_id]):
                yield rule_id, target, violation


def _facts(obj: K8sObject) -> Any:
    group_kind = (obj.group, obj.kind or "")
    if isinstance(obj, NetworkPolicy):
        return policy_facts(obj)
    if group_kind in _WORKLOAD_KINDS:
        return workload_facts(obj)
    if group_kind in ROUTE_KINDS:
        return route_facts(obj)
    if group_kind in ADMIN_KINDS:
        return admin_facts(obj)
    return None


def _located_paths(obj: K8sObject, fact: object | None) -> Iterable[ObjectPath]:
    """Where findings and explanations point: every rule, peer and port of a policy; a workload's ports."""
    yield ("metadata", "name")
    if isinstance(fact, PolicyFacts):
        yield from (("spec",), ("spec", "podSelector"), ("spec", "policyTypes"), ("spec", "ingress"))
        yield ("spec", "egress")
        for rule in (*fact.ingress, *fact.egress):
            yield rule.path
            for peer in rule.peers:
                yield peer.path
                if peer.is_ip_block:
                    yield (*peer.path, "ipBlock", "cidr")
            yield from (port.path for port in rule.ports)
        yield from (problem.path for problem in fact.problems)
    elif isinstance(fact, AdminPolicyFacts):
        yield from (
            ("spec",),
            ("spec", "priority"),
            ("spec", "subject"),
            ("spec", "ingress"),
            ("spec", "egress"),
        )
        for admin_rule in (*fact.ingress, *fact.egress):
            yield from (admin_rule.path, (*admin_rule.path, "action"))
            yield from (peer.path for peer in admin_rule.peers)
            yield from (port.path for port in admin_rule.ports)
        yield from (problem.path for problem in fact.problems)
    elif isinstance(fact, WorkloadFacts):
        yield fact.template_path
        yield from (port.path for port in fact.ports)
    elif fact is not None:
        for ref in getattr(fact, "backends", ()):
            yield ref.path


FAMILY = Family(
    name=FAMILY_NAME,
    rules=tuple(module.RULE for module in RULE_MODULES),
    check_inventory=_check_inventory,
    prepare=_prepare,
    cross_file_paths=_located_paths,
    facts=_facts,
    inventory_kinds=(*kinds.SERVICES, *kinds.INGRESSES),
)
