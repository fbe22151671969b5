"""## What it does
Checks HorizontalPodAutoscalers whose `spec.minReplicas` is below the `min-replicas` option (2 by
default). An unset `minReplicas` is 1, the API server's default. `minReplicas: 0` (scale to zero, behind
the `HPAScaleToZero` feature gate) is a deliberate choice and is not reported.

## Why is this bad?
At low traffic the autoscaler scales the workload down to `minReplicas`. With one replica left, every
restart of that pod (a rollout, a node drain, an eviction, a crash) is an outage until its replacement is
ready, which is exactly when nobody expects one: the quiet hours. Whatever replica count the workload's
own manifest asks for, the autoscaler overrides it.

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
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
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
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import HorizontalPodAutoscaler


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    min_replicas: int = Field(
        default=2,
        ge=1,
        alias="min-replicas",
        description="The fewest replicas an autoscaler may scale down to; kube-linter's check asks for 3.",
    )


RULE = RuleSpec(
    id="KC163",
    name="hpa-low-min-replicas",
    summary="A HorizontalPodAutoscaler that may scale its workload down to a single replica.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} has minReplicas {replicas}, below {minimum}: at low load one pod restart is an "
        "outage"
    ),
    remediation="Set `minReplicas` to at least 2.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("HorizontalPodAutoscaler"),
    options=Options,
    precision=Precision.HIGH,
    replaces=(
        "kube-linter:hpa-minimum-three-replicas",
        "polaris:hpaMinAvailability",
        "kube-score:horizontalpodautoscaler-replicas",
    ),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    if not isinstance(obj, HorizontalPodAutoscaler) or obj.spec is None:
        return
    minimum = (options or Options()).min_replicas
    written = obj.spec.min_replicas
    replicas = 1 if written is None else written
    if replicas == 0 or replicas >= minimum:
        return
    path = ("spec", "minReplicas")
    maximum = obj.spec.max_replicas
    # Raising minReplicas above maxReplicas would make the API server reject the autoscaler.
    fix = (
        Fix(path, minimum, f"Set `minReplicas: {minimum}`") if maximum is None or maximum >= minimum else None
    )
    shown = str(replicas) if written is not None else "1 (the default when unset)"
    yield Violation(path, {**object_args(obj), "replicas": shown, "minimum": minimum}, fix=fix)
