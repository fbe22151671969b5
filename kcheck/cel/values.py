"""Decoded YAML values as CEL sees them, typed by an OpenAPI schema (apiserver/pkg/cel/common/values.go).

`to_cel(value, shape)` turns a decoded YAML value into the CEL value Kubernetes gives an expression:
objects with properties become maps keyed by the escaped property names (`x-prop` is `x__dash__prop`),
integers `int`, numbers `double`, `format: date-time` strings timestamps, lists of `x-kubernetes-list-type`
set or map compare without regard to order; unknown fields preserved by
`x-kubernetes-preserve-unknown-fields` are not visible (the type table of
https://kubernetes.io/docs/reference/using-api/cel/#type-system-integration). CRD validation rules and
admission policies both bind their objects this way.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from celpy import celtypes

from kcheck.cel import library

# k8s.io/apiserver/pkg/cel/escaping.go: property names CEL can reach, and the reserved words that escape.
_RESERVED = frozenset(
    {
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)
_ACCESSIBLE = re.compile(r"[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*\Z")
_ESCAPED = re.compile(r"__|[.\-/]")
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}


def escape(name: str) -> str | None:
    """The CEL identifier of a property, or None when CEL cannot reach it."""
    if name in _RESERVED:
        return f"__{name}__"
    if not _ACCESSIBLE.match(name) or name[0].isdigit():
        return None
    return _ESCAPED.sub(lambda match: _ESCAPES[match.group(0)], name)


@dataclass
class Shape:
    """What CEL sees of a schema node. `kind` is object (properties), map (additionalProperties), list,
    integer, number, string, boolean, any (int-or-string, or typeless), or unknown (preserved data CEL
    cannot see). `embedded` objects expose apiVersion, kind and metadata.name/generateName."""

    kind: str
    properties: dict[str, tuple[str, Shape]] = field(default_factory=dict)
    items: Shape | None = None
    values: Shape | None = None
    format: str | None = None
    list_type: str | None = None
    map_keys: tuple[str, ...] = ()
    embedded: bool = False
    # The schema node itself (its `x-kubernetes-validations` are evaluated at this level).
    schema: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # Whether this node or one below it has `x-kubernetes-validations` (a value without is not walked).
    validated: bool = False


def shape_of(schema: Mapping[str, Any], root: bool = False) -> Shape:
    """The CEL view of a structural schema node (unknown keywords are ignored; nothing raises)."""
    shape = _shape(schema, root)
    shape.schema = schema
    below = [sub for _, sub in shape.properties.values()] + [s for s in (shape.items, shape.values) if s]
    shape.validated = bool(schema.get("x-kubernetes-validations")) or any(sub.validated for sub in below)
    return shape


def _shape(schema: Mapping[str, Any], root: bool) -> Shape:
    kind = schema.get("type")
    if schema.get("x-kubernetes-int-or-string") is True:
        return Shape("any")
    if kind == "object" or (root and kind is None):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        embedded = root or schema.get("x-kubernetes-embedded-resource") is True
        if isinstance(additional, Mapping) and not properties:
            return Shape("map", values=shape_of(additional), embedded=embedded)
        shape = Shape("object", embedded=embedded)
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                escaped = escape(str(name))
                if escaped is not None and isinstance(sub, Mapping):
                    shape.properties[str(name)] = (escaped, shape_of(sub))
        if additional is True and not properties:
            return Shape("map", values=Shape("any"), embedded=embedded)
        if (
            not shape.properties
            and not embedded
            and schema.get("x-kubernetes-preserve-unknown-fields") is True
        ):
            return Shape("unknown")
        return shape
    if kind == "array":
        items = schema.get("items")
        item_shape = shape_of(items) if isinstance(items, Mapping) else Shape("any")
        if item_shape.kind == "unknown":
            return Shape("unknown")
        keys = schema.get("x-kubernetes-list-map-keys")
        return Shape(
            "list",
            items=item_shape,
            list_type=schema.get("x-kubernetes-list-type")
            if isinstance(schema.get("x-kubernetes-list-type"), str)
            else None,
            map_keys=tuple(str(k) for k in keys) if isinstance(keys, list) else (),
        )
    if kind in ("integer", "number", "string", "boolean"):
        fmt = schema.get("format")
        return Shape(kind, format=fmt if isinstance(fmt, str) else None)
    if schema.get("x-kubernetes-preserve-unknown-fields") is True:
        return Shape("unknown")
    return Shape("any")


class SetList(celtypes.ListType):
    """A list with `x-kubernetes-list-type: set`: equality ignores order; `+` is a union."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list) or len(self) != len(other):
            return False
        return all(any(library.equals(a, b) for b in other) for a in self) and all(
            any(library.equals(b, a) for a in self) for b in other
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> Any:
        result = SetList(self)
        for item in other:
            if not any(library.equals(item, mine) for mine in result):
                result.append(item)
        return result


class MapList(celtypes.ListType):
    """A list with `x-kubernetes-list-type: map`: items are identified by their keys; equality ignores order;
    `X + Y` keeps X's order, takes Y's value for a shared key and appends Y's new keys."""

    keys: tuple[str, ...] = ()

    def _key(self, item: Any) -> tuple[Any, ...]:
        if not isinstance(item, Mapping):
            return (item,)
        return tuple(item.get(celtypes.StringType(escape(k) or k)) for k in self.keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list) or len(self) != len(other):
            return False
        return all(any(library.equals(a, b) for b in other) for a in self)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Any) -> Any:
        result = MapList(self)
        result.keys = self.keys
        positions = {self._key(item): index for index, item in enumerate(result)}
        for item in other:
            key = self._key(item)
            if key in positions:
                result[positions[key]] = item
            else:
                positions[key] = len(result)
                result.append(item)
        return result


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def generic(value: Any) -> Any:
    """A JSON-like value as CEL sees an untyped (`dyn`) value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        # JSON decoding makes a number beyond int64 a float64.
        return celtypes.IntType(value) if _INT64_MIN <= value <= _INT64_MAX else celtypes.DoubleType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        return celtypes.ListType([generic(item) for item in value])
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(str(k)): generic(v) for k, v in value.items()})
    return celtypes.StringType(str(value))


def _metadata(value: Any) -> Any:
    if not isinstance(value, dict):
        return generic(value)
    # Only metadata.name and metadata.generateName are visible to CRD rules.
    return celtypes.MapType(
        {
            celtypes.StringType(key): generic(value[key])
            for key in ("name", "generateName")
            if isinstance(value.get(key), str)
        }
    )


def to_cel(value: Any, shape: Shape, mismatches: list[Any] | None = None) -> Any:
    """The CEL value of `value` described by `shape`. A value of the wrong type is passed untyped (the
    schema rules report it) and, when `mismatches` is given, appended to it."""
    if value is None:
        return None
    if mismatches is not None and not matches_kind(value, shape):
        mismatches.append(value)
    kind = shape.kind
    if kind == "object" and isinstance(value, dict):
        converted: dict[Any, Any] = {}
        if shape.embedded:
            for key in ("apiVersion", "kind"):
                if isinstance(value.get(key), str):
                    converted[celtypes.StringType(key)] = celtypes.StringType(value[key])
            if "metadata" in value:
                converted[celtypes.StringType("metadata")] = _metadata(value["metadata"])
        for name, (escaped, sub) in shape.properties.items():
            item = field_value(value, name, sub)
            # Null fields are absent to CEL; preserved unknown data is invisible.
            if item is None or sub.kind == "unknown" or (shape.embedded and name == "metadata"):
                continue
            converted[celtypes.StringType(escaped)] = to_cel(item, sub, mismatches)
        return celtypes.MapType(converted)
    if kind == "map" and isinstance(value, dict):
        values = shape.values or Shape("any")
        return celtypes.MapType(
            {celtypes.StringType(str(k)): to_cel(v, values, mismatches) for k, v in value.items()}
        )
    if kind == "list" and isinstance(value, list):
        items = [to_cel(item, shape.items or Shape("any"), mismatches) for item in value]
        if shape.list_type == "set":
            return SetList(items)
        if shape.list_type == "map":
            result = MapList(items)
            result.keys = shape.map_keys
            return result
        return celtypes.ListType(items)
    whole = type(value) is int or (type(value) is float and value.is_integer())
    if kind == "integer" and whole and _INT64_MIN <= value <= _INT64_MAX:
        return celtypes.IntType(int(value))
    if kind == "number" and type(value) in (int, float):
        return celtypes.DoubleType(value)
    if kind == "boolean" and isinstance(value, bool):
        return celtypes.BoolType(value)
    if kind == "string" and isinstance(value, str):
        return _string_value(value, shape.format)
    return generic(value)


def _string_value(value: str, fmt: str | None) -> Any:
    try:
        if fmt == "byte":
            return celtypes.BytesType(base64.b64decode(value, validate=True))
        if fmt == "date":
            day = datetime.date.fromisoformat(value)
            return celtypes.TimestampType(
                datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
            )
        if fmt in ("date-time", "datetime"):
            return celtypes.TimestampType(value)
        if fmt == "duration":
            return celtypes.DurationType(value)
    except (ValueError, TypeError, binascii.Error):
        pass
    return celtypes.StringType(value)


def matches_kind(value: Any, shape: Shape) -> bool:
    """Whether a value has the JSON type its schema node says (rules only run on well-typed values)."""
    expected = {
        "object": dict,
        "map": dict,
        "list": list,
        "string": str,
        "boolean": bool,
    }.get(shape.kind)
    if expected is not None:
        return isinstance(value, expected)
    if shape.kind == "integer":
        return type(value) is int or (type(value) is float and value.is_integer())
    if shape.kind == "number":
        return type(value) in (int, float)
    return True


def field_value(value: dict[str, Any], name: str, shape: Shape) -> Any:
    """A property's value as the API server validates it: a missing or null field takes the schema's
    `default` (defaulting runs before validation; it fills fields of objects that exist)."""
    item = value.get(name)
    if item is None and "default" in shape.schema:
        return shape.schema["default"]
    return item


def iter_children(value: Any, shape: Shape) -> Iterator[tuple[str | int, Any, Shape]]:
    """The values below `value` with their shapes: each property (defaulted), map value or list item."""
    if shape.kind == "object" and isinstance(value, dict):
        for name, (_, sub) in shape.properties.items():
            item = field_value(value, name, sub)
            if item is not None:
                yield name, item, sub
    elif shape.kind == "map" and isinstance(value, dict) and shape.values is not None:
        for key, item in value.items():
            if item is not None:
                yield str(key), item, shape.values
    elif shape.kind == "list" and isinstance(value, list) and shape.items is not None:
        for index, item in enumerate(value):
            if item is not None:
                yield index, item, shape.items
