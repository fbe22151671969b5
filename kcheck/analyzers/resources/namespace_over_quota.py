"""## What it does
Adds up what the input's workloads need in each namespace and compares it with each ResourceQuota's `hard`
limits, as the quota admission plugin charges pods and objects: a pod counts its requests and limits
(`requests.cpu`, `limits.memory`, `cpu` and `memory` are requests, `pods`, extended resources as
`requests.<name>`; init containers at their peak, sidecars alongside, the pod overhead added), only
against the quotas whose scopes match it (`BestEffort`, `NotBestEffort`, `Terminating`, `NotTerminating`,
`PriorityClass`, `CrossNamespacePodAffinity`, `scopes` and `scopeSelector` together); each workload counts
once per replica (a Job at its parallelism, a DaemonSet on `nodes` nodes, an option); claims count their
storage, in total and per StorageClass; every object of the namespace counts for `count/<resource>`,
`services`, `configmaps`, `secrets`, and Services for `services.nodeports` and `services.loadbalancers`.
Values LimitRanges fill in by default are counted.

The finding is on the quota's limit that is exceeded, with the largest consumers as related locations.
Only what the input holds is counted: usage by objects already in the cluster comes on top.

## Why is this bad?
The quota admission plugin rejects the pods (and objects) beyond the limit: `exceeded quota: compute,
requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2`. A rollout stalls part way,
with some replicas never created.

## Example
```yaml
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "2"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 5
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
  hard: {requests.cpu: "4"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: 5
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
            requests: {cpu: 500m}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.resources.analysis import NamespaceResources, UsageOptions, overage_violation, overages
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC704",
    name="namespace-over-quota",
    summary="The input's workloads and objects need more than a ResourceQuota of their namespace allows.",
    severity=Severity.ERROR,
    category=Category.RELIABILITY,
    message="namespace {namespace} needs {resource} {used} at declared replicas, above the hard limit {hard} "
    "of ResourceQuota {quota} ({consumers})",
    remediation="Raise the quota, or lower the replicas, requests or limits of the largest consumers.",
    docs=__doc__ or "",
    applies_to=kinds.builtin("ResourceQuota"),
    precision=Precision.HIGH,
    profile=Profile.MINIMAL,
    options=UsageOptions,
    references=(
        "https://kubernetes.io/docs/concepts/policy/resource-quotas/",
        "https://kubernetes.io/docs/tasks/administer-cluster/quota-api-object/",
    ),
)


def check(namespace: NamespaceResources, options: UsageOptions) -> Iterator[tuple[K8sObject, Violation]]:
    for overage in overages(namespace, at_max=False):
        yield overage.quota.quota, overage_violation(namespace, overage)
