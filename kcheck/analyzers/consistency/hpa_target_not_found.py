"""## What it does
Reports a HorizontalPodAutoscaler whose `scaleTargetRef` names an object that the input does not define in
the HPA's namespace (it may be created elsewhere), has no `apiVersion` (the controller then looks the kind up
in the core group and fails), or names a kind that cannot be scaled: a built-in kind without a scale
subresource, such as a DaemonSet, a Job or a Pod. A built-in kind is found whatever group its manifest
uses (`extensions/v1beta1` and `apps/v1` Deployments are the same objects).

## Why is this bad?
The HPA reports `FailedGetScale` and never scales anything; the workload meant to scale stays at its
replicas under load.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web-frontend}
  minReplicas: 2
  maxReplicas: 10
---
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
```
Use instead:
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
---
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
    id="KC207",
    name="hpa-target-not-found",
    summary="A HorizontalPodAutoscaler whose target is not in the input, or cannot be scaled.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="HorizontalPodAutoscaler {hpa} scales {kind} {name}, {problem}",
    remediation="Point scaleTargetRef at the Deployment, StatefulSet or ReplicaSet to scale.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("HorizontalPodAutoscaler"),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=(
        "kube-linter:dangling-horizontalpodautoscaler",
        "kube-score:horizontalpodautoscaler-has-target",
    ),
    references=("https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",),
)

# Built-in workload kinds without a scale subresource.
_NOT_SCALABLE = frozenset({"DaemonSet", "Job", "CronJob", "Pod"})


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for target in autoscalers(index):
        args = {"hpa": target.autoscaler.metadata.name, "kind": target.kind, "name": target.name}
        path = ("spec", "scaleTargetRef")
        if target.no_api_version:
            problem = "but scaleTargetRef has no apiVersion: the HPA controller cannot resolve the kind"
            yield target.autoscaler, Violation(path, {**args, "problem": problem})
        elif target.obj is None:
            problem = f"which the input does not define in namespace {target.namespace}"
            yield target.autoscaler, Violation(path, {**args, "problem": problem})
        elif target.kind in _NOT_SCALABLE and target.facts is not None:
            related = (RelatedViolation(target.obj, (), f"{target.kind} {target.name}"),)
            problem = "which has no scale subresource: the HPA cannot scale it"
            yield target.autoscaler, Violation(path, {**args, "problem": problem}, related)
