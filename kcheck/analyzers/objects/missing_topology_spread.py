"""## What it does
Checks Deployments, ReplicaSets, StatefulSets and ReplicationControllers that run two replicas or more
(an unset `replicas` is 1) and set no `topologySpreadConstraints` in their pod template. Whether the
constraints that are written select the pods and use valid values is `invalid-topology-spread` (KC153).

This rule is opt-in (the `strict` profile): a `podAntiAffinity` term on the node, which
`missing-pod-anti-affinity` (KC151) accepts, already keeps replicas off a shared node, and a cluster
operator can set default constraints for every pod in the scheduler's configuration
(`defaultConstraints` of the PodTopologySpread plugin), which no manifest shows.

## Why is this bad?
Without constraints, the scheduler's built-in default spreads pods only as a soft preference
(`ScheduleAnyway`, weighed against resource fit and image locality), so a rollout or a scale-up can
still place most replicas in one zone or on one node. A constraint with `maxSkew` on the zone and the node
bounds how unevenly they may be placed, which is what keeps a zone or node outage from taking out most of
the workload.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.scheduling import declared_replicas
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC152",
    name="missing-topology-spread",
    summary="A multi-replica workload without `topologySpreadConstraints`.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} runs {replicas} with no topologySpreadConstraints to spread them over zones and "
        "nodes"
    ),
    remediation=(
        "Add `topologySpreadConstraints` on `topology.kubernetes.io/zone` (and `kubernetes.io/hostname`) "
        "whose `labelSelector` matches the pod labels."
    ),
    docs=__doc__ or "",
    applies_to=kinds.SCALABLE_WORKLOADS,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("polaris:topologySpreadConstraint",),
    references=("https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    replicas = declared_replicas(workload.obj)
    if replicas is None or replicas.count < 2 or workload.spec.topology_spread_constraints:
        return
    yield Violation(
        workload.at("topologySpreadConstraints"), {**workload.args, "replicas": replicas.describe()}
    )
