"""GitHub Actions workflow commands: one annotation per finding, and a job summary with all of them.

GitHub keeps at most 10 annotations of each level (error, warning, notice) per step and drops the rest
silently, so we print 10 of each, the most severe first, say how many were left out, and put the whole
list in the job summary.
"""

from __future__ import annotations

from collections import Counter

from kcheck.core.findings import Finding, Report
from kcheck.core.severity import Severity
from kcheck.reporters.base import (
    Rendered,
    ReporterOptions,
    by_severity,
    repository_path,
    severity_counts,
    summary_line,
)
from kcheck.reporters.markdown import render_markdown

ANNOTATIONS_PER_LEVEL = 10

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, uri_prefix: str) -> str:
    span = finding.location.span
    properties = [
        ("file", repository_path(finding.location.path, uri_prefix)),
        ("line", str(span.line)),
        ("endLine", str(span.end_line)),
    ]
    # GitHub rejects columns on an annotation that spans several lines.
    if span.end_line == span.line:
        properties += [("col", str(span.column)), ("endColumn", str(span.end_column))]
    properties.append(("title", f"{finding.rule_id} {finding.rule_name}"))
    rendered = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{_COMMANDS[finding.severity]} {rendered}::{escape_data(finding.message)}"


def _omitted_line(omitted: list[Finding]) -> str:
    return (
        f"kcheck: {severity_counts(f.severity for f in omitted)} not annotated: GitHub shows at most "
        f"{ANNOTATIONS_PER_LEVEL} annotations of each level per step. The full list is in the job summary."
    )


def render_github(report: Report, options: ReporterOptions) -> Rendered:
    lines: list[str] = []
    annotated: Counter[Severity] = Counter()
    omitted: list[Finding] = []
    for finding in by_severity(report.active):
        if annotated[finding.severity] < ANNOTATIONS_PER_LEVEL:
            annotated[finding.severity] += 1
            lines.append(annotation(finding, options.uri_prefix))
        else:
            omitted.append(finding)
    if omitted:
        lines.append(_omitted_line(omitted))
    lines.append(summary_line(report))
    summary = render_markdown(report, options).text
    return Rendered("\n".join(lines) + "\n", step_summary=summary)
