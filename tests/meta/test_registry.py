"""The rule catalogue's own rules: ids, names, metadata, docs, and docs examples that really run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.core.rules import FAMILIES, RULE_ID, RULE_NAME, Category, RuleSpec
from kcheck.docs import doc_examples, doc_sections
from kcheck.engine.registry import ALL_RULES
from kcheck.engine.registry import FAMILIES as REGISTERED
from tests.lint_helpers import lint_text

# Rules whose failing example cannot be written as YAML text (bytes, encodings, sizes, depth, a file that
# must be named Chart.yaml): their docs
# show the case in prose and their fixture directories test it for real.
PROSE_EXAMPLES = {"KC009", "KC010", "KC011", "KC013", "KC014"}
# Rules that report nothing until configured: their examples run with these options (as their docs say).
EXAMPLE_OPTIONS = {
    "KC144": "{allowed-registries: [registry.example.com]}",
    "KC169": "{labels: {owner: ''}}",
    "KC170": "{annotations: {owner: ''}}",
}


def rule_ids(specs: tuple[RuleSpec, ...]) -> list[str]:
    return [spec.id for spec in specs]


def test_ids_and_names_are_unique() -> None:
    assert len(set(rule_ids(ALL_RULES))) == len(ALL_RULES)
    assert len({spec.name for spec in ALL_RULES}) == len(ALL_RULES)


@pytest.mark.parametrize("spec", ALL_RULES, ids=lambda s: s.id)
def test_metadata_is_complete(spec: RuleSpec) -> None:
    assert RULE_ID.match(spec.id)
    assert RULE_NAME.match(spec.name), "kebab-case, naming the flagged pattern"
    assert not spec.name.startswith(("no-", "require-", "check-", "disallow-")), (
        "name the pattern, not the fix"
    )
    assert int(spec.id[2]) in FAMILIES
    assert spec.summary.endswith(".") and spec.remediation.endswith(".")
    assert spec.message_fields, "messages carry the specifics of each finding"
    if spec.category is Category.SECURITY:
        assert spec.security_severity is not None and 0.1 <= spec.security_severity <= 10.0
    if spec.options is not None:
        spec.options()  # every option has a default


def test_families_match_where_rules_live() -> None:
    # A rule's id names its family (the hundreds digit), and the family registering it is that family.
    for family in REGISTERED:
        assert family.rules, family.name
        for spec in family.rules:
            assert spec.family == family.name, spec.id
    assert len({spec.id for family in REGISTERED for spec in family.rules}) == len(ALL_RULES)


@pytest.mark.parametrize("spec", ALL_RULES, ids=lambda s: s.id)
def test_docs_have_the_required_sections(spec: RuleSpec) -> None:
    sections = doc_sections(spec.docs)
    for title in ("What it does", "Why is this bad?", "Example"):
        assert sections.get(title, "").strip(), f"{spec.id} docs lack '{title}'"
    assert "Use instead:" in sections["Example"]


@pytest.mark.parametrize("spec", [s for s in ALL_RULES if s.id not in PROSE_EXAMPLES], ids=lambda s: s.id)
def test_docs_examples_run(spec: RuleSpec, tmp_path: Path) -> None:
    bad, good = doc_examples(spec.docs)
    bad_dir, good_dir = tmp_path / "bad", tmp_path / "good"
    bad_dir.mkdir()
    good_dir.mkdir()
    if spec.id in EXAMPLE_OPTIONS:
        for directory in (bad_dir, good_dir):
            config = f"rules:\n  {spec.id}:\n    options: {EXAMPLE_OPTIONS[spec.id]}\n"
            (directory / ".kcheck.yaml").write_text(config)
    # With the rule alone: a catalogue of a hundred rules would otherwise make every example a fully
    # hardened manifest, burying what it shows.
    # Suppression rules (KC003, KC004) are about other rules' findings, so the input rules run with them.
    select = [spec.id] if spec.family != "input" else None
    bad_report = lint_text(bad, bad_dir, select=select)
    assert {f.rule_id for f in bad_report.active} == {spec.id}
    good_report = lint_text(good, good_dir, select=select)
    assert [(f.rule_id, f.message) for f in good_report.active] == []
