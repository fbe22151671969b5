"""What a Service routes to: the workloads its selector matches, and how each of its ports resolves on
their containers (the endpoints controller's `FindPort`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.consistency.facts import Port
from kcheck.analyzers.consistency.index import Index, Workload
from kcheck.core.location import ObjectPath
from kcheck.inventory.pods import RUNTIME_LABELS
from kcheck.inventory.selectors import Selector, selector_from_map
from kcheck.model.networking import Service, ServicePort


@dataclass(frozen=True, slots=True)
class Selection:
    labels: dict[str, str]
    selector: Selector
    workloads: list[Workload]


def selected_by(index: Index, namespace: str, service: Service) -> Selection | None:
    """The workloads a Service's selector matches; None when it has no selector (endpoints by hand), is an
    ExternalName Service, selects on labels whose values are computed at run time (`pod-template-hash`), or
    its selector is invalid (the schema rules report that)."""
    spec = service.spec
    if spec is None or spec.type == "ExternalName" or not spec.selector:
        return None
    if RUNTIME_LABELS.intersection(spec.selector):
        return None
    selector = selector_from_map(spec.selector)
    if not isinstance(selector, Selector):
        return None
    return Selection(dict(spec.selector), selector, index.select(namespace, selector, service.file_path))


def services(index: Index) -> Iterator[tuple[str, Service]]:
    """Every Service of the input with its namespace, in file order."""
    inventory = index.inventory
    for obj in inventory.of_kind("", "Service"):
        if isinstance(obj, Service):
            yield inventory.namespace_of(obj) or inventory.default_namespace, obj


@dataclass(frozen=True, slots=True)
class RoutedPort:
    """A port of a Service whose selector matches workloads of the input: what it targets on their pods."""

    service: Service
    number: int  # its index in `spec.ports`
    port: ServicePort
    target: int | str  # `targetPort`, which defaults to `port`
    protocol: str  # defaults to TCP
    workloads: list[Workload]

    @property
    def path(self) -> ObjectPath:
        """Where the target is written: `targetPort`, or `port` when that is the target."""
        key = "targetPort" if self.port.target_port is not None else "port"
        return ("spec", "ports", self.number, key)


def routed_ports(index: Index) -> Iterator[RoutedPort]:
    for namespace, service in services(index):
        selection = selected_by(index, namespace, service)
        if selection is None or not selection.workloads or service.spec is None:
            continue
        for number, port in enumerate(service.spec.ports):
            target = port.target_port if port.target_port is not None else port.port
            if target is not None:
                protocol = port.protocol or "TCP"
                yield RoutedPort(service, number, port, target, protocol, selection.workloads)


def declares(ports: tuple[Port, ...], target: int | str, protocol: str) -> bool:
    """FindPort: a named target is a container port of that name and protocol; a number is declared when a
    container port of that number and protocol is."""
    if isinstance(target, str):
        return any(p.name == target and p.protocol == protocol for p in ports)
    return any(p.number == target and p.protocol == protocol for p in ports)
