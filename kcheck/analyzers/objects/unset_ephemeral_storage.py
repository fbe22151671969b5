"""## What it does
Checks that every container and init container limits its `ephemeral-storage`. A limit alone is enough:
the API server defaults a missing request to the limit, so the container then both requests and limits
the storage. A request without a limit is reported, since nothing then bounds what the container writes.
Ephemeral containers are not checked (the API forbids `resources` on them).

To require only a request, or a limit without this rule's opinion on the request, use the `resources`
option of `unset-resource-requests` (KC103) or `unset-resource-limits` (KC104) instead.

## Why is this bad?
A container's writable layer, its logs and its `emptyDir` volumes (other than `medium: Memory`) all use
the node's disk. Without a limit one container that logs too much or fills a scratch directory can use
it all: the node comes under disk pressure and the kubelet evicts pods, its neighbours included, starting
with those that use the most above their request. With a limit the kubelet evicts only the pod that
exceeds it, and with the request that follows from it the scheduler places the pod only where the
storage is free.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {cpu: 250m, memory: 128Mi, ephemeral-storage: 1Gi}
        limits: {memory: 256Mi}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {cpu: 250m, memory: 128Mi, ephemeral-storage: 1Gi}
        limits: {memory: 256Mi, ephemeral-storage: 2Gi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC135",
    name="unset-ephemeral-storage",
    summary="A container without an `ephemeral-storage` limit, so its disk use is unbounded.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} {problem}, so it can fill the node's disk",
    remediation="Set `resources.limits.ephemeral-storage` to the most the container may write.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.STRICT,
    replaces=("kube-score:container-ephemeral-storage-request-and-limit",),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/",
    ),
)

RESOURCE = "ephemeral-storage"
NEITHER = "neither requests nor limits ephemeral-storage"
REQUEST_ONLY = "requests ephemeral-storage but sets no limit"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.running:
        resources = container.container.resources
        requests = (resources.requests if resources is not None else None) or {}
        limits = (resources.limits if resources is not None else None) or {}
        if RESOURCE not in limits:
            problem = REQUEST_ONLY if RESOURCE in requests else NEITHER
            path = container.at("resources", "limits", RESOURCE)
            yield Violation(path, {**container.args, "problem": problem})
