"""Helm charts: templates are never read as manifests; each chart is reported once (KC014), also when only
a template is named (pre-commit), and a chart alone is not an empty input."""

from __future__ import annotations

from pathlib import Path

from tests.lint_helpers import lint_paths

FIXTURE = Path(__file__).resolve().parents[2] / "rules" / "KC014_unrendered_helm_chart"


def located(paths: list[str]) -> list[tuple[str, int, str]]:
    report = lint_paths(paths, FIXTURE, select=["KC0", "KC5"])
    return sorted((f.location.path, f.location.span.line, f.rule_id) for f in report.active)


def test_templates_are_not_read_and_each_chart_is_reported() -> None:
    assert located(["bad"]) == [
        ("bad/charts/shop/Chart.yaml", 2, "KC014"),
        ("bad/charts/shop/charts/cache/Chart.yaml", 2, "KC014"),
    ]


def test_a_template_named_on_the_command_line_reports_its_chart() -> None:
    assert located(["bad/charts/shop/templates/deployment.yaml"]) == [
        ("bad/charts/shop/Chart.yaml", 2, "KC014")
    ]
