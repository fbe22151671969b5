"""What every reporter shares: its options, its result, and the counts behind the summary line."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kcheck.core.findings import Finding, Report
from kcheck.core.severity import Severity

PROJECT_URI = "https://github.com/kcheck/kcheck"


@dataclass(frozen=True, slots=True)
class ReporterOptions:
    color: bool = False
    show_suppressed: bool = False
    # The working directory relative to the repository root (`charts/app`), prefixed to SARIF and GitHub
    # paths: both are read against the repository root, while finding paths are relative to the working dir.
    uri_prefix: str = ""
    tool_uri: str = PROJECT_URI
    # Text only: one line per finding, no excerpts and no summary (for pre-commit and scripts).
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    # Markdown for `$GITHUB_STEP_SUMMARY` (the github reporter sets it; the CLI appends it when that is set).
    step_summary: str | None = None


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by location: the order of every list that a limit may cut short."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))


def shown(report: Report, options: ReporterOptions) -> tuple[Finding, ...]:
    return report.findings if options.show_suppressed else report.active


def repository_path(path: str, uri_prefix: str) -> str:
    """`path` (relative to the working directory) as a path relative to the repository root."""
    if not uri_prefix.strip("/"):
        return path
    return posixpath.normpath(posixpath.join(uri_prefix, path))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


_SEVERITY_NOUNS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info finding"}


def severity_counts(severities: Iterable[Severity]) -> str:
    """`3 errors, 1 warning, 2 info findings`: most severe first, severities that do not occur left out."""
    counts = Counter(severities)
    return ", ".join(_plural(counts[s], noun) for s, noun in _SEVERITY_NOUNS.items() if counts[s])


def summary_line(report: Report) -> str:
    """`Found 3 errors, 1 warning in 2 files (12 objects in 5 files checked); 2 suppressed.`"""
    active = report.active
    checked = f"({_plural(report.objects, 'object')} in {_plural(report.files, 'file')} checked)"
    if active:
        counts = severity_counts(f.severity for f in active)
        files = len({f.location.path for f in active})
        line = f"Found {counts} in {_plural(files, 'file')} {checked}"
    else:
        line = f"No problems found {checked}"
    suppressed = len(report.findings) - len(active)
    return f"{line}; {suppressed} suppressed." if suppressed else f"{line}."
