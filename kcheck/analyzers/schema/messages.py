"""The wording of schema findings: what was expected, what was found, and a hint when one helps.

Messages start with the path of the offending value (`spec.replicas: expected an integer, got the string
"three"`), so a finding reads on its own in any reporter, as kubectl's do.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence

from kcheck.core.location import ObjectPath, format_path

_MAX_SHOWN = 40


def at(path: ObjectPath, text: str) -> str:
    """`text` prefixed by the path it is about (nothing for the object itself)."""
    return f"{format_path(path)}: {text}" if path else text


def describe(value: object) -> str:
    """A value as a person would name it: `the string "three"`, `the integer 3`, `a mapping`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"the number {value!r}"
        return f"the integer {int(value)}" if value.is_integer() else f"the number {value}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def quote(text: str) -> str:
    shown = text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
    return json.dumps(shown, ensure_ascii=False)


_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def type_name(json_type: str) -> str:
    return _TYPE_NAMES.get(json_type, json_type)


def either(names: Sequence[str]) -> str:
    """ "a string", "a string or an integer", "a string, an integer or a list"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")


def type_mismatch(path: ObjectPath, expected: str, value: object) -> str:
    message = f"expected {expected}, got {describe(value)}"
    if expected == "a string" and isinstance(value, (bool, int, float)):
        # The classic: `enabled: true` or `version: 1.10` where a string is needed (labels, env values).
        message += " (quote the value to make it a string)"
    elif isinstance(value, str) and (
        (expected.startswith("an integer") and _INTEGER_TEXT.match(value.strip()))
        or (expected == "a number" and _NUMBER_TEXT.match(value.strip()))
    ):
        message += " (remove the quotes to make it a number)"
    return at(path, message)


def unknown_field(path: ObjectPath, known: Iterable[str], hint: str | None) -> str:
    """`path` ends with the unknown key; `known` are the fields its mapping allows."""
    message = f"unknown field {json.dumps(format_path(path), ensure_ascii=False)}"
    field = path[-1]
    if hint is None and isinstance(field, str):
        close = difflib.get_close_matches(field, list(known), n=1, cutoff=0.75)
        # Case-only differences first: Kubernetes field names are case-sensitive (`containerport`).
        by_case = [name for name in known if name.lower() == field.lower()]
        match = by_case or close
        if match:
            hint = f"did you mean {quote(match[0])}?"
    return f"{message} ({hint})" if hint else message


def missing_required(path: ObjectPath, name: str) -> str:
    return at(path, f"missing required field {quote(name)}")


def duplicate_entry(listing: ObjectPath, keys: Sequence[str], values: Sequence[object], first: int) -> str:
    """A repeated entry of the list at `listing`; `keys` are its list-map keys (none for a set)."""
    name = format_path(listing)
    if not keys:
        value = _literal(values[0])
        return f"duplicate value {value} (entries of {name} must be unique; the first is [{first}])"
    found = " and ".join(f"{key} {_literal(value)}" for key, value in zip(keys, values, strict=True))
    return (
        f"duplicate entry with {found} (entries of {name} must be unique by {' and '.join(keys)}; "
        f"the first is [{first}])"
    )


def _literal(value: object) -> str:
    if isinstance(value, str):
        return quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def not_one_of(path: ObjectPath, allowed: Sequence[object], value: object) -> str:
    shown = ", ".join(_literal(item) for item in allowed[:10]) + (", ..." if len(allowed) > 10 else "")
    message = f"expected one of {shown}, got {describe(value)}"
    if isinstance(value, str):
        by_case = [item for item in allowed if isinstance(item, str) and item.lower() == value.lower()]
        if by_case:
            message += f" (did you mean {quote(by_case[0])}?)"
    return at(path, message)
