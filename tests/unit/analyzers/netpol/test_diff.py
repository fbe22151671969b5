"""`diff`: connections added, removed and changed between two inputs, endpoints present in only one of
them included, over one partition of the external address space."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kcheck.analyzers.netpol.diff import analyse_pair, changes, diff_document
from tests.unit.analyzers.netpol.netpol_helpers import analyse, pod, policy

ISOLATE: dict[str, Any] = {
    "podSelector": {"matchLabels": {"app": "db"}},
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 5432}]}],
}


def test_added_removed_and_changed(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    base = analyse(
        tmp_path / "base", pod("x", "web"), pod("x", "db"), pod("x", "old"), policy("x", "db", ISOLATE)
    )
    wider = {**ISOLATE, "ingress": [{**ISOLATE["ingress"][0], "ports": [{"port": 5432}, {"port": 9187}]}]}
    egress = {
        "podSelector": {"matchLabels": {"app": "web"}},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}, {"to": [{"podSelector": {}}]}],
    }
    head = analyse(
        tmp_path / "head",
        pod("x", "web"),
        pod("x", "db"),
        pod("x", "new"),
        policy("x", "db", wider),
        policy("x", "web", egress),
    )
    base_reach, head_reach = analyse_pair(base.cluster, head.cluster)
    assert [str(a) for a in base_reach.atoms] == [str(a) for a in head_reach.atoms]
    document = diff_document(changes(base_reach, head_reach))
    added = {
        (c["src"].get("name", c["src"].get("ip")), c["dst"].get("name", c["dst"].get("ip")))
        for c in document["added"]
    }
    removed = {
        (c["src"].get("name", c["src"].get("ip")), c["dst"].get("name", c["dst"].get("ip")))
        for c in document["removed"]
    }
    assert ("new", "web") in added and ("web", "new") in added
    assert ("old", "web") in removed and ("web", "old") in removed
    assert ("web", "0.0.0.0-9.255.255.255") in removed  # egress isolation removed what it does not admit
    assert [(c["src"]["name"], c["dst"]["name"], c["added"], c["removed"]) for c in document["changed"]] == [
        ("web", "db", {"TCP": [[9187, 9187]]}, {})
    ]


def test_identical_inputs_have_no_change(tmp_path: Path) -> None:
    reach = analyse(tmp_path, pod("x", "web"), pod("x", "db"), policy("x", "db", ISOLATE))
    assert changes(*analyse_pair(reach.cluster, reach.cluster)) == []
