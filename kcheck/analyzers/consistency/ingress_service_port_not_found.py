"""## What it does
Reports an Ingress backend whose port (a number, or a name) is not a port of the Service it names, when
that Service is in the input. Service ports are matched by `port` for numbers and by `name` for names, as
ingress controllers resolve them.

## Why is this bad?
The controller cannot find the Service port and serves errors for that path (ingress-nginx logs "service
does not have any active endpoint" or "port not found"), although every object applied cleanly.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port: {number: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: 8080
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port: {name: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
      targetPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.ingresses import backends
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress

RULE = RuleSpec(
    id="KC206",
    name="ingress-service-port-not-found",
    summary="An Ingress backend port that the Service it names does not have.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="Ingress {ingress} routes to port {port} of Service {service}, which has {ports}",
    remediation="Use one of the Service's ports (its `port` number or its `name`).",
    docs=__doc__ or "",
    applies_to=kinds.INGRESSES,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for group, kind in kinds.INGRESSES:
        for ingress in index.inventory.of_kind(group, kind):
            if not isinstance(ingress, Ingress):
                continue
            namespace = index.inventory.namespace_of(ingress) or index.inventory.default_namespace
            for backend in backends(ingress):
                service = index.service(namespace, backend.service, ingress.file_path)
                if service is None or backend.port is None or service.spec is None:
                    continue
                ports = service.spec.ports
                if isinstance(backend.port, int):
                    found = any(p.port == backend.port for p in ports)
                else:
                    found = any(p.name == backend.port for p in ports)
                if found:
                    continue
                listed = (
                    ", ".join(f"{p.port}" + (f" ({p.name})" if p.name else "") for p in ports) or "no ports"
                )
                args = {
                    "ingress": ingress.metadata.name,
                    "port": backend.port,
                    "service": backend.service,
                    "ports": listed,
                }
                related = (
                    RelatedViolation(service, ("spec", "ports"), f"the ports of Service {backend.service}"),
                )
                yield ingress, Violation((*backend.path, "service", "port"), args, related)
