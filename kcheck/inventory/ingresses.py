"""An Ingress's backends: every Service it routes to, with the port, and where that is written. Read by the
families that follow traffic from an Ingress to pods (consistency, NetworkPolicy entry points)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.core.location import ObjectPath
from kcheck.model.networking import Ingress, IngressBackend


@dataclass(frozen=True, slots=True)
class Backend:
    service: str
    port: int | str | None  # a number or a port name
    path: ObjectPath  # of the backend


def backends(ingress: Ingress) -> Iterator[Backend]:
    """The default backend and each rule path's backend, in both API versions' shapes (`service.name` and
    `service.port.{number,name}`; v1beta1 `serviceName` and `servicePort`). Resource backends are skipped."""
    spec = ingress.spec
    if spec is None:
        return
    defaults = (("defaultBackend", spec.default_backend), ("backend", spec.backend))
    for key, backend in defaults:
        if backend is not None:
            yield from _backend(backend, ("spec", key))
    for rule_index, rule in enumerate(spec.rules):
        paths = rule.http.paths if rule.http is not None else []
        for path_index, path in enumerate(paths):
            if path.backend is not None:
                where = ("spec", "rules", rule_index, "http", "paths", path_index, "backend")
                yield from _backend(path.backend, where)


def _backend(backend: IngressBackend, path: ObjectPath) -> Iterator[Backend]:
    service = backend.service
    if service is not None and service.name:
        port = service.port
        number = port.number if port is not None else None
        name = port.name if port is not None else None
        yield Backend(service.name, number if number is not None else name, path)
    elif backend.service_name:
        yield Backend(backend.service_name, backend.service_port, path)
