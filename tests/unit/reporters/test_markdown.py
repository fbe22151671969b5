from __future__ import annotations

from dataclasses import replace

from kcheck.core.findings import Report
from kcheck.core.location import Location, Span
from kcheck.reporters import ReporterOptions, render
from kcheck.reporters.markdown import escape
from tests.unit.reporters.samples import DANGLING_FINDING, PRIVILEGED_FINDING, SAMPLE, report_of


def markdown(report: Report, show_suppressed: bool = False) -> str:
    return render(report, "markdown", ReporterOptions(show_suppressed=show_suppressed)).text


def test_a_table_per_file() -> None:
    assert markdown(SAMPLE) == (
        "## kcheck\n"
        "\n"
        "Found 1 error, 1 warning, 1 info finding in 2 files (12 objects in 5 files checked); 1 suppressed.\n"
        "\n"
        "### deploy.yaml\n"
        "\n"
        "| Location | Rule | Severity | Message |\n"
        "|---|---|---|---|\n"
        "| 11:11 | KC103 missing-liveness-probe | info | container 'app' has no liveness probe |\n"
        "| 14:13 | KC101 privileged-container | error | container 'app' runs privileged |\n"
        "\n"
        "### svc.yaml\n"
        "\n"
        "| Location | Rule | Severity | Message |\n"
        "|---|---|---|---|\n"
        "| 7:5 | KC201 dangling-service | warning | Service 'web' selects no pods |\n"
    )


def test_suppressed_findings_in_details_on_request() -> None:
    assert markdown(SAMPLE, show_suppressed=True).endswith(
        "| 7:5 | KC201 dangling-service | warning | Service 'web' selects no pods |\n"
        "\n"
        "<details>\n"
        "<summary>1 suppressed finding</summary>\n"
        "\n"
        "| Location | Rule | Severity | Message | Suppressed by |\n"
        "|---|---|---|---|---|\n"
        "| deploy.yaml:12:11 | KC102 latest-image-tag | warning | container 'app' uses the tag 'latest' "
        "| annotation: pinned by digest upstream |\n"
        "\n"
        "</details>\n"
    )
    assert "<details>" not in markdown(SAMPLE)


def test_text_from_manifests_cannot_break_the_table_or_inject_markup() -> None:
    assert escape("a*b_c `d` [e](f) <img> ~g~ &amp; \\") == (
        "a\\*b\\_c \\`d\\` \\[e\\](f) \\<img\\> \\~g\\~ \\&amp; \\\\"
    )
    hostile = replace(
        PRIVILEGED_FINDING,
        message="label a|b\r\nis <script>alert(1)</script>",
        location=Location("x|y_z.yaml", Span(1, 2, 1, 3)),
    )
    assert markdown(report_of([hostile])).split("\n")[4:] == [
        "### x|y\\_z.yaml",
        "",
        "| Location | Rule | Severity | Message |",
        "|---|---|---|---|",
        "| 1:2 | KC101 privileged-container | error | label a\\|b<br>is \\<script\\>alert(1)\\</script\\> |",
        "",
    ]


def test_files_are_grouped_even_if_findings_arrive_unsorted() -> None:
    report = replace(
        SAMPLE, findings=(DANGLING_FINDING, PRIVILEGED_FINDING, replace(DANGLING_FINDING, message="2"))
    )
    assert markdown(report).count("### svc.yaml") == 1


def test_clean_run() -> None:
    assert markdown(report_of([])) == "## kcheck\n\nNo problems found (12 objects in 5 files checked).\n"
