"""The pipeline, top to bottom: files, documents, objects, inventory, violations, findings, Report."""

from __future__ import annotations

import dataclasses
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from kcheck import __version__
from kcheck.analyzers.input.duplicate_object import Options as DuplicateOptions
from kcheck.analyzers.schema.crd import CrdCatalog, load_crd_paths
from kcheck.analyzers.schema.store import check_version
from kcheck.core import input_ids
from kcheck.core.analysis import AnalysisContext
from kcheck.core.findings import Finding, Locatable, RelatedLocation, RelatedViolation, Report, Violation
from kcheck.core.fingerprint import fingerprint, number_duplicates
from kcheck.core.location import FILE_START, Location, ObjectPath
from kcheck.core.severity import Severity
from kcheck.engine.baseline import Baseline, apply_baseline
from kcheck.engine.config import Settings
from kcheck.engine.registry import (
    ALL_RULES,
    INVENTORY_RULES,
    OBJECT_RULES,
    SCHEMA_RULES,
    ContextRule,
    ObjectRule,
)
from kcheck.engine.selection import EnabledRule, select_rules
from kcheck.engine.suppression import (
    ANNOTATION_PREFIX,
    AnnotatedObject,
    SuppressionCandidate,
    apply_suppressions,
)
from kcheck.inventory.inventory import Inventory
from kcheck.model.base import K8sObject
from kcheck.model.build import build_objects
from kcheck.source.discover import InputFile, discover
from kcheck.source.loader import SourceFile, SourceProblem, load_path, load_stream

Progress = Callable[[int, int], None]
_R = TypeVar("_R", ObjectRule, ContextRule)


@dataclass(frozen=True)
class RunRequest:
    paths: Sequence[str]
    cwd: Path
    settings: Settings = field(default_factory=Settings)
    config_dir: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    baseline: Baseline | None = None
    fail_on: Severity | None = Severity.WARNING
    stdin: BinaryIO = field(default_factory=lambda: sys.stdin.buffer)
    # `--crd` files and directories (relative to `cwd`); the config's `crds` are relative to `config_dir`.
    crd_paths: Sequence[str] = ()
    progress: Progress | None = None


@dataclass
class _Collector:
    """Turns what each layer reports into located, stamped findings of the enabled rules."""

    enabled: Mapping[str, EnabledRule]
    candidates: list[SuppressionCandidate] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # path -> text, for suppressions and excerpts
    # id(object) -> the paths KC002 reported in it; a schema rule says nothing more at those paths.
    shape_paths: dict[int, set[ObjectPath]] = field(default_factory=lambda: defaultdict(set))

    def add(
        self,
        rule_id: str,
        args: Mapping[str, object],
        location: Location,
        obj: K8sObject | None = None,
        path: ObjectPath | None = None,
        related: tuple[RelatedLocation, ...] = (),
        helm_source: str | None = None,
    ) -> None:
        rule = self.enabled.get(rule_id)
        if rule is None:
            return
        finding = Finding(
            rule_id=rule_id,
            rule_name=rule.spec.name,
            severity=rule.severity,
            message=rule.spec.format_message(args),
            location=location,
            object=obj.ref if obj is not None else None,
            object_path=path if obj is not None else None,
            related=related,
            helm_source=helm_source if obj is None else obj.helm_source,
        )
        annotations = obj.metadata.annotations if obj is not None else {}
        locate = _annotation_locator(obj) if obj is not None else None
        self.candidates.append(SuppressionCandidate(finding, annotations, locate))

    def add_violation(self, rule_id: str, target: Locatable, violation: Violation) -> None:
        obj = target if isinstance(target, K8sObject) else None
        location = target.locate(violation.path)
        self.add(rule_id, violation.args, location, obj, violation.path, _related(violation.related))


def _related(related: Iterable[RelatedViolation]) -> tuple[RelatedLocation, ...]:
    return tuple(RelatedLocation(r.target.locate(r.path), r.message, r.target.ref) for r in related)


def _annotation_locator(obj: K8sObject) -> Callable[[str], Location]:
    return lambda key: obj.locate(("metadata", "annotations", key))


def _load(files: Sequence[InputFile], request: RunRequest) -> list[SourceFile]:
    sources = []
    for done, file in enumerate(files):
        limit = request.settings.max_file_size
        try:
            source = (
                load_stream(file.display_path, request.stdin, limit)
                if file.path is None
                else load_path(file.display_path, file.path, limit)
            )
        except OSError as error:  # vanished or unreadable between discovery and reading
            source = SourceFile(file.display_path, "")
            source.problems.append(
                SourceProblem(
                    input_ids.UNDECODABLE_FILE,
                    FILE_START,
                    {"problem": f"the file cannot be read ({error.strerror})"},
                )
            )
        sources.append(source)
        if request.progress is not None:
            request.progress(done + 1, len(files))
    return sources


def _enabled(
    rules: Sequence[_R], collector: _Collector
) -> Callable[[K8sObject], list[tuple[_R, EnabledRule]]]:
    """The enabled rules (with their settings) that apply to an object, by its kind."""
    pairs = [(rule, collector.enabled[rule.spec.id]) for rule in rules if rule.spec.id in collector.enabled]
    by_kind: dict[str, list[tuple[_R, EnabledRule]]] = defaultdict(list)
    universal: list[tuple[_R, EnabledRule]] = [pair for pair in pairs if not pair[0].spec.applies_to]
    for pair in pairs:
        for kind in pair[0].spec.applies_to:
            by_kind[kind].append(pair)
    return lambda obj: [*universal, *by_kind.get(obj.kind or "", ())]


def _check_objects(objects: Iterable[K8sObject], collector: _Collector, context: AnalysisContext) -> None:
    object_rules = _enabled(OBJECT_RULES, collector)
    schema_rules = _enabled(SCHEMA_RULES, collector)
    for obj in objects:
        for rule, enabled in object_rules(obj):
            for violation in rule.check(obj, enabled.options):
                collector.add_violation(rule.spec.id, obj, violation)
        # One problem, one finding: where the model layer already reported a value (KC002: a wrong type in a
        # field kcheck's analyses read), the schema rules stay silent about it.
        reported = collector.shape_paths.get(id(obj), ())
        for schema_rule, enabled in schema_rules(obj):
            for violation in schema_rule.check(obj, context, enabled.options):
                if violation.path not in reported:
                    collector.add_violation(schema_rule.spec.id, obj, violation)


def _check_inventory(inventory: Inventory, collector: _Collector, context: AnalysisContext) -> None:
    for rule in INVENTORY_RULES:
        enabled = collector.enabled.get(rule.spec.id)
        if enabled is not None:
            for target, violation in rule.check(inventory, context, enabled.options):
                collector.add_violation(rule.spec.id, target, violation)


_UNREADABLE = frozenset(
    {
        input_ids.YAML_SYNTAX_ERROR,
        input_ids.UNDECODABLE_FILE,
        input_ids.OVERSIZED_FILE,
        input_ids.EXCESSIVE_ALIASING,
        input_ids.EXCESSIVE_NESTING,
    }
)


def _is_manifest(source: SourceFile) -> bool:
    """A file none of whose documents has a `kind` (Helm values, CI workflows, Chart.yaml) is not a manifest:
    reporting "apiVersion is missing" for each of them would bury the real findings. Its YAML problems are
    still reported."""
    return any(isinstance(document.value, dict) and "kind" in document.value for document in source.documents)


def _line_reader(sources: Mapping[str, str]) -> Callable[[Location], str]:
    lines_by_path: dict[str, list[str]] = {}

    def line_text(location: Location) -> str:
        lines = lines_by_path.get(location.path)
        if lines is None:
            lines = lines_by_path[location.path] = sources.get(location.path, "").split("\n")
        index = location.span.line - 1
        return lines[index] if 0 <= index < len(lines) else ""

    return line_text


def _read(files: Sequence[InputFile], request: RunRequest, collector: _Collector) -> list[SourceFile]:
    """Load every file, report its source problems, and return the manifests among them."""
    manifests = []
    for source in _load(files, request):
        is_manifest = _is_manifest(source)
        if is_manifest:
            manifests.append(source)
        for problem in source.problems:
            # How Kubernetes would decode the YAML only matters in manifests; a file that could not be read
            # at all may be a broken manifest, so those problems are always reported.
            if is_manifest or problem.rule_id in _UNREADABLE:
                collector.add(problem.rule_id, problem.args, Location(source.path, problem.span))
        collector.texts[source.path] = source.text
    return manifests


def _inventory(manifests: Sequence[SourceFile], settings: Settings, collector: _Collector) -> Inventory:
    """Typed objects and their index; shape problems and duplicates become findings."""
    built = build_objects([document for source in manifests for document in source.documents])
    duplicate_rule = collector.enabled.get(input_ids.DUPLICATE_OBJECT)
    duplicate_options = duplicate_rule.options if duplicate_rule is not None else None
    scope = duplicate_options.scope if isinstance(duplicate_options, DuplicateOptions) else "directory"
    inventory = Inventory(built.objects, settings.default_namespace, scope)
    shapes_reported = input_ids.INVALID_OBJECT_SHAPE in collector.enabled
    for shape in (*built.problems, *inventory.problems):
        obj = shape.target if isinstance(shape.target, K8sObject) else None
        location = shape.target.locate(shape.path)
        if obj is not None and shape.rule_id == input_ids.INVALID_OBJECT_SHAPE and shapes_reported:
            collector.shape_paths[id(obj)].add(shape.path)
        collector.add(shape.rule_id, shape.args, location, obj, shape.path, _related(shape.related))
    return inventory


def _report_empty_input(files: Sequence[InputFile], request: RunRequest, collector: _Collector) -> None:
    what = "the input" if files else "the given paths (no .yaml, .yml or .json file)"
    first = files[0].display_path if files else (request.paths[0] if request.paths else ".")
    collector.add(input_ids.EMPTY_INPUT, {"what": what}, Location(first, FILE_START))


def _suppress(collector: _Collector, inventory: Inventory, request: RunRequest) -> list[Finding]:
    annotated = [
        AnnotatedObject(obj.file_path, obj.ref, obj.metadata.annotations, _annotation_locator(obj))
        for obj in inventory.objects
        if any(key.startswith(ANNOTATION_PREFIX) for key in obj.metadata.annotations)
    ]
    return apply_suppressions(
        collector.candidates,
        collector.texts,
        request.settings,
        ALL_RULES,
        request.config_dir,
        enabled=list(collector.enabled.values()),
        annotated=annotated,
        cwd=request.cwd,
    )


def _finish(findings: list[Finding], texts: Mapping[str, str], baseline: Baseline | None) -> list[Finding]:
    """Fingerprint, sort and number the findings, then mark those the baseline already knows."""
    line_text = _line_reader(texts)
    findings = [dataclasses.replace(f, fingerprint=fingerprint(f, line_text(f.location))) for f in findings]
    findings = number_duplicates(sorted(findings, key=Finding.sort_key))
    return apply_baseline(findings, baseline) if baseline is not None else findings


def run(request: RunRequest) -> Report:
    # An unsupported --kubernetes-version is a usage error before any file is read.
    context = AnalysisContext(kubernetes_version=check_version(request.settings.kubernetes_version))
    # So is a --crd path that does not exist or cannot be read.
    extra_crds = [
        *load_crd_paths(request.settings.crds, request.cwd, request.config_dir),
        *load_crd_paths(request.crd_paths, request.cwd),
    ]
    rules = select_rules(request.settings, ALL_RULES, request.select, request.ignore)
    collector = _Collector({rule.spec.id: rule for rule in rules})
    files = discover(request.paths, request.settings.exclude, request.cwd, request.config_dir)
    manifests = _read(files, request, collector)
    inventory = _inventory(manifests, request.settings, collector)
    if not inventory.objects:
        _report_empty_input(files, request, collector)
    # The input's CRDs first: they win over a --crd file's definition of the same kind.
    crds = inventory.of_kind("apiextensions.k8s.io", "CustomResourceDefinition")
    catalog = CrdCatalog([*crds, *extra_crds])
    context = dataclasses.replace(context, custom_resources=catalog)
    _check_objects(inventory.objects, collector, context)
    _check_inventory(inventory, collector, context)
    findings = _finish(_suppress(collector, inventory, request), collector.texts, request.baseline)

    with_findings = {f.location.path for f in findings} | {
        r.location.path for f in findings for r in f.related
    }
    return Report(
        findings=tuple(findings),
        rules=tuple(rule.spec for rule in rules),
        files=len(files),
        objects=len(inventory.objects),
        tool_version=__version__,
        fail_on=request.fail_on,
        sources={path: text for path, text in collector.texts.items() if path in with_findings},
    )
