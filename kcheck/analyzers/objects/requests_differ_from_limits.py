"""## What it does
Checks that every container and init container requests exactly its limit for each resource the
`resources` option names (CPU and memory by default), as the Guaranteed QoS class requires. Quantities are
compared by value (`1` equals `1000m`, `1Gi` equals `1024Mi`). A limit without a request passes: the API
server defaults the request to the limit. A request without a limit is reported; a resource with neither
is left to `unset-resource-requests` (KC103) and `unset-resource-limits` (KC104).

Not checked: ephemeral containers (the API forbids `resources` on them), pods that set pod-level
`spec.resources` (their QoS class is computed from those instead), and quantities that do not parse
(the schema rules report them).

## Why is this bad?
A pod is in the Guaranteed QoS class only when every container's CPU and memory requests equal its
limits. Guaranteed pods are the last the kubelet evicts when a node runs short of memory, get the lowest
OOM score, and are the only ones the static CPU manager gives dedicated cores. A container that may use
more than it requests is Burstable: it works until the node is busy, then it is throttled, killed or
evicted first. Equal requests and limits also make what the scheduler reserves what the pod uses.

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
        requests: {cpu: 250m, memory: 128Mi}
        limits: {cpu: 500m, memory: 128Mi}
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
        requests: {cpu: 500m, memory: 128Mi}
        limits: {cpu: "0.5", memory: 128Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.quantity import Quantity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    resources: list[str] = Field(
        default=["cpu", "memory"],
        description=(
            "The resources whose request must equal the limit; the QoS class reads `cpu` and `memory`, "
            "add `ephemeral-storage` to hold it to the same rule."
        ),
    )


RULE = RuleSpec(
    id="KC136",
    name="requests-differ-from-limits",
    summary="A container whose CPU or memory request differs from its limit, so its pod is not Guaranteed.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{role} {container!r} {problem}, so its pod is not in the Guaranteed QoS class",
    remediation="Set the request and the limit of each resource to the same quantity.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    profile=Profile.STRICT,
    replaces=(
        "kube-score:container-resource-requests-equal-limits",
        "kube-score:container-cpu-requests-equal-limits",
        "kube-score:container-memory-requests-equal-limits",
        "kube-score:container-ephemeral-storage-request-equals-limit",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#guaranteed",
        "https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/",
        "https://kubernetes.io/docs/tasks/administer-cluster/cpu-management-policies/#static-policy",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    pod_resources = workload.spec.resources
    if pod_resources is not None and (pod_resources.requests or pod_resources.limits):
        return  # PodLevelResources: the QoS class follows the pod's own requests and limits
    wanted = (options or Options()).resources
    for container in workload.running:
        resources = container.container.resources
        requests = (resources.requests if resources is not None else None) or {}
        limits = (resources.limits if resources is not None else None) or {}
        for resource in wanted:
            if resource not in requests:
                continue  # a limit alone: SetDefaults_Pod copies it into the request
            request = requests[resource]
            if resource not in limits:
                path = container.at("resources", "limits", resource)
                problem = f"requests {request} of {resource} but sets no {resource} limit"
                fix = Fix(path, request, f"Set the {resource} limit to the request, {request}")
                yield Violation(path, {**container.args, "resource": resource, "problem": problem}, fix=fix)
                continue
            limit = limits[resource]
            parsed_request, parsed_limit = Quantity.parse(str(request)), Quantity.parse(str(limit))
            if not isinstance(parsed_request, Quantity) or not isinstance(parsed_limit, Quantity):
                continue
            if parsed_request != parsed_limit:
                problem = f"requests {request} of {resource} but its {resource} limit is {limit}"
                path = container.at("resources", "requests", resource)
                yield Violation(path, {**container.args, "resource": resource, "problem": problem})
