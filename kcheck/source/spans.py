"""The span index: what a document keeps of its composed nodes once its value is built.

Findings are located by walking their object path through this index (`Document.span_of`). The composer's
nodes could serve, but each one holds two Mark objects, and the nodes, their marks and the lists and tuples
between them made up nine in ten of the objects alive after loading the corpus. The garbage collector walks
all of them on every full collection, which cost a third of a corpus run and never freed one. The index
keeps the same positions in flat tuples of ints and strings, which the collector stops tracking the first
time it sees them, and the nodes are freed as soon as their document is built.

The index of a document is a tuple of records, one per node that is not a key, the root first. A record is
`(kind, start line, start column, end line, end column, *children)`, 0-based like the composer's marks. A
scalar has no children; a sequence lists the record numbers of its items; a mapping has six slots per pair,
in document order: the key as Kubernetes reads it (`key_string`, None for a merge key `<<`), the key's
start line, start column, end line and end column, and the record number of the value. Keys are scalars
(the builder rejects any other), so their spans are all a record of theirs would hold.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.nodes import Node, ScalarNode, SequenceNode

from kcheck.source.values import NON_PLAIN, PLAIN, is_merge_key, key_string, resolve_plain, scalar_value

SCALAR, SEQUENCE, MAPPING = 0, 1, 2
CHILDREN = 5  # where the children of a record start
PAIR = 6  # slots per pair of a mapping

Record = tuple[Any, ...]
Index = tuple[Record, ...]


def index(root: Node) -> Index:
    """The records of a document's root node and of everything under it.

    Only called on documents the builder accepted, so every key is a scalar and every tag decodes.
    """
    records: list[Record] = []
    _add(root, records, {})
    return tuple(records)


def _add(node: Node, records: list[Record], plain_keys: dict[str, str | None]) -> int:
    """Add the records of `node` and its descendants; `plain_keys` caches how plain key texts read."""
    start, end = node.start_mark, node.end_mark
    number = len(records)
    kind = type(node)
    if kind is ScalarNode:
        records.append((SCALAR, start.line, start.column, end.line, end.column))
        return number
    records.append(())  # its place, filled once the children have theirs
    if kind is SequenceNode:
        items = [_add(item, records, plain_keys) for item in node.value]
        records[number] = (SEQUENCE, start.line, start.column, end.line, end.column, *items)
        return number
    append = records.append
    pairs: list[object] = []
    for key, value in node.value:
        if type(value) is ScalarNode:  # most values: their record is made here rather than by a call
            value_start, value_end = value.start_mark, value.end_mark
            value_number = len(records)
            append((SCALAR, value_start.line, value_start.column, value_end.line, value_end.column))
        else:
            value_number = _add(value, records, plain_keys)
        text, tag = key.value, key.ctag
        if tag is PLAIN:
            if text in plain_keys:
                text = plain_keys[text]
            else:
                text = plain_keys[text] = None if text == "<<" else key_string(resolve_plain(text))
        elif tag is not NON_PLAIN:  # a quoted or block key is its text; an explicitly tagged one is rare
            text = None if is_merge_key(key) else key_string(scalar_value(key))
        key_start, key_end = key.start_mark, key.end_mark
        pairs += (text, key_start.line, key_start.column, key_end.line, key_end.column, value_number)
    records[number] = (MAPPING, start.line, start.column, end.line, end.column, *pairs)
    return number


def key_record(record: Record, slot: int) -> Record:
    """The record the key of the pair at `slot` of a mapping record would have."""
    return (SCALAR, *record[slot + 1 : slot + 5])


def child(records: Index, number: int, part: str | int) -> tuple[Record | None, int | None]:
    """(key record, value record number) for one step of an object path from record `number`, following
    merge keys; (None, None) if absent.

    The same lookup as the decoded value's: the last of duplicate keys wins, then merged mappings in order.
    """
    record = records[number]
    kind = record[0]
    if isinstance(part, int):
        if kind == SEQUENCE and 0 <= part < len(record) - CHILDREN:
            return None, record[CHILDREN + part]
        return None, None
    if kind != MAPPING:
        return None, None
    for slot in range(len(record) - PAIR, CHILDREN - 1, -PAIR):
        if record[slot] == part:
            return key_record(record, slot), record[slot + PAIR - 1]
    for slot in range(CHILDREN, len(record), PAIR):
        if record[slot] is None:
            merged_number = record[slot + PAIR - 1]
            merged = records[merged_number]
            for item in merged[CHILDREN:] if merged[0] == SEQUENCE else (merged_number,):
                found = child(records, item, part)
                if found[1] is not None:
                    return found
    return None, None
