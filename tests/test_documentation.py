"""What the README and docs tell users to run or write must work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kcheck.engine.config import load_settings
from kcheck.engine.registry import ALL_RULES
from kcheck.engine.selection import select_rules

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_readme_opens_with_the_two_setup_commands() -> None:
    first, second = _shell_blocks(README)[:2]
    assert "pip install" in first and "kcheck lint examples/" in first
    assert "pip install" in second and "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _shell_blocks(README)[1].strip()
    assert test_command in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize("document", ["README.md", "docs/configuration.md"])
def test_documented_configuration_examples_load(document: str, tmp_path: Path) -> None:
    text = (REPO / document).read_text()
    blocks = [
        b
        for b in re.findall(r"```yaml\n(.*?)```", text, re.S)
        if re.search(r"^(select|rules|fail-on):", b, re.M)
    ]
    assert blocks
    for block in blocks:
        (tmp_path / ".kcheck.yaml").write_text(block)
        settings, _ = load_settings(None, tmp_path)
        assert select_rules(settings, ALL_RULES, None, [])
