"""## What it does
Reports a PodDisruptionBudget whose selector matches the pods of workloads of different applications (by
their `app.kubernetes.io/name`, `app` or `k8s-app` label, as KC220 tells applications apart). Several
workloads of one application, such as a stable and a canary Deployment, are fine.

## Why is this bad?
The budget counts the pods of all of them together: evictions may take every pod of one application while
the other keeps the total above `minAvailable`. Each application needs its own budget.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: frontend
spec:
  minAvailable: 2
  selector:
    matchLabels: {tier: frontend}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
  labels: {app: admin, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/admin:2.0.0
```
Use instead:
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: admin
  labels: {app: admin, tier: frontend}
spec:
  containers:
    - name: app
      image: registry.example.com/admin:2.0.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index, applications
from kcheck.analyzers.consistency.pdbs import budgets
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC222",
    name="pdb-selects-several-apps",
    summary="A PodDisruptionBudget whose selector matches the pods of several different applications.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="PodDisruptionBudget {pdb} selects the pods of {count} applications: {apps}",
    remediation="Give each application its own PodDisruptionBudget, selecting its own labels.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.MEDIUM,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#identify-an-application-to-protect",
    ),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for budget in budgets(index):
        apps = applications(budget.workloads)
        if len(apps) < 2:
            continue
        shown = list(apps.items())[:4]
        args = {
            "pdb": budget.pdb.metadata.name,
            "count": len(apps),
            "apps": ", ".join(f"{w.display} ({app})" for app, w in shown),
        }
        related = tuple(
            RelatedViolation(w.obj, w.facts.template_path, f"the pods of {w.display}") for _, w in shown
        )
        yield budget.pdb, Violation(("spec", "selector"), args, related)
