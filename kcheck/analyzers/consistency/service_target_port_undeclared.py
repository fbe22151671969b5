"""## What it does
Reports a Service port whose numeric `targetPort` (or `port`, when `targetPort` is unset) no container of
the selected pods declares, while those containers do declare ports. Containers that declare no port at all
are not reported: declaring ports is informational, and a process may listen on any port.

## Why is this bad?
A declared port list that lacks the Service's target is usually a typo or a stale number (`8080` against a
container now on `8000`): traffic reaches the pod and is refused.

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
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      ports:
        - containerPort: 8000
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
    - port: 80
      targetPort: 8000
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      ports:
        - containerPort: 8000
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.services import declares, routed_ports
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC203",
    name="service-target-port-undeclared",
    summary="A Service targetPort number that the selected containers, which declare ports, do not declare.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="Service {service} port {port} targets {target}/{protocol}, which {missing} does not declare "
    "(it declares {declared})",
    remediation="Target a port the container declares, or declare the port the container listens on.",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    precision=Precision.HIGH,
    profile=Profile.STRICT,
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for routed in routed_ports(index):
        target = routed.target
        if not isinstance(target, int):
            continue
        for workload in routed.workloads:
            ports = tuple(p for c in workload.facts.serving for p in c.ports)
            if not ports or declares(ports, target, routed.protocol):
                continue
            args = {
                "service": routed.service.metadata.name,
                "port": routed.port.name or routed.port.port,
                "target": target,
                "protocol": routed.protocol,
                "missing": workload.display,
                "declared": ", ".join(sorted({f"{p.number}/{p.protocol}" for p in ports})),
            }
            related = (
                RelatedViolation(
                    workload.obj, workload.facts.template_path, f"the pods of {workload.display}"
                ),
            )
            yield routed.service, Violation(routed.path, args, related)
