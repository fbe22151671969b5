"""`kcheck lint` and `kcheck baseline`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, TextIO

import typer

from kcheck.core.errors import KcheckError, UsageError
from kcheck.core.findings import Report
from kcheck.core.severity import Severity
from kcheck.reporters import FORMATS, ReporterOptions, render

# The pipeline (engine, config, baseline: pydantic models and the rule catalogue) is imported inside the
# commands, so that `kcheck --version` and `--help` stay instant.

EXIT_FINDINGS = 1
EXIT_USAGE = 2
# A file name's suffix picks the format when `--output` is given without `--format`.
_FORMAT_BY_SUFFIX = {".sarif": "sarif", ".json": "json", ".md": "markdown"}

PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files or directories (recursive .yaml/.yml/.json), or - for stdin. Default: .",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Configuration file (default: .kcheck.yaml or pyproject.toml found upward)."
    ),
]
SelectOption = Annotated[
    str | None, typer.Option("--select", help="Comma-separated rule ids, id prefixes (KC1) or names to run.")
]
IgnoreOption = Annotated[str | None, typer.Option("--ignore", help="Comma-separated rules not to run.")]
CrdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--crd",
        metavar="PATH",
        help="A CustomResourceDefinition file or directory defining custom resources of the input "
        "(repeatable; added to the config's `crds`).",
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Rule set to start from: minimal, default, strict, pss-baseline, pss-restricted "
        "(default: config, else default).",
    ),
]
KubernetesVersionOption = Annotated[
    str | None,
    typer.Option(
        "--kubernetes-version",
        metavar="X.Y",
        help="Kubernetes version whose API schemas apply (default: config, else the newest bundled one).",
    ),
]


class _Progress:
    """A one-line progress counter on a terminal's stderr, shown only once a run has taken a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1.0 and not self.shown:
            return
        self.shown = True
        self.stream.write(f"\rkcheck: read {done}/{total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _split(values: str | None) -> list[str]:
    return [v.strip() for v in (values or "").split(",") if v.strip()]


def _repository_prefix(cwd: Path) -> str:
    """The working directory relative to the repository root, so SARIF URIs are repository-relative."""
    for parent in (cwd, *cwd.parents):
        if (parent / ".git").exists():
            relative = cwd.relative_to(parent).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def _outputs(formats: list[str], outputs: list[Path]) -> list[tuple[str, Path | None]]:
    """Pair each --format with the --output at the same position; the rest go to standard output."""
    if not formats:
        formats = [_FORMAT_BY_SUFFIX.get(o.suffix, "text") for o in outputs] or [
            "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        ]
    if len(outputs) > len(formats):
        raise UsageError("more --output than --format options: give a --format for each --output")
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    pairs = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one --format can go to standard output; give the others an --output file")
    return pairs


def _run(
    paths: list[str] | None,
    config: Path | None,
    select: str | None,
    ignore: str | None,
    fail_on: str | None,
    baseline: Path | None,
    show_progress: bool,
    kubernetes_version: str | None = None,
    crds: list[str] | None = None,
    jobs: int | None = None,
    profile: str | None = None,
) -> Report:
    from kcheck.core.rules import PROFILE_NAMES
    from kcheck.engine.baseline import load_baseline
    from kcheck.engine.config import load_settings
    from kcheck.engine.pipeline import RunRequest, run

    cwd = Path.cwd()
    settings, config_path = load_settings(config, cwd)
    if kubernetes_version is not None:
        settings = settings.model_copy(update={"kubernetes_version": kubernetes_version})
    if profile is not None:
        if profile not in PROFILE_NAMES:
            raise UsageError(f"--profile {profile!r}: choose {', '.join(PROFILE_NAMES)}")
        settings = settings.model_copy(update={"profile": profile})
    threshold = fail_on or settings.fail_on
    progress = _Progress(sys.stderr) if show_progress and sys.stderr.isatty() else None
    request = RunRequest(
        paths=paths or ["."],
        cwd=cwd,
        settings=settings,
        config_dir=config_path.parent if config_path else None,
        select=_split(select) or None,
        ignore=_split(ignore),
        baseline=load_baseline(baseline) if baseline else None,
        fail_on=None if threshold == "never" else Severity(threshold),
        progress=progress,
        crd_paths=crds or (),
        jobs=jobs,
    )
    try:
        return run(request)
    finally:
        if progress is not None:
            progress.close()


def lint_command(
    paths: PathsArgument = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {', '.join(FORMATS)} (default text; github on GitHub Actions).",
        ),
    ] = None,
    outputs: Annotated[
        list[Path] | None, typer.Option("--output", "-o", help="Write the matching --format to this file.")
    ] = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    profile: ProfileOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Lowest severity that fails the run: error, warning, info, never."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Report only findings not recorded in this baseline file."),
    ] = None,
    show_suppressed: Annotated[
        bool, typer.Option("--show-suppressed", help="Also show suppressed findings (SARIF always has them).")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Text: one line per finding, no excerpts, summary or progress."),
    ] = False,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes that read and check files (default: the CPUs for 40 files or more).",
        ),
    ] = None,
) -> None:
    """Check manifests and report findings.

    Exit 0: clean; 1: findings at or above --fail-on; 2: usage or configuration error.
    """
    try:
        if fail_on not in (None, "error", "warning", "info", "never"):
            raise UsageError(f"--fail-on {fail_on!r}: choose error, warning, info or never")
        pairs = _outputs(formats or [], outputs or [])
        report = _run(
            paths,
            config,
            select,
            ignore,
            fail_on,
            baseline,
            not quiet,
            kubernetes_version,
            crds,
            jobs,
            profile,
        )
    except KcheckError as error:
        typer.echo(f"kcheck: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    cwd = Path.cwd()
    for fmt, output in pairs:
        options = ReporterOptions(
            color=output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
            show_suppressed=show_suppressed,
            uri_prefix=_repository_prefix(cwd),
            quiet=quiet,
        )
        rendered = render(report, fmt, options)
        if output is None:
            sys.stdout.write(rendered.text)
        else:
            output.write_text(rendered.text, encoding="utf-8")
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if rendered.step_summary and summary_file:
            with open(summary_file, "a", encoding="utf-8") as summary:
                summary.write(rendered.step_summary)
    raise typer.Exit(EXIT_FINDINGS if report.failed else 0)


def baseline_command(
    paths: PathsArgument = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the baseline (JSON).")
    ] = Path(".kcheck-baseline.json"),
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    profile: ProfileOption = None,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
) -> None:
    """Record the current findings, so that `kcheck lint --baseline FILE` reports only new ones."""
    try:
        report = _run(
            paths, config, select, ignore, "never", None, True, kubernetes_version, crds, profile=profile
        )
    except KcheckError as error:
        typer.echo(f"kcheck: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    from kcheck.engine.baseline import write_baseline

    recorded = list(report.active)
    output.write_text(write_baseline(recorded), encoding="utf-8")
    typer.echo(f"kcheck: recorded {len(recorded)} findings in {output}", err=True)
