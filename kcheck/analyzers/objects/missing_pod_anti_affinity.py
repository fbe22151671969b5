"""## What it does
Checks Deployments and StatefulSets with at least `min-replicas` replicas (2 by default; an unset
`replicas` is 1) whose pods nothing keeps apart: no `podAntiAffinity` term, required or preferred, and no
`topologySpreadConstraints` entry, that both

- uses one of the `topology-keys` (by default the node, `kubernetes.io/hostname`, or the zone,
  `topology.kubernetes.io/zone` or the older `failure-domain.beta.kubernetes.io/zone`), and
- selects the workload's own pods: its `labelSelector` matches the pod template's labels. A null
  `labelSelector` matches no pod; `matchLabelKeys` keep the pod's own siblings, `mismatchLabelKeys` on a
  label the pods carry exclude them (the API server merges both into the selector). A selector on a label
  only the controller sets (`pod-template-hash`, `controller-revision-hash`, ...) is given the benefit of
  the doubt. A term limited by `namespaces` to other namespaces than the workload's does not count.

Either mechanism is enough: a topology spread constraint on the hostname spreads the replicas as well as
an anti-affinity term does, and `missing-topology-spread` (KC152) asks for constraints on their own.

## Why is this bad?
The scheduler's default scoring spreads a workload's pods only as a preference among others (resources,
image locality), so replicas regularly land on one node or in one zone. Then one node failure, one
kernel upgrade drain, or one zone outage takes every replica down at once, and the redundancy the replica
count was meant to buy is not there.

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
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels: {app: web}
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.scheduling import (
    FAILURE_DOMAIN_KEYS,
    HOSTNAME_KEY,
    Selects,
    declared_replicas,
    own_selector_labels,
    pods_selected,
)
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import Deployment, PodAffinityTerm, StatefulSet


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    min_replicas: int = Field(
        default=2, ge=2, alias="min-replicas", description="Workloads with fewer replicas are not checked."
    )
    topology_keys: list[str] = Field(
        default=list(FAILURE_DOMAIN_KEYS),
        alias="topology-keys",
        description="The node label keys that count as spreading the pods apart (the node, the zone).",
    )


RULE = RuleSpec(
    id="KC151",
    name="missing-pod-anti-affinity",
    summary="A multi-replica Deployment or StatefulSet whose replicas may all land on one node.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message=(
        "{kind} {name!r} runs {replicas} with no pod anti-affinity or topology spread over the node or zone, "
        "so they may all run on one node"
    ),
    remediation=(
        "Add a preferred `podAntiAffinity` term on `kubernetes.io/hostname` whose `labelSelector` matches "
        "the pod labels, or a `topologySpreadConstraints` entry on that key."
    ),
    docs=__doc__ or "",
    applies_to=kinds.builtin(kinds.DEPLOYMENT, kinds.STATEFUL_SET),
    options=Options,
    precision=Precision.HIGH,
    replaces=(
        "kube-linter:no-anti-affinity",
        "kube-score:deployment-has-host-podantiaffinity",
        "kube-score:statefulset-has-host-podantiaffinity",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    options = options or Options()
    if not isinstance(workload.obj, (Deployment, StatefulSet)):
        return
    replicas = declared_replicas(workload.obj)
    if replicas is None or replicas.count < options.min_replicas:
        return
    keys = frozenset(options.topology_keys)
    if _anti_affinity_spreads(workload, keys) or _constraints_spread(workload, keys):
        return
    path = workload.at("affinity", "podAntiAffinity")
    yield Violation(path, {**workload.args, "replicas": replicas.describe()}, fix=_fix(workload, path))


def _fix(workload: WorkloadView, path: ObjectPath) -> Fix | None:
    """A preferred anti-affinity term on the node, selecting what the workload's own selector selects."""
    affinity = workload.spec.affinity
    if affinity is not None and affinity.pod_anti_affinity is not None:
        return None  # terms exist already (on other keys, or selecting other pods): a person decides
    selected = own_selector_labels(workload.obj, workload.template.labels)
    if selected is None:
        return None
    term = {"topologyKey": HOSTNAME_KEY, "labelSelector": {"matchLabels": selected}}
    value = {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": term}]}
    return Fix(path, value, "Add a preferred pod anti-affinity term on `kubernetes.io/hostname`")


def _anti_affinity_spreads(workload: WorkloadView, keys: frozenset[str]) -> bool:
    affinity = workload.spec.affinity
    anti = affinity.pod_anti_affinity if affinity is not None else None
    if anti is None:
        return False
    terms = [
        *anti.required_during_scheduling_ignored_during_execution,
        *(w.pod_affinity_term for w in anti.preferred_during_scheduling_ignored_during_execution),
    ]
    return any(term is not None and _term_spreads(workload, term, keys) for term in terms)


def _term_spreads(workload: WorkloadView, term: PodAffinityTerm, keys: frozenset[str]) -> bool:
    if term.topology_key not in keys:
        return False
    namespace = workload.obj.metadata.namespace
    # The term's namespaces, when listed and without a namespaceSelector, are the only ones it looks at.
    if term.namespaces and term.namespace_selector is None and namespace and namespace not in term.namespaces:
        return False
    labels = workload.template.labels
    selects = pods_selected(term.label_selector, labels, term.match_label_keys, term.mismatch_label_keys)
    return selects in (Selects.OWN_PODS, Selects.UNKNOWN)


def _constraints_spread(workload: WorkloadView, keys: frozenset[str]) -> bool:
    labels = workload.template.labels
    return any(
        constraint.topology_key in keys
        and pods_selected(constraint.label_selector, labels, constraint.match_label_keys)
        in (Selects.OWN_PODS, Selects.UNKNOWN)
        for constraint in workload.spec.topology_spread_constraints
    )
