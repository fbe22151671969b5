"""`kcheck netpol` on broken and real-world input: every problem is a located finding with a documented exit
code, never a traceback, and the connectivity of the rest is still written (and valid)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from tests.cli.test_cli import REPO, kcheck

SCHEMA = json.loads((REPO / "kcheck" / "analyzers" / "netpol" / "connectivity.schema.json").read_text())
CORPUS = REPO.parent / "shared" / "corpus"

HOSTILE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: shapes, namespace: x}
spec:
  podSelector: 5
  ingress: "x"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: values, namespace: x}
spec:
  podSelector: {matchExpressions: [{key: a, operator: Foo}]}
  ingress:
    - from: [{ipBlock: {cidr: "::/0", except: ["zz"]}}]
      ports: [{port: {}}, {port: -1}, {port: "", protocol: ""}, {protocol: QUIC}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: admin}
spec:
  tier: Middle
  priority: "high"
  subject: []
  ingress: [{action: Accept, from: "all"}, 5, {action: Deny, from: [{}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: scalar}
spec: "nope"
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: x, labels: {app: p}}
spec:
  containers:
    - {name: c, image: "registry.example.com/app:1.0.0", ports: [{containerPort: "http"}, {name: 5}]}
"""


def test_hostile_policies_are_located_findings_and_the_rest_is_analysed(tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_text(HOSTILE)
    (tmp_path / "junk.yaml").write_bytes(os.urandom(4096) + b"\xff\xfe")
    result = kcheck("netpol", "connectivity", ".", "-f", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.split(":")[0] in ("hostile.yaml", "junk.yaml") for line in lines), lines
    unsupported = "error: KC301 NetworkPolicy x/values is invalid: Unsupported value: "
    assert f'hostile.yaml:15:50: {unsupported}"": supported values: "SCTP", "TCP", "UDP"' in result.stderr
    assert f'hostile.yaml:15:66: {unsupported}"QUIC": supported values: "SCTP", "TCP", "UDP"' in result.stderr
    assert any(line.startswith("junk.yaml:") for line in lines)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert {"kind": "Pod", "namespace": "x", "name": "p"} in [c["src"] for c in document["connections"]]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not available")
def test_the_real_world_corpus(tmp_path: Path) -> None:
    result = kcheck(
        "netpol", "connectivity", str(CORPUS), "-f", "json", "-o", str(tmp_path / "out.json"), cwd=tmp_path
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads((tmp_path / "out.json").read_text()))
