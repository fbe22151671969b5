"""## What it does
Reports two controllers in one namespace (Deployments, ReplicaSets, StatefulSets, DaemonSets,
ReplicationControllers) whose selectors match each other's pods: the selector of one matches the pod labels
of the other. The pair is reported once, on the later object in file order. A controller's own pods are
always in its own directory, so it is compared with the controllers of the files beside it: those of
other directories are often alternative installs. Example directories that hold alternatives side by side
(`standalone.yaml` beside `statefulset.yaml`) are reported too, which is why the rule is in the `strict`
profile.

## Why is this bad?
Controllers find their pods through their selector. The Kubernetes documentation warns that controllers
with overlapping selectors "might conflict and behave unexpectedly": orphaned pods are adopted by the wrong
controller, ReplicationControllers and bare ReplicaSets count each other's pods as their own, and tools
that select by the same labels (`kubectl rollout status`, Services, PDBs) mix the two workloads.

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
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, track: canary}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.5.0
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web, track: stable}
  template:
    metadata:
      labels: {app: web, track: stable}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
spec:
  selector:
    matchLabels: {app: web, track: canary}
  template:
    metadata:
      labels: {app: web, track: canary}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.5.0
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC213",
    name="overlapping-workload-selectors",
    summary="Two controllers in one namespace whose selectors match each other's pods.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{workload} overlaps {other} in namespace {namespace}: the selector of {matcher} matches the "
    "pods of {matched}: the controllers may fight over them",
    remediation="Give each workload a selector (and pod labels) that only its own pods match.",
    docs=__doc__ or "",
    applies_to=kinds.LONG_RUNNING_WORKLOADS,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    order = index.inventory.order
    reported: set[frozenset[tuple[str, str, str | None]]] = set()
    for namespace, workloads in index.workloads.items():
        for workload in workloads:
            selector = workload.facts.selector
            if selector is None:
                continue
            for other in index.select(namespace, selector, workload.obj.file_path):
                pair = frozenset((workload.identity, other.identity))
                same = other.identity == workload.identity  # one object defined twice: KC007's
                if same or other.facts.selector is None or pair in reported:
                    continue
                reported.add(pair)
                later, earlier = (
                    (workload, other) if order(workload.obj) > order(other.obj) else (other, workload)
                )
                args = {
                    "workload": later.display,
                    "other": earlier.display,
                    "namespace": namespace,
                    "matcher": workload.display,
                    "matched": other.display,
                }
                related = (
                    RelatedViolation(
                        earlier.obj, earlier.facts.template_path, f"the pods of {earlier.display}"
                    ),
                )
                yield later.obj, Violation(("spec", "selector"), args, related)
