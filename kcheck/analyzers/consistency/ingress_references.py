"""The objects an Ingress names besides its backends (`kcheck.inventory.ingresses`): its IngressClass and TLS
Secrets."""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.facts import ObjectReference
from kcheck.model.networking import Ingress


def ingress_references(ingress: Ingress) -> Iterator[ObjectReference]:
    """The IngressClass and the TLS Secrets an Ingress names."""
    spec = ingress.spec
    if spec is None:
        return
    if spec.ingress_class_name:
        path = ("spec", "ingressClassName")
        yield ObjectReference("networking.k8s.io", "IngressClass", spec.ingress_class_name, False, path)
    for index, tls in enumerate(spec.tls):
        if tls.secret_name:
            yield ObjectReference("", "Secret", tls.secret_name, True, ("spec", "tls", index, "secretName"))
