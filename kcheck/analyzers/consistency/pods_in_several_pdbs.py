"""## What it does
Reports a workload whose pods two or more PodDisruptionBudgets of its namespace select. The finding is on
the later budget in file order, with the workload and the other budget as related locations.

## Why is this bad?
The eviction API refuses to evict a pod covered by more than one budget (`This pod has more than one
PodDisruptionBudget, which the eviction subresource does not support`): drains and upgrades stall on
those pods.

## Example
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
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: frontend
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {tier: frontend}
---
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
      labels: {app: web, tier: frontend}
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
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.pdbs import Budget, budgets
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC215",
    name="pods-in-several-pdbs",
    summary="Pods that more than one PodDisruptionBudget selects, which the eviction API refuses to evict.",
    severity=Severity.ERROR,
    category=Category.RELIABILITY,
    message="PodDisruptionBudget {pdb} selects the pods of {workload}, which PodDisruptionBudget {other} "
    "also selects: the eviction API refuses to evict them",
    remediation="Cover each workload's pods with exactly one PodDisruptionBudget.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/#the-eviction-api",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    first: dict[int, Budget] = {}
    for budget in budgets(index):
        for workload in budget.workloads:
            earlier = first.setdefault(id(workload.obj), budget)
            if earlier is budget or earlier.pdb.metadata.name == budget.pdb.metadata.name:
                continue  # the same budget, or its second definition (KC007's)
            args = {
                "pdb": budget.pdb.metadata.name,
                "workload": workload.display,
                "other": earlier.pdb.metadata.name,
            }
            related = (
                RelatedViolation(
                    workload.obj, workload.facts.template_path, f"the pods of {workload.display}"
                ),
                RelatedViolation(
                    earlier.pdb, ("spec", "selector"), f"PodDisruptionBudget {earlier.pdb.metadata.name}"
                ),
            )
            yield budget.pdb, Violation(("spec", "selector"), args, related)
