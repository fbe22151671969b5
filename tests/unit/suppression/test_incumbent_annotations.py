"""The suppression annotations of kube-linter, Polaris, kube-score and Checkov, through a real lint run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.engine.suppression import incumbent_checks
from tests.lint_helpers import lint_text

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations:
{annotations}
spec:
  hostNetwork: true
  containers:
    - name: app
      image: registry.example.com/agent:1.0
      securityContext:
        privileged: true
"""


def lint(tmp_path: Path, annotations: str, config: str | None = None) -> list[tuple[str, str | None]]:
    if config is not None:
        (tmp_path / ".kcheck.yaml").write_text(config)
    report = lint_text(POD.format(annotations=annotations), tmp_path, select=["KC101", "KC105", "KC003"])
    return sorted(
        (f.rule_id, f.suppression.reason if f.suppression else None)
        for f in report.findings
        if f.rule_id in ("KC101", "KC105", "KC003")
    )


@pytest.mark.parametrize(
    ("annotation", "reason"),
    [
        ('ignore-check.kube-linter.io/privileged-container: "needs the GPU driver"', "needs the GPU driver"),
        ('polaris.fairwinds.com/runAsPrivileged-exempt: "true"', "exempted by annotation "),
        ('kube-score/ignore: "pod-probes, container-security-context-privileged"', "exempted by annotation "),
        ('checkov.io/skip1: "CKV_K8S_16=node agent"', "node agent"),
    ],
)
def test_each_tool_s_annotation_suppresses_the_rule_that_replaces_its_check(
    tmp_path: Path, annotation: str, reason: str
) -> None:
    found = lint(tmp_path, f"    {annotation}")
    assert [rule for rule, _ in found] == ["KC101", "KC105"]
    privileged, host_network = found
    assert privileged[1] is not None and privileged[1].startswith(reason)
    assert host_network == ("KC105", None)  # another check: still reported


def test_ignore_all_annotations_cover_every_rule_replacing_one_of_the_tool_s_checks(tmp_path: Path) -> None:
    found = lint(tmp_path, '    kube-linter.io/ignore-all: "vendor chart"')
    assert found == [("KC101", "vendor chart"), ("KC105", "vendor chart")]
    (tmp_path / "p").mkdir()
    found = lint(tmp_path / "p", '    polaris.fairwinds.com/exempt: "true"')
    assert [reason is not None for _, reason in found] == [True, True]


def test_a_false_polaris_exemption_and_unknown_checks_suppress_nothing_and_are_not_reported(
    tmp_path: Path,
) -> None:
    annotations = (
        '    polaris.fairwinds.com/runAsPrivileged-exempt: "false"\n'
        "    ignore-check.kube-linter.io/no-such-check: x"
    )
    assert lint(tmp_path, annotations) == [("KC101", None), ("KC105", None)]


def test_an_unused_incumbent_annotation_is_not_kcheck_s_to_report(tmp_path: Path) -> None:
    found = lint(tmp_path, '    ignore-check.kube-linter.io/latest-tag: "pinned by digest upstream"')
    assert ("KC003", None) not in found


def test_the_setting_turns_them_off(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        '    ignore-check.kube-linter.io/privileged-container: "x"',
        "incumbent-annotations: false\n",
    )
    assert found == [("KC101", None), ("KC105", None)]


def test_annotation_parsing() -> None:
    assert incumbent_checks("kube-score/ignore", "a, b,,") == (["kube-score:a", "kube-score:b"], None)
    assert incumbent_checks("checkov.io/skip12", "CKV_K8S_20") == (["checkov:CKV_K8S_20"], None)
    assert incumbent_checks("checkov.io/skipper", "CKV_K8S_20") is None
    assert incumbent_checks("polaris.fairwinds.com/hostNetworkSet-exempt", "True") == (
        ["polaris:hostNetworkSet"],
        None,
    )
    assert incumbent_checks("app.kubernetes.io/name", "x") is None
