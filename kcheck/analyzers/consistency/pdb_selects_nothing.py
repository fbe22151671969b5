"""## What it does
Reports a PodDisruptionBudget whose selector matches the pods of no workload in its namespace, over the
whole input. A policy/v1 PodDisruptionBudget without a selector selects no pod at all; `selector: {}`
selects every pod of the namespace. Controller labels, run-time values and custom resources beside it are
handled as in KC201.

## Why is this bad?
The budget protects nothing: a node drain or an eviction can take down every replica it was meant to
keep, while the manifests suggest the workload is covered.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: frontend}
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
  minAvailable: 1
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
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index, beside_custom_resources, near_misses
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.inventory.pods import RUNTIME_LABELS
from kcheck.inventory.selectors import Selector, compile_selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.policy import PodDisruptionBudget

RULE = RuleSpec(
    id="KC209",
    name="pdb-selects-nothing",
    summary="A PodDisruptionBudget whose selector matches no pod template in its namespace.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="PodDisruptionBudget {pdb} {selects}, but no pod template in namespace {namespace} matches{hint}",
    remediation="Make the selector match the labels of the workload's pod template.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("PodDisruptionBudget"),
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    references=("https://kubernetes.io/docs/tasks/run-application/configure-pdb/",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    inventory = index.inventory
    for pdb in inventory.of_kind("policy", "PodDisruptionBudget"):
        if not isinstance(pdb, PodDisruptionBudget) or pdb.spec is None:
            continue
        namespace = inventory.namespace_of(pdb) or inventory.default_namespace
        raw_selector = pdb.spec.selector
        selector = compile_selector(raw_selector)
        if not isinstance(selector, Selector):
            continue
        keys = {r.key for r in selector.requirements}
        if RUNTIME_LABELS.intersection(keys) or beside_custom_resources(index, namespace, pdb.file_path):
            continue
        if index.select(namespace, selector, pdb.file_path):
            continue
        hint = near_misses(index, namespace, keys, pdb.file_path)
        if raw_selector is None:
            selects = "has no selector (it selects no pod)"
        else:
            selects = "selects " + (
                ", ".join(f"{k}={v}" for k, v in raw_selector.match_labels.items()) or "by expressions"
            )
        args = {
            "pdb": pdb.metadata.name,
            "selects": selects,
            "namespace": namespace,
            "hint": f"; {hint}" if hint else "",
        }
        yield pdb, Violation(("spec", "selector") if raw_selector is not None else ("spec",), args)
