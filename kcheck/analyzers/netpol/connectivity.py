"""The connectivity document of `kcheck netpol connectivity` (schema: `connectivity.schema.json`): every
allowed connection between distinct endpoints, sorted (entry points, then workloads by namespace, name and
kind, then external ranges by address)."""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any, TextIO

from kcheck.analyzers.netpol.cluster import (
    Endpoint,
    Workload,
    assumptions_json,
    endpoint_json,
)
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Reachability

Connection = tuple[Endpoint, Endpoint, PortSet]


def _ranked(reach: Reachability, focus: Workload | None) -> list[tuple[int, PortSet]]:
    ranked = list(reach.ranked_connections())
    if focus is not None:
        size, rank = reach.ranks, 2 + focus.index
        ranked = [c for c in ranked if c[0] // size == rank or c[0] % size == rank]
    ranked.sort(key=itemgetter(0))
    return ranked


def sorted_connections(reach: Reachability, focus: Workload | None = None) -> list[Connection]:
    size = reach.ranks
    return [
        (reach.endpoint(key // size), reach.endpoint(key % size), ports)
        for key, ports in _ranked(reach, focus)
    ]


def connection_json(connection: Connection) -> dict[str, Any]:
    source, destination, ports = connection
    return {"src": endpoint_json(source), "dst": endpoint_json(destination), "conn": ports.to_json()}


def write_json(reach: Reachability, output: TextIO, focus: Workload | None = None) -> None:
    """The document `connectivity_document` returns, written as it is produced (one connection a line):
    large clusters have hundreds of thousands of connections."""
    cluster = reach.cluster
    # Each endpoint's JSON text, by rank (the order of `Reachability.ranked_connections`' keys).
    size = reach.ranks
    texts = [json.dumps(endpoint_json(reach.endpoint(rank)), ensure_ascii=False) for rank in range(size)]
    ports_text: dict[PortSet, str] = {}
    assumptions = json.dumps(
        assumptions_json(cluster.assumptions, cluster.default_namespace), ensure_ascii=False
    )
    output.write(f'{{"version": 1, "assumptions": {assumptions}, "connections": [')
    lines: list[str] = []
    for key, ports in _ranked(reach, focus):
        conn = ports_text.get(ports)
        if conn is None:
            conn = ports_text[ports] = json.dumps(ports.to_json())
        source, destination = divmod(key, size)
        lines.append(f'{{"src": {texts[source]}, "dst": {texts[destination]}, "conn": {conn}}}')
    if lines:
        output.write("\n  " + ",\n  ".join(lines))
    output.write("\n]}\n")


def connectivity_document(reach: Reachability, focus: Workload | None = None) -> dict[str, Any]:
    cluster = reach.cluster
    return {
        "version": 1,
        "assumptions": assumptions_json(cluster.assumptions, cluster.default_namespace),
        "connections": [connection_json(c) for c in sorted_connections(reach, focus)],
    }
