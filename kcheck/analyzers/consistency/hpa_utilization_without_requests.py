"""## What it does
Reports a HorizontalPodAutoscaler that scales on the utilization of a resource (`Resource` or
`ContainerResource` metrics with a `Utilization` target, or autoscaling/v1
`targetCPUUtilizationPercentage`) while a container of its target's pods has no request for that
resource. Utilization is usage as a percentage of the request, summed over the pod's containers (and
sidecars): one container without a request makes it impossible to compute. A limit counts, because the
API server copies it into the missing request.

## Why is this bad?
The HPA fails with `missing request for cpu in container app` (`FailedGetResourceMetric`) and never
scales.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
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
          resources:
            requests: {memory: 256Mi}
```
Use instead:
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
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
          resources:
            requests: {cpu: 250m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.autoscalers import autoscalers, utilization_metrics
from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC208",
    name="hpa-utilization-without-requests",
    summary="An HPA scaling on resource utilization of pods whose containers do not request that resource.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="HorizontalPodAutoscaler {hpa} scales on {resource} utilization, but {kind} {name} has no "
    "{resource} request in container {container!r}: the HPA fails (missing request for {resource})",
    remediation="Set a request for the resource on every container of the target, or scale on another "
    "metric.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("HorizontalPodAutoscaler"),
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work",
    ),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for target in autoscalers(index):
        if target.facts is None or target.obj is None:
            continue
        for metric in utilization_metrics(target.autoscaler):
            for container in target.facts.serving:
                if metric.container is not None and container.name != metric.container:
                    continue
                if metric.resource in container.requests:
                    continue
                args = {
                    "hpa": target.autoscaler.metadata.name,
                    "resource": metric.resource,
                    "kind": target.kind,
                    "name": target.name,
                    "container": container.name,
                }
                related = (RelatedViolation(target.obj, container.path, f"container {container.name!r}"),)
                yield target.autoscaler, Violation(metric.path, args, related)
                break
