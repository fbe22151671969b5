"""## What it does
Reports a Service whose selector matches the pods of workloads of different applications: workloads whose
pods carry different `app.kubernetes.io/name` labels (or `app`, or `k8s-app`, in that order). Workloads
with none of these labels are not counted (the members of a database cluster often run as one controller
per node, labelled only by their cluster), and several workloads of one application (a stable and a
canary Deployment, for instance) are fine.

## Why is this bad?
Traffic is spread over unrelated pods: a share of the requests reaches a process that does not speak the
protocol, and fails. It usually comes from a selector too broad (`tier: frontend`) or a copied label.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {tier: frontend}
  ports:
    - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
  labels: {app: admin, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/admin:2.0.0
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web, tier: frontend}
  ports:
    - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
  labels: {app: admin, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/admin:2.0.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index, applications
from kcheck.analyzers.consistency.services import selected_by, services
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC220",
    name="service-selects-several-apps",
    summary="A Service whose selector matches the pods of several different applications.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="Service {service} selects the pods of {count} applications: {apps}",
    remediation="Narrow the selector to one application's labels.",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for namespace, service in services(index):
        selection = selected_by(index, namespace, service)
        if selection is None or len(selection.workloads) < 2:
            continue
        apps = applications(selection.workloads)
        if len(apps) < 2:
            continue
        listed = ", ".join(f"{w.display} ({app})" for app, w in list(apps.items())[:4])
        args = {"service": service.metadata.name, "count": len(apps), "apps": listed}
        related = tuple(
            RelatedViolation(w.obj, w.facts.template_path, f"the pods of {w.display}")
            for w in list(apps.values())[:4]
        )
        yield service, Violation(("spec", "selector"), args, related)
