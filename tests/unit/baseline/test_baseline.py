"""Fingerprints and baselines: stable across line shifts and reordering, count-aware."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kcheck.core.errors import ConfigError
from kcheck.core.findings import Finding, ObjectRef, Suppression
from kcheck.core.fingerprint import fingerprint, number_duplicates, with_fingerprints
from kcheck.core.location import Location, ObjectPath, Span
from kcheck.core.severity import Severity
from kcheck.engine.baseline import Baseline, BaselineEntry, apply_baseline, load_baseline, write_baseline

APP = ObjectRef("apps/v1", "Deployment", "prod", "app")
PRIVILEGED: ObjectPath = ("spec", "template", "spec", "containers", 0, "securityContext", "privileged")


def _finding(
    line: int, obj: ObjectRef | None = APP, path: ObjectPath | None = PRIVILEGED, rule_id: str = "KC101"
) -> Finding:
    location = Location("deploy/app.yaml", Span(line, 11, line, 27))
    return Finding(rule_id, "privileged-container", Severity.ERROR, "runs privileged", location, obj, path)


def test_fingerprint_is_32_hex_digits() -> None:
    value = fingerprint(_finding(12), "")
    assert len(value) == 32
    int(value, 16)


def test_fingerprint_survives_a_line_shift_and_document_reordering() -> None:
    assert fingerprint(_finding(12), "") == fingerprint(_finding(40), "        privileged: true")


def test_fingerprint_ignores_the_api_version_but_not_the_group() -> None:
    beta = ObjectRef("apps/v1beta2", "Deployment", "prod", "app")
    extensions = ObjectRef("extensions/v1beta1", "Deployment", "prod", "app")
    assert fingerprint(_finding(12, beta), "") == fingerprint(_finding(12), "")
    assert fingerprint(_finding(12, extensions), "") != fingerprint(_finding(12), "")


@pytest.mark.parametrize(
    "changed",
    [
        _finding(12, rule_id="KC102"),
        _finding(12, ObjectRef("apps/v1", "Deployment", "prod", "web")),
        _finding(12, ObjectRef("apps/v1", "Deployment", "dev", "app")),
        _finding(12, ObjectRef("apps/v1", "StatefulSet", "prod", "app")),
        _finding(12, path=("spec", "template", "spec", "containers", 1, "securityContext", "privileged")),
        replace(_finding(12), location=Location("deploy/other.yaml", Span(12, 11, 12, 27))),
    ],
)
def test_fingerprint_changes_with_what_the_finding_is_about(changed: Finding) -> None:
    assert fingerprint(changed, "") != fingerprint(_finding(12), "")


def test_finding_without_object_uses_its_line_text_not_number() -> None:
    syntax_at_3, syntax_at_9 = _finding(3, None, None, "KC001"), _finding(9, None, None, "KC001")
    assert fingerprint(syntax_at_3, "  key: [a, b") == fingerprint(syntax_at_9, "key: [a, b   ")
    assert fingerprint(syntax_at_3, "key: [a, b") != fingerprint(syntax_at_3, "key: [a, c")


def test_duplicates_are_numbered_in_sort_order() -> None:
    first, second, third = (replace(_finding(line), fingerprint="abc") for line in (30, 10, 20))
    other = replace(_finding(1), fingerprint="def")
    numbered = number_duplicates([first, second, other, third])
    assert [f.fingerprint for f in numbered] == ["abc:3", "abc", "def", "abc:2"]


def test_with_fingerprints_reads_line_text_from_sources() -> None:
    text = "a: 1\nkey: [a, b\n"
    (finding,) = with_fingerprints([_finding(2, None, None, "KC001")], {"deploy/app.yaml": text})
    assert finding.fingerprint == fingerprint(_finding(2, None, None, "KC001"), "key: [a, b")


def _fingerprinted(*lines: int) -> list[Finding]:
    return with_fingerprints([_finding(line) for line in lines], {})


def test_baseline_file_is_deterministic_and_counts_duplicates() -> None:
    findings = _fingerprinted(12, 30)
    suppressed = replace(_finding(50, rule_id="KC102"), suppression=Suppression("comment", "ok"))
    text = write_baseline([*findings, suppressed])
    assert text == write_baseline(list(reversed([*findings, suppressed])))
    key = fingerprint(_finding(1), "")
    assert json.loads(text) == {
        "version": 1,
        "tool": "kcheck",
        "fingerprints": {key: {"rule": "KC101", "path": "deploy/app.yaml", "count": 2}},
    }


def test_round_trip_and_a_line_shift_keeps_findings_baselined(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(write_baseline(_fingerprinted(12)), encoding="utf-8")
    baseline = load_baseline(path)
    (shifted,) = apply_baseline(_fingerprinted(40), baseline)
    assert shifted.suppression == Suppression("baseline", f"in baseline {path}")


def test_baseline_is_count_aware() -> None:
    key = fingerprint(_finding(1), "")
    baseline = Baseline(Path("b.json"), {key: BaselineEntry("KC101", "deploy/app.yaml", 2)})
    result = apply_baseline(_fingerprinted(30, 10, 20), baseline)
    assert [(f.location.span.line, f.suppression is None) for f in result] == [
        (30, True),
        (10, False),
        (20, False),
    ]


def test_findings_not_in_the_baseline_stay_active() -> None:
    baseline = Baseline(Path("b.json"), {})
    assert apply_baseline(_fingerprinted(12), baseline) == _fingerprinted(12)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{",
            "not a kcheck baseline: invalid JSON at 1:2: Expecting property name enclosed in double quotes",
        ),
        ('{"version": 1}', 'not a kcheck baseline: expected a JSON object with "tool": "kcheck"'),
        (
            '{"version": 2, "tool": "kcheck"}',
            "not a kcheck baseline: unsupported version 2 (this kcheck reads 1)",
        ),
        ('{"version": 1, "tool": "kcheck"}', "not a kcheck baseline: fingerprints must be an object"),
        (
            '{"version": 1, "tool": "kcheck", "fingerprints": {"ab": {"rule": "R", "path": "", "count": 0}}}',
            "not a kcheck baseline: fingerprints.ab.count must be a positive integer",
        ),
        (
            '{"version": 1, "tool": "kcheck", "fingerprints": {"ab": {"rule": 1, "path": "x", "count": 1}}}',
            "not a kcheck baseline: fingerprints.ab needs string `rule` and `path`",
        ),
    ],
)
def test_invalid_baseline_is_a_config_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == f"{path}: {message}"


def test_missing_baseline_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert str(caught.value) == f"{path}: no such baseline file (create one with `kcheck baseline -o {path}`)"
