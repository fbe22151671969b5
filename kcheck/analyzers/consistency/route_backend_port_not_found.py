"""## What it does
Reports a Gateway API route backend whose `port` is not a `port` of the Service it names, when that
Service is in the input.

## Why is this bad?
The Gateway cannot resolve the backend (`ResolvedRefs: False`) and fails the requests it routes there,
although every object applied cleanly.

## Example
```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: shop
  rules:
    - backendRefs:
        - name: web
          port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
```
Use instead:
```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: shop
  rules:
    - backendRefs:
        - name: web
          port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC218",
    name="route-backend-port-not-found",
    summary="A Gateway API route backend port that the Service it names does not have.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{route} sends traffic to port {port} of Service {service}, which has {ports}",
    remediation="Use one of the Service's `port` numbers.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for route, namespace, facts in index.routes:
        for ref in facts.backends:
            if (ref.group, ref.kind) != ("", "Service") or ref.port is None:
                continue
            service = index.service(ref.namespace or namespace, ref.name, route.file_path)
            if service is None or service.spec is None or any(p.port == ref.port for p in service.spec.ports):
                continue
            ports = ", ".join(str(p.port) for p in service.spec.ports) or "no ports"
            args = {
                "route": f"{route.kind} {route.metadata.name}",
                "port": ref.port,
                "service": ref.name,
                "ports": ports,
            }
            related = (RelatedViolation(service, ("spec", "ports"), f"the ports of Service {ref.name}"),)
            yield route, Violation((*ref.path, "port"), args, related)
