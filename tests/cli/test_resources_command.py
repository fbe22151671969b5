"""`kcheck resources`: the report in each format, its JSON schema, exit codes, broken input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.cli.test_cli import REPO, kcheck

SCHEMA = REPO / "kcheck" / "analyzers" / "resources" / "report.schema.json"

NAMESPACE = """\
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team-a}
spec:
  hard: {requests.cpu: "2", limits.memory: 4Gi, pods: "10"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team-a}
spec:
  limits:
    - type: Container
      default: {memory: 512Mi}
      defaultRequest: {memory: 256Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: team-a}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: 500m}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: team-a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 6
"""


def test_json_report_matches_its_schema_and_says_what_fits(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(NAMESPACE)
    result = kcheck("resources", "-f", "json", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # fits at declared replicas; over only at HPA maximum
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    (namespace,) = document["namespaces"]
    (quota,) = namespace["quotas"]
    cpu = next(r for r in quota["resources"] if r["resource"] == "requests.cpu")
    assert cpu == {
        "resource": "requests.cpu",
        "hard": "2",
        "used": "1",
        "usedAtMaxReplicas": "3",
        "exceeded": False,
        "exceededAtMaxReplicas": True,
    }
    (workload,) = namespace["workloads"]
    assert workload["qosClass"] == "Burstable"
    assert (workload["replicas"], workload["maxReplicas"], workload["autoscaler"]) == (2, 6, "web")
    assert workload["containers"][0]["requests"] == {"cpu": "500m", "memory": "256Mi"}
    assert workload["containers"][0]["defaultedBy"] == {
        "limits.memory": "defaults",
        "requests.memory": "defaults",
    }
    assert [(f["ruleId"], f["location"]["line"]) for f in document["findings"]] == [("KC705", 5)]


def test_text_and_markdown_and_exit_code_when_over_quota(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(NAMESPACE.replace("replicas: 2", "replicas: 5"))
    text = kcheck("resources", ".", cwd=tmp_path)
    assert text.returncode == 1
    assert "  requests.cpu   2     2500m EXCEEDED  3 EXCEEDED\n" in text.stdout
    assert (
        "Deployment web  Burstable  5 (max 6)  cpu=500m, memory=256Mi  memory=512Mi  admitted" in text.stdout
    )
    assert "app.yaml:5:10: KC704 [error] namespace team-a needs requests.cpu 2500m" in text.stdout
    markdown = kcheck("resources", "--format", "markdown", ".", cwd=tmp_path)
    assert "## Namespace team-a" in markdown.stdout
    assert "| requests.cpu | 2 | 2500m EXCEEDED | 3 EXCEEDED |" in markdown.stdout


def test_daemonset_nodes_option(tmp_path: Path) -> None:
    daemonset = NAMESPACE.replace("kind: Deployment", "kind: DaemonSet").replace("  replicas: 2\n", "")
    (tmp_path / "app.yaml").write_text(daemonset)
    document = json.loads(kcheck("resources", "-f", "json", "--nodes", "3", ".", cwd=tmp_path).stdout)
    assert document["assumptions"]["daemonSetNodes"] == 3
    assert document["namespaces"][0]["workloads"][0]["replicas"] == 3
    other = json.loads(kcheck("resources", "-f", "json", "-n", "team-b", ".", cwd=tmp_path).stdout)
    assert other["namespaces"] == []


def test_broken_input_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(NAMESPACE)
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n")
    result = kcheck("resources", "-f", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    rules = {(f["ruleId"], f["location"]["path"]) for f in document["findings"]}
    assert ("KC001", "broken.yaml") in rules
    assert document["namespaces"][0]["quotas"][0]["name"] == "compute"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert kcheck("resources", "-f", "sarif", ".", cwd=tmp_path).returncode == 2
    assert kcheck("resources", "--kubernetes-version", "1.2", ".", cwd=tmp_path).returncode == 2


def test_empty_input(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n")
    result = kcheck("resources", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert "No workloads, claims, LimitRanges or ResourceQuotas in the input." in result.stdout


def test_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    # The facts of each workload are computed in the workers and cross to the main process.
    for index in range(4):
        (tmp_path / f"app{index}.yaml").write_text(NAMESPACE.replace("name: web", f"name: web{index}"))
    one = kcheck("resources", "-f", "json", "-j", "1", ".", cwd=tmp_path)
    two = kcheck("resources", "-f", "json", "-j", "2", ".", cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert len(json.loads(two.stdout)["namespaces"][0]["workloads"]) == 4


def test_nodes_from_the_configuration(tmp_path: Path) -> None:
    daemonset = NAMESPACE.replace("kind: Deployment", "kind: DaemonSet").replace("  replicas: 2\n", "")
    (tmp_path / "app.yaml").write_text(daemonset)
    # Set on KC705 only: KC704 (default options) and KC705 count the same DaemonSet pods.
    (tmp_path / ".kcheck.yaml").write_text("rules:\n  KC705:\n    options: {nodes: 5}\n")
    document = json.loads(kcheck("resources", "-f", "json", ".", cwd=tmp_path).stdout)
    assert document["assumptions"]["daemonSetNodes"] == 5
    lint = kcheck("lint", "-q", "--select", "KC704,KC705", ".", cwd=tmp_path)
    assert "needs requests.cpu 2500m at declared replicas" in lint.stdout
