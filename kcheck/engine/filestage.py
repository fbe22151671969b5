"""The per-file stage: one file read, parsed, modelled and checked object by object, then released.

`FileStage.run(file)` returns a `FileOutcome` that holds no YAML node: the file's findings (located and
stamped), and its objects detached from their document (`K8sObject.detached`) with just the locations the
whole-input stage needs. It is what a worker process sends back with `--jobs`, so everything in it pickles,
and it is all the main process keeps of a file besides its text.

While the run's CustomResourceDefinitions and labelled Namespaces are not all known (`context.complete` is
false), the rules that can only check an object against them (`Family.needs_run_context`) are held back:
the object's other rules run at once, and the object is kept (`FileOutcome.deferred`), detached with every
path located, for `FileStage.check_deferred` to run the held rules once the context is known.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kcheck.analyzers.family import Enabled, Family
from kcheck.core import input_ids
from kcheck.core.findings import (
    Finding,
    Locatable,
    RelatedLocation,
    RelatedViolation,
    SuggestedFix,
    Violation,
)
from kcheck.core.location import FILE_START, Location, ObjectPath
from kcheck.core.rules import GroupKind
from kcheck.engine.config import Settings
from kcheck.engine.registry import FAMILIES
from kcheck.engine.selection import EnabledRule
from kcheck.engine.suppression import is_suppression_annotation
from kcheck.inventory.context import PSS_LABEL_PREFIX, AnalysisContext
from kcheck.model import kinds
from kcheck.model.base import GenericObject, K8sObject
from kcheck.model.build import build_objects
from kcheck.model.policy import Namespace
from kcheck.model.tool_configs import is_build_file, is_tool_config
from kcheck.source.discover import CHART_FILE, InputFile
from kcheck.source.loader import SourceFile, SourceProblem, load_path

# Source problems that mean the file could not be read at all: reported even when the file is not a
# manifest (it may be a broken one).
_UNREADABLE = frozenset(
    {
        input_ids.YAML_SYNTAX_ERROR,
        input_ids.UNDECODABLE_FILE,
        input_ids.OVERSIZED_FILE,
        input_ids.EXCESSIVE_ALIASING,
        input_ids.EXCESSIVE_NESTING,
    }
)
_INVENTORY_PATHS: tuple[ObjectPath, ...] = (("apiVersion",), ("kind",), ("metadata", "name"))


@dataclass(frozen=True)
class StagePlan:
    """What the per-file stage of a run needs; sent once to each worker process."""

    settings: Settings
    enabled: Mapping[str, EnabledRule]
    context: AnalysisContext


@dataclass
class FileOutcome:
    path: str
    text: str
    manifest: bool
    # Whether the text may hold `# kcheck:` comments (only those files are read again for suppressions).
    mentions_kcheck: bool = False
    # Each finding with the index (in `objects`) of the object it is about, if any.
    findings: list[tuple[Finding, int | None]] = field(default_factory=list)
    objects: list[K8sObject] = field(default_factory=list)
    # Objects with rules held back until the run's context is known.
    deferred: list[DeferredObject] = field(default_factory=list)
    # What families' whole-input analyses need of objects (`Family.facts`): (index in `objects`, family
    # name, fact).
    facts: list[tuple[int, str, object]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DeferredObject:
    index: int  # in `FileOutcome.objects`
    obj: K8sObject  # detached, with every path located
    reported: frozenset[ObjectPath]  # the paths KC002 reported in it
    held: Mapping[str, frozenset[str]]  # family name -> the ids of its rules that wait for the context


def stamp(
    enabled: Mapping[str, EnabledRule],
    rule_id: str,
    args: Mapping[str, object],
    location: Location,
    obj: K8sObject | None = None,
    path: ObjectPath | None = None,
    related: tuple[RelatedLocation, ...] = (),
    helm_source: str | None = None,
    fix: SuggestedFix | None = None,
) -> Finding | None:
    """The finding of an enabled rule (None for a rule that is off), as reporters show it."""
    rule = enabled.get(rule_id)
    if rule is None:
        return None
    return Finding(
        rule_id=rule_id,
        rule_name=rule.spec.name,
        severity=rule.severity,
        message=rule.spec.format_message(args),
        location=location,
        object=obj.ref if obj is not None else None,
        object_path=path if obj is not None else None,
        related=related,
        helm_source=helm_source if obj is None else obj.helm_source,
        fix=fix,
    )


def located_related(related: Sequence[RelatedViolation]) -> tuple[RelatedLocation, ...]:
    return tuple(RelatedLocation(r.target.locate(r.path), r.message, r.target.ref) for r in related)


def finding_of(
    enabled: Mapping[str, EnabledRule], rule_id: str, target: Locatable, violation: Violation
) -> Finding | None:
    """A family's violation, located in its target and stamped (None for a rule that is off)."""
    if rule_id not in enabled:
        return None
    obj = target if isinstance(target, K8sObject) else None
    location = target.locate(violation.path)
    related = located_related(violation.related)
    fix = None
    if violation.fix is not None and obj is not None:
        edit = obj.edit(violation.fix.path, violation.fix.value)
        fix = SuggestedFix(violation.fix.description, edit) if edit else None
    return stamp(enabled, rule_id, violation.args, location, obj, violation.path, related, fix=fix)


def _chart(source: SourceFile) -> tuple[dict[str, object], Location] | None:
    """A Helm chart's Chart.yaml (a mapping with a `name`): the arguments of KC014, and where."""
    if posixpath.basename(source.path) != CHART_FILE or not source.documents:
        return None
    document = source.documents[0]
    value = document.value
    if not isinstance(value, dict) or not isinstance(name := value.get("name"), str):
        return None
    directory = posixpath.dirname(source.path) or "."
    return {"chart": name, "directory": directory}, document.locate(("name",))


def is_manifest(source: SourceFile, tool_configs: Sequence[str] = ()) -> bool:
    """A file none of whose documents has a `kind` (Helm values, CI workflows, Chart.yaml), a kustomize build
    file, or a file of tool configuration only (`model.tool_configs`) is not a manifest: reporting
    "apiVersion is missing" for each of them would bury the real findings. Its YAML problems are still
    reported."""
    if is_build_file(source.path):
        return False
    return any(
        isinstance(value := document.value, dict)
        and "kind" in value
        and not is_tool_config(value.get("apiVersion"), value.get("kind"), tool_configs)
        for document in source.documents
    )


def load(file: InputFile, settings: Settings) -> SourceFile:
    assert file.path is not None, "standard input is loaded by the main process"
    try:
        return load_path(file.display_path, file.path, settings.max_file_size)
    except OSError as error:  # vanished or unreadable between discovery and reading
        source = SourceFile(file.display_path, "")
        problem: dict[str, object] = {"problem": f"the file cannot be read ({error.strerror})"}
        source.problems.append(SourceProblem(input_ids.UNDECODABLE_FILE, FILE_START, problem))
        return source


def _all_paths(value: Any, prefix: ObjectPath = ()) -> Iterator[ObjectPath]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _all_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _all_paths(item, (*prefix, index))


class FileStage:
    """The families of a run, prepared once per process, and the per-file work."""

    def __init__(self, plan: StagePlan) -> None:
        self.plan = plan
        self._families: list[tuple[Family, Any, Enabled]] = []
        for family in FAMILIES:
            enabled = {r.id: plan.enabled[r.id].options for r in family.rules if r.id in plan.enabled}
            if family.check_objects is not None and enabled:
                self._families.append((family, family.prepare(plan.context, enabled), enabled))
        on = [family for family in FAMILIES if any(rule.id in plan.enabled for rule in family.rules)]
        # Per enabled family: what it computes of each object (`Family.facts`), and the paths it locates.
        self._per_object = [
            (f.name, f.facts, f.cross_file_paths) for f in on if f.facts or f.cross_file_paths
        ]
        # Typed models the inventory keeps whole: namespaces (their labels), CRDs (the run's catalogue), and
        # the kinds the enabled families' whole-input analyses read.
        self._kept: set[GroupKind] = {("", "Namespace"), *kinds.CUSTOM_RESOURCE_DEFINITIONS}
        for family in on:
            self._kept.update(family.inventory_kinds)
        self._waits = [
            (family.name, family.needs_run_context, enabled)
            for family, _, enabled in self._families
            if family.needs_run_context is not None
        ]

    def run(self, file: InputFile) -> FileOutcome:
        return self.run_source(load(file, self.plan.settings))

    def run_source(self, source: SourceFile) -> FileOutcome:
        try:
            return self._run_source(source)
        finally:
            # A document and its file refer to each other: without this, each file's documents, values
            # and models would wait for the cyclic garbage collector, and memory would grow with the input.
            source.documents.clear()

    def _run_source(self, source: SourceFile) -> FileOutcome:
        enabled = self.plan.enabled
        tool_configs = self.plan.settings.tool_config_kinds
        outcome = FileOutcome(
            source.path, source.text, is_manifest(source, tool_configs), "kcheck" in source.text.lower()
        )
        for problem in source.problems:
            # How Kubernetes would decode the YAML only matters in manifests.
            if outcome.manifest or problem.rule_id in _UNREADABLE:
                found = stamp(enabled, problem.rule_id, problem.args, Location(source.path, problem.span))
                if found is not None:
                    outcome.findings.append((found, None))
        chart = _chart(source)
        if chart is not None:
            found = stamp(enabled, input_ids.UNRENDERED_HELM_CHART, chart[0], chart[1])
            if found is not None:
                outcome.findings.append((found, None))
        if not outcome.manifest:
            return outcome
        # A manifest may still hold tool configuration beside its objects (a kind Cluster in a demo's
        # all-in-one file): those documents are not objects.
        documents = [
            d
            for d in source.documents
            if not (
                isinstance(d.value, dict)
                and is_tool_config(d.value.get("apiVersion"), d.value.get("kind"), tool_configs)
            )
        ]
        built = build_objects(documents)
        index_of = {id(obj): index for index, obj in enumerate(built.objects)}
        # One problem, one finding: where the model layer already reported a value (KC002: a wrong type in a
        # field kcheck's analyses read), the families stay silent about it.
        reported: dict[int, set[ObjectPath]] = {}
        for shape in built.problems:
            obj = shape.target if isinstance(shape.target, K8sObject) else None
            if (
                obj is not None
                and shape.rule_id == input_ids.INVALID_OBJECT_SHAPE
                and shape.rule_id in enabled
            ):
                reported.setdefault(id(obj), set()).add(shape.path)
            location = shape.target.locate(shape.path)
            related = located_related(shape.related)
            found = stamp(enabled, shape.rule_id, shape.args, location, obj, shape.path, related)
            if found is not None:
                outcome.findings.append((found, index_of.get(id(obj)) if obj is not None else None))
        held = {id(obj): self._held(obj) for obj in built.objects} if not self.plan.context.complete else {}
        for rule_id, target, violation in self._check(built.objects, held):
            if violation.path not in reported.get(id(target), ()):
                finding = finding_of(enabled, rule_id, target, violation)
                if finding is not None:
                    outcome.findings.append((finding, index_of.get(id(target))))
        for index, obj in enumerate(built.objects):
            cross_file: list[ObjectPath] = []
            for name, facts, located in self._per_object:
                fact = facts(obj) if facts is not None else None
                if fact is not None:
                    outcome.facts.append((index, name, fact))
                if located is not None:
                    cross_file += located(obj, fact)
            keep = (obj.group, obj.kind or "") in self._kept and not isinstance(obj, GenericObject)
            outcome.objects.append(for_inventory(obj, cross_file, keep_fields=keep))
            if held.get(id(obj)):
                full = obj.detached(_all_paths(obj.raw), keep_fields=True)
                outcome.deferred.append(
                    DeferredObject(
                        index_of[id(obj)], full, frozenset(reported.get(id(obj), ())), held[id(obj)]
                    )
                )
        return outcome

    def check_deferred(self, outcome: FileOutcome) -> list[tuple[Finding, int | None]]:
        """The findings of the objects `run` held back (the plan's context now has the run's CRDs)."""
        found: list[tuple[Finding, int | None]] = []
        for deferred in outcome.deferred:
            obj = deferred.obj
            for family, state, enabled in self._families:
                rules = deferred.held.get(family.name)
                if rules:
                    assert family.check_objects is not None
                    on = {rule_id: enabled[rule_id] for rule_id in rules}
                    for rule_id, target, violation in family.check_objects(state, [obj], on):
                        if violation.path not in deferred.reported:
                            finding = finding_of(self.plan.enabled, rule_id, target, violation)
                            if finding is not None:
                                found.append((finding, deferred.index if target is obj else None))
        return found

    def _held(self, obj: K8sObject) -> dict[str, frozenset[str]]:
        """Family name -> the ids of its rules that must wait for the run's context to check `obj`."""
        held = {name: frozenset(waits(obj, enabled)) for name, waits, enabled in self._waits}
        return {name: rules for name, rules in held.items() if rules}

    def _check(
        self, objects: Sequence[K8sObject], held: Mapping[int, Mapping[str, frozenset[str]]]
    ) -> Iterator[tuple[str, Locatable, Violation]]:
        """Each family's enabled rules on the objects, less the rules `held` back for an object (by id)."""
        for family, state, enabled in self._families:
            assert family.check_objects is not None
            whole = [obj for obj in objects if family.name not in held.get(id(obj), {})]
            if whole:
                yield from family.check_objects(state, whole, enabled)
            for obj in objects:
                rules = held.get(id(obj), {}).get(family.name)
                if rules:
                    on = {rule_id: options for rule_id, options in enabled.items() if rule_id not in rules}
                    if on:
                        yield from family.check_objects(state, [obj], on)


def for_inventory(obj: K8sObject, cross_file: Iterable[ObjectPath], keep_fields: bool) -> K8sObject:
    """The object as the inventory keeps it (whole, or only its apiVersion, kind and metadata), located
    where the whole-input stage may point: KC007 at the name, KC505 at the kind, suppression annotations,
    and the paths other files' findings point at."""
    # Only suppression annotations (kcheck's and the incumbent tools'): the others can be large
    # (last-applied-configuration) and no whole-input analysis reads them.
    suppressions = [key for key in obj.metadata.annotations if is_suppression_annotation(key)]
    paths: list[ObjectPath] = [("metadata", "annotations", key) for key in suppressions]
    if isinstance(obj, Namespace):  # findings about workloads point at their namespace's Pod Security labels
        paths += [
            ("metadata", "labels", key) for key in obj.metadata.labels if key.startswith(PSS_LABEL_PREFIX)
        ]
    return obj.detached((*_INVENTORY_PATHS, *paths, *cross_file), keep_fields, suppressions)


def may_shape_the_run(data: bytes) -> bool:
    """Whether a file may hold a CustomResourceDefinition or a Namespace's Pod Security labels, which
    other files' objects are checked against. Its text says so unless an escape sequence or an encoding
    other than UTF-8 hides it: those files count too."""
    return (
        b"CustomResourceDefinition" in data
        or b"pod-security.kubernetes.io" in data
        or (b"\\" in data and _HIDING_ESCAPE.search(data) is not None)
        or b"\x00" in data
        or data.startswith((b"\xfe\xff", b"\xff\xfe"))
    )


# The escapes that can write a letter, `-` or `.` (what the two names above are made of) in a YAML
# double-quoted scalar or a JSON string: `\x41`, `\u0041`, `\U00000041`, and a backslash before a line
# break, which joins the lines without a space. The other escapes (`\n`, `\"`, `\/`, ...) stand for
# characters neither name has. Shell line continuations in block scalars count too (over-approximation).
_HIDING_ESCAPE = re.compile(rb"\\[xuU]|\\\r?\n")


def peek(path: Path, limit: int) -> bytes:
    """The file's bytes (empty if it is unreadable or too large: the stage reports it)."""
    try:
        if path.stat().st_size > limit:
            return b""
        return path.read_bytes()
    except OSError:
        return b""
