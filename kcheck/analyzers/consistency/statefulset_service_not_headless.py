"""## What it does
Reports a StatefulSet whose `serviceName` names no Service in its namespace, or a Service that is not
headless (`clusterIP: None`). kcheck looks at the whole input; a StatefulSet without `serviceName` is left
to the schema rules.

## Why is this bad?
The governing headless Service gives each pod its stable DNS name (`db-0.db.shop.svc`). Without it the
names do not resolve, and peers that find each other through them (databases, quorum systems) cannot form
a cluster.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: registry.example.com/db:15.2
```
Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: registry.example.com/db:15.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC204",
    name="statefulset-service-not-headless",
    summary="A StatefulSet whose serviceName is not a headless Service in its namespace.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="StatefulSet {name} names Service {service} in namespace {namespace}, {problem}",
    remediation="Create the headless Service (`clusterIP: None`) the StatefulSet names, or fix the name.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("StatefulSet"),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-score:statefulset-has-servicename",),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for namespace, workloads in index.workloads.items():
        for workload in workloads:
            name = workload.facts.service_name
            if not name:
                continue
            service = index.service(namespace, name, workload.obj.file_path)
            args = {"name": workload.obj.metadata.name, "service": name, "namespace": namespace}
            if service is None:
                yield (
                    workload.obj,
                    Violation(
                        ("spec", "serviceName"), {**args, "problem": "which the input does not define"}
                    ),
                )
            elif service.spec is None or service.spec.cluster_ip != "None":
                related = (RelatedViolation(service, ("spec",), f"Service {name}"),)
                problem = "which is not headless (its clusterIP is not None)"
                yield workload.obj, Violation(("spec", "serviceName"), {**args, "problem": problem}, related)
