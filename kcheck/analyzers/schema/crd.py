"""CustomResourceDefinitions: the schemas of custom resources, their structural checks, their CEL rules.

A `CrdCatalog` holds the CRDs of a run: those in the input, then those of `--crd` files and directories
(the input's CRD wins for a kind both define). For a custom resource's apiVersion and kind it gives the
served `CrdVersion`, whose `openAPIV3Schema` is

- `json_schema()`: the schema as the schema validator takes it (the bundle's dialect, JSON Schema 2020-12
  with the `x-kubernetes-*` extensions: `nullable` and OpenAPI's boolean `exclusiveMinimum` rewritten,
  `apiVersion`, `kind` and the ObjectMeta of `metadata` added at the root and in embedded resources);
- `evaluate()` (through the catalogue, once per object): the `x-kubernetes-validations` rules, each at its
  schema level and for every value there (each list item, each map value).

`structural_problems()` checks a schema as the API server does before accepting a v1 CRD: the rules of
"Specifying a structural schema" (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/validation.go and
complete.go) and the restrictions the CRD documentation lists for its schemas. `rule_problems()` finds the
validation rules Kubernetes would refuse (KC508) or that kcheck cannot evaluate (KC509).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kcheck.analyzers.schema.api_versions import crd_deprecation_warning
from kcheck.core.findings import RelatedViolation
from kcheck.core.location import ObjectPath, format_path
from kcheck.kube.regex import compile_re2
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition

if TYPE_CHECKING:
    from kcheck.cel.program import Budget, CompileProblem, Program
    from kcheck.cel.values import Shape

Schema = dict[str, Any]

# Steps of the CEL interpreter the rules of one object may take together (`kcheck.cel.program.Budget`).
# Kubernetes bounds one custom resource's rules by a cost budget too; this one stops a runaway rule in about
# a second.
DEFAULT_BUDGET = 100_000
# The variables a validation rule sees: the value at its schema level, and the old value in a transition rule.
RULE_VARIABLES = frozenset({"self", "oldSelf"})
_VALID_TYPES = frozenset({"array", "boolean", "integer", "number", "object", "string"})
_LIST_TYPES = frozenset({"atomic", "set", "map"})
_REASONS = frozenset(
    {"FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"}
)
# Fields a CRD schema may not set (the CRD documentation, "Validation").
_FORBIDDEN_FIELDS = (
    "definitions",
    "dependencies",
    "deprecated",
    "discriminator",
    "id",
    "patternProperties",
    "readOnly",
    "writeOnly",
    "xml",
    "$ref",
)
_JUNCTORS = ("allOf", "anyOf", "oneOf")
_TYPE_META = ("apiVersion", "kind")


@dataclass(frozen=True)
class Problem:
    """Something wrong at `path` (relative to the CRD object)."""

    path: ObjectPath
    message: str


# --- the catalogue --------------------------------------------------------------------------------------


@dataclass
class CrdVersion:
    """One version of a CRD: the kind it serves and its schema."""

    crd: CustomResourceDefinition
    group: str
    kind: str
    version: str
    scope: str
    served: bool
    schema: Mapping[str, Any] | None
    schema_path: ObjectPath  # where `openAPIV3Schema` is in the CRD object
    preserve_unknown_fields: bool = False  # apiextensions.k8s.io/v1beta1 spec.preserveUnknownFields
    _shape: Shape | None = field(default=None, init=False, repr=False)
    _rules: dict[int, list[CompiledRule]] = field(default_factory=dict, init=False, repr=False)
    _json: dict[str | None, Schema] = field(default_factory=dict, init=False, repr=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def crd_name(self) -> str:
        return self.crd.metadata.name or f"{self.kind} ({self.group})"

    def shape(self) -> Shape:
        """The CEL view of the schema (built once)."""
        if self._shape is None:
            from kcheck.cel import values as cel_values

            self._shape = cel_values.shape_of(self.schema or {}, root=True)
        return self._shape

    def rules_at(self, shape: Shape, schema_path: ObjectPath) -> list[CompiledRule]:
        """The compiled rules of one schema node (compiled on first use, once per CRD version)."""
        key = id(shape)
        rules = self._rules.get(key)
        if rules is None:
            rules = self._rules[key] = list(compile_rules(shape, self.schema_path + schema_path))
        return rules

    def json_schema(self, kubernetes_version: str | None = None) -> Schema:
        """The schema of the custom resources, for the schema validator (see the module docstring). The same
        dict each time, so a validator compiled from it can be cached by identity."""
        schema = self._json.get(kubernetes_version)
        if schema is None:
            schema = self._json[kubernetes_version] = _json_schema(self, kubernetes_version)
        return schema


class CrdCatalog:
    """The custom resource kinds of a run, by apiVersion and kind."""

    def __init__(self, crds: Iterable[K8sObject] = ()) -> None:
        self._versions: dict[tuple[str, str], CrdVersion] = {}
        self._kinds: dict[tuple[str, str], list[CrdVersion]] = {}
        for crd in crds:
            if isinstance(crd, CustomResourceDefinition):
                self.add(crd)

    def add(self, crd: CustomResourceDefinition) -> None:
        for version in versions_of(crd):
            known = self._kinds.setdefault((version.group, version.kind), [])
            if known and known[0].crd is not crd:
                continue  # another CRD defines the kind: the first one wins, as the API server keeps it
            known.append(version)
            if version.served:
                self._versions.setdefault((version.api_version, version.kind), version)

    def __len__(self) -> int:
        return len(self._kinds)

    def version(self, api_version: str | None, kind: str | None) -> CrdVersion | None:
        """The served CRD version for a custom resource, or None."""
        if api_version is None or kind is None:
            return None
        return self._versions.get((api_version, kind))

    def defines(self, group: str, kind: str) -> bool:
        """Whether a CRD of the run defines the kind (served in the object's version or not)."""
        return (group, kind) in self._kinds

    def serves(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self._versions

    def served_versions(self, group: str, kind: str) -> list[str]:
        return [v.version for v in self._kinds.get((group, kind), []) if v.served]

    def deprecation(self, api_version: str, kind: str) -> str | None:
        found = self.version(api_version, kind)
        spec = found.crd.spec if found is not None else None
        if found is None or spec is None:
            return None
        entry = next((v for v in spec.versions if v.name == found.version), None)
        if entry is None or entry.deprecated is not True:
            return None
        if entry.deprecation_warning:
            return entry.deprecation_warning
        versions = [(v.name, v.served is True, v.deprecated is True) for v in spec.versions if v.name]
        return crd_deprecation_warning(found.group, found.kind, found.version, versions)

    def schema(self, api_version: str, kind: str, kubernetes_version: str | None = None) -> Schema | None:
        version = self.version(api_version, kind)
        return None if version is None else version.json_schema(kubernetes_version)

    def evaluate(self, obj: K8sObject, budget: int = DEFAULT_BUDGET) -> Evaluation | None:
        """The validation rules' verdict on a custom resource (`analysis.ObjectAnalysis` asks once)."""
        version = self.version(obj.api_version, obj.kind)
        return None if version is None else evaluate(version, obj.raw, budget)


def _versions_v1beta1(
    crd: CustomResourceDefinition, spec: Any, raw: Mapping[str, Any]
) -> Iterator[CrdVersion]:
    shared = spec.validation.open_api_v3_schema if spec.validation is not None else None
    names = [(v.name, v.served is not False, i) for i, v in enumerate(spec.versions) if v.name]
    if not names and spec.version:
        names = [(spec.version, True, -1)]
    preserve = raw.get("spec", {}).get("preserveUnknownFields") is not False
    for name, served, index in names:
        own = spec.versions[index].schema_ if index >= 0 else None
        path: ObjectPath
        if own is not None and own.open_api_v3_schema is not None:
            schema, path = own.open_api_v3_schema, ("spec", "versions", index, "schema", "openAPIV3Schema")
        else:
            schema, path = shared, ("spec", "validation", "openAPIV3Schema")
        yield CrdVersion(
            crd,
            spec.group,
            spec.names.kind,
            str(name),
            spec.scope or "Namespaced",
            served,
            schema,
            path,
            preserve,
        )


def versions_of(crd: CustomResourceDefinition) -> Iterator[CrdVersion]:
    """The versions a CRD defines (nothing for a CRD without group or kind)."""
    spec = crd.spec
    if spec is None or not spec.group or spec.names is None or not spec.names.kind:
        return
    if crd.api_version == "apiextensions.k8s.io/v1beta1":
        yield from _versions_v1beta1(crd, spec, crd.raw)
        return
    for index, version in enumerate(spec.versions):
        if not version.name:
            continue
        schema = version.schema_.open_api_v3_schema if version.schema_ is not None else None
        yield CrdVersion(
            crd,
            spec.group,
            spec.names.kind,
            version.name,
            spec.scope or "Namespaced",
            version.served is True,
            schema,
            ("spec", "versions", index, "schema", "openAPIV3Schema"),
        )


# --- JSON Schema for the validator ----------------------------------------------------------------------

# Keywords copied as they are when their value has the JSON type the keyword takes.
_SCALAR_KEYWORDS: dict[str, tuple[type, ...]] = {
    "type": (str, list),
    "format": (str,),
    "pattern": (str,),
    "enum": (list,),
    "required": (list,),
    "default": (object,),
    "nullable": (bool,),
    "minimum": (int, float),
    "maximum": (int, float),
    "exclusiveMinimum": (bool, int, float),
    "exclusiveMaximum": (bool, int, float),
    "multipleOf": (int, float),
    "minLength": (int,),
    "maxLength": (int,),
    "minItems": (int,),
    "maxItems": (int,),
    "uniqueItems": (bool,),
    "minProperties": (int,),
    "maxProperties": (int,),
    "x-kubernetes-preserve-unknown-fields": (bool,),
    "x-kubernetes-embedded-resource": (bool,),
    "x-kubernetes-int-or-string": (bool,),
    "x-kubernetes-list-type": (str,),
    "x-kubernetes-list-map-keys": (list,),
    "x-kubernetes-map-type": (str,),
}


@functools.cache
def _object_meta(kubernetes_version: str | None) -> Schema:
    """The bundled ObjectMeta of the target version (the validator applies the API server's name, label
    and annotation rules to it)."""
    from kcheck.analyzers.schema import store

    version = store.check_version(kubernetes_version)
    config_map = store.resolve(version, "v1", "ConfigMap") or {}
    meta = config_map.get("properties", {}).get("metadata")
    return meta if isinstance(meta, dict) else {"type": "object"}


def _json_schema(version: CrdVersion, kubernetes_version: str | None) -> Schema:
    source = version.schema if isinstance(version.schema, Mapping) else {}
    result = _convert(source, pruned_null=False)
    result.setdefault("type", "object")
    declared = result.setdefault("properties", {})
    for name in _TYPE_META:
        declared.setdefault(name, {"type": "string"})
    # The API server validates metadata as ObjectMeta; a structural schema may only add limits on name and
    # generateName, which apply on top.
    own = declared.get("metadata")
    meta = _object_meta(kubernetes_version)
    declared["metadata"] = meta if not own or set(own) <= {"type"} else {"allOf": [meta, own]}
    if version.preserve_unknown_fields:
        result["x-kubernetes-preserve-unknown-fields"] = True
    return result


def _convert(node: Mapping[str, Any], pruned_null: bool) -> Schema:
    """A well-formed copy of a CRD schema node, with the custom-resource semantics the validator's generic
    reading lacks. `pruned_null`: the node is a property or map value, whose `null` the API server prunes
    (a non-nullable field set to null is dropped, not rejected)."""
    result: Schema = {
        key: node[key]
        for key, kinds in _SCALAR_KEYWORDS.items()
        if key in node and isinstance(node[key], kinds)
    }
    for key in ("type", "required", "x-kubernetes-list-map-keys"):
        # Names, not values: a list of them must hold strings only (the validator hashes them).
        if isinstance(result.get(key), list) and not all(isinstance(item, str) for item in result[key]):
            del result[key]
    if pruned_null:
        result["nullable"] = True
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        result["properties"] = {
            str(name): _convert(sub, True) for name, sub in properties.items() if isinstance(sub, Mapping)
        }
    additional = node.get("additionalProperties")
    if isinstance(additional, Mapping):
        result["additionalProperties"] = _convert(additional, True)
    elif isinstance(additional, bool):
        result["additionalProperties"] = additional
    if isinstance(node.get("items"), Mapping):
        result["items"] = _convert(node["items"], False)
    for junctor in _JUNCTORS:
        if isinstance(node.get(junctor), list):
            result[junctor] = [_convert(sub, False) for sub in node[junctor] if isinstance(sub, Mapping)]
    if isinstance(node.get("not"), Mapping):
        result["not"] = _convert(node["not"], False)
    if (
        result.get("type") == "object"
        and "properties" not in result
        and "additionalProperties" not in result
        and result.get("x-kubernetes-preserve-unknown-fields") is not True
    ):
        # A structural `type: object` without properties has no fields: the API server prunes every key.
        result["properties"] = {}
    return result


# --- evaluation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    index: int
    text: str
    message: str | None
    message_expression: Program | None
    field_path: tuple[str, ...]
    program: Program | CompileProblem
    location: ObjectPath  # the rule's `rule` key in the CRD object
    # What Kubernetes' type check would refuse (an undefined field): such a rule never runs.
    type_problem: str | None = None

    @property
    def runnable(self) -> bool:
        from kcheck.cel.program import Program

        return (
            isinstance(self.program, Program)
            and "oldSelf" not in self.program.variables
            and self.type_problem is None
        )

    def describe(self) -> str:
        """How Kubernetes names the rule in its errors (ruleErrorString)."""
        return self.message.strip() if self.message and self.message.strip() else self.text.strip()


def compile_rules(shape: Shape, location: ObjectPath) -> Iterator[CompiledRule]:
    """The rules of one schema node, compiled (parsing is cached by text, across CRDs)."""
    from kcheck.cel.program import Program, compile_expression

    rules = shape.schema.get("x-kubernetes-validations")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        if not isinstance(rule, Mapping) or not isinstance(rule.get("rule"), str):
            continue
        expression = rule.get("messageExpression")
        compiled_message = (
            compile_expression(expression, RULE_VARIABLES) if isinstance(expression, str) else None
        )
        field_path = rule.get("fieldPath")
        path = parse_field_path(field_path) if isinstance(field_path, str) else ()
        message = rule.get("message")
        program = compile_expression(rule["rule"], RULE_VARIABLES)
        yield CompiledRule(
            index,
            rule["rule"],
            message if isinstance(message, str) else None,
            compiled_message if isinstance(compiled_message, Program) else None,
            path if path is not None else (),
            program,
            (*location, "x-kubernetes-validations", index, "rule"),
            undefined_field(program, shape) if isinstance(program, Program) else None,
        )


@dataclass(frozen=True)
class Failure:
    """A rule that rejected a value: `path` is where Kubernetes reports it (its fieldPath, if any)."""

    path: ObjectPath
    message: str
    rule: CompiledRule


@dataclass
class Evaluation:
    failures: list[Failure] = field(default_factory=list)
    # The rule during which the budget ran out, and the path of the value it was checking.
    exhausted: tuple[ObjectPath, CompiledRule] | None = None
    steps: int = 0


@dataclass(frozen=True)
class EvaluatedResource:
    """A custom resource's rule evaluation, with the CRD version whose rules ran (for related locations)."""

    evaluation: Evaluation
    version: CrdVersion

    def rule_reference(self, rule: CompiledRule) -> RelatedViolation:
        return RelatedViolation(
            self.version.crd, rule.location, f"the rule in CustomResourceDefinition {self.version.crd_name}"
        )


def evaluated_resource(obj: K8sObject, catalog: CrdCatalog) -> EvaluatedResource | None:
    """The validation rules' verdict on a custom resource, with the CRD version whose rules ran."""
    evaluation = catalog.evaluate(obj)
    version = catalog.version(obj.api_version, obj.kind)
    if evaluation is None or version is None:
        return None
    return EvaluatedResource(evaluation, version)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What one rule decided on one value, wherever the value is, and the interpreter steps that took."""

    steps: int
    message: str | None  # why the value fails the rule; None when it passes
    at_field_path: bool = False  # reported at the rule's fieldPath below the value (a false verdict)


# Per entry, beyond its key and message: about what the dict slot, the key and entry tuples and the outcome
# take (CPython, 64-bit).
_ENTRY_BYTES = 256


class EvaluationCache:
    """What each rule decided on each value it met: a (rule, value) pair is evaluated once per process.

    Custom resources repeat sub-objects (one listener shape in many Gateways, one route rule in many
    HTTPRoutes), and a rule's outcome depends on nothing but the rule, its schema node (the `Shape`: the
    value's CEL types, defaults and type mismatches) and the value. A replayed outcome charges the steps its
    evaluation took to the object's budget (`Budget.charge`), which runs out where the evaluation would, so
    what the cache holds never changes a finding: output is the same whatever the process saw before, with
    any number of worker processes. Only completed evaluations are kept.

    A value's key is its `marshal` serialization in format 2 (no back-references, so equal values give
    equal bytes): exact and typed (int 1, float 1.0, True and "1" differ, and so do 0.0 and -0.0), map keys
    and list items in their order (a map in another key order is another entry). A value marshal does not
    take, or one whose key is over `max_value_bytes`, is not cached: a large value seldom repeats (a whole
    resource carries its name), and its key would be a copy of it. Entries hold their rule and shape, so
    the ids in their keys stay unique; the least recently used go once entries take `max_bytes`.
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024, max_value_bytes: int = 16 * 1024) -> None:
        self.enabled = True
        self.max_bytes = max_bytes
        self.max_value_bytes = max_value_bytes
        self._entries: dict[tuple[int, int, bytes], tuple[CompiledRule, Shape, _Outcome]] = {}
        self._bytes = 0
        self.evaluations = 0  # rule evaluations asked for (one compiled rule on one value)
        self.hits = 0  # of which replayed from the cache
        self.replayed_steps = 0  # the steps those charged without running

    def clear(self) -> None:
        """Forget every entry, and zero the counters."""
        self._entries.clear()
        self._bytes = self.evaluations = self.hits = self.replayed_steps = 0

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, value: Any) -> bytes | None:
        """The key of a decoded YAML value, or None when it is not cached."""
        if not self.enabled:
            return None
        import marshal

        try:
            key = marshal.dumps(value, 2)
        except ValueError:  # a type marshal does not take, or nested too deeply
            return None
        return key if len(key) <= self.max_value_bytes else None

    def get(self, rule: CompiledRule, shape: Shape, key: bytes) -> _Outcome | None:
        entry_key = (id(rule), id(shape), key)
        entry = self._entries.pop(entry_key, None)
        if entry is None:
            return None
        self._entries[entry_key] = entry  # the most recently used
        self.hits += 1
        self.replayed_steps += entry[2].steps
        return entry[2]

    def put(self, rule: CompiledRule, shape: Shape, key: bytes, outcome: _Outcome) -> None:
        self._entries[(id(rule), id(shape), key)] = (rule, shape, outcome)
        self._bytes += len(key) + len(outcome.message or "") + _ENTRY_BYTES
        while self._bytes > self.max_bytes and self._entries:
            oldest = next(iter(self._entries))  # dicts keep insertion order: the least recently used
            _, _, evicted = self._entries.pop(oldest)
            self._bytes -= len(oldest[2]) + len(evicted.message or "") + _ENTRY_BYTES


EVALUATION_CACHE = EvaluationCache()


def evaluate(version: CrdVersion, value: Any, budget_steps: int = DEFAULT_BUDGET) -> Evaluation:
    """Evaluate every runnable rule of `version` on the custom resource `value` (its decoded document)."""
    from kcheck.cel.program import Budget, BudgetExceededError

    result = Evaluation()
    if version.schema is None:
        return result
    budget = Budget(budget_steps)
    with contextlib.suppress(BudgetExceededError):  # `result.exhausted` says where
        _evaluate_node(version, value, version.shape(), (), (), budget, result)
    result.steps = budget.used
    return result


def _evaluate_node(
    version: CrdVersion,
    value: Any,
    shape: Shape,
    value_path: ObjectPath,
    schema_path: ObjectPath,
    budget: Budget,
    result: Evaluation,
) -> None:
    from kcheck.cel import program as cel_program
    from kcheck.cel import values as cel_values

    if not shape.validated:
        return  # no rules at this level or below
    if not cel_values.matches_kind(value, shape):
        return  # the schema rules report a value of the wrong type; Kubernetes rejects it before CEL runs
    rules = [rule for rule in version.rules_at(shape, schema_path) if rule.runnable]
    if rules:
        cache = EVALUATION_CACHE
        value_key = cache.key(value)
        converted: tuple[Any, bool] | None = None  # the CEL value, and whether a value below is mistyped
        for rule in rules:
            cache.evaluations += 1
            outcome = None if value_key is None else cache.get(rule, shape, value_key)
            try:
                if outcome is not None:
                    budget.charge(outcome.steps)
                else:
                    if converted is None:
                        mismatches: list[Any] = []
                        converted = (cel_values.to_cel(value, shape, mismatches), bool(mismatches))
                    outcome = _run(rule, converted[0], budget, converted[1])
                    if value_key is not None:
                        cache.put(rule, shape, value_key, outcome)
            except cel_program.BudgetExceededError:
                result.exhausted = (value_path, rule)
                raise
            if outcome.message is not None:
                path = (*value_path, *rule.field_path) if outcome.at_field_path else value_path
                result.failures.append(Failure(path, outcome.message, rule))
    for key, child, sub in cel_values.iter_children(value, shape):
        step: ObjectPath = (
            ("properties", key)
            if shape.kind == "object"
            else (("additionalProperties",) if shape.kind == "map" else ("items",))
        )
        _evaluate_node(version, child, sub, (*value_path, key), (*schema_path, *step), budget, result)


def _run(rule: CompiledRule, self_value: Any, budget: Budget, mistyped: bool = False) -> _Outcome:
    """What one rule decides on one value (`BudgetExceededError` propagates). `mistyped`: a value below has
    the wrong type; an error the rule then meets is that type error again (the schema rules report it), not
    reported twice."""
    from kcheck.cel import program as cel_program

    program = rule.program
    assert isinstance(program, cel_program.Program)  # only runnable rules get here
    before = budget.used
    verdict = program.evaluate({"self": self_value}, budget)
    if isinstance(verdict, cel_program.EvaluationError) and mistyped:
        return _Outcome(budget.used - before, None)
    if isinstance(verdict, cel_program.EvaluationError):
        described = cel_program.describe_error(verdict)
        if described == "no such overload":
            text = (
                "'no such overload': call arguments did not match a supported operator, function or macro "
                f"signature for rule: {rule.describe()}"
            )
        else:
            text = f"{described} evaluating rule: {rule.describe()}"
        return _Outcome(budget.used - before, text)
    if verdict is True or (isinstance(verdict, int) and type(verdict).__name__ == "BoolType" and verdict):
        return _Outcome(budget.used - before, None)
    if type(verdict).__name__ != "BoolType":
        return _Outcome(budget.used - before, f"rule did not evaluate to a bool: {rule.text.strip()}")
    message = _failure_message(rule, self_value, budget)
    return _Outcome(budget.used - before, message, at_field_path=True)


def _failure_message(rule: CompiledRule, self_value: Any, budget: Budget) -> str:
    if rule.message_expression is not None:
        from kcheck.cel.program import EvaluationError

        text = rule.message_expression.evaluate({"self": self_value}, budget)
        # An error, a non-string, an empty or blank string or one with a line break falls back to message.
        if (
            isinstance(text, str)
            and not isinstance(text, EvaluationError)
            and text.strip()
            and "\n" not in text
        ):
            return str(text)
    if rule.message and rule.message.strip():
        return rule.message.strip()
    return f"failed rule: {rule.text.strip()}"


# --- fieldPath ------------------------------------------------------------------------------------------

_FIELD_STEP = re.compile(r"\.([A-Za-z_$][A-Za-z0-9_$-]*)|\['((?:[^'\\]|\\.)*)'\]")


def parse_field_path(text: str) -> tuple[str, ...] | None:
    """`.spec.items['a.b']` -> ("spec", "items", "a.b"); None when it is not a valid field path."""
    steps: list[str] = []
    position = 0
    text = text.strip()
    if not text:
        return None
    while position < len(text):
        match = _FIELD_STEP.match(text, position)
        if match is None:
            return None
        steps.append(
            match.group(1) if match.group(1) is not None else re.sub(r"\\(.)", r"\1", match.group(2))
        )
        position = match.end()
    return tuple(steps)


def _field_path_problem(steps: tuple[str, ...], schema: Mapping[str, Any]) -> str | None:
    node: Mapping[str, Any] = schema
    for step in steps:
        properties = node.get("properties")
        additional = node.get("additionalProperties")
        if isinstance(properties, Mapping) and isinstance(properties.get(step), Mapping):
            node = properties[step]
        elif isinstance(additional, Mapping):
            node = additional
        else:
            return f"fieldPath must be a valid path: does not refer to a valid field: {step}"
    return None


# --- problems of a CRD ----------------------------------------------------------------------------------


def schemas_of(crd: CustomResourceDefinition) -> Iterator[tuple[ObjectPath, Mapping[str, Any]]]:
    """Each distinct schema of a CRD with its path in the CRD object."""
    seen: set[ObjectPath] = set()
    for version in versions_of(crd):
        if isinstance(version.schema, Mapping) and version.schema_path not in seen:
            seen.add(version.schema_path)
            yield version.schema_path, version.schema


def rule_locations(crd: CustomResourceDefinition) -> Iterator[ObjectPath]:
    """Where each validation rule of a CRD is (its `rule` key): what custom resources' findings point at."""
    for base, schema in schemas_of(crd):
        for node_path, node in walk(schema):
            rules = node.get("x-kubernetes-validations")
            if isinstance(rules, list):
                for index in range(len(rules)):
                    yield (*base, *node_path, "x-kubernetes-validations", index, "rule")


def walk(schema: Mapping[str, Any], path: ObjectPath = ()) -> Iterator[tuple[ObjectPath, Mapping[str, Any]]]:
    """Every schema node below `schema` (itself included) with its path."""
    yield path, schema
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            if isinstance(sub, Mapping):
                yield from walk(sub, (*path, "properties", name))
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), Mapping):
            yield from walk(schema[key], (*path, key))
    for junctor in _JUNCTORS:
        if isinstance(schema.get(junctor), list):
            for index, sub in enumerate(schema[junctor]):
                if isinstance(sub, Mapping):
                    yield from walk(sub, (*path, junctor, index))


@dataclass(frozen=True)
class RuleProblem:
    path: ObjectPath
    message: str
    unsupported: bool  # kcheck's limit (KC509), not an error in the CRD (KC508)


def rule_problems(crd: CustomResourceDefinition) -> Iterator[RuleProblem]:
    """The validation rules of a CRD that Kubernetes refuses, and those kcheck does not evaluate (KC508 and
    KC509 share one pass: `analysis.ObjectAnalysis.rule_problems`)."""
    from kcheck.cel import values as cel_values

    for base, schema in schemas_of(crd):
        for node_path, node in walk(schema):
            if any(step in _JUNCTORS or step == "not" for step in node_path if isinstance(step, str)):
                continue  # KC506 reports rules inside allOf/anyOf/oneOf/not
            rules = node.get("x-kubernetes-validations")
            if not isinstance(rules, list):
                continue
            shape = cel_values.shape_of(node, root=node_path == ())
            for index, rule in enumerate(rules):
                at = (*base, *node_path, "x-kubernetes-validations", index)
                yield from _rule_problems(rule, at, node, shape)


def _rule_problems(
    rule: object, at: ObjectPath, node: Mapping[str, Any], shape: Shape
) -> Iterator[RuleProblem]:
    from kcheck.cel import program as cel_program

    if not isinstance(rule, Mapping) or not isinstance(rule.get("rule"), str) or not rule["rule"].strip():
        yield RuleProblem(at, "rule is not specified", False)
        return
    text: str = rule["rule"]
    message = rule.get("message")
    if "\n" in text.strip() and not (isinstance(message, str) and message.strip()):
        yield RuleProblem((*at, "rule"), "message must be specified if rule contains line breaks", False)
    if isinstance(message, str) and "\n" in message:
        yield RuleProblem((*at, "message"), "message must not contain line breaks", False)
    reason = rule.get("reason")
    if reason is not None and reason not in _REASONS:
        allowed = ", ".join(f'"{r}"' for r in sorted(_REASONS))
        yield RuleProblem((*at, "reason"), f"reason must be one of {allowed}", False)
    field_path = rule.get("fieldPath")
    if isinstance(field_path, str):
        steps = parse_field_path(field_path)
        problem = "fieldPath must be a valid path" if steps is None else _field_path_problem(steps, node)
        if problem is not None:
            yield RuleProblem((*at, "fieldPath"), problem, False)
    program = cel_program.compile_expression(text, RULE_VARIABLES)
    if isinstance(program, cel_program.CompileProblem):
        prefix = "" if program.unsupported else "compilation failed: "
        yield RuleProblem((*at, "rule"), f"{prefix}{program.message}", program.unsupported)
    else:
        undefined = undefined_field(program, shape)
        if undefined is not None:
            yield RuleProblem((*at, "rule"), f"compilation failed: {undefined}", False)
        elif "oldSelf" in program.variables:
            yield RuleProblem(
                (*at, "rule"),
                "is a transition rule (it uses oldSelf), which compares an update with the stored object "
                "that a manifest alone does not have",
                True,
            )
        elif rule.get("optionalOldSelf") is True:
            yield RuleProblem(
                (*at, "optionalOldSelf"), "may not be set if oldSelf is not used in rule", False
            )
    expression = rule.get("messageExpression")
    if isinstance(expression, str):
        compiled = cel_program.compile_expression(expression, RULE_VARIABLES)
        if isinstance(compiled, cel_program.CompileProblem):
            prefix = "" if compiled.unsupported else "messageExpression compilation failed: "
            yield RuleProblem((*at, "messageExpression"), f"{prefix}{compiled.message}", compiled.unsupported)


def undefined_field(program: Program, shape: Shape) -> str | None:
    """Kubernetes type-checks rules against the schema: `self.x` on an object without a property `x` is
    "undefined field 'x'". Checked here for field selections that start at `self`."""
    import lark

    def resolve(node: Any) -> Shape | None:
        while (
            isinstance(node, lark.Tree)
            and node.data
            in (
                "member",
                "primary",
                "paren_expr",
                "expr",
                "conditionalor",
                "conditionaland",
                "relation",
                "addition",
                "multiplication",
                "unary",
            )
            and len(node.children) == 1
        ):
            node = node.children[0]
        if not isinstance(node, lark.Tree):
            return None
        if node.data == "ident":
            return shape if str(node.children[0]) == "self" else None
        if node.data != "member_dot":
            return None
        parent = resolve(node.children[0])
        if parent is None:
            return None
        return _select(parent, str(node.children[1]))

    problems: list[str] = []

    def _select(parent: Shape, name: str) -> Shape | None:
        if parent.kind == "object":
            # A resource's apiVersion, kind and metadata (name and generateName only) are implicit, whatever
            # its schema declares for them.
            if parent.embedded and name in ("apiVersion", "kind"):
                return None
            if parent.embedded and name == "metadata":
                from kcheck.cel.values import Shape as ShapeType

                return ShapeType(
                    "object",
                    properties={
                        "name": ("name", ShapeType("string")),
                        "generateName": ("generateName", ShapeType("string")),
                    },
                )
            for escaped, sub in parent.properties.values():
                if escaped == name:
                    return sub
            problems.append(f"undefined field '{name}'")
            return None
        if parent.kind in ("list", "integer", "number", "string", "boolean"):
            problems.append(f"type '{parent.kind}' does not support field selection")
        return None

    for node in program.ast.iter_subtrees():
        if node.data == "member_dot":
            resolve(node)
            if problems:
                return problems[0]
    return None


def structural_problems(schema: Mapping[str, Any]) -> list[Problem]:
    """Why a CRD schema is not structural, or uses what a CRD schema may not (paths relative to the schema).

    Follows ValidateStructural (invariants and completeness) and the restrictions of the CRD documentation
    ("Validation" and "Specifying a structural schema")."""
    problems: list[Problem] = []
    _invariants(schema, "root", (), problems)
    _completeness(schema, schema, (), problems)
    for path, node in walk(schema):
        _restrictions(node, path, problems)
    return sorted(problems, key=lambda p: (format_path(p.path), p.message))


def _type_of(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    return kind if isinstance(kind, str) else ""


def _invariants(node: Mapping[str, Any], level: str, path: ObjectPath, problems: list[Problem]) -> None:
    kind = _type_of(node)
    properties: Mapping[str, Any] = node["properties"] if isinstance(node.get("properties"), Mapping) else {}
    if kind == "array" and not isinstance(node.get("items"), Mapping):
        problems.append(Problem((*path, "items"), "items must be specified (a schema) for an array"))
    if isinstance(node.get("items"), Mapping):
        _invariants(node["items"], "item", (*path, "items"), problems)
    for name, sub in properties.items():
        if isinstance(sub, Mapping):
            _invariants(sub, "field", (*path, "properties", name), problems)
    additional = node.get("additionalProperties")
    if additional is not None and level == "root":
        problems.append(
            Problem((*path, "additionalProperties"), "additionalProperties must not be used at the root")
        )
    if isinstance(additional, Mapping):
        _invariants(additional, "field", (*path, "additionalProperties"), problems)
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    embedded = node.get("x-kubernetes-embedded-resource") is True
    if int_or_string and preserve:
        problems.append(
            Problem(
                (*path, "x-kubernetes-preserve-unknown-fields"),
                "x-kubernetes-preserve-unknown-fields must be false if x-kubernetes-int-or-string is true",
            )
        )
    if int_or_string and embedded:
        problems.append(
            Problem(
                (*path, "x-kubernetes-embedded-resource"),
                "x-kubernetes-embedded-resource must be false if x-kubernetes-int-or-string is true",
            )
        )
    _value_validation(
        node, _int_or_string_any_of(node), _int_or_string_all_of(node), path, problems, nested=False
    )
    if embedded and kind != "object":
        problems.append(
            Problem((*path, "type"), "type must be object if x-kubernetes-embedded-resource is true")
        )
    elif not kind and not int_or_string and not preserve:
        where = {
            "root": "at the root",
            "item": "for specified array items",
            "field": "for specified object fields",
        }
        problems.append(Problem((*path, "type"), f"type must not be empty {where[level]}"))
    if embedded and additional is not None:
        problems.append(
            Problem(
                (*path, "additionalProperties"),
                "additionalProperties must not be used if x-kubernetes-embedded-resource is set",
            )
        )
    if level == "root" and kind and kind != "object":
        problems.append(Problem((*path, "type"), f"type must be object at the root, not {kind}"))
    check_metadata = level == "root" or embedded
    for name in _TYPE_META:
        sub = properties.get(name)
        if check_metadata and isinstance(sub, Mapping) and _type_of(sub) != "string":
            problems.append(
                Problem((*path, "properties", name, "type"), f"the type of {name} must be string")
            )
    metadata = properties.get("metadata")
    if isinstance(metadata, Mapping):
        _metadata_invariants(metadata, check_metadata, level, (*path, "properties", "metadata"), problems)
    if embedded and not preserve and not properties:
        problems.append(
            Problem(
                (*path, "properties"),
                "properties must not be empty if x-kubernetes-embedded-resource is true without "
                "x-kubernetes-preserve-unknown-fields",
            )
        )


def _metadata_invariants(
    node: Mapping[str, Any], check: bool, level: str, path: ObjectPath, problems: list[Problem]
) -> None:
    if check and _type_of(node) != "object":
        problems.append(Problem((*path, "type"), "the type of metadata must be object"))
    if level != "root":
        return
    # Only restrictions of name and generateName are allowed: metadata is ObjectMeta, implicitly.
    allowed = {"type", "description", "properties"}
    extra = sorted(set(node) - allowed)
    properties = node.get("properties")
    other_fields = (
        sorted(set(properties) - {"name", "generateName"}) if isinstance(properties, Mapping) else []
    )
    if extra or other_fields:
        problems.append(
            Problem(
                path,
                "metadata must not specify anything other than name and generateName, but "
                f"specifies {', '.join([*extra, *(f'properties.{f}' for f in other_fields)])}",
            )
        )


def _int_or_string_any_of(node: Mapping[str, Any]) -> bool:
    return _is_int_or_string_pair(node.get("anyOf"))


def _int_or_string_all_of(node: Mapping[str, Any]) -> bool:
    all_of = node.get("allOf")
    return (
        isinstance(all_of, list)
        and bool(all_of)
        and isinstance(all_of[0], Mapping)
        and _is_int_or_string_pair(all_of[0].get("anyOf"))
    )


def _is_int_or_string_pair(any_of: object) -> bool:
    return isinstance(any_of, list) and [dict(s) if isinstance(s, Mapping) else s for s in any_of] == [
        {"type": "integer"},
        {"type": "string"},
    ]


# Keys a schema inside allOf/anyOf/oneOf/not may not set (validateNestedValueValidation), with the wording.
_NESTED_FORBIDDEN = (
    ("type", "must be empty to be structural"),
    ("additionalProperties", "must be undefined to be structural"),
    ("default", "must be undefined to be structural"),
    ("title", "must be empty to be structural"),
    ("description", "must be empty to be structural"),
    ("externalDocs", "must be undefined to be structural"),
    ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
    ("x-kubernetes-embedded-resource", "must be false to be structural"),
    ("x-kubernetes-int-or-string", "must be false to be structural"),
    ("x-kubernetes-list-map-keys", "must be empty to be structural"),
    ("x-kubernetes-list-type", "must be undefined to be structural"),
    ("x-kubernetes-map-type", "must be undefined to be structural"),
    ("x-kubernetes-validations", "must be empty to be structural"),
)


def _value_validation(
    node: Mapping[str, Any],
    skip_any_of: bool,
    skip_first_all_of_any_of: bool,
    path: ObjectPath,
    problems: list[Problem],
    nested: bool,
) -> None:
    for junctor in _JUNCTORS:
        subs = node.get(junctor)
        if not isinstance(subs, list) or (junctor == "anyOf" and skip_any_of):
            continue
        for index, sub in enumerate(subs):
            if isinstance(sub, Mapping):
                skip = junctor == "allOf" and index == 0 and skip_first_all_of_any_of
                _nested(sub, skip, (*path, junctor, index), problems)
    if isinstance(node.get("not"), Mapping):
        _nested(node["not"], False, (*path, "not"), problems)
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        compiled = compile_re2(pattern)
        if isinstance(compiled, str):
            problems.append(
                Problem(
                    (*path, "pattern"), f"pattern must be a valid regular expression, but isn't: {compiled}"
                )
            )


def _nested(node: Mapping[str, Any], skip_any_of: bool, path: ObjectPath, problems: list[Problem]) -> None:
    _value_validation(node, skip_any_of, False, path, problems, nested=True)
    if isinstance(node.get("items"), Mapping):
        _nested(node["items"], False, (*path, "items"), problems)
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            if isinstance(sub, Mapping):
                _nested(sub, False, (*path, "properties", name), problems)
        if "metadata" in properties:
            problems.append(
                Problem(
                    (*path, "properties", "metadata"), "metadata must not be specified in a nested context"
                )
            )
    for key, wording in _NESTED_FORBIDDEN:
        value = node.get(key)
        present = value is not None and value is not False and value != "" and value != []
        if (
            key == "x-kubernetes-preserve-unknown-fields"
            or key == "x-kubernetes-embedded-resource"
            or key == "x-kubernetes-int-or-string"
        ):
            present = value is True
        if present:
            problems.append(Problem((*path, key), f"{key} {wording} (inside allOf, anyOf, oneOf or not)"))
    if node.get("nullable") is True:
        problems.append(
            Problem(
                (*path, "nullable"),
                "nullable must be false to be structural (inside allOf, anyOf, oneOf or not)",
            )
        )


def _completeness(
    outer: Mapping[str, Any] | None, node: Mapping[str, Any], path: ObjectPath, problems: list[Problem]
) -> None:
    """Every property or items a junctor specifies must be specified outside it too (complete.go)."""
    if outer is None:
        return
    for junctor in _JUNCTORS:
        subs = node.get(junctor)
        if isinstance(subs, list):
            for index, sub in enumerate(subs):
                if isinstance(sub, Mapping):
                    _nested_completeness(outer, sub, path, (*path, junctor, index), problems)
    if isinstance(node.get("not"), Mapping):
        _nested_completeness(outer, node["not"], path, (*path, "not"), problems)
    for key, sub in _children(outer):
        _completeness(sub, sub, (*path, *key), problems)


def _children(node: Mapping[str, Any]) -> Iterator[tuple[ObjectPath, Mapping[str, Any]]]:
    properties = node.get("properties")
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            if isinstance(sub, Mapping):
                yield ("properties", name), sub
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            yield (key,), node[key]


def _nested_completeness(
    outer: Mapping[str, Any],
    nested: Mapping[str, Any],
    outer_path: ObjectPath,
    nested_path: ObjectPath,
    problems: list[Problem],
) -> None:
    for junctor in _JUNCTORS:
        subs = nested.get(junctor)
        if isinstance(subs, list):
            for index, sub in enumerate(subs):
                if isinstance(sub, Mapping):
                    _nested_completeness(outer, sub, outer_path, (*nested_path, junctor, index), problems)
    if isinstance(nested.get("not"), Mapping):
        _nested_completeness(outer, nested["not"], outer_path, (*nested_path, "not"), problems)
    if isinstance(nested.get("items"), Mapping):
        items = outer.get("items")
        if not isinstance(items, Mapping):
            problems.append(
                Problem(
                    (*outer_path, "items"),
                    "items must be specified because "
                    f"{format_path(('openAPIV3Schema', *nested_path, 'items'))} specifies it",
                )
            )
        else:
            _nested_completeness(
                items, nested["items"], (*outer_path, "items"), (*nested_path, "items"), problems
            )
    properties = nested.get("properties")
    if isinstance(properties, Mapping):
        declared: Mapping[str, Any] = (
            outer["properties"] if isinstance(outer.get("properties"), Mapping) else {}
        )
        for name, sub in properties.items():
            if not isinstance(sub, Mapping):
                continue
            if not isinstance(declared.get(name), Mapping):
                problems.append(
                    Problem(
                        (*outer_path, "properties", name),
                        f"property {name!r} must be specified because "
                        f"{format_path(('openAPIV3Schema', *nested_path, 'properties', name))} specifies it",
                    )
                )
            else:
                _nested_completeness(
                    declared[name],
                    sub,
                    (*outer_path, "properties", name),
                    (*nested_path, "properties", name),
                    problems,
                )


def _restrictions(node: Mapping[str, Any], path: ObjectPath, problems: list[Problem]) -> None:
    """What a CRD schema may not use at all (the CRD documentation, "Validation")."""
    for name in _FORBIDDEN_FIELDS:
        if name in node:
            problems.append(Problem((*path, name), f"{name} cannot be set in a CRD schema"))
    if node.get("uniqueItems") is True:
        problems.append(
            Problem(
                (*path, "uniqueItems"),
                "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
            )
        )
    additional = node.get("additionalProperties")
    if additional is False:
        problems.append(
            Problem((*path, "additionalProperties"), "additionalProperties cannot be set to false")
        )
    if additional is not None and isinstance(node.get("properties"), Mapping) and node["properties"]:
        problems.append(
            Problem(
                (*path, "additionalProperties"), "additionalProperties and properties are mutually exclusive"
            )
        )
    kind = node.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _VALID_TYPES):
        problems.append(
            Problem(
                (*path, "type"),
                f"type {kind!r} is not one of array, boolean, integer, number, object, string",
            )
        )
    if node.get("x-kubernetes-preserve-unknown-fields") is False:
        problems.append(
            Problem(
                (*path, "x-kubernetes-preserve-unknown-fields"),
                "x-kubernetes-preserve-unknown-fields must be true or undefined",
            )
        )
    if "items" in node and not isinstance(node["items"], Mapping):
        problems.append(Problem((*path, "items"), "items must be a schema object and not an array"))
    list_type = node.get("x-kubernetes-list-type")
    if list_type is not None:
        if not isinstance(list_type, str) or list_type not in _LIST_TYPES:
            problems.append(
                Problem(
                    (*path, "x-kubernetes-list-type"),
                    'x-kubernetes-list-type must be one of "atomic", "set", "map"',
                )
            )
        if _type_of(node) != "array":
            problems.append(
                Problem(
                    (*path, "x-kubernetes-list-type"), "x-kubernetes-list-type must only be used on arrays"
                )
            )
    keys = node.get("x-kubernetes-list-map-keys")
    if keys is not None and list_type != "map":
        problems.append(
            Problem(
                (*path, "x-kubernetes-list-map-keys"),
                "x-kubernetes-list-map-keys must only be used if x-kubernetes-list-type is map",
            )
        )
    if list_type == "map":
        _map_list(node, keys, path, problems)


def _map_list(node: Mapping[str, Any], keys: object, path: ObjectPath, problems: list[Problem]) -> None:
    if not isinstance(keys, list) or not keys:
        problems.append(
            Problem(
                (*path, "x-kubernetes-list-map-keys"),
                "x-kubernetes-list-map-keys must not be empty if x-kubernetes-list-type is map",
            )
        )
        return
    items = node.get("items")
    if not isinstance(items, Mapping) or _type_of(items) != "object":
        problems.append(Problem((*path, "items", "type"), "the items of a list of type map must be objects"))
        return
    properties: Mapping[str, Any] = (
        items["properties"] if isinstance(items.get("properties"), Mapping) else {}
    )
    required: list[Any] = items["required"] if isinstance(items.get("required"), list) else []
    for key in keys:
        sub = properties.get(key)
        if not isinstance(sub, Mapping):
            problems.append(
                Problem(
                    (*path, "x-kubernetes-list-map-keys"), f"map key {key!r} is not a property of the items"
                )
            )
        elif _type_of(sub) not in ("string", "integer", "number", "boolean"):
            problems.append(
                Problem((*path, "items", "properties", key, "type"), f"map key {key!r} must be a scalar")
            )
        elif key not in required and "default" not in sub:
            problems.append(
                Problem(
                    (*path, "items", "properties", key), f"map key {key!r} must be required or have a default"
                )
            )
