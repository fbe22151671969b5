"""## What it does
Checks every container and init container for a resource request that its limit does not allow: a
request greater than the limit, or, for resources that cannot be overcommitted (`hugepages-*` and extended
resources such as `nvidia.com/gpu`), a request that differs from the limit. Quantities are compared by
value (`1Gi` is `1024Mi`, `0.5` is `500m`), as the API server compares them; a quantity that does not
parse is left to the schema rules.

Not checked: ephemeral containers (the API forbids `resources` on them) and pod-level `spec.resources`.

## Why is this bad?
The API server rejects the pod (`must be less than or equal to cpu limit`, `must be equal to
nvidia.com/gpu limit`). For a workload the failure comes late: the Deployment or Job is accepted, and it
is its controller that fails to create pods, which shows only in the controller's events while the old
pods keep running or nothing runs at all.

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
        requests: {cpu: "1", memory: 512Mi}
        limits: {cpu: 500m, memory: 512Mi}
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
        requests: {cpu: 500m, memory: 512Mi}
        limits: {cpu: "1", memory: 512Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.quantity import Quantity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC137",
    name="requests-exceed-limits",
    summary="A container resource request above its limit, which the API server rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{role} {container!r} requests {request} of {resource} {problem}; the API server rejects it",
    remediation="Lower the request to at most the limit (to exactly the limit for hugepages and extended "
    "resources), or raise the limit.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits",
        "https://kubernetes.io/docs/tasks/manage-hugepages/scheduling-hugepages/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/extended-resource/",
    ),
)

ABOVE = "above its limit of {limit}"
NOT_EQUAL = "but its limit is {limit}, and {resource} cannot be overcommitted: the request must equal it"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.running:
        resources = container.container.resources
        requests = (resources.requests if resources is not None else None) or {}
        limits = (resources.limits if resources is not None else None) or {}
        for resource, request in requests.items():
            if resource not in limits:
                continue
            limit = limits[resource]
            parsed_request, parsed_limit = Quantity.parse(str(request)), Quantity.parse(str(limit))
            if not isinstance(parsed_request, Quantity) or not isinstance(parsed_limit, Quantity):
                continue
            if parsed_request > parsed_limit:
                problem = ABOVE.format(limit=limit)
            elif parsed_request != parsed_limit and not overcommit_allowed(resource):
                problem = NOT_EQUAL.format(limit=limit, resource=resource)
            else:
                continue
            path = container.at("resources", "requests", resource)
            yield Violation(
                path, {**container.args, "resource": resource, "request": request, "problem": problem}
            )


def overcommit_allowed(resource: str) -> bool:
    """IsOvercommitAllowed: native resources (no `/`, or in a `kubernetes.io/` namespace) but hugepages."""
    native = "/" not in resource or "kubernetes.io/" in resource
    return native and not resource.startswith("hugepages-")
