"""apply_suppressions: which findings comments, annotations and per-path-ignores suppress, and KC003/KC004."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kcheck.core.findings import Finding, ObjectRef, Suppression
from kcheck.core.location import Location, Span
from kcheck.core.severity import Severity
from kcheck.engine.config import Settings
from kcheck.engine.selection import select_rules
from kcheck.engine.suppression import AnnotatedObject, SuppressionCandidate, apply_suppressions
from tests.unit.config.fake_rules import RULES

PATH = "deploy/app.yaml"
APP = ObjectRef("apps/v1", "Deployment", "prod", "app")
OTHER = ObjectRef("apps/v1", "Deployment", "prod", "other")


def _finding(
    rule_id: str, line: int, column: int = 3, obj: ObjectRef | None = APP, path: str = PATH
) -> Finding:
    name = next(rule.name for rule in RULES if rule.id == rule_id)
    return Finding(
        rule_id, name, Severity.WARNING, f"{name} here", Location(path, Span(line, column, line, 9)), obj
    )


def _run(
    text: str, *findings: Finding | SuppressionCandidate, settings: Settings | None = None, **kwargs: object
) -> list[Finding]:
    candidates = [f if isinstance(f, SuppressionCandidate) else SuppressionCandidate(f) for f in findings]
    return apply_suppressions(candidates, {PATH: text}, settings or Settings(), RULES, None, **kwargs)  # type: ignore[arg-type]


def _meta(rule_id: str, message: str, span: Span, obj: ObjectRef | None = None, **kw: object) -> Finding:
    name = {"KC003": "unused-suppression", "KC004": "suppression-without-reason"}[rule_id]
    return Finding(rule_id, name, Severity.WARNING, message, Location(PATH, span), obj, **kw)  # type: ignore[arg-type]


def test_trailing_comment_suppresses_its_line() -> None:
    text = "a: 1\nb: 2  # kcheck: disable=KC101 -- host agent\n"
    finding = _finding("KC101", 2)
    comment = Location(PATH, Span(2, 7, 2, 44))
    assert _run(text, finding, _finding("KC101", 1)) == [
        replace(finding, suppression=Suppression("comment", "host agent", comment)),
        _finding("KC101", 1),
    ]


def test_comment_above_suppresses_the_next_line_by_name_and_prefix() -> None:
    text = "# kcheck: disable=privileged-container,KC10 -- reviewed\n\nspec: {}\n"
    result = _run(text, _finding("KC101", 3), _finding("KC102", 3), _finding("KC201", 3))
    assert [(f.rule_id, f.suppression and f.suppression.kind) for f in result] == [
        ("KC101", "comment"),
        ("KC102", "comment"),
        ("KC201", None),
    ]


def test_file_directive_suppresses_the_whole_file_only() -> None:
    text = "a: 1\nb: 2\n# kcheck: disable-file=KC1 -- vendored\n"
    elsewhere = _finding("KC101", 1, path="other.yaml")
    result = _run(text, _finding("KC101", 1), _finding("KC102", 2), elsewhere)
    assert [f.suppression is not None for f in result] == [True, True, False]
    assert result[0].suppression == Suppression("comment", "vendored", Location(PATH, Span(3, 1, 3, 39)))


def test_comment_without_reason_suppresses_and_is_reported() -> None:
    text = "a: 1  # kcheck: disable=KC101\n"
    suppressed, kc004 = _run(text, _finding("KC101", 1))
    assert suppressed.suppression == Suppression("comment", "", Location(PATH, Span(1, 7, 1, 30)))
    assert kc004 == _meta(
        "KC004",
        "`# kcheck: disable=KC101` gives no reason; say why the finding does not apply",
        Span(1, 7, 1, 30),
    )


def test_unused_comment_is_reported() -> None:
    text = "a: 1  # kcheck: disable=KC101,KC102 -- was privileged\n"
    finding, kc003 = _run(text, _finding("KC102", 1))
    assert finding.suppression is not None
    assert kc003 == _meta(
        "KC003",
        "`# kcheck: disable=KC101,KC102` suppresses KC101, but no finding matched it",
        Span(1, 7, 1, 54),
    )


def test_comment_naming_an_unknown_rule_is_reported_with_a_suggestion() -> None:
    (kc003,) = _run("a: 1  # kcheck: disable=privileged-containr -- x\n")
    assert kc003.message == (
        "`# kcheck: disable=privileged-containr` suppresses privileged-containr "
        "(no such rule; did you mean 'privileged-container'?), but no finding matched it"
    )


def test_suppressions_of_rules_that_did_not_run_are_not_judged() -> None:
    enabled = select_rules(Settings(), RULES, None, ["KC101"])
    assert _run("a: 1  # kcheck: disable=KC101 -- later\n", enabled=enabled) == []


def test_kc003_and_kc004_follow_selection_and_severity() -> None:
    text = "a: 1  # kcheck: disable=KC101\n"
    enabled = select_rules(Settings(rules={"KC004": {"severity": "error"}}), RULES, None, ["KC003"])
    (kc004,) = _run(text, enabled=enabled)
    assert (kc004.rule_id, kc004.severity) == ("KC004", Severity.ERROR)


def test_malformed_directive_is_reported_as_suppressing_nothing() -> None:
    text = "a: 1  # kcheck: disabel=KC101\n"
    finding, kc003 = _run(text, _finding("KC101", 1))
    assert finding.suppression is None
    assert kc003 == _meta(
        "KC003",
        "`# kcheck: disabel=KC101` is not a kcheck directive kcheck can read (unknown action 'disabel'; "
        "expected `disable` or `disable-file`), so it suppresses nothing",
        Span(1, 7, 1, 30),
    )


def test_a_file_directive_may_silence_kc003() -> None:
    text = "# kcheck: disable-file=KC003 -- generated\na: 1  # kcheck: disable=KC101 -- stale\n"
    (kc003,) = _run(text)
    assert kc003.rule_id == "KC003"
    assert kc003.location.span.line == 2
    assert kc003.suppression == Suppression("comment", "generated", Location(PATH, Span(1, 1, 1, 42)))


def _annotation_location(key: str) -> Location:
    return Location(PATH, Span(5, 5, 5, 5 + len(key)))


def test_annotation_suppresses_findings_of_its_object_only() -> None:
    annotations = {"ignore.kcheck.io/privileged-container": "runs the CNI", "team": "infra"}
    candidate = SuppressionCandidate(_finding("KC101", 9), annotations, _annotation_location)
    other = _finding("KC101", 20, obj=OTHER)
    suppressed, kept = _run("", candidate, other)
    assert suppressed.suppression == Suppression(
        "annotation", "runs the CNI", _annotation_location("ignore.kcheck.io/privileged-container")
    )
    assert kept == other


def test_annotation_without_reason_and_unused_annotation() -> None:
    annotations = {"ignore.kcheck.io/KC101": " ", "ignore.kcheck.io/KC102": "old tag"}
    candidate = SuppressionCandidate(_finding("KC101", 9), annotations, _annotation_location)
    suppressed, kc004, kc003 = _run("", candidate)
    assert suppressed.suppression is not None
    assert kc004 == _meta(
        "KC004",
        "annotation `ignore.kcheck.io/KC101` gives no reason; say why the finding does not apply",
        Span(5, 5, 5, 27),
        APP,
        object_path=("metadata", "annotations", "ignore.kcheck.io/KC101"),
    )
    assert kc003 == _meta(
        "KC003",
        "annotation `ignore.kcheck.io/KC102` suppresses KC102, but no finding matched it",
        Span(5, 5, 5, 27),
        APP,
        object_path=("metadata", "annotations", "ignore.kcheck.io/KC102"),
    )


def test_stale_annotation_on_an_object_without_findings_is_reported() -> None:
    clean = AnnotatedObject(PATH, OTHER, {"ignore.kcheck.io/KC9": "x"}, _annotation_location)
    (kc003,) = _run("", annotated=[clean])
    assert kc003.message == (
        "annotation `ignore.kcheck.io/KC9` suppresses KC9 (no such rule), but no finding matched it"
    )
    assert kc003.object == OTHER


def test_per_path_ignores_apply_relative_to_the_config_directory(tmp_path: Path) -> None:
    settings = Settings(per_path_ignores={"deploy/*.yaml": ["KC1"], "charts": ["KC201"]})
    findings = [
        SuppressionCandidate(_finding("KC101", 1, path="repo/deploy/app.yaml")),
        SuppressionCandidate(_finding("KC201", 1, path="repo/charts/x/svc.yaml")),
        SuppressionCandidate(_finding("KC101", 1, path="repo/other/app.yaml")),
        SuppressionCandidate(_finding("KC101", 1, path="<stdin>")),
    ]
    result = apply_suppressions(findings, {}, settings, RULES, tmp_path / "repo", cwd=tmp_path)
    assert [f.suppression for f in result] == [
        Suppression("config", "per-path-ignores 'deploy/*.yaml' in the configuration"),
        Suppression("config", "per-path-ignores 'charts' in the configuration"),
        None,
        None,
    ]
