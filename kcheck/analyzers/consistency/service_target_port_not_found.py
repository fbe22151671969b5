"""## What it does
Reports a Service port whose `targetPort` is a name that no container of the selected pods defines with
that name and protocol (containers and sidecars, as the endpoints controller looks them up). Checked only
when the selector matches some workload of the input (KC201 covers the others); each selected workload
that lacks the port is named.

## Why is this bad?
The endpoints controller cannot resolve the port on those pods and leaves them out of the Service's
endpoints: traffic to that port never reaches them, though the pods are ready.

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
      targetPort: http
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
        - name: web
          containerPort: 8080
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
      targetPort: http
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
        - name: http
          containerPort: 8080
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
    id="KC202",
    name="service-target-port-not-found",
    summary="A Service targetPort name that the selected pods' containers do not define.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="Service {service} port {port} targets the port named {target!r} ({protocol}), which {missing} "
    "does not define",
    remediation="Name the container port as the Service's targetPort does, or target the port by number.",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for routed in routed_ports(index):
        target = routed.target
        if not isinstance(target, str):
            continue
        serving = [(w, [p for c in w.facts.serving for p in c.ports]) for w in routed.workloads]
        lacking = [w for w, ports in serving if not declares(tuple(ports), target, routed.protocol)]
        if not lacking:
            continue
        more = f" and {len(lacking) - 3} more" if len(lacking) > 3 else ""
        args = {
            "service": routed.service.metadata.name,
            "port": routed.port.name or routed.port.port,
            "target": target,
            "protocol": routed.protocol,
            "missing": ", ".join(w.display for w in lacking[:3]) + more,
        }
        related = tuple(
            RelatedViolation(w.obj, w.facts.template_path, f"the pods of {w.display}") for w in lacking[:3]
        )
        path = routed.path if routed.port.target_port is not None else ("spec", "ports", routed.number)
        yield routed.service, Violation(path, args, related)
