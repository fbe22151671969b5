"""Every rule's fixture directory: `bad.yaml` yields exactly the marked findings, `good.yaml` none.

A line ending in `# expect: KC101` (or `# expect: KC101, KC102`) must get a finding of that rule; a comment
line `# expect-next: KC004` marks the line after it (for lines whose trailing comment is under test).
Each fixture runs with only its own rule selected, or with the `kcheck.yaml` beside it when there is one.
Other `.yaml` files of the directory are the rest of the input (a Namespace in another file): linted with
each fixture, with no finding expected in them.

A rule about the layout of files (a Helm chart's `Chart.yaml` and `templates/`) has `bad/` and `good/`
directories instead: each is linted as a tree, and its findings are those its files mark, file by file.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from kcheck.engine.registry import ALL_RULES
from tests.lint_helpers import lint_paths

FIXTURES = Path(__file__).parent
_EXPECT = re.compile(r"#\s*expect(-next)?:\s*([A-Z0-9, ]+?)\s*$")


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.match(r"KC\d{3}_", p.name))


def _text(path: Path) -> str:
    data = path.read_bytes()
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec)
    return data.decode("utf-8", errors="replace")


def expectations(path: Path) -> set[tuple[int, str]]:
    expected: set[tuple[int, str]] = set()
    for number, line in enumerate(_text(path).split("\n"), start=1):
        match = _EXPECT.search(line)
        if match:
            target = number + 1 if match.group(1) else number
            expected |= {(target, rule.strip()) for rule in match.group(2).split(",") if rule.strip()}
    return expected


def run_fixture(directory: Path, name: str) -> set[tuple[int, str]]:
    rule_id = directory.name[:5]
    config = directory / "kcheck.yaml"
    others = sorted(
        p.name for p in directory.glob("*.yaml") if p.name not in ("bad.yaml", "good.yaml", "kcheck.yaml")
    )
    report = lint_paths(
        [name, *others],
        directory,
        select=None if config.exists() else [rule_id],
        config=config if config.exists() else None,
    )
    assert [f for f in report.active if f.location.path != name] == []
    return {(f.location.span.line, f.rule_id) for f in report.active}


def tree_expectations(root: Path) -> set[tuple[str, int, str]]:
    return {
        (path.relative_to(root.parent).as_posix(), line, rule)
        for path in sorted(root.rglob("*"))
        if path.is_file()
        for line, rule in expectations(path)
    }


def run_tree(directory: Path, name: str) -> set[tuple[str, int, str]]:
    report = lint_paths([name], directory, select=[directory.name[:5]])
    return {(f.location.path, f.location.span.line, f.rule_id) for f in report.active}


@pytest.mark.parametrize("directory", fixture_dirs(), ids=lambda p: p.name)
def test_bad_fixture_gives_exactly_the_marked_findings(directory: Path) -> None:
    if (directory / "bad").is_dir():
        marked = tree_expectations(directory / "bad")
        assert marked, f"{directory.name}/bad/ marks no expected finding"
        assert run_tree(directory, "bad") == marked
        return
    expected = expectations(directory / "bad.yaml")
    assert expected, f"{directory.name}/bad.yaml marks no expected finding"
    assert run_fixture(directory, "bad.yaml") == expected


@pytest.mark.parametrize("directory", fixture_dirs(), ids=lambda p: p.name)
def test_good_fixture_is_clean(directory: Path) -> None:
    if (directory / "good").is_dir():
        assert run_tree(directory, "good") == set()
        return
    if not (directory / "good.yaml").exists():
        pytest.skip("no good.yaml: this rule has no clean counterpart in one file (see its bad.yaml)")
    assert run_fixture(directory, "good.yaml") == set()


def test_every_rule_has_a_fixture_directory_and_no_directory_is_orphaned() -> None:
    by_id = {d.name[:5]: d for d in fixture_dirs()}
    expected_names = {f"{spec.id}_{spec.name.replace('-', '_')}" for spec in ALL_RULES}
    assert {d.name for d in by_id.values()} == expected_names
