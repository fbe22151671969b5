"""The NetworkPolicy rules about rules that add nothing or were probably meant otherwise (KC307, KC308,
KC309), through a real lint run, on what the fixtures cannot show: exact messages and related locations,
objects in other files, several allow-all rules for nested pod sets, chains of equal rules, selector
implication, IPv6, named ports, the `pod-cidrs` setting, the hand-off between KC308 and KC309, and that
finding candidates stays linear in the number of policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.analyzers.netpol import containment as containment_module
from kcheck.analyzers.netpol.containment import implies
from kcheck.analyzers.netpol.network_policy_peer_and_or_confusion import selector_text
from kcheck.inventory.selectors import Selector, compile_selector
from kcheck.model.workloads import LabelSelector
from tests.lint_helpers import lint_paths, lint_text

RULES = ["KC307", "KC308", "KC309"]


def policy(name: str, body: str, namespace: str = "shop") -> str:
    """A NetworkPolicy document; `body` is its spec, indented by two spaces."""
    metadata = f"metadata: {{name: {name}, namespace: {namespace}}}"
    return f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n{metadata}\nspec:\n{body}---\n"


def workload(name: str, labels: str, namespace: str = "shop") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector:
    matchLabels: {labels}
  template:
    metadata:
      labels: {labels}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
          ports:
            - {{name: http, containerPort: 8080}}
---
"""


def findings(tmp_path: Path, text: str, rules: list[str] | None = None) -> list[tuple[str, int, str]]:
    report = lint_text(text, tmp_path, select=rules or RULES)
    return sorted((f.rule_id, f.location.span.line, f.message) for f in report.active)


def related(tmp_path: Path, text: str, rule: str) -> list[list[tuple[str, int, str]]]:
    report = lint_text(text, tmp_path, select=[rule])
    return [
        [(r.location.path, r.location.span.line, r.message) for r in f.related]
        for f in sorted(report.active, key=lambda f: f.location.span.line)
    ]


def line_of(text: str, marker: str) -> int:
    [line] = [number for number, content in enumerate(text.split("\n"), 1) if content.endswith(marker)]
    return line


# --- KC307 -------------------------------------------------------------------------------------------------

AND_OR = """\
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:  # here
            matchExpressions:
              - {key: env, operator: NotIn, values: ["true", "1.0"]}
              - {key: team, operator: Exists}
        - podSelector:  # other
            matchLabels: {app: web, version: v2}
"""


def test_the_and_or_message_shows_the_one_peer_form(tmp_path: Path) -> None:
    text = policy("p", AND_OR)
    namespaces = (
        '{matchExpressions: [{key: env, operator: NotIn, values: ["1.0", "true"]}, '
        "{key: team, operator: Exists}]}"
    )
    pods = "{matchLabels: {app: web, version: v2}}"
    assert findings(tmp_path, text, ["KC307"]) == [
        (
            "KC307",
            line_of(text, "# here"),
            f"NetworkPolicy shop/p ingress[0]: namespaceSelector {namespaces} and podSelector {pods} are two "
            "peers, which are OR-ed: the rule admits every pod of those namespaces, and the matching pods of "
            "namespace shop; for only the matching pods of those namespaces, write one peer: "
            f"`- {{namespaceSelector: {namespaces}, podSelector: {pods}}}`",
        )
    ]
    assert related(tmp_path, text, "KC307") == [
        [
            (
                "manifest.yaml",
                line_of(text, "# other"),
                f"a peer of its own in `from`: pods {pods} of namespace shop only",
            )
        ]
    ]


def test_selector_text_reads_back_as_the_same_selector() -> None:
    written = LabelSelector.model_validate(
        {
            "matchLabels": {"app": "web", "on": "yes"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}],
        }
    )
    compiled = compile_selector(written)
    assert isinstance(compiled, Selector)
    assert selector_text(compiled) == (
        '{matchLabels: {app: web, "on": "yes"}, '
        "matchExpressions: [{key: tier, operator: In, values: [a, b]}]}"
    )
    assert selector_text(Selector()) == "{}"


@pytest.mark.parametrize(
    ("pods_here", "pods_there", "reported"),
    [
        # The podSelector matches pods of shop, none of the selected namespace: two peers were meant.
        ("{app: web}", "{app: tool}", False),
        # It matches pods of both: the AND reading is plausible.
        ("{app: web}", "{app: web}", True),
        # It matches none of shop: as a separate peer it admits nothing.
        ("{app: other}", "{app: web}", True),
    ],
)
def test_and_or_evidence_from_the_workloads_in_other_files(
    tmp_path: Path, pods_here: str, pods_there: str, reported: bool
) -> None:
    (tmp_path / "workloads.yaml").write_text(
        workload("here", pods_here) + workload("there", pods_there, namespace="ops")
    )
    body = """\
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: web}
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ops}
"""
    (tmp_path / "policy.yaml").write_text(policy("p", body))
    report = lint_paths(["policy.yaml", "workloads.yaml"], tmp_path, select=["KC307"])
    assert [f.rule_id for f in report.active] == (["KC307"] if reported else [])


def test_and_or_pairs_each_peer_once(tmp_path: Path) -> None:
    body = """\
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:  # first
            matchLabels: {team: a}
        - podSelector:
            matchLabels: {app: a}
        - namespaceSelector:
            matchLabels: {team: b}
        - podSelector: {}
        - namespaceSelector:  # second
            matchLabels: {team: c}
        - podSelector:
            matchLabels: {app: c}
"""
    text = policy("p", body)
    lines = [line for _, line, _ in findings(tmp_path, text, ["KC307"])]
    assert lines == [line_of(text, "# first"), line_of(text, "# second")]


# --- KC308 -------------------------------------------------------------------------------------------------

ALLOW_ALL = """\
  podSelector: {}
  ingress:
    - {}
"""


def test_allow_all_names_every_redundant_rule_in_other_files(tmp_path: Path) -> None:
    others = "".join(
        policy(
            f"p{index}",
            f"  podSelector:\n    matchLabels: {{app: a{index}}}\n  ingress:\n"
            f"    - ports:\n        - port: {80 + index}\n",
        )
        for index in range(4)
    )
    (tmp_path / "others.yaml").write_text(
        others + policy("deny", "  podSelector: {}\n  policyTypes: [Ingress]\n")
    )
    (tmp_path / "open.yaml").write_text(policy("open", ALLOW_ALL))
    report = lint_paths(["open.yaml", "others.yaml"], tmp_path, select=["KC308"])
    [finding] = report.active
    assert finding.location.path == "open.yaml" and finding.location.span.line == 7
    assert finding.message == (
        "NetworkPolicy shop/open ingress[0] allows every connection to the pods it selects, so "
        "shop/p0 ingress[0], shop/p1 ingress[0], shop/p2 ingress[0] and 2 more have no effect on them"
    )
    assert [(r.location.path, r.message) for r in finding.related] == [
        *[
            ("others.yaml", f"shop/p{index} ingress[0]: redundant beside the allow-all rule")
            for index in range(4)
        ],
        ("others.yaml", "the default deny of shop/deny: undone by the allow-all rule"),
    ]


def test_an_allow_all_for_fewer_pods_is_named_by_the_wider_one(tmp_path: Path) -> None:
    web_open = """\
  podSelector:
    matchLabels: {app: web}
  ingress:
    - {}
    - ports:
        - port: 80
"""
    text = policy("web-open", web_open) + policy("all-open", ALLOW_ALL)
    [(_, _, message)] = findings(tmp_path, text, ["KC308"])
    assert message == (
        "NetworkPolicy shop/all-open ingress[0] allows every connection to the pods it selects, so "
        "shop/web-open ingress[0] and shop/web-open ingress[1] have no effect on them"
    )


def test_two_allow_all_rules_of_one_policy_are_reported_at_the_first(tmp_path: Path) -> None:
    body = """\
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - {}  # first
    - to:
        - namespaceSelector: {}
        - ipBlock: {cidr: 0.0.0.0/0}
        - ipBlock: {cidr: '::/0'}
"""
    text = policy("p", body)
    assert findings(tmp_path, text, ["KC308"]) == [
        (
            "KC308",
            line_of(text, "# first"),
            "NetworkPolicy shop/p egress[0] allows every connection from the pods it selects, so shop/p "
            "egress[1] has no effect on them",
        )
    ]


def test_an_ip_block_covering_the_pod_network_admits_every_pod_with_pod_cidrs(tmp_path: Path) -> None:
    body = """\
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 0.0.0.0/0}
        - ipBlock: {cidr: '::/0'}
    - to:
        - podSelector: {}
      ports:
        - port: 53
"""
    text = policy("p", body)
    # Without the setting, ipBlocks never select pods: the first rule does not admit every peer, and it
    # does not cover the second.
    assert findings(tmp_path, text) == []
    (tmp_path / ".kcheck.yaml").write_text("network:\n  pod-cidrs: [10.244.0.0/16]\n")
    assert [rule for rule, _, _ in findings(tmp_path, text)] == ["KC308"]


def test_kc309_leaves_rules_under_an_allow_all_to_kc308(tmp_path: Path) -> None:
    narrower = """\
  podSelector:
    matchLabels: {app: web}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: api}
    - from:
        - podSelector:
            matchLabels: {app: api}
"""
    text = policy("open", ALLOW_ALL) + policy("web", narrower)
    assert [rule for rule, _, _ in findings(tmp_path, text)] == ["KC308"]


# --- KC309 -------------------------------------------------------------------------------------------------


def inner_reported(tmp_path: Path, text: str) -> bool:
    """Whether KC309 reports the rule marked `# inner` (the other rule may be reported too: the reverse)."""
    return line_of(text, "# inner") in {line for _, line, _ in findings(tmp_path, text, ["KC309"])}


def rule_body(peers: str, ports: str = "", subject: str = "{}") -> str:
    text = f"  podSelector: {subject}\n  ingress:\n    - from:\n{peers}"
    return text + (f"      ports:\n{ports}" if ports else "")


def test_a_chain_of_equal_rules_keeps_the_first(tmp_path: Path) -> None:
    peers = "        - podSelector:\n            matchLabels: {app: web}\n"
    text = "".join(policy(f"p{index}", rule_body(peers)) for index in range(3))
    assert [message for _, _, message in findings(tmp_path, text, ["KC309"])] == [
        "NetworkPolicy shop/p1 ingress[0] allows nothing that shop/p0 ingress[0] does not already allow to "
        "the pods it selects",
        "NetworkPolicy shop/p2 ingress[0] allows nothing that shop/p0 ingress[0] does not already allow to "
        "the pods it selects",
    ]
    [first, _] = related(tmp_path, text, "KC309")
    assert first == [("manifest.yaml", 7, "shop/p0 ingress[0]: allows all of it")]


def test_a_strict_cover_is_preferred_to_an_equal_rule(tmp_path: Path) -> None:
    narrow = "        - podSelector:\n            matchLabels: {app: web}\n"
    wide = "        - podSelector:\n            matchExpressions: [{key: app, operator: Exists}]\n"
    body = f"  podSelector: {{}}\n  ingress:\n    - from:\n{narrow}    - from:\n{narrow}    - from:\n{wide}"
    text = policy("p", body)
    messages = [message for _, _, message in findings(tmp_path, text, ["KC309"])]
    assert messages == [
        "NetworkPolicy shop/p ingress[0] allows nothing that ingress[2] of the same policy does not already "
        "allow to the pods it selects",
        "NetworkPolicy shop/p ingress[1] allows nothing that ingress[2] of the same policy does not already "
        "allow to the pods it selects",
    ]


@pytest.mark.parametrize(
    ("inner", "outer", "covered"),
    [
        # In inside a larger In and NotIn of other values, NotIn inside a smaller NotIn, and so on.
        ("{app: web}", "{matchExpressions: [{key: app, operator: In, values: [web, api]}]}", True),
        ("{app: web}", "{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}", True),
        ("{app: web}", "{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", False),
        (
            "{matchExpressions: [{key: app, operator: NotIn, values: [a, b]}]}",
            "{matchExpressions: [{key: app, operator: NotIn, values: [a]}]}",
            True,
        ),
        (
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
            "{matchExpressions: [{key: app, operator: NotIn, values: [a]}]}",
            True,
        ),
        ("{app: web, tier: fe}", "{tier: fe}", True),
        ("{tier: fe}", "{app: web, tier: fe}", False),
    ],
)
def test_pod_selector_containment(tmp_path: Path, inner: str, outer: str, covered: bool) -> None:
    def peer(selector: str) -> str:
        if selector.startswith("{matchExpressions"):
            return f"        - podSelector: {selector}\n"
        return f"        - podSelector:\n            matchLabels: {selector}\n"

    body = f"  podSelector: {{}}\n  ingress:\n    - from:\n{peer(outer)}    - from:  # inner\n{peer(inner)}"
    text = policy("p", body)
    assert inner_reported(tmp_path, text) == covered


@pytest.mark.parametrize(
    ("inner", "outer", "covered"),
    [
        # The policy's own namespace inside a namespaceSelector matching its labels, and back.
        ("- podSelector: {}", "- namespaceSelector: {matchLabels: {team: shop}}", True),
        ("- podSelector: {}", "- namespaceSelector: {matchLabels: {team: other}}", False),
        (
            "- namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}",
            "- podSelector: {}",
            True,
        ),
        ("- namespaceSelector: {matchLabels: {team: shop}}", "- podSelector: {}", False),
        # Every pod of every namespace, but not the addresses outside the cluster.
        ("- podSelector: {app: web}", "- namespaceSelector: {}", True),
        ("- ipBlock: {cidr: 10.0.0.0/24}", "- namespaceSelector: {}", False),
        # ipBlocks, with except entries.
        ("- ipBlock: {cidr: 10.1.0.0/16}", "- ipBlock: {cidr: 10.0.0.0/8, except: [10.2.0.0/16]}", True),
        ("- ipBlock: {cidr: 10.2.1.0/24}", "- ipBlock: {cidr: 10.0.0.0/8, except: [10.2.0.0/16]}", False),
        ("- ipBlock: {cidr: '2001:db8:1::/48'}", "- ipBlock: {cidr: '2001:db8::/32'}", True),
        # Each peer inside one peer of the other rule.
        (
            "[- podSelector: {}, - ipBlock: {cidr: 10.0.0.0/24}]",
            "[- podSelector: {}, - ipBlock: {cidr: 10.0.0.0/8}]",
            True,
        ),
        ("[- podSelector: {}, - ipBlock: {cidr: 10.0.0.0/24}]", "- podSelector: {}", False),
    ],
)
def test_peer_containment(tmp_path: Path, inner: str, outer: str, covered: bool) -> None:
    (tmp_path / "namespace.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: shop}\n"
    )

    def peers(text: str) -> str:
        items = text.strip("[]").split(", - ") if text.startswith("[") else [text]
        lines = []
        for item in items:
            item = item.removeprefix("- ")
            key, _, value = item.partition(": ")
            if key == "podSelector" and value != "{}":
                value = f"{{matchLabels: {value}}}"
            lines.append(f"        - {key}: {value}\n")
        return "".join(lines)

    body = f"  podSelector: {{}}\n  ingress:\n    - from:\n{peers(outer)}    - from:  # inner\n{peers(inner)}"
    text = policy("p", body)
    (tmp_path / "policy.yaml").write_text(text)
    report = lint_paths(["policy.yaml", "namespace.yaml"], tmp_path, select=["KC309"])
    assert (line_of(text, "# inner") in {f.location.span.line for f in report.active}) == covered


def test_no_peers_is_covered_only_by_every_peer_of_both_ip_versions(tmp_path: Path) -> None:
    everything = """\
    - to:
        - namespaceSelector: {}
        - ipBlock: {cidr: 0.0.0.0/0}
        - ipBlock: {cidr: '::/0'}
      ports:
        - port: 443
"""
    ipv4 = everything.replace("        - ipBlock: {cidr: '::/0'}\n", "")
    peerless = "    - ports:\n        - port: 443\n"
    head = "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
    # IPv4 only does not cover a rule without peers (it admits IPv6 addresses); the reverse holds.
    text = policy("p", head + ipv4 + peerless)
    assert [m for _, _, m in findings(tmp_path, text, ["KC309"])] == [
        "NetworkPolicy shop/p egress[0] allows nothing that egress[1] of the same policy does not already "
        "allow to the pods it selects"
    ]
    text = policy("p", head + everything + peerless)
    assert [m for _, _, m in findings(tmp_path, text, ["KC309"])] == [
        "NetworkPolicy shop/p egress[1] allows nothing that egress[0] of the same policy does not already "
        "allow to the pods it selects"
    ]


@pytest.mark.parametrize(
    ("inner", "outer", "covered"),
    [
        ("- port: http", "- port: http", True),
        ("- port: http", "- protocol: TCP", True),
        ("- port: http", "- {port: http, protocol: UDP}", False),
        # A number is not inside a name, even where the name resolves to it: containment is from the text.
        ("- port: 8080", "- port: http", False),
        (
            "- {port: 8080, endPort: 8090}",
            "[- {port: 8000, endPort: 8085}, - {port: 8086, endPort: 9000}]",
            True,
        ),
        ("- {port: 8080, endPort: 8090}", "- {port: 8000, endPort: 8085}", False),
        ("", "[- protocol: TCP, - protocol: UDP, - protocol: SCTP]", True),
        ("", "[- protocol: TCP, - protocol: UDP]", False),
    ],
)
def test_port_containment(tmp_path: Path, inner: str, outer: str, covered: bool) -> None:
    def ports(text: str) -> str:
        if not text:
            return ""
        items = text.strip("[]").split(", - ") if text.startswith("[") else [text]
        return "      ports:\n" + "".join(f"        - {item.removeprefix('- ')}\n" for item in items)

    peer = "        - podSelector: {}\n"
    outer_rule = f"    - from:\n{peer}{ports(outer)}"
    body = f"  podSelector: {{}}\n  ingress:\n{outer_rule}    - from:  # inner\n{peer}{ports(inner)}"
    text = workload("web", "{app: web}") + policy("p", body)
    assert inner_reported(tmp_path, text) == covered


def test_the_covering_policy_must_select_at_least_the_same_pods(tmp_path: Path) -> None:
    peers = "        - podSelector:\n            matchLabels: {app: web}\n"
    wide = policy("wide", rule_body(peers, subject="{matchExpressions: [{key: app, operator: Exists}]}"))
    narrow = policy("narrow", rule_body(peers, subject="{matchLabels: {app: api}}"))
    other = policy("other", rule_body(peers, subject="{matchLabels: {app: db}}"), namespace="elsewhere")
    assert [m for _, _, m in findings(tmp_path, wide + narrow + other, ["KC309"])] == [
        "NetworkPolicy shop/narrow ingress[0] allows nothing that shop/wide ingress[0] does not already "
        "allow to the pods it selects"
    ]


def test_a_policy_that_selects_no_pod_can_select_nothing_at_all(tmp_path: Path) -> None:
    # A podSelector no label set matches (In and NotIn of the same value): its rules are compared with
    # its own only, and nothing crashes.
    never = "[{key: app, operator: In, values: [a]}, {key: app, operator: NotIn, values: [a]}]"
    subject = f"{{matchExpressions: {never}}}"
    peers = "        - podSelector: {}\n"
    text = policy("never", rule_body(peers, subject=subject) + "    - from:\n" + peers) + policy(
        "all", rule_body(peers)
    )
    assert [m for _, _, m in findings(tmp_path, text, ["KC309"])] == [
        "NetworkPolicy shop/never ingress[1] allows nothing that ingress[0] of the same policy does not "
        "already allow to the pods it selects"
    ]


# --- Scale -------------------------------------------------------------------------------------------------


def test_finding_wider_and_narrower_policies_does_not_compare_every_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    real = containment_module.implies

    def counting(narrow: Selector, wide: Selector) -> bool:
        nonlocal calls
        calls += 1
        return real(narrow, wide)

    monkeypatch.setattr(containment_module, "implies", counting)
    count = 400
    text = "".join(
        policy(
            f"p{index}",
            f"  podSelector:\n    matchLabels: {{app: a{index}}}\n  ingress:\n"
            f"    - from:\n        - podSelector:\n"
            f"            matchLabels: {{app: a{(index + 1) % count}}}\n",
        )
        for index in range(count)
    ) + policy("wide", rule_body("        - podSelector: {}\n"))
    assert [rule for rule, _, _ in findings(tmp_path, text, ["KC308", "KC309"])] == ["KC309"] * count
    # Policies with no workload in the input: the candidates come from the selectors' witnesses, a few per
    # policy, not from every policy of the namespace.
    assert calls < 10 * count


def test_implies_is_a_sufficient_test() -> None:
    def selector(labels: dict[str, str]) -> Selector:
        compiled = compile_selector(LabelSelector.model_validate({"matchLabels": labels}))
        assert isinstance(compiled, Selector)
        return compiled

    assert implies(selector({"a": "1", "b": "2"}), selector({"a": "1"}))
    assert not implies(selector({"a": "1"}), selector({"a": "1", "b": "2"}))
    assert implies(selector({"a": "1"}), Selector())
    assert not implies(Selector(), selector({"a": "1"}))
