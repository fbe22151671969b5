"""Files to YAML documents: decoded values plus a span index that gives every key and value a span.

Parsing uses ruamel.yaml's C composer (libyaml underneath) directly: its nodes carry start and end marks,
which is all the span index (`spans`) needs, at about the cost of libyaml itself. The round-trip loader
would cost about 14x more. Comments are not needed from the parser: the few kcheck reads (`# kcheck:`
directives, `# Source:` lines of `helm template`) are found in the text.

A stream that fails to parse is split at its document markers and each part is parsed on its own, so one
broken document does not hide the others.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from _ruamel_yaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import Node, ScalarNode
from ruamel.yaml.tag import Tag

from kcheck.core import input_ids
from kcheck.core.location import Location, ObjectPath, Span
from kcheck.source import spans
from kcheck.source.decode import DecodeError, decode, position_of
from kcheck.source.values import NON_PLAIN, PLAIN, Builder, Limits, NodeError, node_span

# Files larger than this are reported and skipped: at about 6 MB/s of parsing, bigger ones would stall a
# pre-commit hook, and no hand-written manifest comes close (the largest file of the corpus is 2.5 MB).
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024

_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t]|$)", re.MULTILINE)
# Anchor and alias names as libyaml scans them: it takes no other character in a name.
_ANCHOR = re.compile(r"&([0-9A-Za-z_-]+)")
_ALIAS = re.compile(r"\*([0-9A-Za-z_-]+)")
_HELM_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.MULTILINE)


class _Composer(CParser):  # type: ignore[misc]
    """The C composer with a resolver that only says whether a scalar was plain.

    ruamel's Python resolver would run a regex per scalar for a result `values` discards anyway.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> Tag:
        return PLAIN if kind is not ScalarNode or implicit[0] else NON_PLAIN

    def descend_resolver(self, *args: object) -> None:
        pass

    def ascend_resolver(self, *args: object) -> None:
        pass


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A finding the source layer makes before any object exists (KC0xx), located in its file."""

    rule_id: str
    span: Span
    args: dict[str, object]


@dataclass(eq=False)
class SourceFile:
    path: str  # as reported: relative to the working directory, or `<stdin>`
    text: str
    encoding: str = "utf-8"
    documents: list[Document] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    @cached_property
    def line_lengths(self) -> list[int]:
        return [len(line) for line in self.text.split("\n")]


@dataclass(eq=False)
class Document:
    """One YAML document of a file, with its decoded value and the span index of its nodes."""

    file: SourceFile
    index: int  # position among the file's non-empty documents
    span_index: spans.Index
    value: Any
    line_offset: int  # added to node marks when the file was parsed in parts
    helm_source: str | None = None
    # Where `root` composes the nodes again from: the text that was parsed and the root's position in it.
    stream: str = field(default="", repr=False)
    position: int = 0
    # Whether `stream` may hold an alias (`may_have_alias`): an edit must not change what an anchor shares.
    may_alias: bool = False

    @property
    def root(self) -> Node:
        """The root node, composed again: documents keep their span index, not their nodes (see `spans`)."""
        return list(_compose(self.stream, self.line_offset, []))[self.position]

    def record_at(self, path: ObjectPath) -> tuple[spans.Record | None, spans.Record, int]:
        """(key record of the last step found, deepest record found, number of path parts found)."""
        number, key_record, found = 0, None, 0
        for part in path:
            next_key, next_number = spans.child(self.span_index, number, part)
            if next_number is None:
                break
            number, key_record, found = next_number, next_key, found + 1
        return key_record, self.span_index[number], found

    def span_of(self, path: ObjectPath) -> Span:
        """The span of `path`, or of its longest existing prefix when part of it is missing.

        A key with a scalar value spans `key: value`; a key with a collection value spans the key; a
        collection reached by index spans its first entry, so a container points at `- name: app`.
        """
        key_record, record, found = self.record_at(path)
        if (key_record is not None and found == len(path)) or (
            key_record is not None and record[0] != spans.SCALAR
        ):
            if record[0] == spans.SCALAR:
                return self._span(key_record, record)
            return self._span(key_record, key_record)
        return self._entry_span(record)

    def locate(self, path: ObjectPath) -> Location:
        return Location(self.file.path, self.span_of(path))

    def _entry_span(self, record: spans.Record) -> Span:
        if record[0] == spans.MAPPING and len(record) > spans.CHILDREN:
            key_record = spans.key_record(record, spans.CHILDREN)
            value_record = self.span_index[record[spans.CHILDREN + spans.PAIR - 1]]
            return self._span(key_record, value_record if value_record[0] == spans.SCALAR else key_record)
        if record[0] == spans.SEQUENCE and len(record) > spans.CHILDREN:
            return self._entry_span(self.span_index[record[spans.CHILDREN]])
        return self._span(record, record)

    def _span(self, first: spans.Record, last: spans.Record) -> Span:
        line, column = first[1] + 1 + self.line_offset, first[2] + 1
        end_line, end_column = last[3] + 1 + self.line_offset, last[4] + 1
        # A block scalar ends at the start of the line after it; end at the end of its last line instead.
        if end_column == 1 and end_line > line:
            end_line -= 1
            lengths = self.file.line_lengths
            end_column = (lengths[end_line - 1] if end_line - 1 < len(lengths) else 0) + 1
        return Span(line, column, end_line, end_column)


def _is_empty(node: Node) -> bool:
    return type(node) is ScalarNode and node.ctag is PLAIN and node.value in ("", "~", "null", "Null", "NULL")


def _syntax_problem(error: YAMLError, text: str, line_offset: int) -> SourceProblem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if isinstance(error, MarkedYAMLError) and mark is not None:
        span = Span.point(mark.line + 1 + line_offset, mark.column + 1)
        parts = [error.context, error.problem]
        if error.context_mark is not None and error.problem_mark is not None and error.context:
            parts[0] = f"{error.context} started at line {error.context_mark.line + 1 + line_offset}"
        message = ": ".join(p for p in parts if p)
    else:
        position = getattr(error, "position", None)
        line, column = position_of(text, position) if isinstance(position, int) else (1, 1)
        span = Span.point(line + line_offset, column)
        message = str(error).split("\n", 1)[0]
    return SourceProblem(input_ids.YAML_SYNTAX_ERROR, span, {"problem": message or "invalid YAML"})


def _node_problem(error: NodeError, line_offset: int, limits: Limits) -> SourceProblem:
    span = node_span(error.node, line_offset)
    point = Span.point(span.line, span.column)
    if error.rule_id == input_ids.EXCESSIVE_NESTING:
        return SourceProblem(error.rule_id, point, {"limit": limits.max_depth})
    if error.rule_id == input_ids.EXCESSIVE_ALIASING:
        return SourceProblem(error.rule_id, point, {"detail": str(error)})
    return SourceProblem(error.rule_id, point, {"problem": str(error)})


def _compose(text: str, line_offset: int, problems: list[SourceProblem]) -> Iterator[Node]:
    """Yield the root nodes of a stream; on a syntax error, record it and stop."""
    try:
        composer = _Composer(text.encode("utf-8"))
        while composer.check_node():
            yield composer.get_node()
    except YAMLError as error:
        problems.append(_syntax_problem(error, text, line_offset))


def _parts(text: str) -> Iterator[tuple[str, int]]:
    """Split a stream at its document markers: (text of the part, line offset of the part)."""
    starts = [m.start() for m in _DOCUMENT_MARKER.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    line = 0
    for begin, end in itertools.pairwise(starts):
        part = text[begin:end]
        yield part, line
        line += part.count("\n")


def _roots(source: SourceFile) -> Iterator[tuple[Node, int, str, int]]:
    """(root node, line offset, the text it was composed from, its position among that text's roots)."""
    problems: list[SourceProblem] = []
    roots = list(_compose(source.text, 0, problems))
    if not problems:
        yield from ((root, 0, source.text, position) for position, root in enumerate(roots))
        return
    # Recover: parse each part between document markers alone, so only the broken ones are lost.
    for part, offset in _parts(source.text):
        for position, root in enumerate(_compose(part, offset, source.problems)):
            yield root, offset, part, position


def _helm_sources(text: str) -> list[tuple[int, str]]:
    """(line, chart path) of each `# Source:` line that `helm template` writes."""
    if "# Source: " not in text:
        return []
    sources, line, counted = [], 1, 0
    for match in _HELM_SOURCE.finditer(text):
        line += text.count("\n", counted, match.start())  # counting from the previous match, not the start
        counted = match.start()
        sources.append((line, match.group(1)))
    return sources


def may_have_alias(text: str) -> bool:
    """Whether some `*name` in the text has a `&name`: without that, no document of it has an alias, and
    only a document with an alias can expand. A cheap over-approximation (names in comments count too)."""
    if "&" not in text or "*" not in text:
        return False
    return not set(_ANCHOR.findall(text)).isdisjoint(_ALIAS.findall(text))


def parse(source: SourceFile, limits: Limits | None = None) -> SourceFile:
    """Fill `source.documents` and `source.problems` from `source.text`."""
    # Composing a file allocates every node of it at once, and none is garbage until the file is built:
    # the collections that the allocations set off would walk all of them, free nothing, and promote them
    # to the oldest generation, whose collections then come more often. Profiled on the corpus, that was
    # over a third of a run. Nothing of a parse is cyclic unless an alias refers to its own anchor, and such
    # a document is rejected: what a parse leaves is freed by reference counting, or collected later.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(source, limits)
    finally:
        if enabled:
            gc.enable()


def _parse(source: SourceFile, limits: Limits | None) -> SourceFile:
    limits = limits or Limits()
    helm = _helm_sources(source.text)
    may_alias = may_have_alias(source.text)
    stream_may_alias: dict[int, bool] = {}  # id(stream) -> may_have_alias(stream): once per parsed part
    previous_end = 0
    for root, offset, stream, position in _roots(source):
        if _is_empty(root):
            continue
        start_line = root.start_mark.line + 1 + offset
        helm_source = next((name for line, name in reversed(helm) if previous_end < line <= start_line), None)
        previous_end = root.end_mark.line + 1 + offset
        builder = Builder(offset, limits)
        try:
            if may_alias:
                builder.check_expansion(root)
            value = builder.build(root)
            record = spans.index(root)
        except NodeError as error:
            source.problems.append(_node_problem(error, offset, limits))
            continue
        except RecursionError:
            point = node_span(root, offset)
            source.problems.append(
                SourceProblem(
                    input_ids.EXCESSIVE_NESTING,
                    Span.point(point.line, point.column),
                    {"limit": limits.max_depth},
                )
            )
            continue
        # An anchor's nodes are built again at each alias; report what they hold once.
        seen: set[tuple[str, Span]] = set()
        for problem in builder.problems:
            if (problem.rule_id, problem.span) not in seen:
                seen.add((problem.rule_id, problem.span))
                source.problems.append(SourceProblem(problem.rule_id, problem.span, problem.args))
        if may_alias and id(stream) not in stream_may_alias:
            stream_may_alias[id(stream)] = may_have_alias(stream)
        source.documents.append(
            Document(
                source,
                len(source.documents),
                record,
                value,
                offset,
                helm_source,
                stream,
                position,
                stream_may_alias.get(id(stream), False),
            )
        )
    return source


def _oversized(path: str, size: int, max_bytes: int) -> SourceFile:
    source = SourceFile(path, "")
    source.problems.append(
        SourceProblem(input_ids.OVERSIZED_FILE, Span.point(1, 1), {"size": size, "limit": max_bytes})
    )
    return source


def load_stream(path: str, stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read and parse a file or stdin, never holding more than `max_bytes` + 1 of an oversized input."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = len(data)
        while chunk := stream.read(1 << 20):  # only counted, for the message
            size += len(chunk)
        return _oversized(path, size, max_bytes)
    return load_bytes(path, data, max_bytes=max_bytes)


def load_path(path: str, file: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    size = file.stat().st_size
    if size > max_bytes:
        return _oversized(path, size, max_bytes)
    return load_bytes(path, file.read_bytes(), max_bytes=max_bytes)


def load_bytes(
    path: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES, limits: Limits | None = None
) -> SourceFile:
    """Decode and parse one file. Never raises on content: every problem becomes a SourceProblem."""
    if len(data) > max_bytes:
        return _oversized(path, len(data), max_bytes)
    decoded = decode(data)
    if isinstance(decoded, DecodeError):
        source = SourceFile(path, "")
        source.problems.append(
            SourceProblem(input_ids.UNDECODABLE_FILE, decoded.span, {"problem": decoded.reason})
        )
        return source
    source = SourceFile(path, decoded.text, decoded.encoding)
    if decoded.encoding != "utf-8":
        source.problems.append(
            SourceProblem(input_ids.NON_UTF8_ENCODING, Span.point(1, 1), {"encoding": decoded.encoding})
        )
    return parse(source, limits)
