"""## What it does
Reports an Ingress backend (a rule path's or the default backend) naming a Service that the input does
not define in the Ingress's namespace. The Service may be created elsewhere (another repository, a Helm
release), so this is a warning; a Service that exists but lacks the port is KC206.

## Why is this bad?
The ingress controller has nothing to route to: requests for that host and path get a 503 or the
controller's default backend.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web-frontend
                port: {number: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector: {app: web}
  ports:
    - port: 80
```
Use instead:
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: frontend
                port: {number: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector: {app: web}
  ports:
    - port: 80
```
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.ingresses import backends
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Ingress

RULE = RuleSpec(
    id="KC205",
    name="ingress-service-not-found",
    summary="An Ingress backend naming a Service that the input does not define in its namespace.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="Ingress {ingress} routes to Service {service}, which the input does not define in namespace "
    "{namespace}{hint}",
    remediation="Fix the backend's Service name, or add the Service.",
    docs=__doc__ or "",
    applies_to=kinds.INGRESSES,
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:dangling-ingress", "kube-score:ingress-targets-service"),
    references=("https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for group, kind in kinds.INGRESSES:
        for ingress in index.inventory.of_kind(group, kind):
            if not isinstance(ingress, Ingress):
                continue
            namespace = index.inventory.namespace_of(ingress) or index.inventory.default_namespace
            names = _names_nearby(index, namespace, ingress.file_path)
            for backend in backends(ingress):
                if index.service(namespace, backend.service, ingress.file_path) is not None:
                    continue
                args = {
                    "ingress": ingress.metadata.name,
                    "service": backend.service,
                    "namespace": namespace,
                    "hint": f" (its directory defines {', '.join(names[:5])})" if names else "",
                }
                yield ingress, Violation(backend.path, args)


def _names_nearby(index: Index, namespace: str, file_path: str) -> list[str]:
    """The Services of the namespace defined in the Ingress's own directory."""
    return index.service_names.get((namespace, posixpath.dirname(file_path)), [])
