"""Properties of the NetworkPolicy analysis over random small clusters (Hypothesis):

- adding a default-deny policy never adds a connection;
- every connection is a subset of what no policy at all allows (everything), and removing a policy never
  removes a connection that was allowed by ingress and egress together unless that policy isolated an end;
- the enumerated connections (`connections()`, pruned by bitsets) agree with the pair-by-pair verdicts.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.api.netpol import load
from kcheck.engine.config import Settings

NAMESPACES = ("x", "y")
LABEL_VALUES = ("a", "b")

labels = st.dictionaries(st.sampled_from(("app", "tier")), st.sampled_from(LABEL_VALUES), max_size=2)
selector: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    labels.map(lambda chosen: {"matchLabels": chosen}),
    st.tuples(
        st.sampled_from(("app", "tier")), st.sampled_from(("In", "NotIn", "Exists", "DoesNotExist"))
    ).map(
        lambda kv: {
            "matchExpressions": [
                {"key": kv[0], "operator": kv[1], **({"values": ["a"]} if kv[1] in ("In", "NotIn") else {})}
            ]
        }
    ),
)
peer = st.one_of(
    selector.map(lambda s: {"podSelector": s}),
    selector.map(lambda s: {"namespaceSelector": s}),
    st.tuples(selector, selector).map(lambda s: {"podSelector": s[0], "namespaceSelector": s[1]}),
    st.sampled_from(("10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24")).map(lambda c: {"ipBlock": {"cidr": c}}),
)
port = st.one_of(
    st.builds(
        lambda p, proto: {"port": p, "protocol": proto},
        st.sampled_from((80, 443, 8080)),
        st.sampled_from(("TCP", "UDP")),
    ),
    st.just({"port": "http"}),
    st.just({"port": 8000, "endPort": 8100}),
)
rule = st.fixed_dictionaries(
    {}, optional={"peers": st.lists(peer, max_size=2), "ports": st.lists(port, max_size=2)}
)
policy = st.fixed_dictionaries(
    {
        "namespace": st.sampled_from(NAMESPACES),
        "podSelector": selector,
        "ingress": st.lists(rule, max_size=2),
        "egress": st.lists(rule, max_size=2),
        "policyTypes": st.sampled_from((None, ["Ingress"], ["Egress"], ["Ingress", "Egress"])),
    }
)
workload = st.fixed_dictionaries(
    {"namespace": st.sampled_from(NAMESPACES), "labels": labels, "http": st.sampled_from((None, 8080, 9090))}
)


def _documents(workloads: list[dict[str, Any]], policies: list[dict[str, Any]]) -> list[str]:
    documents = []
    for index, item in enumerate(workloads):
        container: dict[str, Any] = {"name": "c", "image": "registry.example.com/app:1.0.0"}
        if item["http"]:
            container["ports"] = [{"name": "http", "containerPort": item["http"]}]
        documents.append(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"p{index}",
                        "namespace": item["namespace"],
                        "labels": item["labels"],
                    },
                    "spec": {"containers": [container]},
                }
            )
        )
    for index, item in enumerate(policies):
        spec: dict[str, Any] = {"podSelector": item["podSelector"]}
        for key, section in (("ingress", "from"), ("egress", "to")):
            spec[key] = [
                {
                    **({section: r["peers"]} if "peers" in r else {}),
                    **({"ports": r["ports"]} if "ports" in r else {}),
                }
                for r in item[key]
            ]
        if item["policyTypes"]:
            spec["policyTypes"] = item["policyTypes"]
        documents.append(
            json.dumps(
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": {"name": f"np{index}", "namespace": item["namespace"]},
                    "spec": spec,
                }
            )
        )
    return documents


def _analyse(documents: list[str], like: Reachability | None = None) -> Reachability:
    """The analysis of `documents`; with `like`, over the same external ranges as that one."""
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "input.yaml").write_text("\n---\n".join(documents) + "\n")
        cluster, _ = load(["input.yaml"], cwd=Path(directory), settings=Settings())
    return Reachability(cluster, like.cluster.blocks if like is not None else ())


def _matrix(reach: Reachability) -> dict[tuple[str, str], PortSet]:
    return {(str(s), str(d)): p for s, d, p in reach.connections()}


DEFAULT_DENY = json.dumps(
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny", "namespace": "x"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }
)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.lists(workload, min_size=1, max_size=5), st.lists(policy, max_size=4))
def test_a_default_deny_never_adds_a_connection(
    workloads: list[dict[str, Any]], policies: list[dict[str, Any]]
) -> None:
    documents = _documents(workloads, policies)
    denied = _analyse([*documents, DEFAULT_DENY])
    before = _matrix(_analyse(documents, like=denied))
    after = _matrix(denied)
    for pair, ports in after.items():
        assert ports <= before.get(pair, PortSet.NONE), pair


@PROPERTY
@given(st.lists(workload, min_size=1, max_size=5), st.lists(policy, max_size=4))
def test_connections_are_within_allow_all_and_agree_pair_by_pair(
    workloads: list[dict[str, Any]], policies: list[dict[str, Any]]
) -> None:
    reach = _analyse(_documents(workloads, policies))
    listed = _matrix(reach)
    unrestricted = _matrix(_analyse(_documents(workloads, []), like=reach))
    for pair, ports in listed.items():
        assert ports <= unrestricted[pair]
    for source in reach.workloads:
        for destination in reach.workloads:
            if source is not destination:
                expected = reach.allowed(source, destination)
                assert listed.get((str(source), str(destination)), PortSet.NONE) == expected
        for index, atom in enumerate(reach.atoms):
            assert listed.get((str(source), str(atom)), PortSet.NONE) == reach.egress(source, index)
