"""## What it does
Like KC704, but with every workload that a HorizontalPodAutoscaler scales at the HPA's `maxReplicas`
(matched by `scaleTargetRef` in the same namespace): the quota fits at the declared replicas, and does not
once the autoscalers scale out. Reported only where KC704 does not already report the same quota resource.

## Why is this bad?
Under load, exactly when the extra replicas are needed, the quota admission plugin rejects them (`exceeded
quota`), and the HPA shows the desired replicas it cannot reach.

## Example
```yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "4"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: "1"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: team-a
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
```
Use instead:
```yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "10"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          resources:
            requests: {cpu: "1"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: team-a
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.resources.analysis import NamespaceResources, UsageOptions, overage_violation, overages
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC705",
    name="quota-exceeded-at-max-replicas",
    summary="A ResourceQuota that fits the declared replicas but not the HorizontalPodAutoscalers' maximum.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="namespace {namespace} needs {resource} {used} with its autoscalers at maxReplicas, above the "
    "hard limit {hard} of ResourceQuota {quota} ({consumers})",
    remediation="Raise the quota to cover the autoscalers' maxReplicas, or lower maxReplicas.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("ResourceQuota"),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    options=UsageOptions,
    references=("https://kubernetes.io/docs/concepts/policy/resource-quotas/",),
)


def check(namespace: NamespaceResources, options: UsageOptions) -> Iterator[tuple[K8sObject, Violation]]:
    declared = {(id(o.quota), o.resource) for o in overages(namespace, at_max=False)}
    for overage in overages(namespace, at_max=True):
        if (id(overage.quota), overage.resource) in declared:
            continue
        yield overage.quota.quota, overage_violation(namespace, overage)
