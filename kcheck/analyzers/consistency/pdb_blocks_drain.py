"""## What it does
Reports a PodDisruptionBudget whose `minAvailable` is at least the number of pods it selects: the sum of
the declared replicas of the workloads whose pods it matches (a percentage is taken of that sum and rounded
up, as the disruption controller does), or, for a workload scaled by a HorizontalPodAutoscaler, its
`minReplicas`. `maxUnavailable: 0` and `minAvailable: 100%` are KC161's.

## Why is this bad?
With every selected pod required, no pod may be evicted: `kubectl drain`, cluster upgrades and node
scale-down wait forever on these pods. When an HPA has scaled the workload down to `minReplicas`, a budget
above that number blocks drains exactly when the cluster is quiet enough for maintenance.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
```
Use instead:
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.autoscalers import autoscalers
from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.pdbs import budgets
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.intstr import scaled_value
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC214",
    name="pdb-blocks-drain",
    summary="A PodDisruptionBudget whose minAvailable is every pod it selects.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="PodDisruptionBudget {pdb} requires minAvailable {min_available} of {pods}: no pod can be "
    "evicted",
    remediation="Lower minAvailable below the replica count (or use maxUnavailable: 1), or run more "
    "replicas.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("polaris:pdbMinAvailableGreaterThanHPAMinReplicas",),
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions",
    ),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    minimum_of = {
        id(target.obj): target.autoscaler
        for target in autoscalers(index)
        if target.obj is not None and target.autoscaler.spec is not None
    }
    for budget in budgets(index):
        min_available = budget.pdb.spec.min_available if budget.pdb.spec is not None else None
        if min_available is None or not budget.workloads:
            continue
        counts: list[tuple[int, str]] = []
        for workload in budget.workloads:
            hpa = minimum_of.get(id(workload.obj))
            if hpa is not None and hpa.spec is not None:
                low = hpa.spec.min_replicas if hpa.spec.min_replicas is not None else 1
                counts.append(
                    (
                        low,
                        f"{workload.display} at HPA {hpa.metadata.name}'s minReplicas {low}",
                    )
                )
            elif workload.facts.scalable:
                replicas = workload.facts.replicas if workload.facts.replicas is not None else 1
                counts.append((replicas, f"{workload.display}'s {replicas} replicas"))
            else:
                counts = []  # a DaemonSet or a Pod: how many pods it runs is not in the manifests
                break
        if not counts:
            continue
        pods = sum(count for count, _ in counts)
        required = scaled_value(min_available, pods, round_up=True)
        if not isinstance(required, int) or pods == 0 or required < pods:
            continue
        args = {
            "pdb": budget.pdb.metadata.name,
            "min_available": min_available,
            "pods": " + ".join(text for _, text in counts) + (f" = {pods} pods" if len(counts) > 1 else ""),
        }
        related = tuple(
            RelatedViolation(w.obj, ("spec", "replicas"), f"{w.display}") for w in budget.workloads[:3]
        )
        yield budget.pdb, Violation(("spec", "minAvailable"), args, related)
