"""## What it does
Checks that every container and init container requests the resources named by the `resources` option
(CPU and memory by default). A resource with a limit but no request passes: the API server defaults a
missing request to the limit. Ephemeral containers are not checked (the API forbids `resources` on them).

## Why is this bad?
The scheduler places pods by their requests. A container without requests counts as needing nothing, so
nodes get overcommitted and the pod competes for CPU and memory with whatever else lands there; a pod
with no request or limit at all is in the BestEffort QoS class and is the first one the kubelet evicts
when the node runs short of memory. Requests are also what a ResourceQuota and the Horizontal Pod
Autoscaler's utilization targets are measured against.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {memory: 128Mi}
        limits: {memory: 256Mi}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        requests: {cpu: 250m, memory: 128Mi}
        limits: {cpu: 500m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    resources: list[str] = Field(
        default=["cpu", "memory"],
        description="The resources every container must request (`cpu`, `memory`, `ephemeral-storage`, ...).",
    )


RULE = RuleSpec(
    id="KC103",
    name="unset-resource-requests",
    summary="A container that requests no CPU or memory (or another required resource).",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} has no {resource} request, so the scheduler assumes it needs none",
    remediation="Set `resources.requests` to what the container needs under normal load.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    replaces=(
        "kube-linter:unset-cpu-requirements",
        "kube-linter:unset-memory-requirements",
        "polaris:cpuRequestsMissing",
        "polaris:memoryRequestsMissing",
        "kube-score:container-resources",
        "checkov:CKV_K8S_10",
        "checkov:CKV_K8S_12",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    required = (options or Options()).resources
    for container in workload.running:
        resources = container.container.resources
        requests = (resources.requests if resources is not None else None) or {}
        limits = (resources.limits if resources is not None else None) or {}
        for resource in required:
            # SetDefaults_Pod copies every limit without a request into requests, so a limit alone is enough.
            if resource not in requests and resource not in limits:
                path = container.at("resources", "requests", resource)
                yield Violation(path, {**container.args, "resource": resource})
