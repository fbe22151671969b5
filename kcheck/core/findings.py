"""Violations (what a rule says, relative to an object) and findings (located, stamped, ready to report)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from kcheck.core.location import Location, ObjectPath, TextEdit
from kcheck.core.rules import RuleSpec
from kcheck.core.severity import Severity


@dataclass(frozen=True, slots=True, order=True)
class ObjectRef:
    """Identifies a Kubernetes object as `kubectl` does; fields are None where the manifest lacks them."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def display(self) -> str:
        kind = self.kind or "<no kind>"
        name = self.name or "<no name>"
        return f"{kind} {self.namespace}/{name}" if self.namespace else f"{kind} {name}"


class Locatable(Protocol):
    """Anything a rule can point into: the engine turns (target, path) into a file span."""

    @property
    def ref(self) -> ObjectRef: ...

    def locate(self, path: ObjectPath) -> Location: ...


@dataclass(frozen=True, slots=True)
class RelatedViolation:
    """Another object that explains a cross-object finding (it becomes a SARIF related location)."""

    target: Locatable
    path: ObjectPath
    message: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical remedy: set the field at `path` (relative to the object, like a violation's) to `value`.

    `value` is plain data (str, int, bool, None, lists and string-keyed mappings of them). The engine turns it
    into a text edit of the manifest: the field's value replaced where it is written, or the key inserted
    under its nearest written parent (SARIF `fixes`).
    """

    path: ObjectPath
    value: object
    description: str


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields: a path relative to the object it checks, and the arguments of its message.

    A rule never knows lines or columns; the engine resolves `path` (or its longest existing prefix, for
    something missing) to a span.
    """

    path: ObjectPath
    args: Mapping[str, object] = field(default_factory=dict)
    related: tuple[RelatedViolation, ...] = ()
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    location: Location
    message: str
    object: ObjectRef | None = None


@dataclass(frozen=True, slots=True)
class SuggestedFix:
    """A rule's `Fix` as an edit of the file (SARIF `fixes`)."""

    description: str
    edit: TextEdit


SuppressionKind = Literal["comment", "annotation", "config", "baseline"]


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is not counted. `location` is where the suppression is written, when it is written."""

    kind: SuppressionKind
    reason: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    location: Location
    object: ObjectRef | None = None
    object_path: ObjectPath | None = None
    related: tuple[RelatedLocation, ...] = ()
    # Stable across line shifts and document reordering; used by baselines and SARIF partialFingerprints.
    fingerprint: str = ""
    suppression: Suppression | None = None
    # The chart template a `helm template` document came from (its `# Source:` comment).
    helm_source: str | None = None
    fix: SuggestedFix | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        span = self.location.span
        return (self.location.path, span.line, span.column, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything reporters may read. `findings` are sorted and include suppressed ones."""

    findings: tuple[Finding, ...]
    rules: tuple[RuleSpec, ...]
    files: int
    objects: int
    tool_version: str
    fail_on: Severity | None
    # Text of the files that have findings, for source excerpts (stdin cannot be read twice).
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppression is None)

    @property
    def failed(self) -> bool:
        fail_on = self.fail_on
        return fail_on is not None and any(f.severity.rank >= fail_on.rank for f in self.active)
