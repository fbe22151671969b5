"""The admin tiers around NetworkPolicy (research notes §2): tier order, priorities, rule order, Accept /
Allow, Deny, Pass, networks, fail-closed peers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kcheck.analyzers.netpol.ports import PortSet
from tests.unit.analyzers.netpol.netpol_helpers import (
    EVERYTHING,
    NOTHING,
    allowed,
    analyse,
    pod,
    policy,
    ports,
)


def cnp(name: str, tier: str, priority: int, spec: dict[str, Any]) -> str:
    document = {
        "apiVersion": "policy.networking.k8s.io/v1alpha2",
        "kind": "ClusterNetworkPolicy",
        "metadata": {"name": name},
        "spec": {"tier": tier, "priority": priority, **spec},
    }
    return json.dumps(document)


def anp(name: str, priority: int, spec: dict[str, Any], kind: str = "AdminNetworkPolicy") -> str:
    body = {**spec} if kind != "AdminNetworkPolicy" else {"priority": priority, **spec}
    document = {
        "apiVersion": "policy.networking.k8s.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": body,
    }
    return json.dumps(document)


ALL_NAMESPACES: dict[str, Any] = {"namespaces": {}}
PODS = (pod("x", "a"), pod("y", "b"), pod("z", "c"))


def from_namespace(name: str) -> dict[str, Any]:
    return {"namespaces": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def test_admin_accept_overrides_a_network_policy_deny(tmp_path: Path) -> None:
    deny = policy("x", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    accept = cnp(
        "allow-y",
        "Admin",
        5,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Accept", "from": [from_namespace("y")]}]},
    )
    reach = analyse(tmp_path, *PODS, deny, accept)
    assert allowed(reach, "y/b", "x/a") == EVERYTHING
    assert allowed(reach, "z/c", "x/a") == NOTHING


def test_admin_deny_overrides_a_network_policy_allow(tmp_path: Path) -> None:
    allow = policy("x", "allow", {"podSelector": {}, "ingress": [{}]})
    deny = anp(
        "deny-y-80",
        5,
        {
            "subject": ALL_NAMESPACES,
            "ingress": [
                {
                    "action": "Deny",
                    "from": [from_namespace("y")],
                    "ports": [{"portNumber": {"protocol": "TCP", "port": 80}}],
                }
            ],
        },
    )
    reach = analyse(tmp_path, *PODS, allow, deny)
    assert allowed(reach, "y/b", "x/a") == PortSet.ALL - ports(TCP=[(80, 80)])


def test_pass_hands_over_to_network_policies_then_baseline(tmp_path: Path) -> None:
    passing = cnp(
        "pass-y",
        "Admin",
        1,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Pass", "from": [from_namespace("y")]}]},
    )
    denying = cnp(
        "deny-y",
        "Admin",
        2,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Deny", "from": [from_namespace("y")]}]},
    )
    baseline = cnp(
        "baseline",
        "Baseline",
        0,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Deny", "from": [ALL_NAMESPACES]}]},
    )
    allow_in_z = policy("z", "allow", {"podSelector": {}, "ingress": [{}]})
    reach = analyse(tmp_path, *PODS, passing, denying, baseline, allow_in_z)
    # Pass (priority 1) is decided before the Deny of priority 2; x is not isolated: the baseline denies.
    assert allowed(reach, "y/b", "x/a") == NOTHING
    # z is isolated by a NetworkPolicy that allows everything: the baseline is not consulted.
    assert allowed(reach, "y/b", "z/c") == EVERYTHING
    assert allowed(reach, "x/a", "z/c") == EVERYTHING


def test_lower_priority_value_wins_and_rules_apply_in_written_order(tmp_path: Path) -> None:
    late_accept = cnp(
        "late",
        "Admin",
        20,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Accept", "from": [ALL_NAMESPACES]}]},
    )
    early = cnp(
        "early",
        "Admin",
        10,
        {
            "subject": ALL_NAMESPACES,
            "ingress": [
                {
                    "action": "Accept",
                    "from": [from_namespace("y")],
                    "protocols": [{"tcp": {"destinationPort": {"number": 443}}}],
                },
                {"action": "Deny", "from": [ALL_NAMESPACES]},
            ],
        },
    )
    reach = analyse(tmp_path, *PODS, late_accept, early)
    assert allowed(reach, "y/b", "x/a") == ports(TCP=[(443, 443)])
    assert allowed(reach, "z/c", "x/a") == NOTHING


def test_baseline_allow_and_deny_apply_only_to_pods_no_network_policy_isolates(tmp_path: Path) -> None:
    banp = anp(
        "default",
        0,
        {
            "subject": ALL_NAMESPACES,
            "ingress": [
                {"action": "Allow", "from": [from_namespace("y")]},
                {"action": "Deny", "from": [ALL_NAMESPACES]},
            ],
        },
        kind="BaselineAdminNetworkPolicy",
    )
    isolate_z = policy(
        "z",
        "only-x",
        {
            "podSelector": {},
            "ingress": [
                {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "x"}}}]}
            ],
        },
    )
    reach = analyse(tmp_path, *PODS, banp, isolate_z)
    assert allowed(reach, "y/b", "x/a") == EVERYTHING
    assert allowed(reach, "z/c", "x/a") == NOTHING
    assert allowed(reach, "x/a", "z/c") == EVERYTHING
    assert allowed(reach, "y/b", "z/c") == NOTHING  # the NetworkPolicy decides, not the baseline's Allow


def test_egress_networks_match_outside_addresses(tmp_path: Path) -> None:
    deny = cnp(
        "no-internet",
        "Admin",
        1,
        {"subject": ALL_NAMESPACES, "egress": [{"action": "Deny", "to": [{"networks": ["0.0.0.0/0"]}]}]},
    )
    accept_dns = cnp(
        "dns",
        "Admin",
        0,
        {
            "subject": ALL_NAMESPACES,
            "egress": [
                {
                    "action": "Accept",
                    "to": [{"networks": ["8.8.8.8/32"]}],
                    "protocols": [{"udp": {"destinationPort": {"number": 53}}}],
                }
            ],
        },
    )
    reach = analyse(tmp_path, *PODS, deny, accept_dns)
    assert allowed(reach, "x/a", "1.1.1.1") == NOTHING
    assert allowed(reach, "x/a", "8.8.8.8") == ports(UDP=[(53, 53)])
    # All of IPv4 holds every pod's address: pod-to-pod traffic is denied too, as the API says.
    assert allowed(reach, "x/a", "y/b") == NOTHING


def test_networks_match_pods_only_when_they_certainly_hold_their_addresses(tmp_path: Path) -> None:
    deny = cnp(
        "no-10",
        "Admin",
        1,
        {"subject": ALL_NAMESPACES, "egress": [{"action": "Deny", "to": [{"networks": ["10.0.0.0/8"]}]}]},
    )
    documents = (*PODS, deny)
    # Pod IPs are not in manifests: 10.0.0.0/8 may or may not hold them.
    assert allowed(analyse(tmp_path, *documents), "x/a", "y/b") == EVERYTHING
    other = tmp_path / "known"
    other.mkdir()
    assert allowed(analyse(other, *documents, pod_cidrs=["10.244.0.0/16"]), "x/a", "y/b") == NOTHING


def test_unknown_peers_fail_closed(tmp_path: Path) -> None:
    unknown: list[dict[str, Any]] = [{"futurePeer": {}}]
    accept = cnp(
        "accept-unknown",
        "Admin",
        1,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Accept", "from": unknown}]},
    )
    isolate = policy("x", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    reach = analyse(tmp_path, *PODS, accept, isolate)
    assert allowed(reach, "y/b", "x/a") == NOTHING  # Accept with an unknown peer matches nothing
    deny = cnp(
        "deny-unknown",
        "Admin",
        1,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Deny", "from": unknown}]},
    )
    other = tmp_path / "deny"
    other.mkdir()
    reach = analyse(other, *PODS, deny)
    assert allowed(reach, "y/b", "x/a") == NOTHING  # Deny with an unknown peer denies everything
    assert allowed(reach, "9.9.9.9", "x/a") == NOTHING


def test_named_ports_of_admin_rules_resolve_on_the_destination(tmp_path: Path) -> None:
    web = pod(
        "x",
        "web",
        ports=[
            {"name": "http", "containerPort": 8080},
            {"name": "http", "containerPort": 8081, "protocol": "UDP"},
        ],
    )
    accept = cnp(
        "http",
        "Admin",
        1,
        {
            "subject": ALL_NAMESPACES,
            "ingress": [
                {
                    "action": "Accept",
                    "from": [ALL_NAMESPACES],
                    "protocols": [{"destinationNamedPort": "http"}],
                }
            ],
        },
    )
    reach = analyse(
        tmp_path,
        web,
        pod("y", "b"),
        accept,
        policy("x", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]}),
    )
    assert allowed(reach, "y/b", "x/web") == ports(TCP=[(8080, 8080)], UDP=[(8081, 8081)])


def test_connectivity_with_admin_tiers_matches_pair_by_pair(tmp_path: Path) -> None:
    deny = cnp(
        "deny",
        "Admin",
        3,
        {
            "subject": {"pods": {"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "a"}}}},
            "egress": [{"action": "Deny", "to": [from_namespace("z")]}],
        },
    )
    baseline = cnp(
        "baseline",
        "Baseline",
        1,
        {"subject": ALL_NAMESPACES, "ingress": [{"action": "Deny", "from": [from_namespace("x")]}]},
    )
    reach = analyse(tmp_path, *PODS, pod("x", "d"), deny, baseline)
    listed = {(str(s), str(d)): p for s, d, p in reach.connections()}
    for source in reach.workloads:
        for destination in reach.workloads:
            if source is not destination:
                assert listed.get((str(source), str(destination)), NOTHING) == reach.allowed(
                    source, destination
                )
    assert listed.get(("x/a[Pod]", "z/c[Pod]"), NOTHING) == NOTHING
    assert listed.get(("x/a[Pod]", "y/b[Pod]"), NOTHING) == NOTHING
    assert listed[("y/b[Pod]", "z/c[Pod]")] == EVERYTHING
