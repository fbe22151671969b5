"""## What it does
Reports a Deployment, StatefulSet or ReplicaSet that writes `spec.replicas` while a HorizontalPodAutoscaler
of the input scales it.

## Why is this bad?
Every `kubectl apply` (or GitOps sync) of the manifest sets the replicas back to the written number,
undoing the HPA: a workload scaled out under load drops to its manifest's count at the next deploy, until
the HPA scales it out again.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.autoscalers import autoscalers
from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC212",
    name="hpa-target-pins-replicas",
    summary="A workload that writes spec.replicas while a HorizontalPodAutoscaler scales it.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{kind} {name} sets replicas: {replicas}, which every apply restores, while "
    "HorizontalPodAutoscaler {hpa} scales it",
    remediation="Remove `spec.replicas` from the manifest and let the HPA own it.",
    docs=__doc__ or "",
    applies_to=kinds.SCALABLE_WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-score:deployment-targeted-by-hpa-does-not-have-replicas-configured",),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
    ),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    reported: set[int] = set()
    for target in autoscalers(index):
        if target.obj is None or target.facts is None or target.facts.replicas is None:
            continue
        if id(target.obj) in reported:  # one finding per workload, naming the first HPA
            continue
        reported.add(id(target.obj))
        args = {
            "kind": target.kind,
            "name": target.name,
            "replicas": target.facts.replicas,
            "hpa": target.autoscaler.metadata.name,
        }
        related = (RelatedViolation(target.autoscaler, ("spec", "scaleTargetRef"), "the HPA that scales it"),)
        yield target.obj, Violation(("spec", "replicas"), args, related)
