"""## What it does
Checks Services whose `spec.type` is one of the `types` option: `NodePort` by default; add
`LoadBalancer` (and `ExternalName`, if that is a concern) to forbid those too.

A `LoadBalancer` Service opens a port on every node as well, unless it sets
`allocateLoadBalancerNodePorts: false`; the default list leaves it alone because putting a Service behind a
cloud load balancer is usually the point.

## Why is this bad?
A `NodePort` Service listens on a port of every node of the cluster, on every node address, for whatever
can reach the nodes, bypassing the Ingress or Gateway where TLS, authentication and rate limits live.
Node addresses change as nodes come and go, so clients that use them break. `ClusterIP` behind an
Ingress or a Gateway keeps the Service inside the cluster.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Service


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    types: list[str] = Field(
        default=["NodePort"],
        description="The Service types to report (`NodePort`, `LoadBalancer`, `ExternalName`).",
    )


RULE = RuleSpec(
    id="KC166",
    name="exposed-service-type",
    summary="A Service of a type that exposes it outside the cluster (`NodePort` by default).",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} is of type {type}, which exposes it outside the cluster",
    remediation="Use a `ClusterIP` Service behind an Ingress or a Gateway.",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    options=Options,
    precision=Precision.HIGH,
    security_severity=4.0,
    replaces=("kube-linter:exposed-services", "kube-score:service-type"),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
    ),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    types = (options or Options()).types
    if not isinstance(obj, Service) or obj.spec is None:
        return
    service_type = obj.spec.type or "ClusterIP"  # the API server's default
    if service_type in types:
        yield Violation(("spec", "type"), {**object_args(obj), "type": service_type})
