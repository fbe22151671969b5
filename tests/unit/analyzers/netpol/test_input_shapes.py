"""What repositories hold beside the policies: custom resources an operator makes pods from, objects
defined twice in alternative bundles, system namespaces. Found on the real-world corpus."""

from __future__ import annotations

from pathlib import Path

from tests.lint_helpers import lint_paths

PROMETHEUS_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: prometheus}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app.kubernetes.io/name: grafana}
"""
GRAFANA = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: grafana}}
  template:
    metadata: {labels: {app.kubernetes.io/name: grafana}}
    spec:
      containers:
        - name: grafana
          image: registry.example.com/grafana:11.0.0
"""
PROMETHEUS_CR = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec: {replicas: 2}
"""


def _findings(tmp_path: Path, files: dict[str, str], select: list[str]) -> list[tuple[str, str, int]]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = lint_paths(sorted(files), tmp_path, select=select)
    return [(f.rule_id, f.location.path, f.location.span.line) for f in report.active]


def test_pods_an_operator_creates_from_custom_resources_are_not_missing(tmp_path: Path) -> None:
    files = {"grafana.yaml": GRAFANA, "policy.yaml": PROMETHEUS_POLICY}
    assert _findings(tmp_path, files, ["KC302"]) == [("KC302", "policy.yaml", 5)]
    beside = tmp_path / "with-cr"
    beside.mkdir()
    assert _findings(beside, {**files, "prometheus.yaml": PROMETHEUS_CR}, ["KC302", "KC303"]) == []


def test_a_policy_defined_in_two_bundles_is_one_policy(tmp_path: Path) -> None:
    files = {
        "install/all.yaml": GRAFANA + "---\n" + PROMETHEUS_POLICY,
        "install/namespaced.yaml": PROMETHEUS_POLICY,
    }
    found = _findings(tmp_path, {**files, "prometheus.yaml": PROMETHEUS_CR}, ["KC308", "KC309"])
    assert found == []  # not "redundant with itself"


def test_peers_in_system_namespaces_are_not_reported(tmp_path: Path) -> None:
    dns = PROMETHEUS_POLICY.replace(
        "        - podSelector:\n            matchLabels: {app.kubernetes.io/name: grafana}\n",
        "        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: kube-system}\n"
        "          podSelector:\n            matchLabels: {k8s-app: kube-dns}\n",
    )
    proxy = GRAFANA.replace("namespace: monitoring", "namespace: kube-system").replace(
        "grafana", "kube-proxy"
    )
    assert (
        _findings(tmp_path, {"policy.yaml": dns, "proxy.yaml": proxy, "grafana.yaml": GRAFANA}, ["KC303"])
        == []
    )
