"""The Markdown format, for a pull-request comment or a GitHub job summary: a table per file."""

from __future__ import annotations

import re
from itertools import groupby

from kcheck.core.findings import Finding, Report, Suppression
from kcheck.docs import markdown_table
from kcheck.reporters.base import Rendered, ReporterOptions, summary_line

# Messages quote manifests from the pull request; escape everything Markdown or HTML could act on.
# (`|` and line breaks are the table's business: `markdown_table` escapes them.)
_ACTIVE_CHARACTERS = re.compile(r"([\\`*_\[\]<>~&#!])")


def escape(text: str) -> str:
    return _ACTIVE_CHARACTERS.sub(r"\\\1", text)


def _position(finding: Finding) -> str:
    return f"{finding.location.span.line}:{finding.location.span.column}"


def _rule(finding: Finding) -> str:
    return f"{finding.rule_id} {escape(finding.rule_name)}"


def _file_table(findings: list[Finding]) -> str:
    rows = [(_position(f), _rule(f), f.severity.value, escape(f.message)) for f in findings]
    return markdown_table(("Location", "Rule", "Severity", "Message"), rows)


def _suppressed_table(findings: list[tuple[Finding, Suppression]]) -> str:
    rows = [
        (
            escape(f"{finding.location.path}:{_position(finding)}"),
            _rule(finding),
            finding.severity.value,
            escape(finding.message),
            escape(f"{suppression.kind}: {suppression.reason}"),
        )
        for finding, suppression in findings
    ]
    return markdown_table(("Location", "Rule", "Severity", "Message", "Suppressed by"), rows)


def render_markdown(report: Report, options: ReporterOptions) -> Rendered:
    parts = ["## kcheck", escape(summary_line(report))]
    active = sorted(report.active, key=Finding.sort_key)
    for path, findings in groupby(active, key=lambda f: f.location.path):
        parts += [f"### {escape(path)}", _file_table(list(findings))]
    suppressed = [(f, f.suppression) for f in report.findings if f.suppression is not None]
    if options.show_suppressed and suppressed:
        count = f"{len(suppressed)} suppressed finding{'' if len(suppressed) == 1 else 's'}"
        parts.append(f"<details>\n<summary>{count}</summary>\n\n{_suppressed_table(suppressed)}\n</details>")
    return Rendered("\n\n".join(part.rstrip("\n") for part in parts) + "\n")
