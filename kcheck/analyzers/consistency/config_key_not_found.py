"""## What it does
Reports a pod template that uses a key of a ConfigMap or Secret of the input (`configMapKeyRef` and
`secretKeyRef` in `env`, `items` of a volume or projected volume) that the object does not hold: its
`data` and `binaryData` for a ConfigMap, `data` and `stringData` for a Secret (plus `token`, `ca.crt` and
`namespace` for a `kubernetes.io/service-account-token` Secret, which the token controller fills in).
References marked `optional: true` are not reported.

## Why is this bad?
The kubelet cannot build the container's environment or volume: the pod stays in
`CreateContainerConfigError` (`couldn't find key DATABASE_URL in Secret shop/db`).

## Example
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  DATABASE_URI: postgres://db.shop.svc/shop
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      env:
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef: {name: db, key: DATABASE_URL}
```
Use instead:
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  DATABASE_URL: postgres://db.shop.svc/shop
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      env:
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef: {name: db, key: DATABASE_URL}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.consistency.index import Index
from kcheck.analyzers.consistency.references import resolved
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC211",
    name="config-key-not-found",
    summary="A ConfigMap or Secret key used by a pod template that the object does not hold.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{workload} uses key {key!r} of {kind} {name}, which holds {keys}",
    remediation="Use a key the object holds, add the key, or mark the reference `optional: true`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/",),
)


def check(index: Index, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for found in resolved(index):
        reference = found.reference
        if found.found is None or reference.optional:
            continue
        target, keys = found.found
        for key, key_path in reference.keys:
            if key in keys.keys:
                continue
            held = ", ".join(sorted(keys.keys)[:8]) or "no keys"
            args = {
                "workload": found.workload.display,
                "key": key,
                "kind": reference.kind,
                "name": reference.name,
                "keys": held,
            }
            related = (RelatedViolation(target, (), f"{reference.kind} {reference.name}"),)
            yield found.workload.obj, Violation(key_path, args, related)
