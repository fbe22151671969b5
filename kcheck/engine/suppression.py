"""Suppressions: `# kcheck:` comments, `ignore.kcheck.io/<rule>` annotations and `per-path-ignores`.

The suppression annotations of the tools kcheck replaces count too (setting `incumbent-annotations`, on by
default), as suppressions of the kcheck rules whose `RuleSpec.replaces` names the check: kube-linter's
`ignore-check.kube-linter.io/<check>` and `kube-linter.io/ignore-all`, Polaris's
`polaris.fairwinds.com/<check>-exempt` and `polaris.fairwinds.com/exempt`, kube-score's `kube-score/ignore`
(comma-separated checks) and Checkov's `checkov.io/skip<N>: <CHECK>=<comment>`. Their reason is the
annotation's text where the tool has one (kube-linter's value, Checkov's comment), else a sentence naming
the annotation; they are never reported as unused (KC003): the other tool may still run beside kcheck.

A suppressed finding is kept, with its `suppression` set (SARIF reports it as suppressed; text and JSON
hide it unless asked). Comments and annotations are checked in turn: one without a reason is a KC004
finding (it still suppresses), and one that suppressed nothing is a KC003 finding, except for rules not
selected in this run, which are not judged. A comment kcheck cannot read is a KC003 finding too: like an
unused one, it suppresses nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kcheck.core import input_ids
from kcheck.core.errors import ConfigError
from kcheck.core.findings import Finding, ObjectRef, Suppression
from kcheck.core.location import Location
from kcheck.engine.config import Settings
from kcheck.engine.selection import EnabledRule, resolve_selector, suggestion, unknown_selector_message
from kcheck.source.directives import Directive, parse_directives
from kcheck.source.discover import STDIN_DISPLAY, is_excluded

if TYPE_CHECKING:
    from kcheck.core.rules import RuleSpec

ANNOTATION_PREFIX = "ignore.kcheck.io/"
_KUBE_LINTER_PREFIX = "ignore-check.kube-linter.io/"
_KUBE_LINTER_ALL = "kube-linter.io/ignore-all"
_POLARIS_PREFIX = "polaris.fairwinds.com/"
_POLARIS_ALL = "polaris.fairwinds.com/exempt"
_KUBE_SCORE_IGNORE = "kube-score/ignore"
_CHECKOV_PREFIX = "checkov.io/skip"
_INCUMBENT_PREFIXES = (
    _KUBE_LINTER_PREFIX,
    _KUBE_LINTER_ALL,
    _POLARIS_PREFIX,
    _KUBE_SCORE_IGNORE,
    _CHECKOV_PREFIX,
)


def is_suppression_annotation(key: str) -> bool:
    """Whether an annotation may suppress findings: kcheck's own, or an incumbent tool's."""
    return key.startswith(ANNOTATION_PREFIX) or key.startswith(_INCUMBENT_PREFIXES)


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1")


def incumbent_checks(key: str, value: str) -> tuple[list[str], str | None] | None:
    """The incumbent checks (`tool:check`, or `tool:*` for all of a tool's) an annotation exempts, with its
    reason if it writes one; None when the annotation is not an incumbent's suppression."""
    if key.startswith(_KUBE_LINTER_PREFIX):
        return [f"kube-linter:{key[len(_KUBE_LINTER_PREFIX) :]}"], value.strip() or None
    if key == _KUBE_LINTER_ALL:
        return ["kube-linter:*"], value.strip() or None
    if key == _POLARIS_ALL:
        return (["polaris:*"], None) if _truthy(value) else None
    if key.startswith(_POLARIS_PREFIX) and key.endswith("-exempt"):
        check = key[len(_POLARIS_PREFIX) : -len("-exempt")]
        return ([f"polaris:{check}"], None) if _truthy(value) else None
    if key == _KUBE_SCORE_IGNORE:
        return [f"kube-score:{check.strip()}" for check in value.split(",") if check.strip()], None
    if key.startswith(_CHECKOV_PREFIX) and key[len(_CHECKOV_PREFIX) :].isdigit():
        check, _, comment = value.partition("=")
        return [f"checkov:{check.strip()}"], comment.strip() or None
    return None


@dataclass(frozen=True, slots=True)
class SuppressionCandidate:
    """A finding, with the annotations of its object (empty for a finding without one)."""

    finding: Finding
    annotations: Mapping[str, str] = field(default_factory=dict)
    locate_annotation: Callable[[str], Location] | None = None


@dataclass(frozen=True, slots=True)
class AnnotatedObject:
    """An object with `ignore.kcheck.io/` annotations. Pass every one, findings or not: an annotation on an
    object without findings is exactly the stale one KC003 should report."""

    path: str
    ref: ObjectRef
    annotations: Mapping[str, str]
    locate_annotation: Callable[[str], Location]


@dataclass(eq=False)
class _Written:
    """One suppression written by the user (a comment or an annotation), and which of its selectors worked."""

    kind: Literal["comment", "annotation"]
    label: str  # how messages name it: "`# kcheck: disable=KC101`", "annotation `ignore.kcheck.io/KC101`"
    rule_ids: Mapping[str, frozenset[str]]  # selector -> ids of the rules it names
    reason: str | None
    location: Location
    object: ObjectRef | None = None
    annotation: str | None = None  # the annotation's key
    used: set[str] = field(default_factory=set)
    # An incumbent tool's annotation: it suppresses, but is not kcheck's to report as unused.
    judged: bool = True

    def suppress(self, rule_id: str) -> bool:
        matched = [selector for selector, ids_ in self.rule_ids.items() if rule_id in ids_]
        self.used.update(matched)
        return bool(matched)

    def suppression(self) -> Suppression:
        return Suppression(self.kind, self.reason or "", self.location)


def _resolved(selectors: Sequence[str], rules: Sequence[RuleSpec]) -> dict[str, frozenset[str]]:
    return {selector: frozenset(resolve_selector(selector, rules)) for selector in selectors}


class _Suppressions:
    """Every suppression of a run, indexed by where it applies."""

    def __init__(
        self, settings: Settings, rules: Sequence[RuleSpec], config_dir: Path | None, cwd: Path
    ) -> None:
        self.rules = rules
        self.file_wide: defaultdict[str, list[_Written]] = defaultdict(list)
        self.by_line: defaultdict[tuple[str, int], list[_Written]] = defaultdict(list)
        self.by_object: dict[tuple[str, ObjectRef], list[_Written]] = {}
        self.written: list[_Written] = []
        self.per_path = [(glob, self._config_ids(settings, glob)) for glob in settings.per_path_ignores]
        self.config_name = settings.origin.display if settings.origin else "the configuration"
        self.base = (config_dir or cwd).resolve()
        self.cwd = cwd
        self._relative: dict[str, str | None] = {}
        self.incumbents = settings.incumbent_annotations
        # `tool:check` (and `tool:*`) -> the ids of the kcheck rules that replace it.
        self.replacing: defaultdict[str, set[str]] = defaultdict(set)
        for rule in rules:
            for check in rule.replaces:
                self.replacing[check].add(rule.id)
                self.replacing[check.partition(":")[0] + ":*"].add(rule.id)

    def _config_ids(self, settings: Settings, glob: str) -> frozenset[str]:
        rule_ids: set[str] = set()
        for index, selector in enumerate(settings.per_path_ignores[glob]):
            resolved = resolve_selector(selector, self.rules)
            if not resolved:
                where = settings.describe_key(("per-path-ignores", glob, index))
                raise ConfigError(f"{where}: {unknown_selector_message(selector, self.rules)}")
            rule_ids |= resolved
        return frozenset(rule_ids)

    def add_directive(self, path: str, directive: Directive) -> None:
        written = _Written(
            "comment",
            f"`{directive.text()}`",
            _resolved(directive.selectors, self.rules),
            directive.reason,
            Location(path, directive.span),
        )
        self.written.append(written)
        if directive.kind == "disable-file":
            self.file_wide[path].append(written)
        elif directive.applies_to_line is not None:
            self.by_line[path, directive.applies_to_line].append(written)

    def add_object(
        self, path: str, ref: ObjectRef, annotations: Mapping[str, str], locate: Callable[[str], Location]
    ) -> None:
        if (path, ref) in self.by_object:
            return
        written = []
        for key, value in annotations.items():
            label = f"annotation `{key}`"
            if key.startswith(ANNOTATION_PREFIX):
                selector = key[len(ANNOTATION_PREFIX) :]
                reason = str(value).strip() or None
                resolved = _resolved([selector], self.rules)
                written.append(_Written("annotation", label, resolved, reason, locate(key), ref, key))
            elif self.incumbents and (exempted := incumbent_checks(key, str(value))) is not None:
                checks, reason = exempted
                ids = {check: frozenset(self.replacing.get(check, ())) for check in checks}
                if any(ids.values()):
                    why = reason or f"exempted by {label}"
                    written.append(
                        _Written("annotation", label, ids, why, locate(key), ref, key, judged=False)
                    )
        self.by_object[path, ref] = written
        self.written.extend(written)

    def _relative_path(self, path: str) -> str | None:
        """`path` (relative to the working directory) relative to the config's directory, as globs see it."""
        if path not in self._relative:
            relative: str | None = None
            if path != STDIN_DISPLAY:
                try:
                    relative = (self.cwd / path).resolve().relative_to(self.base).as_posix()
                except ValueError:
                    relative = None
            self._relative[path] = relative
        return self._relative[path]

    def apply(self, finding: Finding) -> Finding:
        """`finding`, suppressed by the first suppression that covers it; every one that covers it is used."""
        path, rule_id = finding.location.path, finding.rule_id
        written = [*self.by_line.get((path, finding.location.span.line), ()), *self.file_wide.get(path, ())]
        if finding.object is not None:
            written += self.by_object.get((path, finding.object), ())
        suppressions = [w.suppression() for w in written if w.suppress(rule_id)]
        relative = self._relative_path(path) if self.per_path else None
        if relative is not None:
            suppressions += [
                Suppression("config", f"per-path-ignores {glob!r} in {self.config_name}")
                for glob, rule_ids in self.per_path
                if rule_id in rule_ids and is_excluded(relative, [glob])
            ]
        return replace(finding, suppression=suppressions[0]) if suppressions else finding


class _MetaRules:
    """Builds the KC003 and KC004 findings, if those rules are enabled."""

    def __init__(self, rules: Sequence[RuleSpec], enabled: Sequence[EnabledRule] | None) -> None:
        self.rules = rules
        if enabled is None:
            self.severity = {rule.id: rule.severity for rule in rules}
        else:
            self.severity = {rule.spec.id: rule.severity for rule in enabled}
        self.specs = {rule.id: rule for rule in rules if rule.id in self.severity}

    def unused(self, written: _Written) -> Finding | None:
        """KC003 for the selectors of `written` that suppressed nothing, among the rules that ran."""
        if input_ids.UNUSED_SUPPRESSION not in self.specs or not written.judged:
            return None
        unused = []
        for selector, rule_ids in written.rule_ids.items():
            if selector in written.used:
                continue
            if not rule_ids:
                unused.append(f"{selector} (no such rule{suggestion(selector, self.rules)})")
            elif rule_ids & self.severity.keys():
                unused.append(selector)
        if not unused:
            return None
        spec = self.specs[input_ids.UNUSED_SUPPRESSION]
        message = spec.format_message({"directive": written.label, "rules": ", ".join(unused)})
        return self._finding(spec, written, message)

    def without_reason(self, written: _Written) -> Finding | None:
        spec = self.specs.get(input_ids.SUPPRESSION_WITHOUT_REASON)
        if spec is None or written.reason is not None:
            return None
        return self._finding(spec, written, spec.format_message({"directive": written.label}))

    def _finding(self, spec: RuleSpec, written: _Written, message: str) -> Finding:
        object_path = ("metadata", "annotations", written.annotation) if written.annotation else None
        return Finding(
            spec.id, spec.name, self.severity[spec.id], message, written.location, written.object, object_path
        )

    def malformed(self, location: Location, comment: str, problem: str) -> Finding | None:
        spec = self.specs.get(input_ids.UNUSED_SUPPRESSION)
        if spec is None:
            return None
        message = (
            f"`{comment}` is not a kcheck directive kcheck can read ({problem}), so it suppresses nothing"
        )
        return Finding(spec.id, spec.name, self.severity[spec.id], message, location)


def apply_suppressions(
    findings: Sequence[SuppressionCandidate],
    sources: Mapping[str, str],
    settings: Settings,
    rules: Sequence[RuleSpec],
    config_dir: Path | None,
    *,
    enabled: Sequence[EnabledRule] | None = None,
    annotated: Sequence[AnnotatedObject] = (),
    cwd: Path | None = None,
) -> list[Finding]:
    """Every finding, suppressed ones marked, followed by the KC003 and KC004 findings about suppressions.

    `sources` maps each path to its text (for `# kcheck:` comments); `rules` are all the rules kcheck
    knows (to resolve selectors) and `enabled` the ones that ran (default: all of `rules`), whose
    suppressions are judged. Paths of findings are relative to `cwd` (default: the working directory);
    `per-path-ignores` globs are relative to `config_dir`.
    """
    suppressions = _Suppressions(settings, rules, config_dir, cwd or Path.cwd())
    meta = _MetaRules(rules, enabled)
    extra: list[Finding] = []
    for path, text in sources.items():
        parsed = parse_directives(text)
        for directive in parsed.directives:
            suppressions.add_directive(path, directive)
        extra += [
            f
            for bad in parsed.malformed
            if (f := meta.malformed(Location(path, bad.span), bad.comment, bad.problem))
        ]
    for obj in annotated:
        suppressions.add_object(obj.path, obj.ref, obj.annotations, obj.locate_annotation)
    for candidate in findings:
        finding = candidate.finding
        if finding.object is not None and candidate.annotations:
            locate = candidate.locate_annotation or _always(finding.location)
            suppressions.add_object(finding.location.path, finding.object, candidate.annotations, locate)

    result = [suppressions.apply(candidate.finding) for candidate in findings]
    extra += [f for written in suppressions.written if (f := meta.without_reason(written))]
    unused = [(written, f) for written in suppressions.written if (f := meta.unused(written))]
    # Suppressions apply to these findings too (`# kcheck: disable-file=KC003 -- generated`); one that
    # suppressed only such a finding became used on the way, so it is not reported as unused.
    extra = [suppressions.apply(f) for f in extra]
    unused = [(written, suppressions.apply(f)) for written, f in unused]
    return result + extra + [f for written, f in unused if meta.unused(written)]


def _always(location: Location) -> Callable[[str], Location]:
    """Where an annotation is when the object cannot say: the object's finding."""
    return lambda _key: location
