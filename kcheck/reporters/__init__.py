"""Reporters turn a `Report` into text. They read `kcheck.core` only, do no I/O, and are deterministic:
the same report renders to the same bytes."""

from __future__ import annotations

from collections.abc import Callable

from kcheck.core.errors import UsageError
from kcheck.core.findings import Report
from kcheck.reporters.base import Rendered, ReporterOptions
from kcheck.reporters.github import render_github
from kcheck.reporters.json_report import render_json
from kcheck.reporters.markdown import render_markdown
from kcheck.reporters.sarif import render_sarif
from kcheck.reporters.text import render_text

__all__ = ["FORMATS", "Rendered", "ReporterOptions", "render"]

_RENDERERS: dict[str, Callable[[Report, ReporterOptions], Rendered]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "markdown": render_markdown,
}

FORMATS = ("text", "json", "sarif", "github", "markdown")


def render(report: Report, fmt: str, options: ReporterOptions | None = None) -> Rendered:
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderer(report, options or ReporterOptions())
