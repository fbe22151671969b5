"""`kcheck netpol`: connectivity, explain and diff as users run them: outputs validated against their
schemas, exact locations in explanations and SARIF, exit codes, broken input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.cli.test_cli import REPO, SARIF_SCHEMA, kcheck

SCHEMA = REPO / "kcheck" / "analyzers" / "netpol" / "connectivity.schema.json"

SHOP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db, tier: data}}
    spec:
      containers:
        - name: db
          image: registry.example.com/db:16.2
          ports: [{name: pg, containerPort: 5432}]
"""

POLICIES = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: web}}
      ports:
        - port: pg
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: db}}
          namespaceSelector: {matchLabels: {team: shop}}
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "workloads.yaml").write_text(SHOP)
    (tmp_path / "policies.yaml").write_text(POLICIES)
    return tmp_path


def test_connectivity_json_follows_its_schema(shop: Path) -> None:
    result = kcheck("netpol", "connectivity", ".", "--format", "json", cwd=shop)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    web = {"kind": "Deployment", "namespace": "shop", "name": "web"}
    db = {"kind": "StatefulSet", "namespace": "shop", "name": "db"}
    pairs = {(json.dumps(c["src"]), json.dumps(c["dst"])): c["conn"] for c in document["connections"]}
    assert pairs[(json.dumps(web), json.dumps(db))] == {"TCP": [[5432, 5432]]}
    assert (json.dumps(db), json.dumps(web)) not in pairs  # namespace shop lacks the label team=shop
    assert document["assumptions"]["ipBlockSelectsPods"] == "never"


@pytest.mark.parametrize("output_format", ["text", "csv", "md", "dot", "mermaid"])
def test_every_format_renders(shop: Path, output_format: str) -> None:
    result = kcheck("netpol", "connectivity", ".", "--format", output_format, cwd=shop)
    assert result.returncode == 0, result.stderr
    assert "db" in result.stdout


def test_focus_keeps_one_workloads_connections(shop: Path) -> None:
    result = kcheck("netpol", "connectivity", ".", "-f", "json", "--focus", "shop/db[StatefulSet]", cwd=shop)
    connections = json.loads(result.stdout)["connections"]
    assert connections and all("db" in (c["src"].get("name"), c["dst"].get("name")) for c in connections)


def test_explain_names_the_deciding_rule_and_why_others_fail(shop: Path) -> None:
    allowed = kcheck(
        "netpol", "explain", ".", "--src", "shop/web", "--dst", "shop/db", "--port", "5432", cwd=shop
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "shop/web[Deployment] => shop/db[StatefulSet] on TCP 5432: ALLOWED" in allowed.stdout
    assert "ingress[0] (policies.yaml:7:7): matches, allows TCP 5432" in allowed.stdout
    denied = kcheck("netpol", "explain", ".", "--src", "shop/db", "--dst", "shop/web", "-f", "json", cwd=shop)
    assert denied.returncode == 1
    document = json.loads(denied.stdout)
    assert document["allowed"] is False
    rule = document["ingress"]["policies"][0]["rules"][0]
    assert (rule["file"], rule["line"], rule["matched"]) == ("policies.yaml", 18, False)
    assert rule["reasons"] == [
        {
            "message": "from[0]: namespaceSelector: namespace shop has no label team; "
            "the selector requires team=shop",
            "file": "policies.yaml",
            "line": 19,
            "column": 11,
        }
    ]


def test_explain_reports_named_port_and_protocol_mismatches(shop: Path) -> None:
    result = kcheck(
        "netpol", "explain", ".", "--src", "shop/web", "--dst", "shop/db", "--port", "5432/UDP", cwd=shop
    )
    assert result.returncode == 1
    assert (
        "policies.yaml:10:11: shop/db[StatefulSet] declares no container port named pg" not in result.stdout
    )
    assert (
        "policies.yaml:10:11: named port pg is TCP 5432 on shop/db[StatefulSet], not UDP 5432"
        in result.stdout
    )


def test_explain_usage_errors_exit_2(shop: Path) -> None:
    missing = kcheck("netpol", "explain", ".", "--src", "shop/nope", "--dst", "shop/db", cwd=shop)
    assert missing.returncode == 2
    assert "'shop/nope' is not a workload" in missing.stderr
    port = kcheck(
        "netpol", "explain", ".", "--src", "shop/web", "--dst", "shop/db", "--port", "99999", cwd=shop
    )
    assert port.returncode == 2 and "--port '99999'" in port.stderr
    fmt = kcheck("netpol", "connectivity", ".", "--format", "yaml", cwd=shop)
    assert fmt.returncode == 2


def test_broken_input_is_reported_with_its_location_and_exit_1(shop: Path) -> None:
    (shop / "broken.yaml").write_text("kind: [unclosed\n")
    (shop / "invalid.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: shop}\n"
        "spec:\n  podSelector: {}\n  ingress:\n    - from:\n        - {}\n"
    )
    result = kcheck("netpol", "connectivity", ".", "-f", "json", cwd=shop)
    assert result.returncode == 1
    assert "broken.yaml:2:1: error: KC001 while parsing a flow sequence" in result.stderr
    assert (
        "invalid.yaml:8:11: error: KC301 NetworkPolicy shop/bad is invalid: must specify a peer"
        in result.stderr
    )
    json.loads(result.stdout)  # the connectivity of the rest is still written


def test_diff_lists_changes_and_sarif_locates_new_connections(
    shop: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    head = tmp_path_factory.mktemp("head")
    (head / "workloads.yaml").write_text(SHOP)
    (head / "policies.yaml").write_text(
        POLICIES.replace("        - port: pg\n", "        - port: pg\n        - port: 9187\n")
    )
    result = kcheck("netpol", "diff", str(shop), str(head), "-f", "json", cwd=shop)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["changed"] == [
        {
            "src": {"kind": "Deployment", "namespace": "shop", "name": "web"},
            "dst": {"kind": "StatefulSet", "namespace": "shop", "name": "db"},
            "before": {"TCP": [[5432, 5432]]},
            "after": {"TCP": [[5432, 5432], [9187, 9187]]},
            "added": {"TCP": [[9187, 9187]]},
            "removed": {},
        }
    ]
    sarif = kcheck("netpol", "diff", str(shop), str(head), "-f", "sarif", cwd=head)
    log = json.loads(sarif.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    (finding,) = log["runs"][0]["results"]
    assert finding["ruleId"] == "KC350"
    region = finding["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (7, 7)  # the ingress rule that allows it
    assert (
        "shop/web[Deployment] can now connect to shop/db[StatefulSet] on TCP 9187"
        in finding["message"]["text"]
    )
    same = kcheck("netpol", "diff", str(shop), str(shop), cwd=shop)
    assert same.returncode == 0 and "no change in allowed connections" in same.stdout
