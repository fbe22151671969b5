"""Text edits that set one field of a YAML document: what a rule's `Fix` becomes (SARIF `fixes`).

An edit either replaces the field's value where it is written, or inserts the missing keys under the
deepest mapping of the path that exists, indented as that mapping's keys are. The value is written in YAML
flow style (`true`, `[ALL]`, `{type: RuntimeDefault}`). Where the document's layout leaves no edit that is
certainly right (a flow mapping to insert into, a block collection to replace, a list index that does not
exist), there is none: a suggestion must never break the manifest.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from kcheck.core.location import ObjectPath, Span, TextEdit
from kcheck.source import spans

if TYPE_CHECKING:
    from kcheck.source.loader import Document

# A string that YAML (1.1 and 1.2) reads back as the same string when written plain.
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_NOT_PLAIN = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def flow(value: object) -> str:
    """`value` (plain data) as a YAML flow node."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return value if _PLAIN.match(value) and value.lower() not in _NOT_PLAIN else json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(str(key))}: {flow(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"not plain data: {type(value).__name__}")


def set_field(document: Document, path: ObjectPath, value: object) -> TextEdit | None:
    """The edit that makes `path` hold `value`, or None when there is no safe one."""
    if document.may_alias:
        return None  # what the path reaches may be written at an anchor that other places share
    records = document.span_index
    number, found = 0, 0
    for part in path:
        _, next_number = spans.child(records, number, part)
        if next_number is None:
            break
        number, found = next_number, found + 1
    record, missing = records[number], path[found:]
    if not missing:
        # The field is written: replace its value, when that is one line (a scalar or a flow collection).
        if record[1] != record[3]:
            return None
        return TextEdit(_span(document, record[1], record[2], record[3], record[4]), flow(value))
    if any(isinstance(part, int) for part in missing):
        return None
    nested: object = value
    for key in reversed(missing[1:]):
        nested = {key: nested}
    if record[0] == spans.SCALAR:
        # `securityContext:` with nothing after it (null): a flow mapping in its place.
        if document_value(document, path[:found]) is not None:
            return None
        mapping = {missing[0]: nested}
        start = _span(document, record[1], record[2], record[3], record[4])
        return TextEdit(start, (" " if record[2] == record[4] else "") + flow(mapping))
    if record[0] != spans.MAPPING or len(record) <= spans.CHILDREN:
        return None
    first_key_line, indent = record[spans.CHILDREN + 1], record[spans.CHILDREN + 2]
    if (record[1], record[2]) != (first_key_line, indent):
        return None  # a flow mapping (`{...}`): its first key is not where it starts
    text = _block(str(missing[0]), nested, indent)
    # After the mapping's last line: the end of its last scalar (a collection's own end mark is the next
    # token, which may be lines further, after comments, at a parent's key).
    last = record
    while last[0] != spans.SCALAR and len(last) > spans.CHILDREN:
        last = records[last[-1]]
    if last[3] < record[len(record) - spans.PAIR + 1]:
        return None  # not this mapping's own text
    line = (last[3] if last[4] == 0 else last[3] + 1) + 1 + document.line_offset
    lengths = document.file.line_lengths
    if line > len(lengths):  # the file's last line has no newline: start one
        return TextEdit(Span(len(lengths), lengths[-1] + 1, len(lengths), lengths[-1] + 1), "\n" + text[:-1])
    return TextEdit(Span(line, 1, line, 1), text)


def _block(key: str, value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict) and value:
        inner = "".join(_block(str(k), v, indent + 2) for k, v in value.items())
        return f"{pad}{flow(key)}:\n{inner}"
    return f"{pad}{flow(key)}: {flow(value)}\n"


def _span(document: Document, line: int, column: int, end_line: int, end_column: int) -> Span:
    offset = document.line_offset
    return Span(line + 1 + offset, column + 1, end_line + 1 + offset, end_column + 1)


def document_value(document: Document, path: ObjectPath) -> object:
    value: object = document.value
    for part in path:
        value = value[part]  # type: ignore[index]
    return value
