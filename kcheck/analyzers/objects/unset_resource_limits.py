"""## What it does
Checks that every container and init container sets a limit for the resources named by the `resources`
option (memory by default). Ephemeral containers are not checked (the API forbids `resources` on
them).

## Why is this bad?
Without a memory limit a leaking container grows until the node runs out of memory, and the kernel or the
kubelet then kills or evicts other pods along with it; without a CPU limit one busy container can starve
its neighbours of the CPU above their requests. Limits bound what a bug or a traffic spike can cost.
CPU limits are a trade-off rather than a rule: a container at its CPU limit is throttled even when the
node is idle, which adds latency, so by default only memory limits are required; set the option
`resources: [cpu, memory]` to require both.

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
        requests: {cpu: 250m, memory: 128Mi}
        limits: {cpu: 500m}
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
        default=["memory"],
        description="The resources every container must limit; add `cpu` to bound CPU as well.",
    )


RULE = RuleSpec(
    id="KC104",
    name="unset-resource-limits",
    summary="A container without a CPU or memory limit (or another required resource).",
    severity=Severity.WARNING,
    category=Category.EFFICIENCY,
    message="{role} {container!r} has no {resource} limit, so it can take all the node has",
    remediation="Set `resources.limits` to the most the container may use.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    replaces=(
        "polaris:cpuLimitsMissing",
        "polaris:memoryLimitsMissing",
        "kube-score:container-resources",
        "checkov:CKV_K8S_11",
        "checkov:CKV_K8S_13",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    required = (options or Options()).resources
    for container in workload.running:
        resources = container.container.resources
        limits = (resources.limits if resources is not None else None) or {}
        for resource in required:
            if resource not in limits:
                path = container.at("resources", "limits", resource)
                yield Violation(path, {**container.args, "resource": resource})
