"""The Pod Security profiles through the real pipeline: a field is reported once, by the control that
admission at that level runs."""

from __future__ import annotations

from pathlib import Path

from kcheck.engine.config import Settings
from kcheck.engine.pipeline import RunRequest, run

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: h, hostPath: {path: /data}}]
  containers:
    - name: app
      image: x:1
      securityContext:
        procMount: Unmasked
        capabilities: {add: [SYS_ADMIN]}
"""


def found(tmp_path: Path, profile: str, version: str = "1.37") -> list[tuple[str, int, int]]:
    (tmp_path / "pod.yaml").write_text(POD)
    settings = Settings(profile=profile, kubernetes_version=version)
    report = run(RunRequest(paths=["pod.yaml"], cwd=tmp_path, settings=settings))
    return sorted((f.rule_id, f.location.span.line, f.location.span.column) for f in report.active)


def test_baseline_reports_the_baseline_controls(tmp_path: Path) -> None:
    assert found(tmp_path, "pss-baseline") == [("KC183", 11, 30), ("KC184", 5, 23), ("KC188", 10, 9)]


def test_restricted_reports_the_restricted_control_that_replaces_a_baseline_one_only(tmp_path: Path) -> None:
    ids = [rule for rule, _, _ in found(tmp_path, "pss-restricted")]
    assert "KC191" in ids and "KC184" not in ids  # hostPath: Volume Types, not HostPath Volumes
    assert "KC196" in ids and "KC183" not in ids  # capabilities
    assert "KC198" in ids and "KC188" not in ids  # /proc mount, restricted from 1.35


def test_an_override_newer_than_the_target_version_leaves_the_baseline_control(tmp_path: Path) -> None:
    ids = [rule for rule, _, _ in found(tmp_path, "pss-restricted", "1.34")]
    assert "KC188" in ids and "KC198" not in ids
