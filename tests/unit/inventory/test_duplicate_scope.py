"""KC007's `scope` option: which files are compared for objects defined twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint_helpers import lint_paths

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("file", []),
        ("directory", [("app/b.yaml", 4, 3)]),
        ("input", [("app/b.yaml", 4, 3), ("other/c.yaml", 4, 3)]),
    ],
)
def test_scope_decides_which_files_are_compared(
    scope: str, expected: list[tuple[str, int, int]], tmp_path: Path
) -> None:
    for name in ("app/a.yaml", "app/b.yaml", "other/c.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(CONFIGMAP)
    config = f"select: [KC007]\nrules:\n  KC007:\n    options: {{scope: {scope}}}\n"
    (tmp_path / ".kcheck.yaml").write_text(config)
    report = lint_paths(["."], tmp_path)
    found = [(f.location.path, f.location.span.line, f.location.span.column) for f in report.active]
    assert found == expected
    for finding in report.active:
        assert finding.related[0].location.path == "app/a.yaml"


def test_same_file_is_always_compared(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CONFIGMAP + "---\n" + CONFIGMAP)
    (tmp_path / ".kcheck.yaml").write_text("select: [KC007]\nrules:\n  KC007:\n    options: {scope: file}\n")
    report = lint_paths(["."], tmp_path)
    assert [(f.rule_id, f.location.span.line) for f in report.active] == [("KC007", 9)]
