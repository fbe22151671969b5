"""KC199 through the real pipeline: the labels of a namespace decide, wherever they are; --jobs does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.core.location import Span, TextEdit
from tests.lint_helpers import lint_paths

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: apps
  labels:
    pod-security.kubernetes.io/enforce: {level}
{version}"""

# Fails restricted only on capabilities: `drop: [ALL]` is required from v1.22 on.
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: registry.example.com/web:1.0
      securityContext:
        allowPrivilegeEscalation: false
"""


def lint(tmp_path: Path, level: str, version: str = "", jobs: int = 1, config: str = "") -> list[str]:
    # The workload's file comes first in file order; the Namespace is in a later file of another directory.
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "z").mkdir(exist_ok=True)
    (tmp_path / "a" / "pod.yaml").write_text(POD)
    label = f"    pod-security.kubernetes.io/enforce-version: {version}\n" if version else ""
    (tmp_path / "z" / "namespace.yaml").write_text(NAMESPACE.format(level=level, version=label))
    if config:
        (tmp_path / "kcheck.yaml").write_text(config)
    report = lint_paths(
        ["a", "z"],
        tmp_path,
        select=["KC199"],
        jobs=jobs,
        config=tmp_path / "kcheck.yaml" if config else None,
    )
    return [
        f"{f.location.path}:{f.location.span.line}:{f.location.span.column} {f.message}"
        for f in report.active
    ]


def test_a_namespace_in_another_file_rejects_the_pod_and_is_the_related_location(tmp_path: Path) -> None:
    [finding] = lint(tmp_path, "restricted")
    assert finding == (
        "a/pod.yaml:13:7 Pod 'web' will be rejected in namespace 'apps', which enforces Pod Security "
        'restricted at version latest: Capabilities (v1.22+) (container "app" must set '
        'securityContext.capabilities.drop=["ALL"])'
    )
    report = lint_paths(["a", "z"], tmp_path, select=["KC199"])
    [related] = report.active[0].related
    assert (related.location.path, related.location.span.line, related.location.span.column) == (
        "z/namespace.yaml",
        6,
        5,
    )


@pytest.mark.parametrize(
    ("level", "version", "rejected"),
    [
        ("restricted", "v1.21", False),  # the capabilities check did not exist yet
        ("restricted", "v1.22", True),
        ("restricted", "v1.99", True),  # newer than the target: the target's checks
        ("restricted", "1.22", True),  # not `v1.X`: latest
        ("baseline", "", False),
        ("privileged", "", False),
        ("Restricted", "", True),  # no level: restricted
    ],
)
def test_level_and_version_labels(tmp_path: Path, level: str, version: str, rejected: bool) -> None:
    assert bool(lint(tmp_path, level, version)) is rejected


def test_the_result_does_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for index in range(45):  # enough files for the pool to be used
        (tmp_path / "a" / f"pod{index}.yaml").write_text(POD.replace("name: web", f"name: web{index}"))
    assert lint(tmp_path, "restricted", jobs=2) == lint(tmp_path, "restricted", jobs=1)
    assert len(lint(tmp_path, "restricted", jobs=2)) == 46


def test_the_default_level_applies_to_namespaces_without_the_label(tmp_path: Path) -> None:
    config = "rules:\n  KC199:\n    options: {default-level: restricted}\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pod.yaml").write_text(POD.replace("namespace: apps", "namespace: other"))
    (tmp_path / "kcheck.yaml").write_text(config)
    report = lint_paths(["a"], tmp_path, select=["KC199"], config=tmp_path / "kcheck.yaml")
    assert [f.rule_id for f in report.active] == ["KC199"]


def test_a_workload_read_with_the_namespaces_keeps_its_other_findings_and_their_fixes(tmp_path: Path) -> None:
    # The Namespace in the same file makes the file one that is read first, while the labels are not all
    # known: only KC199 waits for them; the other rules check the workload from its document, with fixes.
    text = NAMESPACE.format(level="restricted", version="") + "---\n" + POD
    (tmp_path / "all.yaml").write_text(text, encoding="utf-8")
    report = lint_paths(["all.yaml"], tmp_path, select=["KC110", "KC199"])
    by_rule = {f.rule_id: f for f in report.active}
    assert sorted(by_rule) == ["KC110", "KC199"]
    assert (by_rule["KC110"].location.span.line, by_rule["KC110"].location.span.column) == (20, 7)
    fix = by_rule["KC110"].fix
    assert fix is not None
    assert fix.edit == TextEdit(Span(22, 1, 22, 1), "        readOnlyRootFilesystem: true\n")
