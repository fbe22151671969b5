"""Property-based: random and mutated YAML/JSON never makes the pipeline raise."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcheck.core.findings import Report
from tests.lint_helpers import lint_text

SEED_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: web
          image: nginx:1.27
          resources: {requests: {cpu: 10m}, limits: {memory: 64Mi}}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}}}
"""

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(
    [
        "apiVersion",
        "kind",
        "metadata",
        "name",
        "namespace",
        "labels",
        "annotations",
        "spec",
        "template",
        "containers",
        "initContainers",
        "securityContext",
        "privileged",
        "runAsNonRoot",
        "runAsUser",
        "image",
        "resources",
        "limits",
        "requests",
        "hostNetwork",
        "items",
        "selector",
        "matchLabels",
        "jobTemplate",
    ]
)
kubernetes_shaped = st.recursive(
    json_values,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(field_names, children, max_size=5),
    max_leaves=40,
)


def _lint(data: bytes) -> Report:
    with tempfile.TemporaryDirectory() as directory:
        return lint_text(data, Path(directory))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _lint(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_manifest(data: st.DataObject) -> None:
    text = bytearray(SEED_MANIFEST.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        byte = data.draw(st.sampled_from(list(b" -:#[]{}&*!|>'\"\n\tx0\x00\xff")))
        if action == "delete":
            del text[position]
        elif action == "insert":
            text.insert(position, byte)
        else:
            text[position] = byte
    _lint(bytes(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(field_names, kubernetes_shaped, max_size=6))
def test_kubernetes_shaped_values_as_yaml_and_json(document: dict[str, object]) -> None:
    document.setdefault("kind", "Deployment")
    document.setdefault("apiVersion", "apps/v1")
    _lint(yaml.safe_dump(document).encode())
    _lint(json.dumps(document).encode())
