"""## What it does
Reports a container whose request is above the limit that a LimitRange gives it by default: the container
sets a request (say `cpu: "1"`) and no limit, and a `Container` item of its namespace's LimitRange has a
smaller `default` (or `max`, which the API server copies into a missing `default`). After LimitRanger fills
in the default limit, the request exceeds it. Requests above limits that are both written in the manifest
are KC137's.

## Why is this bad?
The API server rejects the pod (`spec.containers[0].resources.requests: Invalid value: "1": must be less
than or equal to cpu limit of 500m`). Nothing in the workload's own file shows why: the limit comes from
another object, often owned by another team.

## Example
```yaml
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: team-a
spec:
  limits:
    - type: Container
      default: {cpu: 500m}
---
apiVersion: v1
kind: Pod
metadata:
  name: batch
  namespace: team-a
spec:
  containers:
    - name: worker
      image: registry.example.com/worker:2.0.1
      resources:
        requests: {cpu: "1"}
```
Use instead:
```yaml
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: team-a
spec:
  limits:
    - type: Container
      default: {cpu: 500m}
---
apiVersion: v1
kind: Pod
metadata:
  name: batch
  namespace: team-a
spec:
  containers:
    - name: worker
      image: registry.example.com/worker:2.0.1
      resources:
        requests: {cpu: "1"}
        limits: {cpu: "1"}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.resources.admission import requests_above_limits
from kcheck.analyzers.resources.analysis import NamespaceResources
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.kube.quantity import format_quantity
from kcheck.model import kinds
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC702",
    name="limit-range-default-below-request",
    summary="A container request above the default limit its namespace's LimitRange gives it.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{container} requests {request} of {resource}, above the default limit {limit} that LimitRange "
    "{limit_range} gives it in namespace {namespace}; the API server rejects the pod",
    remediation="Set a limit at least as large as the request, or lower the request.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/cpu-default-namespace/",
    ),
)


def check(namespace: NamespaceResources, options: None = None) -> Iterator[tuple[K8sObject, Violation]]:
    for workload in namespace.workloads:
        for container, resource, item in requests_above_limits(workload.pod):
            args = {
                "container": container.demand.display,
                "request": format_quantity(container.requests[resource], resource),
                "resource": resource,
                "limit": format_quantity(container.limits[resource], resource),
                "limit_range": item.name,
                "namespace": namespace.name,
            }
            related = (RelatedViolation(item.limit_range, item.at("default", resource), "the default limit"),)
            yield (
                workload.obj,
                Violation(container.demand.at("resources", "requests", resource), args, related),
            )
