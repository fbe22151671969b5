"""## What it does
Checks Services with more than one port for ports without a `name`. With a single port the name is
optional; with several, the API server requires each to be named, uniquely.

## Why is this bad?
The API server rejects the Service (`spec.ports[1].name: Required value`), so everything that depends on
it (Ingresses, other workloads, DNS) is missing after the apply.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
    - port: 443
      targetPort: 8443
```
Use instead:
```yaml
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
    - name: https
      port: 443
      targetPort: 8443
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Service

RULE = RuleSpec(
    id="KC176",
    name="unnamed-service-ports",
    summary="A Service with several ports, one of them without a name, which the API server rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{kind} {name!r} has {count} ports, and port {index} has no name: the API server requires a "
    "name on each port of a multi-port Service",
    remediation="Name every port of the Service (`http`, `https`, `metrics`).",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services",),
)


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, Service) or obj.spec is None or len(obj.spec.ports) < 2:
        return
    for index, port in enumerate(obj.spec.ports):
        if not port.name:
            args = {**object_args(obj), "count": len(obj.spec.ports), "index": index}
            yield Violation(("spec", "ports", index), args)
