"""`kcheck netpol connectivity`: the connectivity document (schema: `connectivity.schema.json` beside this
module) as text, JSON, CSV, Markdown, a Graphviz DOT graph or a Mermaid flowchart.

Renderers read the document only: the same document gives the same bytes. Connections keep the document's
order (the engine sorts them); graph nodes are declared in a fixed order (namespaces, then workloads by name
and kind; entry points; address ranges by address), and a node's id derives from its endpoint alone (with
a hash appended where two endpoints would get the same id), so it keeps that id when the graph changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

FORMATS = ("text", "json", "csv", "md", "dot", "mermaid")

PROTOCOLS = ("TCP", "UDP", "SCTP")
MIN_PORT, MAX_PORT = 1, 65535
ALL_CONNECTIONS = "All Connections"
NO_CONNECTIONS = "No Connections"
NOTHING_ALLOWED = "no allowed connections"

Endpoint = Mapping[str, Any]
Conn = Mapping[str, Sequence[Sequence[int]]]
# What tells two endpoints apart: ("workload", namespace, name, kind), ("entry", name) or ("ip", range).
_Key = tuple[str, ...]


def endpoint_label(endpoint: Endpoint) -> str:
    """`shop/frontend[Deployment]`, `10.0.0.0-10.255.255.255`, `{ingress-controller}` or `{external}`."""
    key = _key(endpoint)
    if key[0] == "workload":
        return f"{key[1]}/{key[2]}[{key[3]}]"
    if key[0] == "entry":
        return f"{{{key[1]}}}"
    return key[1]


def conn_label(conn: Conn) -> str:
    """`TCP 80,8080-8090; UDP 53`, `TCP all ports`, or `All Connections` (every port of the three)."""
    full = [[MIN_PORT, MAX_PORT]]
    if set(conn) == set(PROTOCOLS) and all(_pairs(conn[p]) == full for p in PROTOCOLS):
        return ALL_CONNECTIONS
    parts = []
    for protocol in _protocols(conn):
        ranges = _pairs(conn[protocol])
        if ranges == full:
            parts.append(f"{protocol} all ports")
        elif ranges:
            parts.append(
                f"{protocol} " + ",".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
            )
    return "; ".join(parts) or NO_CONNECTIONS


def render(document: Mapping[str, Any], output_format: str) -> str:
    """The document in one of `FORMATS`; any other format is a ValueError."""
    if output_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    renderer = _RENDERERS.get(output_format)
    if renderer is None:
        raise ValueError(f"unknown format {output_format!r}: choose {', '.join(FORMATS)}")
    return renderer(document)


# --- The document -----------------------------------------------------------------------------------------


def _key(endpoint: Endpoint) -> _Key:
    if "kind" in endpoint:
        return ("workload", str(endpoint["namespace"]), str(endpoint["name"]), str(endpoint["kind"]))
    if "entry" in endpoint:
        return ("entry", str(endpoint["entry"]))
    if "ip" in endpoint:
        return ("ip", str(endpoint["ip"]))
    raise ValueError(f"not an endpoint: {dict(endpoint)!r}")


def _pairs(ranges: Sequence[Sequence[int]]) -> list[list[int]]:
    return [[int(lo), int(hi)] for lo, hi in ranges]


def _protocols(conn: Conn) -> list[str]:
    """TCP, UDP, SCTP, then (should a document carry any) other protocols alphabetically."""
    return [p for p in PROTOCOLS if p in conn] + sorted(p for p in conn if p not in PROTOCOLS)


def _connections(document: Mapping[str, Any]) -> list[tuple[Endpoint, Endpoint, Conn]]:
    return [(c["src"], c["dst"], c["conn"]) for c in document.get("connections", ())]


def _assumptions(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """`(key, value)` sorted by key, booleans as JSON spells them."""
    items = document.get("assumptions", {}).items()
    return [(str(k), json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in sorted(items)]


def _one_line(text: str) -> str:
    r"""Control characters as escapes (`\n`), so a name cannot start a line of its own."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


# --- Text, CSV, Markdown ------------------------------------------------------------------------------------


def _render_text(document: Mapping[str, Any]) -> str:
    lines = []
    assumptions = _assumptions(document)
    if assumptions:
        lines.append("Assumptions:")
        lines += [f"  {_one_line(key)}: {_one_line(value)}" for key, value in assumptions]
        lines.append("")
    rows = [
        (_one_line(endpoint_label(src)), _one_line(endpoint_label(dst)), conn_label(conn))
        for src, dst, conn in _connections(document)
    ]
    if not rows:
        lines.append(NOTHING_ALLOWED)
    else:
        src_width = max(len(src) for src, _, _ in rows)
        dst_width = max(len(dst) for _, dst, _ in rows)
        lines += [f"{src.ljust(src_width)} => {dst.ljust(dst_width)} : {conn}" for src, dst, conn in rows]
    return "\n".join(lines) + "\n"


def _render_csv(document: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("src", "dst", "conn"))
    for src, dst, conn in _connections(document):
        writer.writerow((endpoint_label(src), endpoint_label(dst), conn_label(conn)))
    return buffer.getvalue()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Names come from the manifests: escape everything Markdown or HTML could act on, and the table's `|`.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>~&#!|])")


def _md(text: str) -> str:
    return _LINE_BREAK.sub("<br>", _MARKDOWN_ACTIVE.sub(r"\\\1", text))


def _render_md(document: Mapping[str, Any]) -> str:
    lines = []
    assumptions = _assumptions(document)
    if assumptions:
        lines += ["Assumptions:", ""]
        lines += [f"- {_md(key)}: {_md(value)}" for key, value in assumptions]
        lines.append("")
    connections = _connections(document)
    if not connections:
        lines.append(NOTHING_ALLOWED.capitalize() + ".")
    else:
        lines += ["| source | destination | allowed connections |", "|---|---|---|"]
        lines += [
            f"| {_md(endpoint_label(src))} | {_md(endpoint_label(dst))} | {_md(conn_label(conn))} |"
            for src, dst, conn in connections
        ]
    return "\n".join(lines) + "\n"


# --- Graphs -------------------------------------------------------------------------------------------------


def _address_order(key: _Key) -> tuple[int, int, str]:
    first = key[1].split("-", 1)[0]
    try:
        address = ipaddress.ip_address(first)
    except ValueError:
        return (9, 0, key[1])
    return (address.version, int(address), key[1])


class _Graph:
    """The graph's nodes: every endpoint of a connection once, grouped and in declaration order."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.connections = [(_key(src), _key(dst), conn) for src, dst, conn in _connections(document)]
        keys = {key for src, dst, _ in self.connections for key in (src, dst)}
        self.namespaces: dict[str, list[_Key]] = {}
        for key in sorted(k for k in keys if k[0] == "workload"):  # by namespace, name, kind
            self.namespaces.setdefault(key[1], []).append(key)
        self.entries = sorted(k for k in keys if k[0] == "entry")
        self.ranges = sorted((k for k in keys if k[0] == "ip"), key=_address_order)

    @property
    def nodes(self) -> list[_Key]:
        return [k for keys in self.namespaces.values() for k in keys] + self.entries + self.ranges


def _label_of(key: _Key) -> str:
    if key[0] == "workload":
        return endpoint_label({"kind": key[3], "namespace": key[1], "name": key[2]})
    return endpoint_label({key[0]: key[1]})


def _unique_ids(items: Iterable[_Key], base: Callable[[_Key], str], separator: str) -> dict[_Key, str]:
    """`base(item)` for each item; items that share a base all get a hash of the item appended."""
    bases = {item: base(item) for item in items}
    counts = Counter(bases.values())
    return {item: b + separator + _digest(item) if counts[b] > 1 else b for item, b in bases.items()}


def _digest(key: _Key) -> str:
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def _dot_string(text: str) -> str:
    r"""A quoted DOT string that Graphviz shows as `text`: `\` and `"` escaped, line breaks as `\n`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _LINE_BREAK.sub(r"\\n", escaped) + '"'


def _comment(text: str) -> str:
    return _LINE_BREAK.sub(" ", text)


_DOT_WORKLOAD = 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1e40af"'
_DOT_ENTRY = {
    "ingress-controller": 'shape=invhouse, style=filled, fillcolor="#fde68a", color="#b45309"',
    "external": 'shape=house, style=filled, fillcolor="#fecaca", color="#b91c1c"',
}
_DOT_OTHER_ENTRY = 'shape=doublecircle, style=filled, fillcolor="#fde68a", color="#b45309"'
_DOT_RANGE = 'shape=note, style=filled, fillcolor="#f3f4f6", color="#4b5563"'
_DOT_WIDE_OPEN = ', color="#b91c1c", fontcolor="#b91c1c", penwidth=2'


def _render_dot(document: Mapping[str, Any]) -> str:
    graph = _Graph(document)
    ids = _unique_ids(graph.nodes, _label_of, "#")
    lines = ["digraph connectivity {"]
    lines += [f"  // assumption {_comment(key)}: {_comment(value)}" for key, value in _assumptions(document)]
    lines += [
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=1.2];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10, color="#4b5563", fontcolor="#374151"];',
    ]
    for index, (namespace, workloads) in enumerate(graph.namespaces.items()):
        lines += [
            f"  subgraph cluster_{index} {{",
            f"    label={_dot_string(namespace)};",
            '    style="rounded,filled"; fillcolor="#f8fafc"; color="#94a3b8";',
            f"    node [{_DOT_WORKLOAD}];",
        ]
        for key in workloads:
            label = f"{key[2]}\n[{key[3]}]"
            lines.append(f"    {_dot_string(ids[key])} [label={_dot_string(label)}];")
        lines.append("  }")
    lines += [
        f"  {_dot_string(ids[key])} [label={_dot_string(_label_of(key))}, "
        f"{_DOT_ENTRY.get(key[1], _DOT_OTHER_ENTRY)}];"
        for key in graph.entries
    ]
    lines += [
        f"  {_dot_string(ids[key])} [label={_dot_string(key[1])}, {_DOT_RANGE}];" for key in graph.ranges
    ]
    if not graph.connections:
        lines.append(f'  empty [label="{NOTHING_ALLOWED}", shape=plaintext];')
    for src, dst, conn in graph.connections:
        label = conn_label(conn)
        style = _DOT_WIDE_OPEN if label == ALL_CONNECTIONS else ""
        lines.append(
            f"  {_dot_string(ids[src])} -> {_dot_string(ids[dst])} [label={_dot_string(label)}{style}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_id_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "_"


def _mermaid_base(key: _Key) -> str:
    if key[0] == "workload":
        return "w_" + "_".join(_mermaid_id_part(part) for part in key[1:])
    return f"{key[0]}_{_mermaid_id_part(key[1])}"


# Mermaid entity codes for what its parser or the HTML label would act on; `#` first of all.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "%": "#37;",
}


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: entity codes for active characters, line breaks as `<br/>`."""
    return _LINE_BREAK.sub("<br/>", "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text))


def _mermaid_comment(text: str) -> str:
    """One line and no `%`: `%%{...}%%` anywhere in the text is a Mermaid directive."""
    return _comment(text).replace("%", "#37;")


_MERMAID_CLASSES = (
    ("workload", "fill:#dbeafe,stroke:#1e40af,color:#111827"),
    ("entry", "fill:#fde68a,stroke:#b45309,color:#111827"),
    ("outside", "fill:#fecaca,stroke:#b91c1c,color:#111827"),
    ("range", "fill:#f3f4f6,stroke:#4b5563,color:#111827"),
)


def _render_mermaid(document: Mapping[str, Any]) -> str:
    graph = _Graph(document)
    ids = _unique_ids(graph.nodes, _mermaid_base, "_")
    namespace_ids = {
        key[1]: value
        for key, value in _unique_ids(
            [("namespace", ns) for ns in graph.namespaces], lambda k: "ns_" + _mermaid_id_part(k[1]), "_"
        ).items()
    }
    lines = ["flowchart LR"]
    lines += [
        f"  %% assumption {_mermaid_comment(key)}: {_mermaid_comment(value)}"
        for key, value in _assumptions(document)
    ]
    for namespace, workloads in graph.namespaces.items():
        lines.append(f'  subgraph {namespace_ids[namespace]}["{_mermaid_text(namespace)}"]')
        lines += [
            f'    {ids[key]}["{_mermaid_text(key[2])}<br/>{_mermaid_text("[" + key[3] + "]")}"]'
            for key in workloads
        ]
        lines.append("  end")
    lines += [f'  {ids[key]}(("{_mermaid_text(_label_of(key))}"))' for key in graph.entries]
    lines += [f'  {ids[key]}[("{_mermaid_text(key[1])}")]' for key in graph.ranges]
    if not graph.connections:
        lines.append(f'  empty["{NOTHING_ALLOWED}"]')
    wide_open = []
    for index, (src, dst, conn) in enumerate(graph.connections):
        label = conn_label(conn)
        if label == ALL_CONNECTIONS:
            wide_open.append(str(index))
        lines.append(f'  {ids[src]} -->|"{_mermaid_text(label)}"| {ids[dst]}')
    members = {
        "workload": [ids[k] for keys in graph.namespaces.values() for k in keys],
        "entry": [ids[k] for k in graph.entries if k[1] != "external"],
        "outside": [ids[k] for k in graph.entries if k[1] == "external"],
        "range": [ids[k] for k in graph.ranges],
    }
    for name, style in _MERMAID_CLASSES:
        if members[name]:
            lines += [f"  classDef {name} {style}", f"  class {','.join(members[name])} {name}"]
    if wide_open:
        lines.append(f"  linkStyle {','.join(wide_open)} stroke:#b91c1c,stroke-width:2px")
    return "\n".join(lines) + "\n"


_RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "text": _render_text,
    "csv": _render_csv,
    "md": _render_md,
    "dot": _render_dot,
    "mermaid": _render_mermaid,
}
