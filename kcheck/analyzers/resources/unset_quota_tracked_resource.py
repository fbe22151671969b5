"""## What it does
Reports containers that set no request or limit for a resource that a ResourceQuota of their namespace
tracks: when a quota (one whose scopes match the pod) has `cpu`, `memory`, `requests.cpu`,
`requests.memory`, `limits.cpu` or `limits.memory` in `hard`, the quota admission plugin requires every
container and init container of every pod to set it. Values a LimitRange of the namespace fills in by
default count as set, as they do at admission; so does a limit, which is also the request it lacks. A pod
that sets pod-level `spec.resources` (Kubernetes 1.34 and later) is exempt.

## Why is this bad?
The API server rejects the pod: `pods "web-5d8f" is forbidden: failed quota: compute: must specify
limits.cpu for: app`. For a workload, its controller fails to create pods and says so only in its events.

## Example
```yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "4", limits.cpu: "8"}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {cpu: 500m}
```
Use instead:
```yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "4", limits.cpu: "8"}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {cpu: 500m}
        limits: {cpu: "1"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.resources.analysis import NamespaceResources
from kcheck.analyzers.resources.quota import constraint_message
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC703",
    name="unset-quota-tracked-resource",
    summary="A container without a request or limit that a ResourceQuota of its namespace requires.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{container} sets no {missing}, which ResourceQuota {quota} tracks in namespace {namespace}: the "
    "API server rejects the pod (failed quota: {quota}: {error})",
    remediation="Set the requests and limits the quota tracks on every container, or give the namespace a "
    "LimitRange with defaults for them.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=("https://kubernetes.io/docs/concepts/policy/resource-quotas/#compute-resource-quota",),
)


def check(namespace: NamespaceResources, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for workload in namespace.workloads:
        for constraint in workload.constraints:
            error = constraint_message(workload.pod, [(i, list(names)) for i, names in constraint.containers])
            quota = constraint.quota
            for index, names in constraint.containers:
                container = workload.pod.containers[index].demand
                args = {
                    "container": container.display,
                    "missing": " and ".join(names),
                    "quota": quota.name,
                    "namespace": namespace.name,
                    "error": error,
                }
                related = (RelatedViolation(quota.quota, ("spec", "hard"), "the quota's hard limits"),)
                yield workload.obj, Violation(container.at("resources"), args, related)
