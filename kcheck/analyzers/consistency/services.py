"""What a Service routes to: the workloads its selector matches, and how each of its ports resolves on
their containers (the endpoints controller's `FindPort`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.consistency.facts import RUNTIME_LABELS, Port
from kcheck.analyzers.consistency.index import Index, Workload
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


def service_ports(service: Service) -> Iterator[tuple[int, ServicePort]]:
    yield from enumerate(service.spec.ports if service.spec is not None else [])


def target_of(port: ServicePort) -> int | str | None:
    """`targetPort`, which defaults to `port`."""
    return port.target_port if port.target_port is not None else port.port


def declares(ports: tuple[Port, ...], target: int | str, protocol: str) -> bool:
    """FindPort: a named target is a container port of that name and protocol; a number is declared when a
    container port of that number and protocol is."""
    if isinstance(target, str):
        return any(p.name == target and p.protocol == protocol for p in ports)
    return any(p.number == target and p.protocol == protocol for p in ports)
