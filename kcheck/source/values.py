"""YAML nodes to plain values, decoded the way Kubernetes decodes them.

Kubernetes (kubectl and the API server, through sigs.k8s.io/yaml) decodes YAML with go-yaml v2, which
resolves plain scalars by YAML 1.1 rules: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0755` is octal,
`1_000` is an integer. It then turns every mapping key into a JSON string (`on:` becomes `"true"`).
Values here follow that, so analyzers see what the API server would see. Where a YAML 1.2 reader (most
editors, yq, many linters) would read a plain scalar differently, the builder reports it (KC006).

The composer shares one node between an anchor and its aliases, so values are built with two bounds:
nesting depth, and go-yaml v2's own limit on alias expansion (which keeps "billion laughs" out).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag

from kcheck.core import input_ids
from kcheck.core.location import Span

# The composer tags implicitly resolved scalars with these instead of running ruamel's resolver
# (see loader._Composer.resolve): plain ones get resolved here, quoted and block ones are strings.
# They are shared Tag objects compared by identity: ruamel wraps any other tag in a new Tag per node and
# renders it again on every `node.tag` read, which cost more than parsing itself.
PLAIN = Tag(suffix="?")
NON_PLAIN = Tag(suffix="!")
_TAG = "tag:yaml.org,2002:"
MERGE_TAG = _TAG + "merge"


def is_plain(node: Node) -> bool:
    return node.ctag is PLAIN


def is_merge_key(node: Node) -> bool:
    """`<<`, plain or explicitly tagged !!merge (YAML 1.1 merge keys, which go-yaml v2 supports)."""
    return node.value == "<<" and (node.ctag is PLAIN or str(node.ctag) == MERGE_TAG)


_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

# go-yaml v2 resolve.go: the plain scalars resolved by table rather than by parsing.
_TABLE: dict[str, object] = {}
for _value, _words in (
    (True, "y Y yes Yes YES true True TRUE on On ON"),
    (False, "n N no No NO false False FALSE off Off OFF"),
    (None, "~ null Null NULL"),
    (math.nan, ".nan .NaN .NAN"),
    (math.inf, ".inf .Inf .INF +.inf +.Inf +.INF"),
    (-math.inf, "-.inf -.Inf -.INF"),
):
    for _word in _words.split():
        _TABLE[_word] = _value
_TABLE[""] = None

# What YAML 1.2's core schema resolves by table (the rest of _TABLE are strings to a YAML 1.2 reader).
_YAML12_TABLE = frozenset(
    [
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "~",
        "null",
        "Null",
        "NULL",
        ".nan",
        ".NaN",
        ".NAN",
        ".inf",
        ".Inf",
        ".INF",
        "+.inf",
        "+.Inf",
        "+.INF",
        "-.inf",
        "-.Inf",
        "-.INF",
    ]
) | {""}

_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_YAML12_INT = re.compile(r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_GO_INT_BODY = {"0x": (16, "0123456789abcdefABCDEF"), "0o": (8, "01234567"), "0b": (2, "01")}
_NUMERIC_START = frozenset("0123456789+-.")


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), falling back to ParseUint, as go-yaml v2 does."""
    sign, body = (text[0], text[1:]) if text[:1] in ("+", "-") else ("", text)
    prefix = body[:2].lower()
    if prefix in _GO_INT_BODY:
        base, digits = _GO_INT_BODY[prefix]
        body = body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, digits = 8, "01234567"
    else:
        base, digits = 10, "0123456789"
    if not body or any(c not in digits for c in body):
        return None
    value = int(body, base) * (-1 if sign == "-" else 1)
    if _INT64_MIN <= value <= _INT64_MAX or (sign != "-" and value <= _UINT64_MAX):
        return value
    return None


def resolve_plain(text: str) -> object:
    """The value go-yaml v2 gives an untagged plain scalar (timestamps stay strings, as in Kubernetes)."""
    if text in _TABLE:
        return _TABLE[text]
    if text[0] not in _NUMERIC_START:
        return text
    plain = text.replace("_", "")
    integer = _go_parse_int(plain)
    if integer is not None:
        return integer
    if _GO_FLOAT.match(plain):
        return float(plain)
    return text


def _yaml12_reading(text: str) -> object:
    """What YAML 1.2's core schema makes of a plain scalar; only called where go-yaml v2 made a non-string."""
    if text in _YAML12_TABLE:
        return _TABLE[text]
    if _YAML12_INT.match(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
    if _GO_FLOAT.match(text):
        return float(text)
    return text


def _same_reading(kubernetes: object, yaml12: object) -> bool:
    if type(kubernetes) is bool or type(yaml12) is bool or kubernetes is None or yaml12 is None:
        return kubernetes is yaml12
    if isinstance(kubernetes, int | float) and isinstance(yaml12, int | float):
        return kubernetes == yaml12 or (kubernetes != kubernetes and yaml12 != yaml12)  # NaN
    return False


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "null"
    return f"the number {value!r}"


def key_string(value: object) -> str:
    """sigs.k8s.io/yaml turns every mapping key into a JSON object key."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def scalar_value(node: ScalarNode) -> object:
    text: str = node.value
    if node.ctag is PLAIN:
        return resolve_plain(text)
    if node.ctag is NON_PLAIN:
        return text  # quoted or block scalar
    tag = str(node.ctag)
    if not tag.startswith(_TAG):
        # go-yaml v2 decodes a scalar with an unknown local tag (`!foo`) by its value.
        return resolve_plain(text) if text else text
    kind = tag[len(_TAG) :]
    if kind in ("str", "binary", "timestamp"):
        return text
    resolved = resolve_plain(text) if text else None
    expected = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(kind)
    if kind == "float" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if expected is not None and type(resolved) is not expected:
        raise NodeError(node, f"cannot decode {text!r} as !!{kind}")
    return resolved


def node_span(node: Node, line_offset: int) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1 + line_offset, start.column + 1, end.line + 1 + line_offset, end.column + 1)


class NodeError(Exception):
    """A node Kubernetes cannot decode; becomes a KC001 finding at the node."""

    def __init__(self, node: Node, message: str, rule_id: str = input_ids.YAML_SYNTAX_ERROR) -> None:
        super().__init__(message)
        self.node = node
        self.rule_id = rule_id


@dataclass(frozen=True, slots=True)
class Limits:
    # Deep enough for any CRD schema seen in the corpus (under 60 levels), shallow enough that building
    # values recursively stays far from Python's recursion limit.
    max_depth: int = 256


@dataclass(slots=True)
class ValueProblem:
    rule_id: str
    span: Span
    args: dict[str, object]


def _alias_ratio_limit(decoded: int) -> float:
    """go-yaml v2 decode.go allowedAliasRatio: permissive for small documents, strict for huge ones."""
    if decoded <= 400_000:
        return 0.99
    if decoded >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * (decoded - 400_000) / 3_600_000


@dataclass(slots=True)
class Builder:
    """Builds the values of one document and collects what it notices on the way."""

    line_offset: int
    limits: Limits = field(default_factory=Limits)
    problems: list[ValueProblem] = field(default_factory=list)

    def check_expansion(self, root: Node) -> None:
        """Raise NodeError if aliases expand the document beyond what go-yaml v2 allows (or forever)."""
        sizes: dict[int, int] = {}
        in_progress: set[int] = set()
        max_depth = self.limits.max_depth

        def size(node: Node, depth: int) -> int:
            key = id(node)
            if key in sizes:
                return sizes[key]
            if key in in_progress:
                raise NodeError(
                    node,
                    "an alias refers to its own anchor: the document is infinite",
                    input_ids.EXCESSIVE_ALIASING,
                )
            if depth > max_depth:
                raise NodeError(node, "", input_ids.EXCESSIVE_NESTING)
            total = 1
            if type(node) is not ScalarNode:
                in_progress.add(key)
                children = (
                    node.value if type(node) is SequenceNode else [x for pair in node.value for x in pair]
                )
                for child in children:
                    total += size(child, depth + 1)
                in_progress.discard(key)
            sizes[key] = total
            return total

        expanded = size(root, 0)
        aliased = expanded - len(sizes)
        if aliased > 100 and expanded > 1000 and aliased / expanded > _alias_ratio_limit(expanded):
            raise NodeError(
                root,
                f"aliases expand it to {expanded:,} nodes from {len(sizes):,}",
                input_ids.EXCESSIVE_ALIASING,
            )

    def build(self, node: Node, depth: int = 0) -> Any:
        if depth > self.limits.max_depth:
            raise NodeError(node, "", input_ids.EXCESSIVE_NESTING)
        if isinstance(node, ScalarNode):
            if node.ctag is PLAIN:
                value = resolve_plain(node.value)
                if type(value) is not str and node.value not in _YAML12_TABLE:
                    self._check_reading(node, value)
                return value
            return scalar_value(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        assert isinstance(node, MappingNode)  # the composer makes no other kind of node
        return self._mapping(node, depth)

    def _check_reading(self, node: ScalarNode, value: object) -> None:
        yaml12 = _yaml12_reading(node.value)
        if not _same_reading(value, yaml12):
            self.problems.append(
                ValueProblem(
                    input_ids.AMBIGUOUS_YAML_SCALAR,
                    node_span(node, self.line_offset),
                    {"text": node.value, "kubernetes": _describe(value), "yaml12": _describe(yaml12)},
                )
            )

    def key_of(self, node: Node) -> str:
        if type(node) is not ScalarNode:
            raise NodeError(node, "a mapping key must be a scalar: Kubernetes turns keys into JSON strings")
        if node.ctag is PLAIN:  # most keys: a plain word that reads as itself
            value = resolve_plain(node.value)
            if type(value) is str:
                return value
        return key_string(self.build(node))

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        build, key_of = self.build, self.key_of
        # Most values are scalars: decoded here as `build` would decode them, without two calls each.
        inline = depth + 1 <= self.limits.max_depth
        for key_node, value_node in node.value:
            quoted_key = type(key_node) is ScalarNode and key_node.ctag is NON_PLAIN
            if not quoted_key and is_merge_key(key_node):
                merges.append(value_node)
                continue
            if inline and type(value_node) is ScalarNode:
                text = value_node.value
                if value_node.ctag is PLAIN:
                    value = resolve_plain(text)
                    if type(value) is not str and text not in _YAML12_TABLE:
                        self._check_reading(value_node, value)
                else:
                    value = scalar_value(value_node)
            else:
                value = build(value_node, depth + 1)
            # The value is decoded before its key, as ever: the order of the problems (and which NodeError
            # is raised) stays that of the document's values first.
            result[key_node.value if quoted_key else key_of(key_node)] = value
        if len(result) + len(merges) != len(node.value):
            self._report_duplicate_keys(node)
        for merged in merges:
            self._merge(result, merged, depth)
        return result

    def _merge(self, result: dict[str, Any], source: Node, depth: int) -> None:
        """YAML 1.1 merge keys, as go-yaml v2 applies them: explicit keys win, earlier sources win."""
        sources = source.value if type(source) is SequenceNode else [source]
        for item in sources:
            if type(item) is not MappingNode:
                raise NodeError(
                    item, "a merge key (<<) needs a mapping or a sequence of mappings as its value"
                )
            for key, value in self._mapping(item, depth + 1).items():
                result.setdefault(key, value)

    def _report_duplicate_keys(self, node: MappingNode) -> None:
        first: dict[str, Node] = {}
        for key_node, _ in node.value:
            if is_merge_key(key_node):
                continue
            key = key_string(scalar_value(key_node)) if type(key_node) is ScalarNode else None
            if key is None:
                continue
            if key in first:
                self.problems.append(
                    ValueProblem(
                        input_ids.DUPLICATE_KEY,
                        node_span(key_node, self.line_offset),
                        {"key": key, "first_line": first[key].start_mark.line + 1 + self.line_offset},
                    )
                )
            else:
                first[key] = key_node
