"""The connectivity document of `kcheck netpol connectivity` (schema: `connectivity.schema.json`): every
allowed connection between distinct endpoints, sorted (entry points, then workloads by namespace, name and
kind, then external ranges by address)."""

from __future__ import annotations

from typing import Any

from kcheck.analyzers.netpol.cluster import (
    Endpoint,
    Workload,
    assumptions_json,
    endpoint_json,
    endpoint_order,
)
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Reachability

Connection = tuple[Endpoint, Endpoint, PortSet]


def sorted_connections(reach: Reachability, focus: Workload | None = None) -> list[Connection]:
    orders: dict[int, tuple[Any, ...]] = {}

    def order(endpoint: Endpoint) -> tuple[Any, ...]:
        key = orders.get(id(endpoint))
        if key is None:
            key = orders[id(endpoint)] = endpoint_order(endpoint)
        return key

    found = [c for c in reach.connections() if focus is None or c[0] is focus or c[1] is focus]
    found.sort(key=lambda c: (order(c[0]), order(c[1])))
    return found


def connection_json(connection: Connection) -> dict[str, Any]:
    source, destination, ports = connection
    return {"src": endpoint_json(source), "dst": endpoint_json(destination), "conn": ports.to_json()}


def connectivity_document(reach: Reachability, focus: Workload | None = None) -> dict[str, Any]:
    cluster = reach.cluster
    return {
        "version": 1,
        "assumptions": assumptions_json(cluster.assumptions, cluster.default_namespace),
        "connections": [connection_json(c) for c in sorted_connections(reach, focus)],
    }
