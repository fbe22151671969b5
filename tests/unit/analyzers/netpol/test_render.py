"""The renderers of `kcheck netpol connectivity`, format by format, on a small document; the document's
schema; names no renderer may let through unescaped; and the example of docs/netpol-graph.md."""

from __future__ import annotations

import copy
import csv
import html
import importlib.util
import io
import json
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kcheck.analyzers.netpol.render import FORMATS, conn_label, endpoint_label, render

REPO = Path(__file__).resolve().parents[4]
SCHEMA = json.loads(
    files("kcheck.analyzers.netpol").joinpath("connectivity.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

ALL = [[1, 65535]]
WEB = {"kind": "Deployment", "namespace": "prod", "name": "web"}
API = {"kind": "StatefulSet", "namespace": "prod", "name": "api"}
DEBUG = {"kind": "Pod", "namespace": "tools", "name": "debug"}
RANGE = {"ip": "10.0.0.0-10.255.255.255"}
DOCUMENT: dict[str, Any] = {
    "version": 1,
    "assumptions": {"missingNamespace": "default", "ipBlockMatchesPods": False, "nodes": 3},
    # In the engine's order: entry points, workloads (by namespace, name, kind), address ranges.
    "connections": [
        {"src": {"entry": "external"}, "dst": WEB, "conn": {"TCP": [[443, 443]]}},
        {"src": {"entry": "ingress-controller"}, "dst": WEB, "conn": {"TCP": [[80, 80]]}},
        {"src": API, "dst": RANGE, "conn": {"TCP": [[5432, 5432]]}},
        {"src": WEB, "dst": API, "conn": {"TCP": [[80, 80], [8080, 8090]], "UDP": [[53, 53]]}},
        {"src": DEBUG, "dst": WEB, "conn": {"TCP": ALL, "UDP": ALL, "SCTP": ALL}},
    ],
}
EMPTY: dict[str, Any] = {"version": 1, "assumptions": {}, "connections": []}


def _example() -> dict[str, Any]:
    path = REPO / "scripts" / "render_netpol_example.py"
    spec = importlib.util.spec_from_file_location("render_netpol_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    example: dict[str, Any] = module.EXAMPLE
    return example


# --- Labels -------------------------------------------------------------------------------------------------


def test_endpoint_labels() -> None:
    assert endpoint_label(WEB) == "prod/web[Deployment]"
    assert endpoint_label(RANGE) == "10.0.0.0-10.255.255.255"
    assert endpoint_label({"ip": "2001:db8::-2001:db8::ffff"}) == "2001:db8::-2001:db8::ffff"
    assert endpoint_label({"entry": "ingress-controller"}) == "{ingress-controller}"
    assert endpoint_label({"entry": "external"}) == "{external}"
    with pytest.raises(ValueError, match="not an endpoint"):
        endpoint_label({"service": "x"})


def test_conn_labels() -> None:
    assert conn_label({"TCP": ALL, "UDP": ALL, "SCTP": ALL}) == "All Connections"
    assert conn_label({"SCTP": ALL, "UDP": ALL, "TCP": ALL}) == "All Connections"
    assert conn_label({"TCP": [[80, 80], [8080, 8090]], "UDP": [[53, 53]]}) == "TCP 80,8080-8090; UDP 53"
    # Protocols print as TCP, UDP, SCTP whatever the mapping's order.
    assert conn_label({"SCTP": [[1, 2]], "UDP": [[53, 53]], "TCP": ALL}) == "TCP all ports; UDP 53; SCTP 1-2"
    assert conn_label({"TCP": ALL, "UDP": ALL}) == "TCP all ports; UDP all ports"
    assert conn_label({"TCP": ALL, "UDP": ALL, "SCTP": [[1, 65534]]}) == (
        "TCP all ports; UDP all ports; SCTP 1-65534"
    )
    assert conn_label({}) == "No Connections"


# --- Formats ------------------------------------------------------------------------------------------------


def test_json_is_the_document() -> None:
    text = render(DOCUMENT, "json")
    assert text == json.dumps(DOCUMENT, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text) == DOCUMENT


def test_text() -> None:
    assert render(DOCUMENT, "text") == (
        "Assumptions:\n"
        "  ipBlockMatchesPods: false\n"
        "  missingNamespace: default\n"
        "  nodes: 3\n"
        "\n"
        "{external}            => prod/web[Deployment]    : TCP 443\n"
        "{ingress-controller}  => prod/web[Deployment]    : TCP 80\n"
        "prod/api[StatefulSet] => 10.0.0.0-10.255.255.255 : TCP 5432\n"
        "prod/web[Deployment]  => prod/api[StatefulSet]   : TCP 80,8080-8090; UDP 53\n"
        "tools/debug[Pod]      => prod/web[Deployment]    : All Connections\n"
    )


def test_csv() -> None:
    assert render(DOCUMENT, "csv") == (
        "src,dst,conn\n"
        "{external},prod/web[Deployment],TCP 443\n"
        "{ingress-controller},prod/web[Deployment],TCP 80\n"
        "prod/api[StatefulSet],10.0.0.0-10.255.255.255,TCP 5432\n"
        'prod/web[Deployment],prod/api[StatefulSet],"TCP 80,8080-8090; UDP 53"\n'
        "tools/debug[Pod],prod/web[Deployment],All Connections\n"
    )


def test_markdown() -> None:
    assert render(DOCUMENT, "md") == (
        "Assumptions:\n"
        "\n"
        "- ipBlockMatchesPods: false\n"
        "- missingNamespace: default\n"
        "- nodes: 3\n"
        "\n"
        "| source | destination | allowed connections |\n"
        "|---|---|---|\n"
        "| {external} | prod/web\\[Deployment\\] | TCP 443 |\n"
        "| {ingress-controller} | prod/web\\[Deployment\\] | TCP 80 |\n"
        "| prod/api\\[StatefulSet\\] | 10.0.0.0-10.255.255.255 | TCP 5432 |\n"
        "| prod/web\\[Deployment\\] | prod/api\\[StatefulSet\\] | TCP 80,8080-8090; UDP 53 |\n"
        "| tools/debug\\[Pod\\] | prod/web\\[Deployment\\] | All Connections |\n"
    )


def test_dot() -> None:
    cluster_style = [
        '    style="rounded,filled"; fillcolor="#f8fafc"; color="#94a3b8";',
        '    node [shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1e40af"];',
    ]
    lines = [
        "digraph connectivity {",
        "  // assumption ipBlockMatchesPods: false",
        "  // assumption missingNamespace: default",
        "  // assumption nodes: 3",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=1.2];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10, color="#4b5563", fontcolor="#374151"];',
        "  subgraph cluster_0 {",
        '    label="prod";',
        *cluster_style,
        '    "prod/api[StatefulSet]" [label="api\\n[StatefulSet]"];',
        '    "prod/web[Deployment]" [label="web\\n[Deployment]"];',
        "  }",
        "  subgraph cluster_1 {",
        '    label="tools";',
        *cluster_style,
        '    "tools/debug[Pod]" [label="debug\\n[Pod]"];',
        "  }",
        '  "{external}" [label="{external}", shape=house, style=filled, fillcolor="#fecaca", '
        'color="#b91c1c"];',
        '  "{ingress-controller}" [label="{ingress-controller}", shape=invhouse, style=filled, '
        'fillcolor="#fde68a", color="#b45309"];',
        '  "10.0.0.0-10.255.255.255" [label="10.0.0.0-10.255.255.255", shape=note, style=filled, '
        'fillcolor="#f3f4f6", color="#4b5563"];',
        '  "{external}" -> "prod/web[Deployment]" [label="TCP 443"];',
        '  "{ingress-controller}" -> "prod/web[Deployment]" [label="TCP 80"];',
        '  "prod/api[StatefulSet]" -> "10.0.0.0-10.255.255.255" [label="TCP 5432"];',
        '  "prod/web[Deployment]" -> "prod/api[StatefulSet]" [label="TCP 80,8080-8090; UDP 53"];',
        '  "tools/debug[Pod]" -> "prod/web[Deployment]" [label="All Connections", color="#b91c1c", '
        'fontcolor="#b91c1c", penwidth=2];',
        "}",
    ]
    assert render(DOCUMENT, "dot") == "\n".join(lines) + "\n"


def test_mermaid() -> None:
    assert render(DOCUMENT, "mermaid") == (
        "flowchart LR\n"
        "  %% assumption ipBlockMatchesPods: false\n"
        "  %% assumption missingNamespace: default\n"
        "  %% assumption nodes: 3\n"
        '  subgraph ns_prod["prod"]\n'
        '    w_prod_api_StatefulSet["api<br/>[StatefulSet]"]\n'
        '    w_prod_web_Deployment["web<br/>[Deployment]"]\n'
        "  end\n"
        '  subgraph ns_tools["tools"]\n'
        '    w_tools_debug_Pod["debug<br/>[Pod]"]\n'
        "  end\n"
        '  entry_external(("{external}"))\n'
        '  entry_ingress_controller(("{ingress-controller}"))\n'
        '  ip_10_0_0_0_10_255_255_255[("10.0.0.0-10.255.255.255")]\n'
        '  entry_external -->|"TCP 443"| w_prod_web_Deployment\n'
        '  entry_ingress_controller -->|"TCP 80"| w_prod_web_Deployment\n'
        '  w_prod_api_StatefulSet -->|"TCP 5432"| ip_10_0_0_0_10_255_255_255\n'
        '  w_prod_web_Deployment -->|"TCP 80,8080-8090; UDP 53"| w_prod_api_StatefulSet\n'
        '  w_tools_debug_Pod -->|"All Connections"| w_prod_web_Deployment\n'
        "  classDef workload fill:#dbeafe,stroke:#1e40af,color:#111827\n"
        "  class w_prod_api_StatefulSet,w_prod_web_Deployment,w_tools_debug_Pod workload\n"
        "  classDef entry fill:#fde68a,stroke:#b45309,color:#111827\n"
        "  class entry_ingress_controller entry\n"
        "  classDef outside fill:#fecaca,stroke:#b91c1c,color:#111827\n"
        "  class entry_external outside\n"
        "  classDef range fill:#f3f4f6,stroke:#4b5563,color:#111827\n"
        "  class ip_10_0_0_0_10_255_255_255 range\n"
        "  linkStyle 4 stroke:#b91c1c,stroke-width:2px\n"
    )


def test_empty_document() -> None:
    assert render(EMPTY, "text") == "no allowed connections\n"
    assert render(EMPTY, "csv") == "src,dst,conn\n"
    assert render(EMPTY, "md") == "No allowed connections.\n"
    assert render(EMPTY, "json") == '{\n  "version": 1,\n  "assumptions": {},\n  "connections": []\n}\n'
    assert render(EMPTY, "dot") == (
        "digraph connectivity {\n"
        "  rankdir=LR;\n"
        '  graph [fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=1.2];\n'
        '  node [fontname="Helvetica", fontsize=11];\n'
        '  edge [fontname="Helvetica", fontsize=10, color="#4b5563", fontcolor="#374151"];\n'
        '  empty [label="no allowed connections", shape=plaintext];\n'
        "}\n"
    )
    assert render(EMPTY, "mermaid") == 'flowchart LR\n  empty["no allowed connections"]\n'
    with_assumptions = {**EMPTY, "assumptions": {"nodes": 1}}
    assert render(with_assumptions, "text") == "Assumptions:\n  nodes: 1\n\nno allowed connections\n"


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'svg'"):
        render(DOCUMENT, "svg")


@pytest.mark.parametrize("output_format", FORMATS)
def test_deterministic(output_format: str) -> None:
    first = render(DOCUMENT, output_format)
    assert render(copy.deepcopy(DOCUMENT), output_format) == first
    # Equal assumptions in another order give the same bytes (except JSON, which is the document as is).
    shuffled = {**DOCUMENT, "assumptions": dict(reversed(list(DOCUMENT["assumptions"].items())))}
    if output_format != "json":
        assert render(shuffled, output_format) == first


def test_graph_nodes_do_not_depend_on_the_order_of_connections() -> None:
    reordered = {**DOCUMENT, "connections": list(reversed(DOCUMENT["connections"]))}
    for output_format in ("dot", "mermaid"):
        declarations = [line for line in render(DOCUMENT, output_format).splitlines() if "->" not in line]
        again = [line for line in render(reordered, output_format).splitlines() if "->" not in line]
        if output_format == "mermaid":
            # linkStyle numbers the edges, which moved.
            declarations, again = declarations[:-1], again[:-1]
        assert declarations == again


# --- Hostile names ------------------------------------------------------------------------------------------

HOSTILE = {"kind": "Deployment", "namespace": 'ns"<>{}|\\', "name": 'we"b\n<script>{x}|y`%%z#quot;\\N'}
HOSTILE_DOCUMENT: dict[str, Any] = {
    "version": 1,
    "assumptions": {"note": "a\nb %%{init: {}}%%"},
    "connections": [
        {"src": HOSTILE, "dst": {"kind": "Pod", "namespace": "end", "name": "end"}, "conn": {"TCP": ALL}},
        {"src": {"entry": "external"}, "dst": HOSTILE, "conn": {"TCP": [[80, 80]]}},
    ],
}
# The node ids of the two formats, which follow from the endpoint alone.
HOSTILE_DOT_ID = '"ns\\"<>{}|\\\\/we\\"b\\n<script>{x}|y`%%z#quot;\\\\N[Deployment]"'
HOSTILE_MERMAID_ID = "w_ns_we_b_script_x_y_z_quot_N_Deployment"


def test_dot_escapes_quotes_backslashes_and_line_breaks() -> None:
    text = render(HOSTILE_DOCUMENT, "dot")
    assert '    label="ns\\"<>{}|\\\\";\n' in text
    assert f'    {HOSTILE_DOT_ID} [label="we\\"b\\n<script>{{x}}|y`%%z#quot;\\\\N\\n[Deployment]"];\n' in text
    assert f'  {HOSTILE_DOT_ID} -> "end/end[Pod]" [label="TCP all ports"];\n' in text
    assert f'  "{{external}}" -> {HOSTILE_DOT_ID} [label="TCP 80"];\n' in text
    # A comment is one line: a line break in an assumption cannot end it.
    assert "  // assumption note: a b %%{init: {}}%%\n" in text
    # Every quoted string closes on its line: no raw line break or unescaped quote inside one.
    for line in text.splitlines():
        assert len(re.findall(r'(?<!\\)(?:\\\\)*"', line)) % 2 == 0, line


def test_mermaid_escapes_labels_and_sanitises_ids() -> None:
    text = render(HOSTILE_DOCUMENT, "mermaid")
    assert '  subgraph ns_ns["ns#quot;#lt;#gt;{}#124;\\"]\n' in text
    assert (
        f'    {HOSTILE_MERMAID_ID}["we#quot;b<br/>#lt;script#gt;{{x}}#124;y#96;#37;#37;z#35;quot;\\N'
        '<br/>[Deployment]"]\n'
    ) in text
    assert f'  {HOSTILE_MERMAID_ID} -->|"TCP all ports"| w_end_end_Pod\n' in text
    # `%%{...}%%` anywhere would be a directive; a line break would end the comment.
    assert "  %% assumption note: a b #37;#37;{init: {}}#37;#37;\n" in text
    for line in text.splitlines()[1:]:
        if line.lstrip().startswith("%%"):
            continue
        for node_id in re.findall(r"^\s*(?:subgraph |class )?([^\s\[(\"|]+)", line):
            assert re.fullmatch(r"[A-Za-z0-9_,]+", node_id), line
        labels = re.findall(r'"([^"]*)"', line)
        assert not any(re.search(r"[<>]", label.replace("<br/>", "")) for label in labels), line


def test_ids_of_endpoints_whose_names_sanitise_alike_differ() -> None:
    pods = [
        {"kind": "Pod", "namespace": "a-b", "name": "c"},
        {"kind": "Pod", "namespace": "a", "name": "b-c"},
        {"kind": "Pod", "namespace": "a/b", "name": "c"},
        {"kind": "Pod", "namespace": "a", "name": "b/c"},
    ]
    document = {
        "version": 1,
        "assumptions": {},
        "connections": [{"src": pods[0], "dst": p, "conn": {"TCP": [[80, 80]]}} for p in pods[1:]],
    }
    mermaid = render(document, "mermaid")
    node_ids = re.findall(r"^    (w_\w+)\[", mermaid, re.M)
    assert len(node_ids) == 4 and len(set(node_ids)) == 4
    assert all(re.fullmatch(r"w_a_b_c_Pod_[0-9a-f]{8}", node_id) for node_id in node_ids)
    subgraphs = re.findall(r"^  subgraph (\w+)\[", mermaid, re.M)
    assert len(set(subgraphs)) == 3 and "ns_a" in subgraphs
    # DOT ids are the labels, which only the slashes make alike.
    dot = render(document, "dot")
    assert '"a-b/c[Pod]" [' in dot and '"a/b-c[Pod]" [' in dot
    assert len(set(re.findall(r'^    "(a/b/c\[Pod\]#[0-9a-f]{8})" \[', dot, re.M))) == 2


def test_csv_and_markdown_escape_hostile_names() -> None:
    rows = list(csv.reader(io.StringIO(render(HOSTILE_DOCUMENT, "csv"))))
    assert rows[1] == [
        'ns"<>{}|\\/we"b\n<script>{x}|y`%%z#quot;\\N[Deployment]',
        "end/end[Pod]",
        "TCP all ports",
    ]
    md = render(HOSTILE_DOCUMENT, "md").splitlines()
    hostile = '| ns"\\<\\>{}\\|\\\\/we"b<br>\\<script\\>{x}\\|y\\`%%z\\#quot;\\\\N\\[Deployment\\]'
    assert md[-2] == f"{hostile} | end/end\\[Pod\\] | TCP all ports |"
    text = render(HOSTILE_DOCUMENT, "text").splitlines()
    assert text[1] == "  note: a\\nb %%{init: {}}%%"
    assert len(text) == 5


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_reads_the_hostile_graph() -> None:
    result = subprocess.run(
        ["dot", "-Tplain"], input=render(HOSTILE_DOCUMENT, "dot"), capture_output=True, text=True, check=True
    )
    assert result.stderr == ""
    assert result.stdout.count("\nnode ") == 3 and result.stdout.count("\nedge ") == 2


# --- Schema -------------------------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_accepts_the_samples() -> None:
    for document in (DOCUMENT, EMPTY, HOSTILE_DOCUMENT, _example()):
        VALIDATOR.validate(document)
    ipv6 = {
        "src": {"ip": "2001:db8::-2001:db8::ffff"},
        "dst": {"ip": "::ffff:0.0.0.0-::ffff:255.255.255.255"},
    }
    VALIDATOR.validate({**EMPTY, "connections": [{**ipv6, "conn": {"SCTP": [[1, 65535]]}}]})


def _connection(**changes: Any) -> dict[str, Any]:
    connection: dict[str, Any] = {"src": WEB, "dst": API, "conn": {"TCP": [[80, 80]]}}
    connection.update(changes)
    return connection


@pytest.mark.parametrize(
    "document",
    [
        {**EMPTY, "version": 2},
        {"version": 1, "connections": []},
        {**EMPTY, "extra": True},
        {**EMPTY, "assumptions": {"list": [1]}},
        {**EMPTY, "assumptions": {"ratio": 0.5}},
        {**EMPTY, "connections": [_connection(conn={"TCP": [[0, 80]]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": [[80, 65536]]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": [[80]]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": [[80, 81, 82]]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": [[True, 80]]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": [80]})]},
        {**EMPTY, "connections": [_connection(conn={"TCP": []})]},
        {**EMPTY, "connections": [_connection(conn={"ICMP": [[1, 1]]})]},
        {**EMPTY, "connections": [_connection(conn={"tcp": [[1, 1]]})]},
        {**EMPTY, "connections": [_connection(conn={})]},
        {**EMPTY, "connections": [_connection(src={"entry": "load-balancer"})]},
        {**EMPTY, "connections": [_connection(src={"ip": "10.0.0.0/8"})]},
        {**EMPTY, "connections": [_connection(src={"ip": "10.0.0.256-10.0.1.0"})]},
        {**EMPTY, "connections": [_connection(src={**WEB, "ip": "10.0.0.0-10.0.0.1"})]},
        {**EMPTY, "connections": [_connection(src={"kind": "Pod", "name": "p"})]},
        {**EMPTY, "connections": [_connection(src={**WEB, "namespace": ""})]},
        {**EMPTY, "connections": [_connection(src={**WEB, "uid": "1"})]},
        {**EMPTY, "connections": [{**_connection(), "extra": 1}]},
        {**EMPTY, "connections": [{"src": WEB, "dst": API}]},
    ],
)
def test_schema_rejects(document: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)


# --- The documentation's example ----------------------------------------------------------------------------


def test_the_documented_example_is_the_scripts() -> None:
    page = (REPO / "docs" / "netpol-graph.md").read_text(encoding="utf-8")
    example = _example()
    mermaid = re.findall(r"```mermaid\n(.*?)```", page, re.S)
    assert mermaid == [render(example, "mermaid")], "paste: python scripts/render_netpol_example.py mermaid"
    assert f"```\n{render(example, 'text')}```\n" in page
    assert "](images/netpol-example.svg)" in page
    svg = html.unescape((REPO / "docs" / "images" / "netpol-example.svg").read_text(encoding="utf-8"))
    # The picture is not stale: it shows every node and edge label of the example.
    endpoints = [c[side] for c in example["connections"] for side in ("src", "dst")]
    labels = {e["name"] if "kind" in e else endpoint_label(e) for e in endpoints}
    labels |= {conn_label(c["conn"]) for c in example["connections"]}
    assert all(f">{label}<" in svg for label in labels), labels
