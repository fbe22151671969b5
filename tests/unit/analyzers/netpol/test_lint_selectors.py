"""The NetworkPolicy rules about what selectors and ports resolve to (KC303, KC306, KC311, KC313), through
a real lint run, on what the fixtures cannot show: policies the analysis leaves out or that have nothing to
check, several namespaces behind one peer, the default namespace, the network settings, and the exact
messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint_helpers import lint_text

RULES = ["KC303", "KC306", "KC311", "KC313"]

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {namespace}}}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      hostNetwork: {host}
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - {{name: http, containerPort: 8080}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {namespace}}}
spec:
  selector: {{app: web}}
  ports:
    - {{port: 80, targetPort: 8080}}
    - {{port: 81, targetPort: missing}}
"""


def web(namespace: str = "shop", host: bool = False) -> str:
    return WEB.format(namespace=namespace, host="true" if host else "false")


def findings(tmp_path: Path, text: str, rules: list[str] | None = None) -> list[tuple[str, int, str]]:
    report = lint_text(text, tmp_path, select=rules or RULES)
    return sorted((f.rule_id, f.location.span.line, f.message) for f in report.active)


def marked(text: str) -> int:
    """The line marked `# here`: where the finding is expected."""
    [line] = [number for number, content in enumerate(text.split("\n"), 1) if content.endswith("# here")]
    return line


def rule_ids(tmp_path: Path, text: str, rules: list[str] | None = None) -> list[str]:
    return [rule for rule, _, _ in findings(tmp_path, text, rules)]


def policy(spec: str, namespace: str = "shop", name: str = "p") -> str:
    return f"""\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {namespace}}}
{spec}"""


def ingress_from(peer: str) -> str:
    return f"spec:\n  podSelector: {{}}\n  ingress:\n    - from:\n        - {peer}\n"


def ingress_ports(port: str) -> str:
    return f"spec:\n  podSelector: {{}}\n  ingress:\n    - ports:\n        - {port}\n"


# --- Policies with nothing to check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "",  # no spec: selects every pod, isolates ingress, allows nothing
        "spec: null",
        "spec: {}",
        "spec: {podSelector: {}, ingress: []}",
        "spec: {podSelector: null, ingress: [{}], egress: [{}]}",
        "spec: {podSelector: {}, ingress: [{from: [], ports: []}]}",
        "spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: null, ports: null}]}",
    ],
)
def test_a_policy_without_peers_or_ports_gives_no_finding(tmp_path: Path, spec: str) -> None:
    assert findings(tmp_path, web() + policy(spec)) == []


@pytest.mark.parametrize(
    "peer",
    [
        # Invalid selectors: the API server rejects the policy (KC301), the analysis leaves it out.
        "namespaceSelector: {matchExpressions: [{key: team, operator: In}]}",
        "namespaceSelector: {matchLabels: {team: monitoring}}\n          ipBlock: {cidr: 10.0.0.0/8}",
        "podSelector: {matchExpressions: [{key: app, operator: Equals, values: [nobody]}]}",
        "podSelector: {matchLabels: {'bad key!': nobody}}",
    ],
)
def test_an_invalid_policy_is_only_reported_as_invalid(tmp_path: Path, peer: str) -> None:
    spec = f"""\
spec:
  podSelector: {{}}
  ingress:
    - from:
        - {peer}
      ports:
        - port: nope
        - port: 80
"""
    assert rule_ids(tmp_path, web() + policy(spec), [*RULES, "KC301"]) == ["KC301"]


# --- KC303 network-policy-peer-selects-nothing -------------------------------------------------------------


def test_a_peer_is_checked_in_every_namespace_it_reaches(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:  # here
            matchExpressions:
              - {key: kubernetes.io/metadata.name, operator: In, values: [shop, payments]}
          podSelector:
            matchLabels: {app: api}
"""
    text = web("shop") + "---\n" + web("payments") + policy(spec)
    assert findings(tmp_path, text) == [
        (
            "KC303",
            marked(text),
            "NetworkPolicy shop/p ingress[0].from[0]: podSelector app=api matches no pod in namespaces "
            "payments, shop (namespaceSelector kubernetes.io/metadata.name in (payments,shop)); "
            "payments/web[Deployment] has app=web; shop/web[Deployment] has app=web",
        )
    ]


def test_a_peer_reaching_a_namespace_without_workloads_is_not_known(tmp_path: Path) -> None:
    namespaces = """\
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: search, labels: {env: prod}}
"""
    spec = """\
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {env: prod}
          podSelector:
            matchLabels: {app: api}
"""
    assert findings(tmp_path, web() + namespaces + policy(spec)) == []


def test_the_default_namespace_holds_objects_without_one(tmp_path: Path) -> None:
    spec = ingress_from("podSelector: {matchLabels: {app: wbe}}  # here")
    text = web().replace(", namespace: shop", "") + policy(spec, namespace="default").replace(
        ", namespace: default", ""
    )
    assert findings(tmp_path, text, ["KC303"]) == [
        (
            "KC303",
            marked(text),
            "NetworkPolicy default/p ingress[0].from[0]: podSelector app=wbe matches no pod in namespace "
            "default; default/web[Deployment] has app=web",
        )
    ]


def test_labels_decide_not_the_host_network(tmp_path: Path) -> None:
    spec = ingress_from("podSelector: {matchLabels: {app: web}}")
    assert findings(tmp_path, web(host=True) + policy(spec), ["KC303"]) == []


def test_a_namespace_selector_that_matches_nothing_is_kc311_s_finding(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {team: nobody}
          podSelector:
            matchLabels: {app: nobody}
"""
    assert rule_ids(tmp_path, web() + policy(spec)) == ["KC311"]


# --- KC306 network-policy-named-port-undefined -------------------------------------------------------------


def test_a_named_port_on_pods_that_policies_do_not_select_is_not_checked(tmp_path: Path) -> None:
    # hostNetwork pods are not selected (network.host-network-pods: unselected).
    spec = ingress_ports("port: https")
    assert findings(tmp_path, web(host=True) + policy(spec), ["KC306"]) == []
    assert rule_ids(tmp_path, web(host=False) + policy(spec), ["KC306"]) == ["KC306"]


def test_an_ip_block_covering_the_pod_network_admits_pods_the_input_cannot_show(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 10.0.0.0/8}
      ports:
        - port: https
"""
    assert findings(tmp_path, web() + policy(spec), ["KC306"]) == []
    (tmp_path / ".kcheck.yaml").write_text("network:\n  pod-cidrs: [10.244.0.0/16]\n")
    assert findings(tmp_path, web() + policy(spec), ["KC306"]) == []


def test_a_named_port_message_names_the_pods_and_the_protocol(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  ingress:
    - ports:
        - {port: http, protocol: UDP}  # here
"""
    text = web() + policy(spec)
    assert findings(tmp_path, text, ["KC306"]) == [
        (
            "KC306",
            marked(text),
            "NetworkPolicy shop/p ingress[0]: no pod the policy selects (shop/web[Deployment]) declares a "
            "container port named http with protocol UDP; shop/web[Deployment] declares http as TCP",
        )
    ]


# --- KC311 namespace-selector-matches-nothing --------------------------------------------------------------


def test_namespaces_implied_by_objects_count_with_their_name_label(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-node-lease}}
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: billing}}  # here
"""
    text = web() + policy(spec)
    assert findings(tmp_path, text, ["KC311"]) == [
        (
            "KC311",
            marked(text),
            "NetworkPolicy shop/p ingress[0].from[2]: namespaceSelector kubernetes.io/metadata.name=billing "
            "matches no namespace of the input; the input has no namespace billing",
        )
    ]


def test_a_namespace_selector_with_name_and_label_names_what_fails(tmp_path: Path) -> None:
    spec = """\
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:  # here
            matchLabels: {kubernetes.io/metadata.name: shop, team: shop}
"""
    text = web() + policy(spec)
    assert findings(tmp_path, text, ["KC311"]) == [
        (
            "KC311",
            marked(text),
            "NetworkPolicy shop/p ingress[0].from[0]: namespaceSelector kubernetes.io/metadata.name=shop,"
            "team=shop matches no namespace of the input; no namespace has the label team",
        )
    ]


# --- KC313 network-policy-uses-service-port ----------------------------------------------------------------


def test_a_service_port_is_checked_only_on_the_pods_the_service_selects(tmp_path: Path) -> None:
    # The Service of namespace payments selects payments' pods, not those of shop that the policy selects.
    spec = ingress_ports("port: 80")
    text = web("payments") + "---\n" + web("shop").replace("{port: 80, targetPort: 8080}", "{port: 80}")
    assert findings(tmp_path, text + policy(spec), ["KC313"]) == []


def test_a_named_target_port_the_pods_lack_is_not_a_target(tmp_path: Path) -> None:
    spec = ingress_ports("port: 81")
    assert findings(tmp_path, web() + policy(spec), ["KC313"]) == []


def test_a_service_port_on_host_network_pods_is_not_checked(tmp_path: Path) -> None:
    spec = ingress_ports("port: 80")
    assert findings(tmp_path, web(host=True) + policy(spec), ["KC313"]) == []
    (tmp_path / ".kcheck.yaml").write_text("network:\n  host-network-pods: selected\n")
    assert rule_ids(tmp_path, web(host=True) + policy(spec), ["KC313"]) == ["KC313"]
