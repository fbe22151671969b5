from __future__ import annotations

from dataclasses import replace

from kcheck.core.findings import Report
from kcheck.core.location import FILE_START, Location, Span
from kcheck.reporters import ReporterOptions, render
from tests.unit.reporters.samples import NO_PROBE, PRIVILEGED_FINDING, SAMPLE, finding, report_of


def text(report: Report, *, color: bool = False, show_suppressed: bool = False) -> str:
    return render(report, "text", ReporterOptions(color=color, show_suppressed=show_suppressed)).text


def test_findings_with_excerpts_notes_and_summary() -> None:
    assert text(SAMPLE) == (
        "deploy.yaml:11:11: KC103 [info] container 'app' has no liveness probe (missing-liveness-probe)\n"
        "  11 |         - name: app\n"
        "     |           ^^^^^^^^^\n"
        "\n"
        "deploy.yaml:14:13: KC101 [error] container 'app' runs privileged (privileged-container)\n"
        "  14 |             privileged: true\n"
        "     |             ^^^^^^^^^^^^^^^^\n"
        "\n"
        "svc.yaml:7:5: KC201 [warning] Service 'web' selects no pods (dangling-service)\n"
        "  7 |     app: wbe\n"
        "    |     ^^^^^^^^\n"
        "  note: deploy.yaml:4:3: Deployment web is labelled app=web\n"
        "\n"
        "Found 1 error, 1 warning, 1 info finding in 2 files (12 objects in 5 files checked); 1 suppressed.\n"
    )


def test_suppressed_findings_are_shown_on_request_with_their_reason() -> None:
    shown = text(SAMPLE, show_suppressed=True)
    assert (
        "deploy.yaml:12:11: KC102 [warning] container 'app' uses the tag 'latest' (latest-image-tag)\n"
        "  12 |           image: nginx:latest\n"
        "     |           ^^^^^^^^^^^^^^^^^^^\n"
        "  suppressed by annotation at deploy.yaml:6:5: pinned by digest upstream\n"
    ) in shown
    assert "latest-image-tag" not in text(SAMPLE)
    # A suppressed finding is listed but not counted.
    assert shown.endswith(
        "Found 1 error, 1 warning, 1 info finding in 2 files (12 objects in 5 files checked); 1 suppressed.\n"
    )


def test_clean_run() -> None:
    assert text(report_of([])) == "No problems found (12 objects in 5 files checked).\n"
    one = replace(SAMPLE, findings=(), files=1, objects=1)
    assert text(one) == "No problems found (1 object in 1 file checked).\n"


def test_only_suppressed_findings() -> None:
    report = report_of([SAMPLE.findings[1]])
    assert text(report) == "No problems found (12 objects in 5 files checked); 1 suppressed.\n"


def test_plural_counts() -> None:
    second = replace(PRIVILEGED_FINDING, location=Location("svc.yaml", Span(1, 1, 1, 5)))
    assert text(report_of([PRIVILEGED_FINDING, second])).endswith(
        "Found 2 errors in 2 files (12 objects in 5 files checked).\n"
    )


def excerpt(source: str, span: Span) -> list[str]:
    report = replace(
        report_of([finding(NO_PROBE, "m", "f.yaml", span)]),
        sources={"f.yaml": source},
    )
    return text(report).split("\n")[1:3]


def test_multi_line_span_underlines_the_rest_of_its_first_line() -> None:
    assert excerpt("a:\n  b: 1\n  c: 2\n", Span(2, 3, 3, 7)) == ["  2 |   b: 1", "    |   ^^^^"]


def test_empty_span_gets_one_caret() -> None:
    assert excerpt("a: 1\n", FILE_START) == ["  1 | a: 1", "    | ^"]


def test_tabs_before_the_span_are_mirrored_and_carriage_returns_dropped() -> None:
    assert excerpt("a: 1\r\nb:\t'x'\r\n", Span(2, 4, 2, 7)) == ["  2 | b:\t'x'", "    |   \t^^^"]


def test_no_excerpt_without_the_source_or_the_line() -> None:
    no_source = report_of([finding(NO_PROBE, "m", "gone.yaml", Span(1, 1, 1, 2))])
    assert text(no_source).split("\n")[:2] == ["gone.yaml:1:1: KC103 [info] m (missing-liveness-probe)", ""]
    assert excerpt("a: 1\n", Span(9, 1, 9, 2)) == [
        "",
        "Found 1 info finding in 1 file (12 objects in 5 files checked).",
    ]


def test_colour_only_on_request() -> None:
    plain = text(SAMPLE)
    assert "\x1b" not in plain
    coloured = text(SAMPLE, color=True)
    assert coloured.split("\n")[4] == (
        "\x1b[1mdeploy.yaml:14:13\x1b[0m: \x1b[31m\x1b[1mKC101\x1b[0m [\x1b[31merror\x1b[0m] "
        "container 'app' runs privileged (privileged-container)"
    )
    assert coloured.split("\n")[6] == "  \x1b[2m   |\x1b[0m             \x1b[31m^^^^^^^^^^^^^^^^\x1b[0m"
