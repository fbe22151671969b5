"""## What it does
Reports a Service whose `selector` matches the pods of no workload in its namespace, over the whole input
(every file, not one directory). Services without a selector (endpoints managed by hand, through
Endpoints or EndpointSlices) and `ExternalName` Services are not checked. The message names the workloads
whose pods carry the selector's keys with other values: what it was probably meant to match.

Labels that controllers add are known where their values are: a Job's pods carry `job-name`, each
StatefulSet pod its `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`. A Service that
selects on a value computed at run time (`pod-template-hash`, `controller-revision-hash`) is not checked,
and neither is one beside custom resources (same namespace and directory), because an operator may create
the pods it selects. Other pods created outside the input are not known: a Service for them is reported,
which is why the severity is a warning.

## Why is this bad?
The Service has no endpoints: connections to it are refused or time out, and an Ingress or another
workload that uses it fails, while every object applies cleanly.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-v2
  namespace: shop
spec:
  selector:
    matchLabels: {app: web-v2}
  template:
    metadata:
      labels: {app: web-v2}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:2.0.0
          ports:
            - containerPort: 8080
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web-v2}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-v2
  namespace: shop
spec:
  selector:
    matchLabels: {app: web-v2}
  template:
    metadata:
      labels: {app: web-v2}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:2.0.0
          ports:
            - containerPort: 8080
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index, beside_custom_resources, labels_text, near_misses
from kcheck.analyzers.consistency.services import selected_by, services
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC201",
    name="service-selects-nothing",
    summary="A Service whose selector matches no pod template in its namespace.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="Service {service} selects {selector}, but no pod template in namespace {namespace} has those "
    "labels{hint}",
    remediation="Make the selector match the labels of the workload's pod template.",
    docs=__doc__ or "",
    applies_to=kinds.SERVICES,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:dangling-service", "kube-score:service-targets-pod"),
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for namespace, service in services(index):
        selection = selected_by(index, namespace, service)
        if (
            selection is None
            or selection.workloads
            or beside_custom_resources(index, namespace, service.file_path)
        ):
            continue
        hint = near_misses(index, namespace, set(selection.labels), service.file_path)
        args = {
            "service": service.metadata.name,
            "selector": labels_text(selection.labels),
            "namespace": namespace,
            "hint": f"; {hint}" if hint else "",
        }
        yield service, Violation(("spec", "selector"), args)
