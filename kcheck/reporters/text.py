"""The terminal format: one `path:line:col: ID [severity] message (name)` line per finding, an excerpt of
the source with the span underlined, notes, and a summary line."""

from __future__ import annotations

from collections.abc import Mapping

from kcheck.core.findings import Finding, Report
from kcheck.core.location import Location
from kcheck.core.severity import Severity
from kcheck.reporters.base import Rendered, ReporterOptions, shown, summary_line

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        return f"{''.join(styles)}{text}{_RESET}" if self.enabled and styles else text


def _position(location: Location) -> str:
    return f"{location.path}:{location.span.line}:{location.span.column}"


class _Lines:
    """The lines of each file, split once: a file can have thousands of findings."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self._sources = sources
        self._lines: dict[str, list[str] | None] = {}

    def of(self, path: str) -> list[str] | None:
        if path not in self._lines:
            text = self._sources.get(path)
            self._lines[path] = text.split("\n") if text is not None else None
        return self._lines[path]


def _excerpt(location: Location, sources: _Lines, paint: _Painter, style: str) -> list[str]:
    """The first line of the span, with carets under the spanned part of it."""
    lines = sources.of(location.path)
    span = location.span
    if lines is None or not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1].rstrip("\r")
    start = span.column - 1
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    # Mirror tabs so that the carets line up however the terminal expands them.
    indent = "".join("\t" if char == "\t" else " " for char in line[:start])
    carets = "^" * max(end - start, 1)
    number = str(span.line)
    gutter = paint(f"{' ' * len(number)} |", _DIM)
    return [
        f"  {paint(f'{number} |', _DIM)} {line}".rstrip(),
        f"  {gutter} {indent}{paint(carets, style)}",
    ]


def _header(finding: Finding, paint: _Painter) -> str:
    style = _SEVERITY_COLORS[finding.severity]
    return (
        f"{paint(_position(finding.location), _BOLD)}: {paint(finding.rule_id, style, _BOLD)} "
        f"[{paint(finding.severity.value, style)}] {finding.message} ({finding.rule_name})"
    )


def _finding(finding: Finding, sources: _Lines, paint: _Painter) -> list[str]:
    style = _SEVERITY_COLORS[finding.severity]
    lines = [_header(finding, paint), *_excerpt(finding.location, sources, paint, style)]
    lines += [f"  note: {_position(related.location)}: {related.message}" for related in finding.related]
    suppression = finding.suppression
    if suppression is not None:
        where = f" at {_position(suppression.location)}" if suppression.location else ""
        lines.append(f"  {paint('suppressed', _DIM)} by {suppression.kind}{where}: {suppression.reason}")
    return lines


def render_text(report: Report, options: ReporterOptions) -> Rendered:
    paint = _Painter(options.color)
    if options.quiet:
        return Rendered("".join(_header(f, paint) + "\n" for f in shown(report, options)))
    sources = _Lines(report.sources)
    blocks = ["\n".join(_finding(f, sources, paint)) for f in shown(report, options)]
    blocks.append(paint(summary_line(report), _BOLD))
    return Rendered("\n\n".join(blocks) + "\n")
