"""## What it does
Applies the LimitRanges of each namespace to the workloads, pods and PersistentVolumeClaims created there,
as the LimitRanger admission plugin does: first the `default` and `defaultRequest` of `Container` items
fill in what a container leaves unset (the API server itself fills in a missing `default` from `max` and a
missing `defaultRequest` from `default`, then from `min`); then every item's `min`, `max` and
`maxLimitRequestRatio` are checked, for each container and init container (`Container`), for the pod's
total (`Pod`: containers summed, init containers at their peak, sidecars alongside, pod overhead added) and
for each claim's storage request (`PersistentVolumeClaim`, a StatefulSet's claim templates included).
The message is the API server's own. Quantities are compared as upstream compares them (in milli units).

Only LimitRanges in the input are known: a namespace whose LimitRange lives elsewhere is not checked.

## Why is this bad?
The API server rejects the pod (`pods "web-5d8f" is forbidden: maximum memory usage per Container is 1Gi,
but limit is 2Gi`). For a workload the failure comes late and out of sight: the Deployment is accepted,
and its ReplicaSet fails to create pods, which shows only in the controller's events.

## Example
```yaml
apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: team-a
spec:
  limits:
    - type: Container
      max: {memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
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
            limits: {memory: 2Gi}
```
Use instead:
```yaml
apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: team-a
spec:
  limits:
    - type: Container
      max: {memory: 1Gi}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
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
            limits: {memory: 1Gi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.resources.admission import Rejection
from kcheck.analyzers.resources.analysis import NamespaceResources
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC701",
    name="rejected-by-limit-range",
    summary="A pod or claim that a LimitRange of its namespace makes the API server reject.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{what} is rejected at admission in namespace {namespace}: {reason} (LimitRange {limit_range})",
    remediation="Bring the requests and limits within the LimitRange's min, max and ratio, or change the "
    "LimitRange.",
    docs=__doc__ or "",
    applies_to=(*kinds.WORKLOADS, *kinds.builtin("PersistentVolumeClaim", "LimitRange")),
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=(
        "https://kubernetes.io/docs/concepts/policy/limit-range/",
        "https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/memory-constraint-namespace/",
    ),
)


def check(namespace: NamespaceResources, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for workload in namespace.workloads:
        yield from _findings(
            workload.obj, [*workload.pod.rejections, *workload.claim_rejections], namespace.name
        )
    for claim in namespace.claims:
        yield from _findings(claim.obj, claim.rejections, namespace.name)


def _findings(
    obj: K8sObject, rejections: list[Rejection], namespace: str
) -> Iterator[tuple[K8sObject, Violation]]:
    """One finding per offending value and LimitRange item: its messages together, as the API server
    aggregates them (a request defaulted from the limit fails with it)."""
    grouped: dict[tuple[int, ObjectPath], list[Rejection]] = {}
    for rejection in rejections:
        grouped.setdefault((id(rejection.item), rejection.path), []).append(rejection)
    for (_, path), same in grouped.items():
        item = same[0].item
        related = (
            RelatedViolation(
                item.limit_range, item.at("type"), f"the {item.type} limits of LimitRange {item.name}"
            ),
        )
        args = {
            "what": same[0].what,
            "namespace": namespace,
            "reason": "; ".join(dict.fromkeys(r.message for r in same)),
            "limit_range": item.name,
        }
        yield obj, Violation(path, args, related)
