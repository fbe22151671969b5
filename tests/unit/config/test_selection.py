"""Rule selection: precedence of select and ignore, severity overrides, options, unknown selectors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kcheck.core.errors import ConfigError
from kcheck.core.rules import Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.engine.config import Settings, load_settings
from kcheck.engine.selection import resolve_selector, select_rules
from tests.unit.config.fake_rules import RULES, MaxReplicasOptions

DEFAULTS = ["KC003", "KC004", "KC101", "KC102", "KC110", "KC201"]


def _ids(
    cli_select: list[str] | None = None, cli_ignore: list[str] | None = None, **settings: Any
) -> list[str]:
    enabled = select_rules(Settings(**settings), RULES, cli_select, cli_ignore or [])
    return [rule.spec.id for rule in enabled]


def _settings(tmp_path: Path, text: str) -> Settings:
    (tmp_path / ".kcheck.yaml").write_text(text, encoding="utf-8")
    return load_settings(None, tmp_path)[0]


def test_resolve_selector_by_id_prefix_and_name() -> None:
    assert resolve_selector("KC101", RULES) == {"KC101"}
    assert resolve_selector("KC11", RULES) == {"KC110", "KC111"}
    assert resolve_selector("KC1", RULES) == {"KC101", "KC102", "KC110", "KC111"}
    assert resolve_selector("privileged-container", RULES) == {"KC101"}
    assert resolve_selector("KC9", RULES) == set()
    assert resolve_selector("", RULES) == set()


def test_default_is_every_default_enabled_rule() -> None:
    assert _ids() == DEFAULTS


def test_select_prefix_leaves_out_opt_in_rules_that_an_exact_id_enables() -> None:
    assert _ids(select=["KC1"]) == ["KC101", "KC102", "KC110"]
    assert _ids(select=["KC1", "KC111"]) == ["KC101", "KC102", "KC110", "KC111"]
    assert _ids(select=["opt-in-check"]) == ["KC111"]


def test_more_specific_ignore_wins_over_select() -> None:
    assert _ids(["KC1"], ["KC101"]) == ["KC102", "KC110"]


def test_more_specific_select_wins_over_ignore() -> None:
    assert _ids(["KC101"], ["KC1"]) == ["KC101"]
    assert _ids(select=["KC101", "KC102"], ignore=["KC1"]) == ["KC101", "KC102"]


def test_ignore_wins_at_equal_specificity() -> None:
    assert _ids(["KC1"], ["KC1"]) == []
    assert _ids(["privileged-container"], ["KC101"]) == []


def test_cli_select_replaces_config_select_and_its_ignores() -> None:
    assert _ids(["KC2"], select=["KC1"], ignore=["KC201"]) == ["KC201"]


def test_cli_ignore_applies_on_top_of_config() -> None:
    assert _ids(None, ["KC102"], select=["KC1"]) == ["KC101", "KC110"]


def test_extend_select_adds_to_the_defaults() -> None:
    assert _ids(extend_select=["KC111"]) == [*DEFAULTS[:5], "KC111", "KC201"]


def test_config_ignore_by_prefix_removes_from_defaults() -> None:
    assert _ids(ignore=["KC0", "KC2"]) == ["KC101", "KC102", "KC110"]


def test_empty_select_runs_nothing() -> None:
    assert _ids(select=[]) == []


def test_unknown_cli_selector_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as caught:
        _ids(["privileged-containers"])
    assert str(caught.value) == (
        "--select: 'privileged-containers' matches no rule; did you mean 'privileged-container'?"
    )
    with pytest.raises(ConfigError, match=r"^--ignore: 'KC9' matches no rule$"):
        _ids(None, ["KC9"])


def test_unknown_config_selector_names_file_line_and_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "select:\n  - KC1\n  - latest-imagetag\n")
    with pytest.raises(ConfigError) as caught:
        select_rules(settings, RULES, None, [])
    assert str(caught.value) == (
        ".kcheck.yaml:3:5: select[1]: 'latest-imagetag' matches no rule; did you mean 'latest-image-tag'?"
    )


def test_unknown_per_path_ignore_selector_is_an_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "per-path-ignores:\n  charts/*: [KC7]\n")
    expected = r"^\.kcheck\.yaml:2:14: per-path-ignores\[\"charts/\*\"\]\[0\]: 'KC7' matches no rule$"
    with pytest.raises(ConfigError, match=expected):
        select_rules(settings, RULES, None, [])


def test_severity_override_by_name_and_id() -> None:
    enabled = select_rules(
        Settings(rules={"privileged-container": {"severity": "error"}, "KC102": {"severity": "info"}}),
        RULES,
        ["KC10"],
        [],
    )
    assert [(rule.spec.id, rule.severity) for rule in enabled] == [
        ("KC101", Severity.ERROR),
        ("KC102", Severity.INFO),
    ]


def test_options_are_validated_with_the_rule_model(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "rules:\n  too-many-replicas:\n    options: {max-replicas: 3}\n")
    enabled = {rule.spec.id: rule for rule in select_rules(settings, RULES, None, [])}
    assert enabled["KC110"].options == MaxReplicasOptions(max_replicas=3)
    assert enabled["KC101"].options is None
    assert select_rules(Settings(), RULES, ["KC110"], [])[0].options == MaxReplicasOptions(max_replicas=10)


def test_unknown_option_names_rule_and_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "rules:\n  KC110:\n    options:\n      max-replica: 3\n")
    with pytest.raises(ConfigError) as caught:
        select_rules(settings, RULES, None, [])
    assert str(caught.value) == (
        ".kcheck.yaml:4:7: rules.KC110.options.max-replica: rule KC110 has no option 'max-replica'; "
        "did you mean 'max-replicas'?"
    )


def test_invalid_option_value_names_rule_and_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "rules:\n  KC110:\n    options:\n      max-replicas: 0\n")
    with pytest.raises(ConfigError) as caught:
        select_rules(settings, RULES, None, [])
    assert str(caught.value) == (
        ".kcheck.yaml:4:7: rules.KC110.options.max-replicas: rule KC110: Input should be greater than 0"
    )


def test_options_of_unselected_rules_are_still_checked() -> None:
    with pytest.raises(ConfigError, match=r"rule KC110 has no option 'bogus' \(it has: max-replicas\)"):
        select_rules(Settings(rules={"KC110": {"options": {"bogus": 1}}}), RULES, ["KC2"], [])


def test_options_for_a_rule_without_options() -> None:
    expected = r"^configuration: rules\.KC101\.options: rule KC101 \(privileged-container\) has no options$"
    with pytest.raises(ConfigError, match=expected):
        select_rules(Settings(rules={"KC101": {"options": {"x": 1}}}), RULES, None, [])


def test_rules_keys_must_name_one_rule() -> None:
    expected = r"^configuration: rules\.KC1: 'KC1' is a prefix; name one rule by its id or name$"
    with pytest.raises(ConfigError, match=expected):
        select_rules(Settings(rules={"KC1": {"severity": "info"}}), RULES, None, [])
    with pytest.raises(ConfigError, match=r"configures KC101 again \(also as 'KC101'\)$"):
        select_rules(
            Settings(rules={"KC101": {"severity": "info"}, "privileged-container": {"severity": "error"}}),
            RULES,
            None,
            [],
        )


def _profile_rules() -> tuple[RuleSpec, ...]:
    minimal = replace(RULES[2], profile=Profile.MINIMAL)  # KC101
    pss_baseline = replace(RULES[3], id="KC180", name="pss-privileged", pss_level="baseline")
    pss_restricted = replace(RULES[3], id="KC192", name="pss-escalation", pss_level="restricted")
    input_minimal = replace(RULES[0], id="KC001", name="yaml-syntax-error", profile=Profile.MINIMAL)
    return (input_minimal, *RULES[:2], minimal, *RULES[3:], pss_baseline, pss_restricted)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("minimal", ["KC001", "KC101"]),
        ("default", ["KC001", "KC003", "KC004", "KC101", "KC102", "KC110", "KC201"]),
        ("strict", ["KC001", "KC003", "KC004", "KC101", "KC102", "KC110", "KC111", "KC201"]),
        # The Pod Security Standards profiles: their level's controls, and the input rules of `minimal`.
        ("pss-baseline", ["KC001", "KC180"]),
        ("pss-restricted", ["KC001", "KC180", "KC192"]),
    ],
)
def test_a_profile_is_the_rule_set_selection_starts_from(profile: str, expected: list[str]) -> None:
    enabled = select_rules(Settings(profile=profile), _profile_rules(), None, [])
    assert [rule.spec.id for rule in enabled] == expected


def test_a_prefix_selects_within_the_profile_and_an_id_outside_it() -> None:
    rules = _profile_rules()
    assert [r.spec.id for r in select_rules(Settings(profile="strict"), rules, ["KC1"], [])] == [
        "KC101",
        "KC102",
        "KC110",
        "KC111",
    ]
    assert [r.spec.id for r in select_rules(Settings(), rules, ["KC1"], [])] == ["KC101", "KC102", "KC110"]
    assert [r.spec.id for r in select_rules(Settings(), rules, ["KC1", "KC192"], [])] == [
        "KC101",
        "KC102",
        "KC110",
        "KC192",
    ]


def test_an_unknown_profile_in_the_configuration_is_an_error_with_its_location(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\.kcheck\.yaml:1:1: profile: Input should be 'minimal'"):
        _settings(tmp_path, "profile: paranoid\n")
