"""## What it does
Reports a Gateway API route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) whose `backendRefs` name a
Service that the input does not define (in the route's namespace, or the namespace the reference gives).
Backends of other kinds are not checked. A Service that exists but lacks the port is KC218.

## Why is this bad?
The route's `ResolvedRefs` condition turns false (`BackendNotFound`) and the Gateway answers the matching
requests with 500s.

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
        - name: web-frontend
          port: 80
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
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: shop
  rules:
    - backendRefs:
        - name: frontend
          port: 80
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

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC217",
    name="route-backend-not-found",
    summary="A Gateway API route backend naming a Service that the input does not define.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{route} sends traffic to Service {service}, which the input does not define in namespace "
    "{namespace}",
    remediation="Fix the backendRef's name or namespace, or add the Service.",
    docs=__doc__ or "",
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=("https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for route, namespace, facts in index.routes:
        for ref in facts.backends:
            if (ref.group, ref.kind) != ("", "Service"):
                continue
            target_namespace = ref.namespace or namespace
            if index.service(target_namespace, ref.name, route.file_path) is not None:
                continue
            args = {
                "route": f"{route.kind} {route.metadata.name}",
                "service": ref.name,
                "namespace": target_namespace,
            }
            yield route, Violation(ref.path, args)
