"""The input as the NetworkPolicy analysis sees it: workloads (pod templates collapsed to their owner), the
namespaces and their labels, the policies, the entry points (the ingress controller behind Ingresses and
Gateway routes, the outside world behind LoadBalancer and NodePort Services) and the assumptions that
choose between network plugins' behaviours."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kcheck.analyzers.netpol.addresses import AddressRange, cidr_range
from kcheck.analyzers.netpol.admin import AdminPolicyFacts
from kcheck.analyzers.netpol.facts import ContainerPort, Peer, PolicyFacts, WorkloadFacts
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.core.location import ObjectPath
from kcheck.inventory.context import NetworkAssumptions
from kcheck.inventory.ingresses import backends
from kcheck.inventory.inventory import Inventory
from kcheck.inventory.routes import RouteFacts
from kcheck.inventory.selectors import Selector, selector_from_map
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress, Service

INGRESS_CONTROLLER, EXTERNAL = "ingress-controller", "external"


def assumptions_json(network: NetworkAssumptions, default_namespace: str) -> dict[str, Any]:
    """The choices network plugins make differently (research notes §1.11) as the analysis made them."""
    return {
        "defaultNamespace": default_namespace,
        "hostNetworkPods": network.host_network_pods,
        "ipBlockSelectsPods": (
            f"when it covers the pod network {', '.join(network.pod_cidrs)}" if network.pod_cidrs else "never"
        ),
        "selfTraffic": (
            "a workload to itself is not listed (explain: two of its pods); loopback is always allowed"
        ),
        "ingressController": "a pod in an unknown namespace with unknown labels",
        "external": "an unknown IPv4 address outside the cluster",
    }


def pod_ranges(network: NetworkAssumptions) -> tuple[AddressRange, ...]:
    ranges = (cidr_range(text) for text in network.pod_cidrs)
    return tuple(r for r in ranges if isinstance(r, AddressRange))


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry point: the ingress controller or the outside world."""

    name: str

    def __str__(self) -> str:
        return "{" + self.name + "}"


@dataclass(eq=False, slots=True)
class Workload:
    index: int
    kind: str
    namespace: str
    name: str
    labels: Mapping[str, str]
    ports: tuple[ContainerPort, ...]
    host_network: bool
    obj: K8sObject

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}[{self.kind}]"

    def named_port(self, name: str, protocol: str) -> int | None:
        """The number of the container port so named with this protocol (a NetworkPolicy named port)."""
        for port in self.ports:
            if port.name == name and port.protocol == protocol:
                return port.number
        return None


Endpoint = Workload | AddressRange | Entry


def endpoint_json(endpoint: Endpoint) -> dict[str, str]:
    if isinstance(endpoint, Workload):
        return {"kind": endpoint.kind, "namespace": endpoint.namespace, "name": endpoint.name}
    if isinstance(endpoint, Entry):
        return {"entry": endpoint.name}
    return {"ip": str(endpoint)}


def endpoint_order(endpoint: Endpoint) -> tuple[Any, ...]:
    if isinstance(endpoint, Entry):
        return (0, endpoint.name)
    if isinstance(endpoint, Workload):
        return (1, endpoint.namespace, endpoint.name, endpoint.kind)
    return (2, endpoint.version, endpoint.first)


@dataclass(eq=False, slots=True)
class Policy:
    obj: K8sObject
    namespace: str
    name: str
    facts: PolicyFacts

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(eq=False, slots=True)
class AdminPolicy:
    """An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy (cluster-scoped)."""

    obj: K8sObject
    name: str
    facts: AdminPolicyFacts

    def __str__(self) -> str:
        return f"{self.facts.kind} {self.name}"


@dataclass(frozen=True, slots=True)
class Exposure:
    """Traffic an entry point sends to a workload: the ports, and the object (Ingress, route, Service) and
    path that expose them."""

    entry: str
    workload: Workload
    ports: PortSet
    via: K8sObject
    path: ObjectPath


@dataclass(eq=False)
class Cluster:
    workloads: list[Workload]
    namespaces: dict[str, dict[str, str]]
    policies: list[Policy]
    invalid_policies: list[Policy]
    exposures: list[Exposure]
    assumptions: NetworkAssumptions
    default_namespace: str
    # Every address range an ipBlock of the input names (external ranges are cut at their boundaries).
    blocks: list[AddressRange] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    admin_policies: list[AdminPolicy] = field(default_factory=list)
    invalid_admin_policies: list[AdminPolicy] = field(default_factory=list)
    # (namespace, directory) of the input's custom resources: operators create pods from them, with labels
    # the input does not show, so "selects no pod" cannot be known there.
    custom_resources: set[tuple[str, str]] = field(default_factory=set)

    def beside_custom_resources(self, namespace: str, file_path: str) -> bool:
        return (namespace, posixpath.dirname(file_path)) in self.custom_resources

    def workload(self, text: str) -> Workload | None:
        """`namespace/name[Kind]`, or `namespace/name` when one workload has that name."""
        name, _, kind = text.partition("[")
        namespace, _, short = name.rpartition("/")
        namespace = namespace or self.default_namespace
        found = [
            w
            for w in self.workloads
            if w.namespace == namespace and w.name == short and (not kind or w.kind == kind.rstrip("]"))
        ]
        return found[0] if len(found) == 1 else None


def build_cluster(inventory: Inventory, family: str, assumptions: NetworkAssumptions) -> Cluster:
    workloads: list[Workload] = []
    policies: list[Policy] = []
    invalid: list[Policy] = []
    routes: list[tuple[K8sObject, RouteFacts]] = []
    admins: list[AdminPolicy] = []
    invalid_admin: list[AdminPolicy] = []
    seen: set[tuple[str, str, str, str]] = set()
    for obj, fact in inventory.objects_with_facts(family):
        namespace = inventory.namespace_of(obj) or inventory.default_namespace
        # An object defined twice (in alternative bundles, or KC007) exists once: the first definition.
        key = (obj.group, obj.kind or "", namespace, obj.metadata.name or "")
        if obj.metadata.name and key in seen:
            continue
        seen.add(key)
        if isinstance(fact, WorkloadFacts):
            workloads.append(
                Workload(
                    len(workloads),
                    obj.kind or "",
                    namespace,
                    _name(obj),
                    dict(fact.labels),
                    fact.ports,
                    fact.host_network,
                    obj,
                )
            )
        elif isinstance(fact, PolicyFacts):
            policy = Policy(obj, namespace, obj.metadata.name or "", fact)
            (invalid if fact.problems else policies).append(policy)
        elif isinstance(fact, RouteFacts):
            routes.append((obj, fact))
        elif isinstance(fact, AdminPolicyFacts):
            admin = AdminPolicy(obj, obj.metadata.name or "", fact)
            (invalid_admin if fact.problems else admins).append(admin)
    # In output order (namespace, name, kind), so that a workload's index is its rank among workloads.
    workloads.sort(key=lambda w: (w.namespace, w.name, w.kind))
    for index, workload in enumerate(workloads):
        workload.index = index
    namespaces = {name: dict(info.labels) for name, info in inventory.namespaces.items()}
    services = [s for s in inventory.of_kind("", "Service") if isinstance(s, Service)]
    blocks = [
        block
        for policy in policies
        for rules in (policy.facts.ingress, policy.facts.egress)
        for rule in rules
        for peer in rule.peers
        for block in _peer_edges(peer)
    ]
    blocks += [
        block
        for admin in admins
        for rule in (*admin.facts.ingress, *admin.facts.egress)
        for peer in rule.peers
        for block in peer.networks
    ]
    cluster = Cluster(
        workloads,
        namespaces,
        policies,
        invalid,
        [],
        assumptions,
        inventory.default_namespace,
        blocks,
        services,
        sorted(admins, key=lambda a: (a.facts.tier != "Admin", a.facts.priority, a.name)),
        invalid_admin,
    )
    cluster.exposures = list(_exposures(inventory, cluster, routes))
    cluster.custom_resources = {
        (inventory.namespace_of(obj) or inventory.default_namespace, posixpath.dirname(obj.file_path))
        for obj in inventory.objects
        if kinds.is_custom_group(obj.group) and inventory.namespace_of(obj) is not None
    }
    return cluster


def _name(obj: K8sObject) -> str:
    """A workload's name; one created with `generateName` is named by its prefix and `*`."""
    metadata = obj.metadata
    if metadata.name:
        return metadata.name
    return f"{metadata.generate_name}*" if metadata.generate_name else "*"


def _peer_edges(peer: Peer) -> Iterable[AddressRange]:
    """The ranges whose boundaries cut the external address space: an ipBlock's cidr and its except
    entries (its `blocks` are the cidr minus those)."""
    yield from peer.blocks
    if peer.cidr is not None:
        whole = cidr_range(peer.cidr)
        if isinstance(whole, AddressRange):
            yield whole


def service_selector(service: Service) -> Selector | None:
    spec = service.spec
    if spec is None or not spec.selector:
        return None
    compiled = selector_from_map(spec.selector)
    return compiled if isinstance(compiled, Selector) else None


def service_target_ports(
    service: Service, workload: Workload, port_filter: int | str | None = None
) -> PortSet:
    """The container ports a Service sends to on `workload` (its targetPorts, named ones resolved on the
    workload's containers), for all its ports or only the one `port_filter` names (number or name)."""
    spec = service.spec
    found = PortSet.NONE
    for port in spec.ports if spec is not None else ():
        if port_filter is not None and port_filter not in (port.port, port.name):
            continue
        protocol = port.protocol or "TCP"
        target = port.target_port if port.target_port is not None else port.port
        if isinstance(target, str):
            target = workload.named_port(target, protocol)
        if isinstance(target, int) and 1 <= target <= 65535 and protocol in ("TCP", "UDP", "SCTP"):
            found |= PortSet.of(protocol, target, target)
    return found


def _selected(by_namespace: Mapping[str, list[Workload]], service: Service, namespace: str) -> list[Workload]:
    selector = service_selector(service)
    if selector is None:
        return []
    return [w for w in by_namespace.get(namespace, ()) if selector.matches(w.labels)]


def _exposures(
    inventory: Inventory, cluster: Cluster, routes: list[tuple[K8sObject, RouteFacts]]
) -> Iterable[Exposure]:
    by_name = {(inventory.namespace_of(s), s.metadata.name): s for s in cluster.services}
    by_namespace: dict[str, list[Workload]] = {}
    for workload in cluster.workloads:
        by_namespace.setdefault(workload.namespace, []).append(workload)
    for service in cluster.services:
        spec = service.spec
        if spec is not None and spec.type in ("LoadBalancer", "NodePort"):
            namespace = inventory.namespace_of(service) or cluster.default_namespace
            for workload in _selected(by_namespace, service, namespace):
                ports = service_target_ports(service, workload)
                if ports:
                    yield Exposure(EXTERNAL, workload, ports, service, ("spec", "type"))
    for ingress in inventory.of_kind("networking.k8s.io", "Ingress") + inventory.of_kind(
        "extensions", "Ingress"
    ):
        if not isinstance(ingress, Ingress):
            continue
        namespace = inventory.namespace_of(ingress) or cluster.default_namespace
        for backend in backends(ingress):
            target = by_name.get((namespace, backend.service))
            if target is None:
                continue
            for workload in _selected(by_namespace, target, namespace):
                ports = service_target_ports(target, workload, backend.port)
                if ports:
                    yield Exposure(INGRESS_CONTROLLER, workload, ports, ingress, backend.path)
    for route, facts in routes:
        route_namespace = inventory.namespace_of(route) or cluster.default_namespace
        for ref in facts.backends:
            if (ref.group, ref.kind) != ("", "Service"):
                continue
            namespace = ref.namespace or route_namespace
            backend_service = by_name.get((namespace, ref.name))
            if backend_service is None:
                continue
            for workload in _selected(by_namespace, backend_service, namespace):
                ports = service_target_ports(backend_service, workload, ref.port)
                if ports:
                    yield Exposure(INGRESS_CONTROLLER, workload, ports, route, ref.path)
