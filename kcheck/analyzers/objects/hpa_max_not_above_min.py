"""## What it does
Checks HorizontalPodAutoscalers whose `spec.maxReplicas` is not above `spec.minReplicas` (1 when unset):

- equal: the autoscaler can never change the replica count; it only pins it;
- below: the API server rejects the object ("must be greater than or equal to `minReplicas`").

## Why is this bad?
An autoscaler that cannot scale does nothing but hide the replica count in another object: under load the
workload stays at its size, and whoever reads the manifests believes it scales. Usually `maxReplicas` was
copied from `minReplicas` or never raised after `minReplicas` was.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 3
```
Use instead:
```yaml
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

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import HorizontalPodAutoscaler

RULE = RuleSpec(
    id="KC164",
    name="hpa-max-not-above-min",
    summary="A HorizontalPodAutoscaler whose `maxReplicas` is not above `minReplicas`: it cannot scale.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{kind} {name!r} has maxReplicas {maximum} {problem}",
    remediation="Raise `maxReplicas` above `minReplicas`, or remove the autoscaler and set the replicas.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("HorizontalPodAutoscaler"),
    precision=Precision.VERY_HIGH,
    replaces=("polaris:hpaMaxAvailability",),
    references=("https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",),
)

EQUAL = "equal to minReplicas {minimum}, so it can never scale"
BELOW = "below minReplicas {minimum}, which the API server rejects"


def check(obj: K8sObject, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, HorizontalPodAutoscaler) or obj.spec is None or obj.spec.max_replicas is None:
        return
    maximum, written = obj.spec.max_replicas, obj.spec.min_replicas
    minimum = 1 if written is None else written
    if maximum > minimum:
        return
    shown = str(minimum) if written is not None else "1 (the default when unset)"
    problem = (EQUAL if maximum == minimum else BELOW).format(minimum=shown)
    args = {**object_args(obj), "maximum": maximum, "minimum": minimum, "problem": problem}
    yield Violation(("spec", "maxReplicas"), args)
