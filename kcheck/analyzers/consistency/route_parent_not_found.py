"""## What it does
Reports a Gateway API route whose `parentRefs` name a Gateway that the input does not define (in the
route's namespace, or the namespace the reference gives). Parents of other kinds (a Service, for mesh
routing) are not checked.

## Why is this bad?
The route attaches to nothing: no listener serves it, and its `Accepted` condition never turns true.

## Example
```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: shop-gateway
  rules:
    - backendRefs:
        - name: web
          port: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: shop
spec:
  gatewayClassName: example
  listeners:
    - {name: http, protocol: HTTP, port: 80}
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
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: shop
spec:
  gatewayClassName: example
  listeners:
    - {name: http, protocol: HTTP, port: 80}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.routes import GATEWAY_GROUP
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC219",
    name="route-parent-not-found",
    summary="A Gateway API route attached to a Gateway that the input does not define.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{route} attaches to Gateway {gateway}, which the input does not define in namespace {namespace}",
    remediation="Fix the parentRef's name or namespace, or add the Gateway.",
    docs=__doc__ or "",
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=("https://gateway-api.sigs.k8s.io/api-types/httproute/#parentrefs",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for route, namespace, facts in index.routes:
        for ref in facts.parents:
            if (ref.group, ref.kind) != (GATEWAY_GROUP, "Gateway"):
                continue
            target_namespace = ref.namespace or namespace
            if index.find(target_namespace, GATEWAY_GROUP, "Gateway", ref.name, route.file_path) is not None:
                continue
            args = {
                "route": f"{route.kind} {route.metadata.name}",
                "gateway": ref.name,
                "namespace": target_namespace,
            }
            yield route, Violation(ref.path, args)
