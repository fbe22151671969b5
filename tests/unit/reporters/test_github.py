from __future__ import annotations

from dataclasses import replace

from kcheck.core.findings import Report
from kcheck.core.location import Location, Span
from kcheck.reporters import Rendered, ReporterOptions, render
from kcheck.reporters.github import escape_data, escape_property
from tests.unit.reporters.samples import (
    LATEST_TAG,
    NO_PROBE,
    PRIVILEGED,
    PRIVILEGED_FINDING,
    SAMPLE,
    finding,
    report_of,
)


def github(report: Report, options: ReporterOptions | None = None) -> Rendered:
    return render(report, "github", options or ReporterOptions())


def test_annotations_most_severe_first() -> None:
    assert github(SAMPLE).text == (
        "::error file=deploy.yaml,line=14,endLine=14,col=13,endColumn=29,title=KC101 privileged-container"
        "::container 'app' runs privileged\n"
        "::warning file=svc.yaml,line=7,endLine=7,col=5,endColumn=13,title=KC201 dangling-service"
        "::Service 'web' selects no pods\n"
        "::notice file=deploy.yaml,line=11,endLine=11,col=11,endColumn=20,title=KC103 missing-liveness-probe"
        "::container 'app' has no liveness probe\n"
        "Found 1 error, 1 warning, 1 info finding in 2 files (12 objects in 5 files checked); 1 suppressed.\n"
    )


def test_suppressed_findings_are_never_annotated() -> None:
    assert "KC102" not in github(SAMPLE, ReporterOptions(show_suppressed=True)).text


def test_paths_are_repository_relative() -> None:
    first_line = github(SAMPLE, ReporterOptions(uri_prefix="deploy/prod")).text.split("\n")[0]
    assert first_line.startswith("::error file=deploy/prod/deploy.yaml,line=14,")


def test_escaping() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("50% a:b,c\n") == "50%25 a%3Ab%2Cc%0A"
    odd = replace(
        PRIVILEGED_FINDING,
        message="100% broken:\nsee a,b",
        location=Location("dir,1/a:b.yaml", Span(2, 1, 2, 5)),
    )
    assert github(report_of([odd])).text.split("\n")[0] == (
        "::error file=dir%2C1/a%3Ab.yaml,line=2,endLine=2,col=1,endColumn=5,title=KC101 privileged-container"
        "::100%25 broken:%0Asee a,b"
    )


def test_multi_line_spans_have_no_columns() -> None:
    spanning = replace(PRIVILEGED_FINDING, location=Location("a.yaml", Span(3, 5, 6, 1)))
    assert github(report_of([spanning])).text.split("\n")[0] == (
        "::error file=a.yaml,line=3,endLine=6,title=KC101 privileged-container"
        "::container 'app' runs privileged"
    )


def test_at_most_ten_annotations_per_level_then_a_count_and_the_job_summary() -> None:
    errors = [finding(PRIVILEGED, f"e{n}", "e.yaml", Span(n, 1, n, 2)) for n in range(1, 13)]
    warnings = [finding(LATEST_TAG, f"w{n}", "w.yaml", Span(n, 1, n, 2)) for n in range(1, 12)]
    infos = [finding(NO_PROBE, f"i{n}", "i.yaml", Span(n, 1, n, 2)) for n in range(1, 4)]
    output = github(report_of([*infos, *warnings, *errors]))
    lines = output.text.splitlines()
    assert [line.split(" ")[0] for line in lines[:23]] == ["::error"] * 10 + ["::warning"] * 10 + [
        "::notice"
    ] * 3
    assert [line.rsplit("::", 1)[1] for line in lines[:10]] == [f"e{n}" for n in range(1, 11)]
    assert lines[23:] == [
        "kcheck: 2 errors, 1 warning not annotated: GitHub shows at most 10 annotations of each level "
        "per step. The full list is in the job summary.",
        "Found 12 errors, 11 warnings, 3 info findings in 3 files (12 objects in 5 files checked).",
    ]
    assert output.step_summary is not None
    assert "| 12:1 | KC101 privileged-container | error | e12 |" in output.step_summary
    assert output.step_summary.count("| error |") == 12


def test_step_summary_is_the_markdown_report() -> None:
    options = ReporterOptions(show_suppressed=True)
    assert github(SAMPLE, options).step_summary == render(SAMPLE, "markdown", options).text
    assert render(SAMPLE, "text", options).step_summary is None


def test_clean_run() -> None:
    output = github(report_of([]))
    assert output.text == "No problems found (12 objects in 5 files checked).\n"
    assert output.step_summary == "## kcheck\n\nNo problems found (12 objects in 5 files checked).\n"
