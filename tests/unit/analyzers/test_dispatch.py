"""Rules meet the objects of the (group, kind) they apply to, and only those."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kcheck.analyzers.family import Dispatch, ObjectRule
from kcheck.analyzers.objects import host_pid
from kcheck.core.findings import Violation
from kcheck.model.base import K8sObject
from kcheck.model.build import build_objects
from kcheck.source.loader import load_bytes
from tests.lint_helpers import found, lint_text

HOST_PID = """\
apiVersion: {api_version}
kind: Deployment
metadata: {{name: web}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      hostPID: true
      containers: [{{name: web, image: "web:1.0"}}]
"""


def test_a_custom_resource_named_deployment_never_reaches_a_workload_rule(tmp_path: Path) -> None:
    builtin = lint_text(HOST_PID.format(api_version="apps/v1"), tmp_path, select=["KC1"])
    assert ("KC106", 9, 7) in found(builtin)
    custom = lint_text(HOST_PID.format(api_version="example.com/v1"), tmp_path, select=["KC1"])
    assert found(custom) == []
    # The old extensions group serves the same Deployment shape: a workload rule applies.
    legacy = lint_text(HOST_PID.format(api_version="extensions/v1beta1"), tmp_path, select=["KC1"])
    assert ("KC106", 9, 7) in found(legacy)


def test_dispatch_indexes_rules_by_group_and_kind() -> None:
    seen: list[str] = []

    def record(obj: K8sObject, analysis: object, options: object) -> list[Violation]:
        seen.append(f"{obj.api_version} {obj.kind}")
        return []

    anything = ObjectRule(replace(host_pid.RULE, id="KC199", applies_to=()), record)
    workload = ObjectRule(host_pid.RULE, record)
    dispatch = Dispatch([anything, workload], {"KC199": None, "KC106": None})
    text = HOST_PID.format(api_version="apps/v1") + "---\n" + HOST_PID.format(api_version="example.com/v1")
    objects = build_objects(load_bytes("m.yaml", text.encode()).documents).objects
    assert [rule.spec.id for rule in dispatch.rules_for(objects[0])] == ["KC199", "KC106"]
    assert [rule.spec.id for rule in dispatch.rules_for(objects[1])] == ["KC199"]
    for obj in objects:
        list(dispatch.run(obj, None))
    assert seen == ["apps/v1 Deployment", "apps/v1 Deployment", "example.com/v1 Deployment"]
