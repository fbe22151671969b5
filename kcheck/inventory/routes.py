"""Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute): the Gateways they attach to
(`parentRefs`) and the Services they send traffic to (`backendRefs`), read in the per-file stage (routes are
custom resources, kept by the inventory as their metadata only). Read by the consistency and NetworkPolicy
families."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.core.location import ObjectPath
from kcheck.model.base import K8sObject

GATEWAY_GROUP = "gateway.networking.k8s.io"
ROUTE_KINDS = frozenset(
    (GATEWAY_GROUP, kind) for kind in ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")
)


@dataclass(frozen=True, slots=True)
class RouteRef:
    """A parentRef or a backendRef with the API's defaults applied: `group` "" and `kind` Service for a
    backend, the Gateway API group and `Gateway` for a parent; `namespace` the route's when unset."""

    group: str
    kind: str
    namespace: str | None  # None: the route's own
    name: str
    port: int | None
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class RouteFacts:
    parents: tuple[RouteRef, ...]
    backends: tuple[RouteRef, ...]


def route_facts(obj: K8sObject) -> RouteFacts | None:
    spec = obj.raw.get("spec")
    if not isinstance(spec, dict):
        return None
    parents = tuple(_refs(spec.get("parentRefs"), ("spec", "parentRefs"), GATEWAY_GROUP, "Gateway"))
    backends: list[RouteRef] = []
    rules = spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict):
            where = ("spec", "rules", index, "backendRefs")
            backends += _refs(rule.get("backendRefs"), where, "", "Service")
    return RouteFacts(parents, tuple(backends))


def _refs(values: object, path: ObjectPath, group: str, kind: str) -> Iterator[RouteRef]:
    for index, ref in enumerate(values if isinstance(values, list) else []):
        if not isinstance(ref, dict) or not isinstance(name := ref.get("name"), str) or not name:
            continue
        ref_group = ref.get("group", group)
        ref_kind = ref.get("kind", kind)
        namespace = ref.get("namespace")
        port = ref.get("port")
        yield RouteRef(
            ref_group if isinstance(ref_group, str) else group,
            ref_kind if isinstance(ref_kind, str) else kind,
            namespace if isinstance(namespace, str) and namespace else None,
            name,
            port if type(port) is int else None,
            (*path, index),
        )
