"""Which rules run, at which severity, with which options: settings and command line against the rules.

Selectors name rules by id (`KC101`), id prefix (`KC1`, `KC10`, `KC`) or name (`privileged-container`).
Selection follows ruff: `--select` replaces the configuration's `select` (and what it extended or
ignored); `--ignore` applies on top; between a select and an ignore of the same source, the more specific
selector wins (`--select KC1 --ignore KC101` keeps KC102; `--ignore KC1 --select KC101` keeps KC101), and
at equal specificity the ignore wins. The run starts from the rules of the profile (`profile` in the
configuration, `--profile`: `default` unless set); a prefix selects only rules of that profile, and a rule
outside it runs when named by id or name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from kcheck.core.errors import ConfigError
from kcheck.core.location import ObjectPath
from kcheck.core.severity import Severity
from kcheck.engine.config import Settings, closest

if TYPE_CHECKING:
    from pydantic import BaseModel

    from kcheck.core.rules import RuleSpec

# A whole id or a name is more specific than any prefix.
_EXACT = 1_000


@dataclass(frozen=True, slots=True)
class EnabledRule:
    spec: RuleSpec
    severity: Severity
    options: BaseModel | None


def resolve_selector(selector: str, rules: Sequence[RuleSpec]) -> set[str]:
    """Ids of the rules `selector` names (id, id prefix or name); empty when it names none."""
    return (
        {rule.id for rule in rules if rule.name == selector or rule.id.startswith(selector)}
        if selector
        else set()
    )


def suggestion(selector: str, rules: Sequence[RuleSpec]) -> str:
    """`; did you mean 'KC099'?` when a rule id or name is close to `selector`, else nothing."""
    return closest(selector, [rule.id for rule in rules] + [rule.name for rule in rules])


def unknown_selector_message(selector: str, rules: Sequence[RuleSpec]) -> str:
    """`'KC999' matches no rule; did you mean 'KC099'?`"""
    return f"{selector!r} matches no rule{suggestion(selector, rules)}"


def _specificity(selector: str, rules: Sequence[RuleSpec]) -> int:
    return _EXACT if any(selector in (rule.id, rule.name) for rule in rules) else len(selector)


@dataclass(frozen=True, slots=True)
class _Selection:
    """One source of selectors (the configuration, or the command line), with where each came from."""

    select: list[tuple[str, str]] | None  # (selector, where); None: start from what earlier sources selected
    extend_select: list[tuple[str, str]]
    ignore: list[tuple[str, str]]


def _apply(selection: _Selection, enabled: set[str], rules: Sequence[RuleSpec], profile: str) -> set[str]:
    by_id = {rule.id: rule for rule in rules}
    decided: dict[str, tuple[int, bool]] = {}  # rule id -> (specificity of the deciding selector, selected)
    selects = (selection.select or []) + selection.extend_select
    for selected, selectors in ((True, selects), (False, selection.ignore)):
        for selector, where in selectors:
            ids = resolve_selector(selector, rules)
            if not ids:
                raise ConfigError(f"{where}: {unknown_selector_message(selector, rules)}")
            specificity = _specificity(selector, rules)
            for rule_id in ids:
                if selected and specificity < _EXACT and not by_id[rule_id].in_profile(profile):
                    continue
                # Ignores come second, so at equal specificity they win.
                if rule_id not in decided or decided[rule_id][0] <= specificity:
                    decided[rule_id] = (specificity, selected)
    result = set() if selection.select is not None else set(enabled)
    for rule_id, (_, selected) in decided.items():
        if selected:
            result.add(rule_id)
        else:
            result.discard(rule_id)
    return result


def _located(settings: Settings, key: str, selectors: Sequence[str]) -> list[tuple[str, str]]:
    return [(selector, settings.describe_key((key, index))) for index, selector in enumerate(selectors)]


def _rule_settings_by_id(settings: Settings, rules: Sequence[RuleSpec]) -> dict[str, tuple[str, ObjectPath]]:
    """Rule id -> (key under `rules`, its key path) for each configured rule; a key must name one rule."""
    by_key = {key: rule.id for rule in rules for key in (rule.id, rule.name)}
    configured: dict[str, tuple[str, ObjectPath]] = {}
    for key in settings.rules:
        where = settings.describe_key(("rules", key))
        rule_id = by_key.get(key)
        if rule_id is None and resolve_selector(key, rules):
            raise ConfigError(f"{where}: {key!r} is a prefix; name one rule by its id or name")
        if rule_id is None:
            raise ConfigError(f"{where}: {unknown_selector_message(key, rules)}")
        if rule_id in configured:
            raise ConfigError(f"{where}: configures {rule_id} again (also as {configured[rule_id][0]!r})")
        configured[rule_id] = (key, ("rules", key))
    return configured


def _options(
    spec: RuleSpec, values: dict[str, object], settings: Settings, keys: ObjectPath
) -> BaseModel | None:
    model = spec.options
    if model is None:
        if values:
            raise ConfigError(f"{settings.describe_key(keys)}: rule {spec.id} ({spec.name}) has no options")
        return None
    known = [field.alias or name for name, field in model.model_fields.items()]
    for key in values:
        if key not in known:
            listed = f" (it has: {', '.join(known)})" if known else " (it has none)"
            hint = closest(key, known) or listed
            raise ConfigError(
                f"{settings.describe_key((*keys, key))}: rule {spec.id} has no option {key!r}{hint}"
            )
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = [
            f"{settings.describe_key((*keys, *detail['loc']))}: rule {spec.id}: {detail['msg']}"
            for detail in error.errors()
        ]
        raise ConfigError("\n".join(problems)) from None


def validate_config_selectors(settings: Settings, rules: Sequence[RuleSpec]) -> None:
    """Reject `per-path-ignores` selectors that name no rule (selecting checks select and ignore)."""
    for glob, selectors in settings.per_path_ignores.items():
        for index, selector in enumerate(selectors):
            if not resolve_selector(selector, rules):
                where = settings.describe_key(("per-path-ignores", glob, index))
                raise ConfigError(f"{where}: {unknown_selector_message(selector, rules)}")


def select_rules(
    settings: Settings, rules: Sequence[RuleSpec], cli_select: list[str] | None, cli_ignore: list[str]
) -> list[EnabledRule]:
    """The rules to run, sorted by id, with their severity and validated options."""
    config = _Selection(
        _located(settings, "select", settings.select) if settings.select is not None else None,
        _located(settings, "extend-select", settings.extend_select),
        _located(settings, "ignore", settings.ignore),
    )
    cli = _Selection(
        [(selector, "--select") for selector in cli_select] if cli_select is not None else None,
        [],
        [(selector, "--ignore") for selector in cli_ignore],
    )
    profile = settings.profile
    enabled = {rule.id for rule in rules if rule.in_profile(profile)}
    for selection in (config, cli):
        enabled = _apply(selection, enabled, rules, profile)
    validate_config_selectors(settings, rules)

    configured = _rule_settings_by_id(settings, rules)
    result = []
    for spec in sorted(rules, key=lambda rule: rule.id):
        key, keys = configured.get(spec.id, (None, ()))
        rule_settings = settings.rules[key] if key is not None else None
        # Options of every configured rule are checked, selected or not: a typo should not wait for --select.
        options = _options(spec, rule_settings.options if rule_settings else {}, settings, (*keys, "options"))
        if spec.id in enabled:
            severity = rule_settings.severity if rule_settings and rule_settings.severity else spec.severity
            result.append(EnabledRule(spec, severity, options))
    return result
