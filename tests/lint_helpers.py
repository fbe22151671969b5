"""Run the real pipeline in-process on files or text, as `kcheck lint` would."""

from __future__ import annotations

from pathlib import Path

from kcheck.core.findings import Report
from kcheck.core.severity import Severity
from kcheck.engine.config import load_settings
from kcheck.engine.pipeline import RunRequest, run


def lint_paths(
    paths: list[str],
    cwd: Path,
    *,
    select: list[str] | None = None,
    config: Path | None = None,
    fail_on: Severity | None = Severity.WARNING,
    jobs: int | None = None,
) -> Report:
    settings, config_path = load_settings(config, cwd)
    request = RunRequest(
        paths=paths,
        cwd=cwd,
        settings=settings,
        config_dir=config_path.parent if config_path else None,
        select=select,
        fail_on=fail_on,
        jobs=jobs,
    )
    return run(request)


def lint_text(
    text: str | bytes, tmp_path: Path, *, name: str = "manifest.yaml", select: list[str] | None = None
) -> Report:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return lint_paths([name], tmp_path, select=select)


def found(report: Report) -> list[tuple[str, int, int]]:
    """(rule id, line, column) of every unsuppressed finding, in report order."""
    return [(f.rule_id, f.location.span.line, f.location.span.column) for f in report.active]
