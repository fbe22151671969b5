"""## What it does
Checks Deployments, ReplicaSets, StatefulSets and ReplicationControllers whose `spec.replicas` is below
the `min-replicas` option (2 by default). An unset `replicas` counts as 1, the API server's default. An
explicit `replicas: 0` is not reported: a workload scaled to zero is switched off on purpose.

This rule is opt-in (the `strict` profile) because the manifest's `replicas` is often not the number that
runs: when a HorizontalPodAutoscaler owns the workload it sets the replica count itself, and the manifest
then leaves `replicas` unset or writes only a starting value. The autoscaler's own lower bound is checked
by `hpa-low-min-replicas` (KC163).

## Why is this bad?
With one replica, every restart is an outage: a node drain during a cluster upgrade, an eviction under
memory pressure, a crash, or the rollout of a StatefulSet (which replaces its pod in place) leaves the
workload with no ready pod until a replacement is scheduled, pulls its image and passes its readiness
probe. A PodDisruptionBudget cannot help either: it can only block the drain.

## Example
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
```
Use instead:
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
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.scheduling import declared_replicas
from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    min_replicas: int = Field(
        default=2,
        ge=1,
        alias="min-replicas",
        description="The fewest replicas a workload may run; kube-linter's equivalent check asks for 3.",
    )


RULE = RuleSpec(
    id="KC150",
    name="single-replica",
    summary="A Deployment, ReplicaSet or StatefulSet that runs fewer replicas than `min-replicas`.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{kind} {name!r} runs {replicas}, below {minimum}: one pod restarting leaves too few serving",
    remediation="Run at least two replicas, or let a HorizontalPodAutoscaler own the replica count.",
    docs=__doc__ or "",
    applies_to=kinds.SCALABLE_WORKLOADS,
    options=Options,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=(
        "kube-linter:minimum-three-replicas",
        "polaris:deploymentMissingReplicas",
        "kube-score:deployment-replicas",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    minimum = (options or Options()).min_replicas
    replicas = declared_replicas(obj)
    if replicas is None or replicas.count == 0 or replicas.count >= minimum:
        return
    path = ("spec", "replicas")
    fix = Fix(path, minimum, f"Set `replicas: {minimum}`")
    yield Violation(path, {**object_args(obj), "replicas": replicas.describe(), "minimum": minimum}, fix=fix)
