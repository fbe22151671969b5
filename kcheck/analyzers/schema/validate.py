"""Schemas compiled into validators: one tree of closures per schema node, built once per process.

Why not `jsonschema` (DESIGN §1 names it): measured by `bench/bench_schema.py` on the corpus, `jsonschema`
validates about 3,500 objects per CPU-second even with the references resolved ahead of time and unknown
fields closed (`additionalProperties: false`), before any of the Kubernetes semantics below, and its
errors need translating back into paths and sentences anyway; these compiled checks do all of it at about
20,000. The subset of JSON Schema that the Kubernetes OpenAPI and structural CRD schemas use is small
enough to compile directly, and saying exactly what Kubernetes means is the point.

What a schema means here (the API server's decoding and validation, not generic JSON Schema):

- `type`: `integer` is an int or a whole float (kubectl turns YAML `3.0` into JSON `3`), within int32 or
  int64 per `format`; `number` is finite. `null` is accepted where the type lists it or `nullable: true`.
- Objects with `properties` are closed: another key is an unknown field (what `kubectl apply
  --validate=strict` rejects) unless `x-kubernetes-preserve-unknown-fields: true`; an object schema
  without `properties` is free-form (RawExtension, FieldsV1). `additionalProperties` checks map values.
  A CRD's structural schema, where `type: object` alone means "no fields", should say `properties: {}`.
- Subschemas of `allOf`, `anyOf`, `oneOf` and `not` only constrain values: they never make a field unknown
  (in structural schemas they repeat the structure, they do not define it). A failed `anyOf`/`oneOf` is
  reported once: "expected a string or an integer" when every alternative wants another type, else the
  problems of the alternative that came closest.
- `x-kubernetes-list-type: map` entries are unique by `x-kubernetes-list-map-keys` (a missing key takes
  its default: `protocol` is TCP), `set` entries are unique; `x-kubernetes-int-or-string`,
  `x-kubernetes-embedded-resource` (apiVersion, kind and metadata allowed and checked).
- The definitions IntOrString and Quantity (written as `oneOf` in the OpenAPI) are int-or-string and the
  resource.Quantity grammar; ObjectMeta and LabelSelector also get the API server's label, annotation and
  selector rules (`semantics`).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kcheck.analyzers.schema import messages, semantics, store
from kcheck.analyzers.schema.store import DEFINITION_KEY, Schema
from kcheck.core.location import ObjectPath
from kcheck.kube.quantity import is_quantity
from kcheck.model.base import K8sObject, group_of

if TYPE_CHECKING:
    from kcheck.analyzers.schema.crd import CrdCatalog


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One problem of one value. `text` does not repeat the path (alternatives are joined by it)."""

    path: ObjectPath
    text: str
    unknown_field: bool = False
    # For a wrong type: what was expected ("an integer"), so failed alternatives can be merged.
    expected: str | None = None

    @property
    def message(self) -> str:
        return self.text if self.unknown_field else messages.at(self.path, self.text)


Problems = list[SchemaProblem]
Check = Callable[[Any, ObjectPath, Problems], None]

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LABEL_SELECTOR = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"
POD_SECURITY_CONTEXT = "io.k8s.api.core.v1.PodSecurityContext"

# Settings of a container's securityContext that the pod's securityContext does not have: written at pod
# level, they are unknown fields there (and silently ignored by a non-strict client).
_CONTAINER_ONLY = frozenset(
    {"privileged", "capabilities", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount"}
)
# Defaults of list-map keys that may be left out (the OpenAPI v3 `default` of ContainerPort, ServicePort,
# EndpointPort...); structured-merge-diff applies them before comparing keys.
_KEY_DEFAULTS: dict[str, object] = {"protocol": "TCP"}
# Fields the OpenAPI of some versions lists as required although the API server defaults them before
# validating: rbac/v1 SetDefaults_RoleBinding and SetDefaults_ClusterRoleBinding set roleRef.apiGroup to
# rbac.authorization.k8s.io (the 1.37 OpenAPI no longer lists it as required).
_DEFAULTED_BY_THE_SERVER: dict[object, frozenset[str]] = {
    "io.k8s.api.rbac.v1.RoleRef": frozenset({"apiGroup"}),
}
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))\Z")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_QUANTITY_EXPECTED = 'a quantity (a number, or a string such as "500m", "1.5" or "128Mi")'
# Kubernetes matches `pattern` with RE2, in linear time; Python's backtracking engine can take exponential
# time on a quantified group that itself contains a quantifier (`(a+)+$`), and patterns come from the input
# (CRDs in a pull request). Such patterns are not checked.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")
# How controller-gen writes a resource.Quantity field into a CRD (with x-kubernetes-int-or-string).
_KUBEBUILDER_QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|"
    r"(\.[0-9]+))))?$"
)
_BYTES_SUFFIX = re.compile(r"[0-9.]+([KMGTPE])(i?)B\Z")


def _is_integer(value: object) -> bool:
    kind = type(value)
    return kind is int or (kind is float and value.is_integer())  # type: ignore[attr-defined]


def _is_number(value: object) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))  # type: ignore[arg-type]


_TYPE_TESTS: dict[str, Callable[[object], bool]] = {
    "string": lambda value: type(value) is str,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: type(value) is bool,
    "array": lambda value: type(value) is list,
    "object": lambda value: type(value) is dict,
}


def _mismatch(path: ObjectPath, expected: str, value: object) -> SchemaProblem:
    text = messages.type_mismatch((), expected, value)
    return SchemaProblem(path, text, expected=expected)


class Compiler:
    """Compiles schemas (with `$ref`s resolved) into checks, each node once (shared nodes share checks,
    recursive schemas become recursive checks)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, bool], tuple[Schema, Check]] = {}

    def compile(self, schema: Schema, strict: bool = True) -> Check:
        """`strict`: whether this node's `properties` make other keys unknown (False inside alternatives)."""
        key = (id(schema), strict)
        entry = self._memo.get(key)
        if entry is not None:
            return entry[1]
        cell: list[Check] = []

        def forward(value: Any, path: ObjectPath, out: Problems) -> None:
            cell[0](value, path, out)

        # Registered before its children are compiled, so a schema that contains itself calls itself.
        self._memo[key] = (schema, forward)
        check = self._build(schema, strict)
        cell.append(check)
        self._memo[key] = (schema, check)
        return check

    def _build(self, schema: Schema, strict: bool) -> Check:
        definition = schema.get(DEFINITION_KEY)
        if definition == INT_OR_STRING:
            return _check_int_or_string
        if definition == QUANTITY:
            return _check_quantity
        checks = [*self._value_checks(schema, strict)]
        properties = schema.get("properties")
        defaults = {
            name: sub["default"]
            for name, sub in (properties.items() if isinstance(properties, dict) else ())
            if isinstance(sub, dict) and "default" in sub
        }
        if defaults and checks:
            # The API server defaults a custom resource before validating it: the alternatives and value
            # checks of this node see the defaulted object (a Gateway address without `type` is an
            # IPAddress); the properties themselves are checked as written.
            checks = [_defaulted(defaults, checks)]
        object_check = self._object_check(schema, strict, frozenset(defaults))
        if object_check is not None:
            checks.append(object_check)
        array_check = self._array_check(schema, strict)
        if array_check is not None:
            checks.append(array_check)
        if definition == OBJECT_META:
            checks.append(_semantic(semantics.object_meta))
        elif definition == LABEL_SELECTOR:
            checks.append(_semantic(semantics.label_selector))
        return _typed(schema, checks)

    # -- objects -------------------------------------------------------------------------------------------

    def _object_check(self, schema: Schema, strict: bool, defaulted: frozenset[str]) -> Check | None:
        properties: dict[str, Schema] | None = schema.get("properties")
        additional = schema.get("additionalProperties")
        # A required field with a default is never missing: defaulting comes first.
        defaulted = defaulted | _DEFAULTED_BY_THE_SERVER.get(schema.get(DEFINITION_KEY), frozenset())
        required = tuple(name for name in schema.get("required") or () if name not in defaulted)
        embedded = schema.get("x-kubernetes-embedded-resource") is True
        if properties is None and additional is None and not required and not embedded:
            return None
        # Each property's check is compiled the first time a value has that property: an object uses a
        # small part of its kind's schema (a Deployment reaches 640 nodes), and a pre-commit run on one
        # file should not pay for compiling the rest.
        property_schemas: dict[str, Schema] = properties or {}
        props: dict[str, Check] = {}
        compile_property = self.compile
        values = self.compile(additional, strict) if isinstance(additional, dict) else None
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        closed = additional is False or (
            strict and properties is not None and additional is None and not preserve
        )
        implicit = frozenset({"apiVersion", "kind", "metadata"}) if embedded else frozenset()
        known = sorted(property_schemas)
        hinted = _CONTAINER_ONLY if schema.get(DEFINITION_KEY) == POD_SECURITY_CONTEXT else frozenset()

        def check_object(value: Any, path: ObjectPath, out: Problems) -> None:
            if type(value) is not dict:
                return
            for key, item in value.items():
                sub = props.get(key)
                if sub is None and key in property_schemas:
                    sub = props[key] = compile_property(property_schemas[key], strict)
                if sub is not None:
                    sub(item, (*path, key), out)
                elif values is not None:
                    values(item, (*path, key), out)
                elif closed and key not in implicit:
                    hint = (
                        f"{key} is a container setting: set it in each container's securityContext"
                        if key in hinted
                        else None
                    )
                    out.append(
                        SchemaProblem((*path, key), messages.unknown_field((*path, key), known, hint), True)
                    )
            for name in required:
                if name not in value:
                    out.append(SchemaProblem(path, f"missing required field {messages.quote(name)}"))
            if embedded:
                _check_embedded(value, path, out)

        return check_object

    # -- arrays --------------------------------------------------------------------------------------------

    def _array_check(self, schema: Schema, strict: bool) -> Check | None:
        items = schema.get("items")
        list_type = schema.get("x-kubernetes-list-type")
        unique = list_type == "set" or schema.get("uniqueItems") is True
        map_keys = tuple(schema.get("x-kubernetes-list-map-keys") or ()) if list_type == "map" else ()
        if not isinstance(items, dict) and not unique and not map_keys:
            return None
        item_check = self.compile(items, strict) if isinstance(items, dict) else None
        item_properties = items.get("properties", {}) if isinstance(items, dict) else {}
        defaults = {
            key: item_properties.get(key, {}).get("default", _KEY_DEFAULTS.get(key)) for key in map_keys
        }

        def check_array(value: Any, path: ObjectPath, out: Problems) -> None:
            if type(value) is not list:
                return
            if item_check is not None:
                for index, item in enumerate(value):
                    item_check(item, (*path, index), out)
            if map_keys:
                _check_map_keys(value, path, map_keys, defaults, out)
            elif unique:
                _check_set(value, path, out)

        return check_array

    # -- scalars and combinators ---------------------------------------------------------------------------

    def _value_checks(self, schema: Schema, strict: bool) -> list[Check]:
        checks: list[Check] = []
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            checks.append(_enum_check(enum))
        fmt = schema.get("format")
        if isinstance(fmt, str):
            format_check = _FORMAT_CHECKS.get(fmt)
            if format_check is not None:
                checks.append(format_check)
        is_integer = _types(schema)[0] == ("integer",)
        if is_integer and fmt not in ("int32", "int64"):
            checks.append(_FORMAT_CHECKS["int64"])  # Go decodes every integer field into an int32 or int64
        checks.extend(_bounds_checks(schema))
        for keyword in ("allOf", "anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                compiled = [
                    self.compile(branch, strict=False) for branch in branches if isinstance(branch, dict)
                ]
                checks.append(_combinator(keyword, compiled))
        negated = schema.get("not")
        if isinstance(negated, dict):
            checks.append(_not_check(self.compile(negated, strict=False)))
        return checks


def _types(schema: Schema) -> tuple[tuple[str, ...], bool]:
    """(the non-null JSON types allowed, whether null is allowed)."""
    declared = schema.get("type")
    names = (declared,) if isinstance(declared, str) else tuple(declared or ())
    nullable = "null" in names or schema.get("nullable") is True or not names
    if schema.get("x-kubernetes-int-or-string") is True:
        return ("integer", "string"), nullable
    return tuple(name for name in names if name != "null" and name in _TYPE_TESTS), nullable


def _typed(schema: Schema, checks: Sequence[Check]) -> Check:
    types, nullable = _types(schema)
    tests = tuple(_TYPE_TESTS[name] for name in types)
    expected = messages.either([messages.type_name(name) for name in types])
    rest = tuple(checks)

    if len(tests) == 1 and not rest:
        test = tests[0]

        def check_scalar(value: Any, path: ObjectPath, out: Problems) -> None:
            if value is None:
                if not nullable:
                    out.append(_mismatch(path, expected, value))
            elif not test(value):
                out.append(_mismatch(path, expected, value))

        return check_scalar

    def check_value(value: Any, path: ObjectPath, out: Problems) -> None:
        if value is None:
            if not nullable:
                out.append(_mismatch(path, expected, value))
            return
        if tests and not any(test(value) for test in tests):
            out.append(_mismatch(path, expected, value))
            return
        for check in rest:
            check(value, path, out)

    return check_value


def _defaulted(defaults: dict[str, Any], checks: list[Check]) -> Check:
    def check_defaulted(value: Any, path: ObjectPath, out: Problems) -> None:
        if type(value) is dict:
            # A null is pruned, then defaulted, like a missing field.
            missing = {name: default for name, default in defaults.items() if value.get(name) is None}
            if missing:
                value = {**value, **missing}
        for check in checks:
            check(value, path, out)

    return check_defaulted


def _check_int_or_string(value: Any, path: ObjectPath, out: Problems) -> None:
    kind = type(value)
    if kind is str or value is None:
        return
    if kind is int or (kind is float and value.is_integer()):
        # intstr.IntOrString holds an int32.
        if not _INT32[0] <= value <= _INT32[1]:
            out.append(SchemaProblem(path, f"{int(value)} is out of range for a 32-bit integer"))
        return
    out.append(_mismatch(path, "an integer or a string", value))


def _quantity_check(trim: bool) -> Check:
    """resource.Quantity (`trim`: its JSON decoding trims spaces), or a CRD's quantity pattern (no trim)."""

    def check_quantity(value: Any, path: ObjectPath, out: Problems) -> None:
        if value is None:
            return
        # is_quantity trims, as the JSON decoding does; a pattern has no room for spaces.
        spaced = not trim and isinstance(value, str) and value != value.strip()
        if not spaced and is_quantity(value):
            return
        problem = _mismatch(path, _QUANTITY_EXPECTED, value)
        unit = _BYTES_SUFFIX.match(value.strip()) if isinstance(value, str) else None
        if unit:
            # "1GB": quantities have no B; G is 10^9, Gi is 2^30.
            prefix, binary = unit.group(1), unit.group(2)
            fixed = value.strip()[: -len(prefix + binary + "B")]
            suggestion = f"{fixed}{prefix}i" if binary else f"{fixed}{prefix} or {fixed}{prefix}i"
            problem = SchemaProblem(path, f"{problem.text}; quantities have no B: write {suggestion}")
        out.append(problem)

    return check_quantity


_check_quantity = _quantity_check(trim=True)


def _semantic(check: Callable[[ObjectPath, object], Any]) -> Check:
    def check_semantics(value: Any, path: ObjectPath, out: Problems) -> None:
        for where, text in check(path, value):
            out.append(SchemaProblem(where, text))

    return check_semantics


def _check_embedded(value: dict[str, Any], path: ObjectPath, out: Problems) -> None:
    """x-kubernetes-embedded-resource: a whole object inside another (a template of a custom resource)."""
    for key in ("apiVersion", "kind"):
        item = value.get(key)
        if item is None or item == "":
            out.append(SchemaProblem(path, f"missing required field {messages.quote(key)}"))
        elif not isinstance(item, str):
            out.append(_mismatch((*path, key), "a string", item))
    metadata = value.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        out.append(_mismatch((*path, "metadata"), "a mapping", metadata))
    else:
        for where, text in semantics.object_meta((*path, "metadata"), metadata):
            out.append(SchemaProblem(where, text))


def _comparable(value: object) -> object:
    """A hashable stand-in that compares as JSON does (1 == 1.0, True != 1)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return ("json", json.dumps(value, sort_keys=True, default=str))


def _check_map_keys(
    value: list[Any], path: ObjectPath, keys: tuple[str, ...], defaults: dict[str, object], out: Problems
) -> None:
    seen: dict[tuple[object, ...], int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        values = tuple(item.get(key, defaults[key]) for key in keys)
        if any(part is None for part in values):
            continue  # a missing key without a default is a missing required field, reported as such
        identity = tuple(_comparable(part) for part in values)
        first = seen.setdefault(identity, index)
        if first != index:
            out.append(SchemaProblem((*path, index), messages.duplicate_entry(path, keys, values, first)))


def _check_set(value: list[Any], path: ObjectPath, out: Problems) -> None:
    seen: dict[object, int] = {}
    for index, item in enumerate(value):
        first = seen.setdefault(_comparable(item), index)
        if first != index:
            out.append(SchemaProblem((*path, index), messages.duplicate_entry(path, (), (item,), first)))


def _enum_check(allowed: list[Any]) -> Check:
    members = {_comparable(item) for item in allowed}

    def check_enum(value: Any, path: ObjectPath, out: Problems) -> None:
        if _comparable(value) not in members:
            out.append(SchemaProblem(path, messages.not_one_of((), allowed, value)))

    return check_enum


def _integer_range(bits: int, bounds: tuple[int, int]) -> Check:
    def check_range(value: Any, path: ObjectPath, out: Problems) -> None:
        if _is_integer(value) and not bounds[0] <= value <= bounds[1]:
            out.append(SchemaProblem(path, f"{int(value)} is out of range for a {bits}-bit integer"))

    return check_range


def _string_format(name: str, valid: Callable[[str], bool], example: str) -> Check:
    def check_format(value: Any, path: ObjectPath, out: Problems) -> None:
        if isinstance(value, str) and not valid(value):
            text = f"expected {name} such as {example}, got {messages.describe(value)}"
            out.append(SchemaProblem(path, text, expected=name))

    return check_format


def _is_base64(text: str) -> bool:
    # encoding/json decodes []byte with base64.StdEncoding (padding required), which skips \r and \n.
    try:
        base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_date_time(text: str) -> bool:
    """time.RFC3339, as metav1.Time unmarshals it (fractional seconds allowed)."""
    match = _RFC3339.match(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    offset_hours = int(match.group(9) or 0)
    offset_minutes = int(match.group(10) or 0)
    try:
        datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return offset_hours < 24 and offset_minutes < 60


def _is_date(text: str) -> bool:
    match = _DATE.match(text)
    if match is None:
        return False
    try:
        datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def _parses(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def valid(text: str) -> bool:
        try:
            parse(text)
        except ValueError:
            return False
        return True

    return valid


# The formats the API server checks (k8s.io/kube-openapi/pkg/validation/strfmt); any other is a hint only.
_FORMAT_CHECKS: dict[str, Check] = {
    "int32": _integer_range(32, _INT32),
    "int64": _integer_range(64, _INT64),
    "byte": _string_format("base64 data", _is_base64, '"aGVsbG8="'),
    "date-time": _string_format("an RFC 3339 date-time", _is_date_time, '"2024-05-01T12:00:00Z"'),
    "date": _string_format("a date", _is_date, '"2024-05-01"'),
    "uuid": _string_format("a UUID", _parses(uuid.UUID), '"123e4567-e89b-12d3-a456-426614174000"'),
    "ipv4": _string_format("an IPv4 address", _parses(ipaddress.IPv4Address), '"10.0.0.1"'),
    "ipv6": _string_format("an IPv6 address", _parses(ipaddress.IPv6Address), '"fd00::1"'),
    "cidr": _string_format(
        "a CIDR", _parses(lambda text: ipaddress.ip_network(text, strict=False)), '"10.0.0.0/8"'
    ),
}


def _bounds_checks(schema: Schema) -> list[Check]:
    """minimum/maximum (OpenAPI 3.0 boolean or 2020-12 numeric exclusives), lengths, sizes, patterns."""
    checks: list[Check] = []
    for keyword, compare, word in (("minimum", "lt", "at least"), ("maximum", "gt", "at most")):
        bound = schema.get(keyword)
        exclusive = schema.get("exclusive" + keyword.capitalize())
        if isinstance(exclusive, (int, float)) and not isinstance(exclusive, bool):
            bound, exclusive = exclusive, True
        if isinstance(bound, (int, float)) and not isinstance(bound, bool):
            checks.append(_number_bound(bound, compare == "lt", exclusive is True, word))
    for keyword, kind, measure in (
        ("minLength", str, "characters"),
        ("maxLength", str, "characters"),
        ("minItems", list, "items"),
        ("maxItems", list, "items"),
        ("minProperties", dict, "fields"),
        ("maxProperties", dict, "fields"),
    ):
        limit = schema.get(keyword)
        if isinstance(limit, int) and not isinstance(limit, bool):
            checks.append(_size_bound(kind, limit, keyword.startswith("min"), measure))
    pattern = schema.get("pattern")
    if pattern == _KUBEBUILDER_QUANTITY:
        checks.append(_quantity_check(trim=False))  # said as a quantity ("1GB": "write 1G or 1Gi")
    elif isinstance(pattern, str) and not _NESTED_QUANTIFIER.search(pattern):
        try:
            compiled = re.compile(pattern)
        except re.error:
            compiled = None  # an RE2 construct Python lacks: not checked rather than misjudged
        if compiled is not None:
            checks.append(_pattern_check(compiled))
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and not isinstance(multiple, bool) and multiple > 0:
        checks.append(_multiple_check(multiple))
    return checks


def _number_bound(bound: float, lower: bool, exclusive: bool, word: str) -> Check:
    relation = ("greater than" if lower else "less than") if exclusive else word

    def check_bound(value: Any, path: ObjectPath, out: Problems) -> None:
        if not _is_number(value):
            return
        if lower:
            bad = value <= bound if exclusive else value < bound
        else:
            bad = value >= bound if exclusive else value > bound
        if bad:
            out.append(SchemaProblem(path, f"must be {relation} {_number(bound)}, got {_number(value)}"))

    return check_bound


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _size_bound(kind: type, limit: int, minimum: bool, measure: str) -> Check:
    word = "at least" if minimum else "at most"

    def check_size(value: Any, path: ObjectPath, out: Problems) -> None:
        if type(value) is not kind:
            return
        size = len(value)  # type: ignore[arg-type]  # a str, list or dict: `kind` says which
        if (size < limit) if minimum else (size > limit):
            out.append(SchemaProblem(path, f"must have {word} {limit} {measure}, has {size}"))

    return check_size


def _pattern_check(pattern: re.Pattern[str]) -> Check:
    def check_pattern(value: Any, path: ObjectPath, out: Problems) -> None:
        if isinstance(value, str) and pattern.search(value) is None:
            shown = messages.quote(pattern.pattern)
            out.append(SchemaProblem(path, f"{messages.describe(value)} does not match the pattern {shown}"))

    return check_pattern


def _multiple_check(factor: float) -> Check:
    def check_multiple(value: Any, path: ObjectPath, out: Problems) -> None:
        if not _is_number(value):
            return
        try:
            multiple = (value / factor).is_integer()
        except OverflowError:  # an integer too large for a float: Kubernetes' int64 check reports it
            return
        if not multiple:
            out.append(SchemaProblem(path, f"must be a multiple of {_number(factor)}, got {_number(value)}"))

    return check_multiple


def _not_check(negated: Check) -> Check:
    def check_not(value: Any, path: ObjectPath, out: Problems) -> None:
        found: Problems = []
        negated(value, path, found)
        if not found:
            out.append(SchemaProblem(path, f"{messages.describe(value)} is not allowed here"))

    return check_not


def _combinator(keyword: str, branches: list[Check]) -> Check:
    def check_branches(value: Any, path: ObjectPath, out: Problems) -> None:
        failures: list[Problems] = []
        for branch in branches:
            found: Problems = []
            branch(value, path, found)
            failures.append(found)
        passed = sum(1 for found in failures if not found)
        if keyword == "allOf":
            for found in failures:
                out.extend(found)
        elif keyword == "oneOf" and passed > 1:
            out.append(
                SchemaProblem(
                    path, f"matches {passed} of the {len(branches)} alternatives; exactly one must match"
                )
            )
        elif passed == 0:
            out.extend(_collapse(path, value, failures))

    return check_branches


def _collapse(path: ObjectPath, value: object, failures: list[Problems]) -> Problems:
    """The single most useful report of a value that fits none of the alternatives."""
    own = [found for found in failures if len(found) == 1 and found[0].path == path]
    if len(own) == len(failures):
        expected = [found[0].expected for found in own]
        if all(expected):
            names = list(dict.fromkeys(e for e in expected if e))
            return [_mismatch(path, messages.either(names), value)]
        texts = list(dict.fromkeys(found[0].text for found in own))
        return [SchemaProblem(path, " or ".join(texts))]
    # Otherwise the alternative whose type fitted and that has the fewest problems, deepest first.
    fitting = [found for found in failures if not any(p.expected and p.path == path for p in found)]
    candidates = fitting or failures
    return min(candidates, key=lambda found: (len(found), -max(len(p.path) for p in found)))


# -- per object ----------------------------------------------------------------------------------------------

_COMPILER = Compiler()


@functools.cache
def validator(version: str, api_version: str, kind: str) -> Check | None:
    """The compiled check of a kind in a bundled version; None when the version has no such kind."""
    schema = store.resolve(version, api_version, kind)
    return None if schema is None else _COMPILER.compile(schema)


def compile_schema(schema: Schema) -> Check:
    """A check for any schema in the form `store.resolve` returns (custom resources' schemas included)."""
    return _COMPILER.compile(schema)


def validate(raw: dict[str, Any], check: Check, group: str, kind: str) -> Problems:
    """Every problem of a top-level object: the schema's, and its name's rules (which depend on the kind)."""
    out: Problems = []
    check(raw, (), out)
    metadata = raw.get("metadata")
    if isinstance(metadata, dict):
        for where, text in semantics.object_name(group, kind, metadata):
            out.append(SchemaProblem(where, text))
    return out


def check_for(obj: K8sObject, kubernetes_version: str, crds: CrdCatalog | None) -> Check | None:
    """The validator of an object's kind: the bundled schema of the target version, else the schema of a
    CustomResourceDefinition of the run (the input's or `--crd`'s); None when neither knows the kind."""
    api_version, kind = obj.api_version or "", obj.kind or ""
    check = validator(kubernetes_version, api_version, kind)
    if check is None and crds is not None:
        # The catalog returns the same dict for a kind every time: compiled once, found by identity.
        schema = crds.schema(api_version, kind, kubernetes_version)
        if isinstance(schema, dict):
            check = _COMPILER.compile(schema)
    return check


def problems_of(
    obj: K8sObject, kubernetes_version: str, crds: CrdCatalog | None
) -> tuple[SchemaProblem, ...] | None:
    """The problems of an object against the schema of its kind, or None when there is none (KC501 and
    KC502 share them: `analysis.ObjectAnalysis.problems`)."""
    check = check_for(obj, kubernetes_version, crds)
    if check is None:
        return None
    return tuple(validate(obj.raw, check, group_of(obj.api_version), obj.kind or ""))
