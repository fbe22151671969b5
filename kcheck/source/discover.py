"""Which files to read: paths and directories named on the command line, expanded in a stable order."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kcheck.core.errors import UsageError

STDIN = "-"
STDIN_DISPLAY = "<stdin>"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# Never manifests of this repository: dependencies and tool state.
SKIPPED_DIRECTORIES = frozenset({"node_modules", "vendor", "third_party", "__pycache__"})
# A directory holding this file is a Helm chart: its `templates/` are Go templates, not manifests (the
# chart's Chart.yaml is read instead, and reported as a chart to render: KC014).
CHART_FILE = "Chart.yaml"
CHART_TEMPLATES = "templates"


@dataclass(frozen=True, slots=True)
class InputFile:
    display_path: str  # relative to the working directory when inside it, `/`-separated
    path: Path | None  # None for stdin


def _display(path: Path, resolved: Path, cwd: Path, resolved_cwd: Path) -> str:
    """How `path` is reported from `cwd`; `resolved` and `resolved_cwd` are what they resolve to."""
    try:
        return resolved.relative_to(resolved_cwd).as_posix()
    except ValueError:
        # Outside the working directory: relative still (`../shared/x.yaml`), so SARIF URIs stay relative.
        return Path(os.path.relpath(path, cwd)).as_posix()


def is_excluded(relative: str, patterns: Sequence[str]) -> bool:
    """gitignore-like: a pattern without `/` matches any path component, one with `/` the whole path."""
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern.lstrip("/"):
            if fnmatch.fnmatchcase(relative, pattern.lstrip("/")) or fnmatch.fnmatchcase(
                relative, pattern.lstrip("/") + "/*"
            ):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory, onerror=None, followlinks=False):
        # Hidden directories (.git, .terraform, .github) and dependency trees are not the user's manifests.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRECTORIES)
        if CHART_FILE in files:
            dirs[:] = [d for d in dirs if d != CHART_TEMPLATES]
        for name in sorted(files):
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                yield Path(root, name)


def chart_of_template(path: Path) -> Path | None:
    """The Chart.yaml of the chart whose `templates/` hold `path`, if it is a chart template."""
    for parent in path.parents:
        if parent.name == CHART_TEMPLATES and (parent.parent / CHART_FILE).is_file():
            return parent.parent / CHART_FILE
    return None


def discover(
    paths: Sequence[str], excludes: Sequence[str], cwd: Path, exclude_base: Path | None = None
) -> list[InputFile]:
    """Expand `paths` into files. A file named explicitly is read whatever its suffix (pre-commit passes
    file names); excludes apply to it too, relative to `exclude_base` (the config file's directory)."""
    base = (exclude_base or cwd).resolve()
    resolved_cwd = cwd.resolve()
    found: dict[str, InputFile] = {}
    for raw in paths or ["."]:
        if raw == STDIN:
            found.setdefault(STDIN_DISPLAY, InputFile(STDIN_DISPLAY, None))
            continue
        path = Path(raw) if Path(raw).is_absolute() else cwd / raw
        if path.is_dir():
            candidates: Iterator[Path] = _walk(path)
        elif path.is_file():
            # A chart's template named on the command line (pre-commit passes changed files): its chart
            # is what can be reported.
            candidates = iter([chart_of_template(path) or path])
        else:
            raise UsageError(f"{raw}: no such file or directory")
        for candidate in candidates:
            resolved = candidate.resolve()  # once per file: it costs a system call per path component
            try:
                relative = resolved.relative_to(base).as_posix()
            except ValueError:
                relative = candidate.as_posix()
            if excludes and is_excluded(relative, excludes):
                continue
            display = _display(candidate, resolved, cwd, resolved_cwd)
            found.setdefault(display, InputFile(display, candidate))
    return sorted(found.values(), key=lambda f: f.display_path)
