"""NetworkPolicy v1 semantics, item by item (research notes netpol-semantics.md §1): each test names the
item it covers and asserts the exact connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kcheck.analyzers.netpol.ports import PortSet
from tests.unit.analyzers.netpol.netpol_helpers import (
    EVERYTHING,
    NOTHING,
    TCP,
    allowed,
    analyse,
    namespace,
    pod,
    policy,
    ports,
)

DENY_INGRESS = {"podSelector": {}, "policyTypes": ["Ingress"]}
DENY_EGRESS = {"podSelector": {}, "policyTypes": ["Egress"]}


def test_1_policy_without_namespace_applies_in_the_default_namespace(tmp_path: Path) -> None:
    reach = analyse(tmp_path, pod("default", "a"), pod("default", "b"), policy(None, "deny", DENY_INGRESS))
    assert allowed(reach, "default/b", "default/a") == NOTHING


def test_2_null_pod_selector_selects_every_pod_of_the_namespace(tmp_path: Path) -> None:
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("x", "b"),
        pod("y", "c"),
        policy("x", "deny", {"podSelector": None, "policyTypes": ["Ingress"]}),
    )
    assert allowed(reach, "x/b", "x/a") == NOTHING
    assert allowed(reach, "x/a", "y/c") == EVERYTHING  # other namespaces are not selected


def test_3_policy_types_default_to_ingress_and_egress_only_with_egress_rules(tmp_path: Path) -> None:
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("x", "b"),
        # egress: [] without policyTypes does not isolate egress.
        policy("x", "empty-egress", {"podSelector": {"matchLabels": {"app": "a"}}, "egress": []}),
        policy(
            "x",
            "b-egress",
            {
                "podSelector": {"matchLabels": {"app": "b"}},
                "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}],
            },
        ),
    )
    assert allowed(reach, "x/a", "x/b") == NOTHING  # a: ingress isolated (implied), b: ingress isolated
    assert reach.isolated["Egress"] == 1 << reach.cluster.workload("x/b").index  # type: ignore[union-attr]
    assert reach.egress(reach.cluster.workload("x/b"), reach.cluster.workload("x/a")) == ports(UDP=[(53, 53)])  # type: ignore[arg-type]


def test_4_rules_of_a_direction_missing_from_policy_types_are_ignored(tmp_path: Path) -> None:
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("x", "b"),
        policy(
            "x",
            "ingress-only",
            {
                "podSelector": {"matchLabels": {"app": "a"}},
                "policyTypes": ["Ingress"],
                "egress": [{"to": []}],
                "ingress": [],
            },
        ),
    )
    assert allowed(reach, "x/a", "x/b") == EVERYTHING  # egress not isolated, b not isolated
    assert allowed(reach, "x/b", "x/a") == NOTHING


def test_6_isolation_is_per_direction(tmp_path: Path) -> None:
    reach = analyse(tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "deny-egress", DENY_EGRESS))
    assert allowed(reach, "x/a", "x/b") == NOTHING
    assert allowed(reach, "0.0.0.0", "x/a") == EVERYTHING  # ingress is not isolated


def test_7_policies_are_additive(tmp_path: Path) -> None:
    rule80 = {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}
    rule81 = {"podSelector": {}, "ingress": [{"ports": [{"port": 81}]}]}
    reach = analyse(
        tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "p80", rule80), policy("x", "p81", rule81)
    )
    assert allowed(reach, "x/b", "x/a") == ports(TCP=[(80, 81)])


def test_8_pod_to_pod_needs_egress_at_the_source_and_ingress_at_the_destination(tmp_path: Path) -> None:
    egress80 = {
        "podSelector": {"matchLabels": {"app": "a"}},
        "policyTypes": ["Egress"],
        "egress": [{"ports": [{"port": 80}, {"port": 443}]}],
    }
    ingress443 = {
        "podSelector": {"matchLabels": {"app": "b"}},
        "ingress": [{"ports": [{"port": 443}, {"port": 8443}]}],
    }
    reach = analyse(
        tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "e", egress80), policy("x", "i", ingress443)
    )
    assert allowed(reach, "x/a", "x/b") == ports(TCP=[(443, 443)])
    # To an address outside the cluster only the pod's side applies.
    assert allowed(reach, "x/a", "8.8.8.8") == ports(TCP=[(80, 80), (443, 443)])


def test_10_pods_of_one_workload_are_subject_to_its_policies_and_self_pairs_are_not_listed(
    tmp_path: Path,
) -> None:
    spec = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "egress": [{"ports": [{"port": 80}]}]}
    reach = analyse(tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "deny", spec))
    # A pod reaching itself over loopback is not policed, but two replicas of a workload are.
    assert allowed(reach, "x/a", "x/a") == NOTHING
    assert not [c for c in reach.connections() if c[0] is c[1]]


def test_11_absent_or_empty_rules_deny_the_isolated_direction(tmp_path: Path) -> None:
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("x", "b"),
        policy("x", "absent", {"podSelector": {"matchLabels": {"app": "a"}}}),
        policy("x", "empty", {"podSelector": {"matchLabels": {"app": "b"}}, "ingress": []}),
    )
    assert allowed(reach, "x/b", "x/a") == NOTHING
    assert allowed(reach, "x/a", "x/b") == NOTHING
    assert allowed(reach, "1.2.3.4", "x/a") == NOTHING


def test_12_one_empty_rule_allows_every_source_outside_addresses_included(tmp_path: Path) -> None:
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("y", "b"),
        policy("x", "deny", DENY_INGRESS),
        policy("x", "allow-all", {"podSelector": {}, "ingress": [{}]}),
    )
    assert allowed(reach, "y/b", "x/a") == EVERYTHING
    assert allowed(reach, "203.0.113.9", "x/a") == EVERYTHING


def test_13_from_and_ports_must_both_match_and_entries_are_ored(tmp_path: Path) -> None:
    spec = {
        "podSelector": {"matchLabels": {"app": "a"}},
        "ingress": [
            {
                "from": [
                    {"podSelector": {"matchLabels": {"app": "b"}}},
                    {"podSelector": {"matchLabels": {"app": "c"}}},
                ],
                "ports": [{"port": 80}, {"port": 53, "protocol": "UDP"}],
            },
            {"ports": [{"port": 9090}]},  # no `from`: every source
        ],
    }
    reach = analyse(
        tmp_path, pod("x", "a"), pod("x", "b"), pod("x", "c"), pod("x", "d"), policy("x", "p", spec)
    )
    both = ports(TCP=[(80, 80), (9090, 9090)], UDP=[(53, 53)])
    assert allowed(reach, "x/b", "x/a") == both
    assert allowed(reach, "x/c", "x/a") == both
    assert allowed(reach, "x/d", "x/a") == ports(TCP=[(9090, 9090)])
    assert allowed(reach, "192.0.2.1", "x/a") == ports(TCP=[(9090, 9090)])


def test_14_a_peer_with_ip_block_and_a_selector_invalidates_the_policy(tmp_path: Path) -> None:
    (tmp_path / "input.yaml").write_text(
        pod("x", "a")
        + "\n---\n"
        + policy(
            "x",
            "bad",
            {
                "podSelector": {},
                "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}],
            },
        )
    )
    from kcheck.api.netpol import load
    from kcheck.engine.config import Settings

    cluster, findings = load(["input.yaml"], cwd=tmp_path, settings=Settings())
    assert [(f.rule_id, f.location.span.line) for f in findings] == [("KC301", 3)]
    assert cluster.policies == []  # the API server rejects it: it isolates nothing


def test_15_pod_and_namespace_selector_in_one_peer_are_anded_in_two_peers_ored(tmp_path: Path) -> None:
    both = {
        "namespaceSelector": {"matchLabels": {"team": "blue"}},
        "podSelector": {"matchLabels": {"role": "client"}},
    }
    common = [namespace("blue", {"team": "blue"}), namespace("red", {"team": "red"})]
    workloads = [
        pod("blue", "client", {"role": "client"}),
        pod("blue", "other", {"role": "other"}),
        pod("red", "client", {"role": "client"}),
        pod("x", "server"),
        pod("x", "client", {"role": "client"}),
    ]
    anded = analyse(
        tmp_path,
        *common,
        *workloads,
        policy(
            "x", "and", {"podSelector": {"matchLabels": {"app": "server"}}, "ingress": [{"from": [both]}]}
        ),
    )
    assert allowed(anded, "blue/client", "x/server") == EVERYTHING
    assert allowed(anded, "blue/other", "x/server") == NOTHING
    assert allowed(anded, "red/client", "x/server") == NOTHING
    assert allowed(anded, "x/client", "x/server") == NOTHING
    ored_peers = [{"namespaceSelector": both["namespaceSelector"]}, {"podSelector": both["podSelector"]}]
    other = tmp_path / "or"
    other.mkdir()
    ored = analyse(
        other,
        *common,
        *workloads,
        policy(
            "x", "or", {"podSelector": {"matchLabels": {"app": "server"}}, "ingress": [{"from": ored_peers}]}
        ),
    )
    assert allowed(ored, "blue/other", "x/server") == EVERYTHING  # every pod of blue
    assert allowed(ored, "x/client", "x/server") == EVERYTHING  # podSelector alone: the policy's namespace
    assert allowed(ored, "red/client", "x/server") == NOTHING


def test_16_empty_selectors_alone(tmp_path: Path) -> None:
    pods_only = {"podSelector": {"matchLabels": {"app": "a"}}, "ingress": [{"from": [{"podSelector": {}}]}]}
    namespaces_only = {
        "podSelector": {"matchLabels": {"app": "b"}},
        "ingress": [{"from": [{"namespaceSelector": {}}]}],
    }
    reach = analyse(
        tmp_path,
        pod("x", "a"),
        pod("x", "b"),
        pod("y", "c"),
        policy("x", "p", pods_only),
        policy("x", "n", namespaces_only),
    )
    assert allowed(reach, "x/b", "x/a") == EVERYTHING
    assert allowed(reach, "y/c", "x/a") == NOTHING
    assert allowed(reach, "y/c", "x/b") == EVERYTHING
    assert (
        allowed(reach, "8.8.8.8", "x/b") == NOTHING
    )  # namespaceSelector: {} is every pod, not every address


def test_17_namespace_labels_declared_and_implied(tmp_path: Path) -> None:
    by_name = {
        "podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "y"}}}]}],
    }
    by_label = {
        "podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"env": "prod"}}}]}],
    }
    reach = analyse(
        tmp_path,
        namespace("z", {"env": "prod"}),
        pod("x", "a"),
        pod("y", "b"),  # y is implied by the pod: it carries only kubernetes.io/metadata.name
        pod("z", "c"),
        pod("w", "d"),
        policy("x", "name", by_name),
        policy("x", "label", by_label),
    )
    assert allowed(reach, "y/b", "x/a") == EVERYTHING
    assert allowed(reach, "z/c", "x/a") == EVERYTHING
    assert allowed(reach, "w/d", "x/a") == NOTHING


def test_18_not_in_and_does_not_exist_match_pods_without_the_key(tmp_path: Path) -> None:
    spec = {
        "podSelector": {"matchLabels": {"app": "server"}},
        "ingress": [
            {
                "from": [
                    {
                        "podSelector": {
                            "matchExpressions": [
                                {"key": "tier", "operator": "NotIn", "values": ["web"]},
                                {"key": "legacy", "operator": "DoesNotExist"},
                            ]
                        }
                    }
                ]
            }
        ],
    }
    reach = analyse(
        tmp_path,
        pod("x", "server"),
        pod("x", "plain", {"app": "plain"}),
        pod("x", "web", {"app": "web", "tier": "web"}),
        pod("x", "db", {"app": "db", "tier": "db"}),
        pod("x", "old", {"app": "old", "legacy": "true"}),
        policy("x", "p", spec),
    )
    assert allowed(reach, "x/plain", "x/server") == EVERYTHING
    assert allowed(reach, "x/db", "x/server") == EVERYTHING
    assert allowed(reach, "x/web", "x/server") == NOTHING
    assert allowed(reach, "x/old", "x/server") == NOTHING


def test_19_except_subtracts_only_within_its_peer(tmp_path: Path) -> None:
    spec = {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.1.0/24"]}}]},
            {"to": [{"ipBlock": {"cidr": "10.0.1.128/25"}}], "ports": [{"port": 443}]},
        ],
    }
    reach = analyse(tmp_path, pod("x", "a"), policy("x", "p", spec))
    assert allowed(reach, "x/a", "10.0.2.1") == EVERYTHING
    assert allowed(reach, "x/a", "10.0.1.1") == NOTHING
    assert allowed(reach, "x/a", "10.0.1.200") == ports(TCP=[(443, 443)])  # re-allowed by the other rule
    assert allowed(reach, "x/a", "10.1.0.1") == NOTHING
    # The external ranges are cut at every boundary.
    assert [str(a) for a in reach.atoms] == [
        "0.0.0.0-9.255.255.255",
        "10.0.0.0-10.0.0.255",
        "10.0.1.0-10.0.1.127",
        "10.0.1.128-10.0.1.255",
        "10.0.2.0-10.0.255.255",
        "10.1.0.0-255.255.255.255",
    ]


def test_21_ip_blocks_match_pods_only_with_the_pod_network(tmp_path: Path) -> None:
    spec = {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}],
    }
    documents = (pod("x", "a"), pod("y", "b"), policy("x", "p", spec))
    assert allowed(analyse(tmp_path, *documents), "x/a", "y/b") == NOTHING
    other = tmp_path / "calico"
    other.mkdir()
    assert allowed(analyse(other, *documents, pod_cidrs=["10.244.0.0/16"]), "x/a", "y/b") == EVERYTHING


def test_23_protocol_defaults_to_tcp_and_a_port_less_entry_is_every_port(tmp_path: Path) -> None:
    spec = {"podSelector": {}, "ingress": [{"ports": [{"port": 80}, {"protocol": "UDP"}]}]}
    reach = analyse(tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "p", spec))
    assert allowed(reach, "x/b", "x/a") == ports(TCP=[(80, 80)], UDP=[(1, 65535)])


def test_24_end_port_is_an_inclusive_range(tmp_path: Path) -> None:
    spec = {"podSelector": {}, "ingress": [{"ports": [{"port": 32000, "endPort": 32768}]}]}
    reach = analyse(tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "p", spec))
    assert allowed(reach, "x/b", "x/a") == ports(TCP=[(32000, 32768)])


def test_25_named_ports_resolve_on_each_destination_by_name_and_protocol(tmp_path: Path) -> None:
    egress = {
        "podSelector": {"matchLabels": {"app": "client"}},
        "policyTypes": ["Egress"],
        "egress": [{"ports": [{"port": "http"}]}],
    }
    reach = analyse(
        tmp_path,
        pod("x", "client"),
        pod("x", "one", ports=[{"name": "http", "containerPort": 8080}]),
        pod("x", "two", ports=[{"name": "http", "containerPort": 9000}]),
        pod("x", "udp", ports=[{"name": "http", "containerPort": 7000, "protocol": "UDP"}]),
        pod("x", "none"),
        policy("x", "e", egress),
    )
    assert allowed(reach, "x/client", "x/one") == ports(TCP=[(8080, 8080)])
    assert allowed(reach, "x/client", "x/two") == ports(TCP=[(9000, 9000)])
    assert allowed(reach, "x/client", "x/udp") == NOTHING  # the name exists, with another protocol
    assert allowed(reach, "x/client", "x/none") == NOTHING
    assert allowed(reach, "x/client", "1.1.1.1") == NOTHING  # outside the cluster no port has a name


def test_26_an_sctp_only_rule_isolates_tcp(tmp_path: Path) -> None:
    spec = {"podSelector": {}, "ingress": [{"ports": [{"port": 80, "protocol": "SCTP"}]}]}
    reach = analyse(tmp_path, pod("x", "a"), pod("x", "b"), policy("x", "p", spec))
    connections = allowed(reach, "x/b", "x/a")
    assert connections == ports(SCTP=[(80, 80)])
    assert not connections.contains("TCP", 80)


def test_31_host_network_pods_are_not_selected(tmp_path: Path) -> None:
    isolate = {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": [{"podSelector": {}}]}],
        "egress": [{"to": [{"podSelector": {}}]}],
    }
    documents = (
        pod("x", "a"),
        pod("x", "node-agent", host_network=True),
        pod("x", "b"),
        policy("x", "p", isolate),
    )
    reach = analyse(tmp_path, *documents)
    assert allowed(reach, "x/b", "x/a") == EVERYTHING
    # Not a subject (everything reaches it from outside) and not a peer (the pod rules do not admit it).
    assert allowed(reach, "8.8.8.8", "x/node-agent") == EVERYTHING
    assert allowed(reach, "x/node-agent", "x/a") == NOTHING
    assert allowed(reach, "x/a", "x/node-agent") == NOTHING
    selected = tmp_path / "selected"
    selected.mkdir()
    reach = analyse(selected, *documents, host_network_pods="selected")
    assert allowed(reach, "x/node-agent", "x/a") == EVERYTHING
    assert allowed(reach, "8.8.8.8", "x/node-agent") == NOTHING


def test_28_entry_points_reach_target_ports_their_rules_admit(tmp_path: Path) -> None:
    service = (
        '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "x"}, "spec": '
        '{"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}}'
    )
    ingress = (
        '{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": '
        '"x"}, "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}'
    )
    from_everywhere: dict[str, Any] = {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]}
    reach = analyse(
        tmp_path,
        pod("x", "web", ports=[{"name": "http", "containerPort": 8080}]),
        service,
        ingress,
        policy("x", "p", from_everywhere),
    )
    from tests.unit.analyzers.netpol.netpol_helpers import EXTERNAL, INGRESS_CONTROLLER

    web = reach.cluster.workload("x/web")
    assert web is not None
    assert reach.allowed(INGRESS_CONTROLLER, web) == ports(TCP=[(8080, 8080)])
    assert reach.allowed(EXTERNAL, web) == NOTHING  # the outside world is not a pod of any namespace


def test_port_set_algebra() -> None:
    a = ports(TCP=[(1, 10), (20, 30)], UDP=[(53, 53)])
    b = ports(TCP=[(5, 25)])
    assert a & b == ports(TCP=[(5, 10), (20, 25)])
    assert a - b == ports(TCP=[(1, 4), (26, 30)], UDP=[(53, 53)])
    assert (a | b) == ports(TCP=[(1, 30)], UDP=[(53, 53)])
    assert ports(UDP=[(1, 65535)], SCTP=[(1, 65535)]) == PortSet.ALL - TCP
    assert b <= a | b and not a <= b
    assert str(ports(TCP=[(80, 80), (8080, 8090)])) == "TCP 80,8080-8090"
