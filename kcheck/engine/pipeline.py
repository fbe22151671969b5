"""The pipeline, top to bottom: files, per-file stage, inventory, whole-input analyses, findings, Report.

`prepare(request)` reads every input through the source layer and builds the inventory: `--crd` files
first, then the files that may define CRDs, then (with the run's CRDs known) all the others; each file is
parsed, modelled and checked object by object in the per-file stage (`filestage`, in worker processes with
`--jobs`), and released. `lint(prepared)` runs the families' whole-input analyses over the inventory, then
suppressions, fingerprints and the baseline. `run` is both: `kcheck lint`. Commands that need the
inventory without the rules (`resources`, `netpol`, `rbac`) call `prepare` with no rule selected.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kcheck import __version__
from kcheck.analyzers.family import Enabled
from kcheck.analyzers.input.duplicate_object import Options as DuplicateOptions
from kcheck.analyzers.schema.store import check_version
from kcheck.core import input_ids
from kcheck.core.errors import UsageError
from kcheck.core.findings import Finding, Locatable, Report, Violation
from kcheck.core.fingerprint import with_fingerprints
from kcheck.core.location import FILE_START, Location
from kcheck.core.severity import Severity
from kcheck.engine.baseline import Baseline, apply_baseline
from kcheck.engine.config import Settings
from kcheck.engine.filestage import (
    FileOutcome,
    FileStage,
    StagePlan,
    finding_of,
    for_inventory,
    may_shape_the_run,
    peek,
    stamp,
)
from kcheck.engine.jobs import default_jobs, run_stage
from kcheck.engine.memory import fix_mmap_threshold, long_lived_inventory
from kcheck.engine.registry import ALL_RULES, FAMILIES
from kcheck.engine.selection import EnabledRule, select_rules
from kcheck.engine.suppression import (
    AnnotatedObject,
    SuppressionCandidate,
    apply_suppressions,
    is_suppression_annotation,
)
from kcheck.engine.texts import FileTexts
from kcheck.inventory.context import (
    AnalysisContext,
    DeclaredNamespace,
    NetworkAssumptions,
    declared_namespace,
)
from kcheck.inventory.crds import CrdIndex
from kcheck.inventory.inventory import Inventory
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition
from kcheck.model.policy import Namespace
from kcheck.source.discover import InputFile, discover
from kcheck.source.loader import SourceFile, load_stream

Progress = Callable[[int, int], None]


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
    # Worker processes for the per-file stage; None: `jobs.default_jobs` (the CPUs, for a large input).
    jobs: int | None = None


@dataclass
class Prepared:
    """The input read and checked file by file: its inventory, and the findings so far."""

    request: RunRequest
    rules: list[EnabledRule]
    context: AnalysisContext
    inventory: Inventory
    files: int
    texts: FileTexts  # for suppression comments, fingerprints and excerpts
    # The files whose text may hold `# kcheck:` comments.
    commented: set[str] = field(default_factory=set)
    candidates: list[SuppressionCandidate] = field(default_factory=list)

    @functools.cached_property
    def enabled(self) -> Mapping[str, EnabledRule]:
        return {rule.spec.id: rule for rule in self.rules}


def _annotation_locator(obj: K8sObject) -> Callable[[str], Location]:
    return lambda key: obj.locate(("metadata", "annotations", key))


def _candidate(finding: Finding, obj: K8sObject | None) -> SuppressionCandidate:
    # Only objects with suppression annotations need theirs read: a closure per finding of the others
    # would be memory that grows with the input for nothing.
    if obj is None or not any(is_suppression_annotation(key) for key in obj.metadata.annotations):
        return SuppressionCandidate(finding)
    return SuppressionCandidate(finding, obj.metadata.annotations, _annotation_locator(obj))


def _crd_inputs(request: RunRequest) -> list[InputFile]:
    """The `--crd` paths (command line, then configuration) as files; a path that does not exist is a usage
    error: the user named it to be used."""
    named = [(name, request.cwd) for name in request.crd_paths]
    named += [(name, request.config_dir or request.cwd) for name in request.settings.crds]
    files: list[InputFile] = []
    for name, base in named:
        path = Path(name).expanduser()
        if not (path if path.is_absolute() else base / path).exists():
            raise UsageError(f"--crd {name}: no such file or directory")
        files += discover([str(path if path.is_absolute() else base / path)], [], request.cwd, None)
    return files


@dataclass
class _Read:
    """What `prepare` keeps of the files it has read: their texts (read again when needed), their findings
    with the objects they are about, and each file's objects (detached) by path."""

    paths: Mapping[str, Path | None]
    texts: FileTexts = field(default_factory=FileTexts)
    commented: set[str] = field(default_factory=set)
    found: list[tuple[Finding, K8sObject | None]] = field(default_factory=list)
    objects: dict[str, list[K8sObject]] = field(default_factory=dict)
    facts: dict[int, dict[str, object]] = field(default_factory=dict)  # id(object) -> family -> fact

    def keep(self, outcome: FileOutcome, findings: Iterable[tuple[Finding, int | None]]) -> None:
        self.texts.add(outcome.path, self.paths.get(outcome.path), outcome.text)
        if outcome.mentions_kcheck:
            self.commented.add(outcome.path)
        self.found.extend((f, None if i is None else outcome.objects[i]) for f, i in findings)
        self.objects[outcome.path] = outcome.objects
        for index, family, fact in outcome.facts:
            self.facts.setdefault(id(outcome.objects[index]), {})[family] = fact
        outcome.facts = []  # `keep` runs again for held objects' findings


def _reference_crds(files: Sequence[InputFile], plan: StagePlan, read: _Read) -> list[K8sObject]:
    """The CRDs of `--crd` files. They go through the same source layer (size limit, input rules: `plan`
    enables only those), but only their CRDs count: they describe the cluster, they are not linted."""
    crds: list[K8sObject] = []
    for outcome in run_stage(plan, files, 1):
        crds += [o for o in outcome.objects if isinstance(o, CustomResourceDefinition)]
        read.keep(outcome, outcome.findings)
        del read.objects[outcome.path]  # not part of the inventory
    return crds


def prepare(request: RunRequest) -> Prepared:
    fix_mmap_threshold()
    # An unsupported --kubernetes-version is a usage error before any file is read; so is a --crd path
    # that does not exist.
    version = check_version(request.settings.kubernetes_version)
    crd_files = _crd_inputs(request)
    rules = select_rules(request.settings, ALL_RULES, request.select, request.ignore)
    enabled = {rule.spec.id: rule for rule in rules}
    files = discover(request.paths, request.settings.exclude, request.cwd, request.config_dir)
    jobs = request.jobs if request.jobs is not None else default_jobs(len(files))
    read = _Read({file.display_path: file.path for file in (*files, *crd_files)})
    done = 0

    def progress() -> None:
        nonlocal done
        done += 1
        if request.progress is not None:
            request.progress(done, len(files))

    input_rules = {rule_id: rule for rule_id, rule in enabled.items() if rule.spec.family == "input"}
    reference = StagePlan(request.settings, input_rules, AnalysisContext(version))
    reference_crds = _reference_crds(crd_files, reference, read)

    # The files that may define CRDs or label Namespaces first, with the objects that need those held back;
    # then the rest.
    limit = request.settings.max_file_size
    # Standard input can be read only once: it is loaded here, and parsed in this process.
    stdin = next((load_stream(f.display_path, request.stdin, limit) for f in files if f.path is None), None)
    first = [f for f in files if may_shape_the_run(peek(f.path, limit) if f.path else _text_of(stdin))]
    firsts = {id(f) for f in first}
    held: list[FileOutcome] = []
    # The input's CRDs in file order, then --crd files': the first definition of a kind wins. A later CRD
    # of the same kind serves nothing, so only its name and place stay in memory.
    input_crds = CrdIndex()
    namespaces: dict[str, DeclaredNamespace] = {}
    default_namespace = request.settings.default_namespace
    network = NetworkAssumptions(
        request.settings.network.host_network_pods, tuple(request.settings.network.pod_cidrs)
    )
    waiting = StagePlan(
        request.settings,
        enabled,
        AnalysisContext(version, default_namespace=default_namespace, network=network),
    )
    for outcome in run_stage(waiting, first, jobs, stdin, progress):
        for index, obj in enumerate(outcome.objects):
            if isinstance(obj, CustomResourceDefinition) and not input_crds.add(obj):
                outcome.objects[index] = for_inventory(obj, (), keep_fields=False)
            elif isinstance(obj, Namespace) and (declared := declared_namespace(obj)) is not None:
                namespaces.setdefault(declared.name, declared)
        read.keep(outcome, outcome.findings)
        if outcome.deferred:
            outcome.text = ""  # kept by `read.texts` (read again when needed), not twice
            held.append(outcome)
    crds = CrdIndex([*input_crds.definitions, *reference_crds])
    context = AnalysisContext(version, crds, namespaces, default_namespace, network)
    known = StagePlan(request.settings, enabled, context)
    # The workers start on the other files while this process checks the objects held back.
    rest = run_stage(known, [f for f in files if id(f) not in firsts], jobs, stdin, progress)
    if held:
        stage = FileStage(known)
        for outcome in held:
            read.keep(outcome, stage.check_deferred(outcome))
            outcome.deferred.clear()
    for outcome in rest:
        read.keep(outcome, outcome.findings)

    # File order, whatever order the stages ran in.
    ordered = [o for f in files for o in read.objects.get(f.display_path, ())]
    duplicate = enabled.get(input_ids.DUPLICATE_OBJECT)
    options = duplicate.options if duplicate is not None else None
    scope = options.scope if isinstance(options, DuplicateOptions) else "directory"
    inventory = Inventory(ordered, request.settings.default_namespace, scope, context.crds, read.facts)
    prepared = Prepared(request, rules, context, inventory, len(files), read.texts, read.commented)
    prepared.candidates = [_candidate(f, obj) for f, obj in read.found]
    for problem in inventory.problems:  # KC007
        violation = Violation(problem.path, problem.args, problem.related)
        _add(prepared, problem.rule_id, problem.target, violation)
    # Charts are reported as such (KC014): a chart alone is not an empty input.
    charts = any(finding.rule_id == input_ids.UNRENDERED_HELM_CHART for finding, _ in read.found)
    if not inventory.objects and not charts:
        what = "the input" if files else "the given paths (no .yaml, .yml or .json file)"
        where = files[0].display_path if files else (request.paths[0] if request.paths else ".")
        finding = stamp(enabled, input_ids.EMPTY_INPUT, {"what": what}, Location(where, FILE_START))
        if finding is not None:
            prepared.candidates.append(SuppressionCandidate(finding))
    return prepared


def _text_of(source: SourceFile | None) -> bytes:
    return b"" if source is None else source.text.encode("utf-8", "surrogatepass")


def _add(prepared: Prepared, rule_id: str, target: Locatable, violation: Violation) -> None:
    finding = finding_of(prepared.enabled, rule_id, target, violation)
    if finding is not None:
        prepared.candidates.append(_candidate(finding, target if isinstance(target, K8sObject) else None))


def lint(prepared: Prepared) -> Report:
    """The whole-input analyses of every family, then suppressions, fingerprints and the baseline."""
    request, enabled = prepared.request, prepared.enabled
    with long_lived_inventory():
        for family in FAMILIES:
            own: Enabled = {r.id: enabled[r.id].options for r in family.rules if r.id in enabled}
            if family.check_inventory is not None and own:
                state = family.prepare(prepared.context, own)
                for rule_id, target, violation in family.check_inventory(state, prepared.inventory, own):
                    _add(prepared, rule_id, target, violation)
    findings = _finish(_suppress(prepared), prepared.texts, request.baseline)
    with_findings = {f.location.path for f in findings} | {
        r.location.path for f in findings for r in f.related
    }
    return Report(
        findings=tuple(findings),
        rules=tuple(rule.spec for rule in prepared.rules),
        files=prepared.files,
        objects=len(prepared.inventory.objects),
        tool_version=__version__,
        fail_on=request.fail_on,
        sources=prepared.texts.subset(with_findings),
    )


def run(request: RunRequest) -> Report:
    return lint(prepare(request))


def _suppress(prepared: Prepared) -> list[Finding]:
    request = prepared.request
    annotated = [
        AnnotatedObject(obj.file_path, obj.ref, obj.metadata.annotations, _annotation_locator(obj))
        for obj in prepared.inventory.objects
        if any(is_suppression_annotation(key) for key in obj.metadata.annotations)
    ]
    return apply_suppressions(
        prepared.candidates,
        prepared.texts.subset(prepared.commented),
        request.settings,
        ALL_RULES,
        request.config_dir,
        enabled=prepared.rules,
        annotated=annotated,
        cwd=request.cwd,
    )


def _finish(findings: list[Finding], texts: Mapping[str, str], baseline: Baseline | None) -> list[Finding]:
    """Fingerprint, number and sort the findings, then mark those the baseline already knows."""
    findings = sorted(with_fingerprints(findings, texts), key=Finding.sort_key)
    return apply_baseline(findings, baseline) if baseline is not None else findings
