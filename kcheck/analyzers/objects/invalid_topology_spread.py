"""## What it does
Checks each entry of a pod template's (or a Pod's) `topologySpreadConstraints` for a constraint the API
server accepts but that does not spread the workload's own pods:

- no `labelSelector` (or `null`): the scheduler counts the pods a constraint's selector matches, and a
  null selector matches none, so every domain counts zero and the constraint never holds a pod back;
- a `labelSelector` that does not match the pod template's own labels: the pods are spread relative to
  some other set of pods, not among themselves. A selector on a label only the controller sets
  (`pod-template-hash`, `controller-revision-hash`, `job-name`, ...) is not judged, nor is an invalid one.

Values the API server rejects (`maxSkew` below 1, a `whenUnsatisfiable` other than `DoNotSchedule` or
`ScheduleAnyway`, `minDomains` below 1 or with `ScheduleAnyway`, two constraints on the same
`topologyKey` and `whenUnsatisfiable`, a missing `topologyKey`, a bad selector, `matchLabelKeys` without
a `labelSelector` or on a key the selector already uses) are not reported here:
the object would not be created at all, which is the schema rules' business.

## Why is this bad?
The constraint reads as if it protected the workload from losing every replica in one zone or on one
node, and it does nothing of the kind. Nobody notices until an outage shows that all the pods were in the
same place.

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
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
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
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels: {app: web}
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.scheduling import Selects, own_selector_labels, pods_selected
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC153",
    name="invalid-topology-spread",
    summary=(
        "A topology spread constraint that does not select the workload's own pods, so it spreads nothing."
    ),
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{kind} {name!r}: topologySpreadConstraints[{index}] {problem}",
    remediation="Give the constraint a `labelSelector` that matches the labels of the pod template.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    replaces=("kube-score:pod-topology-spread-constraints",),
    references=(
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#spread-constraint-definition",
    ),
)

NO_SELECTOR = "has no labelSelector, so it counts no pods and constrains nothing"
OTHER_PODS = "has a labelSelector that does not match the pod's own labels, so the pods are not spread"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    labels = workload.template.labels
    for index, constraint in enumerate(workload.spec.topology_spread_constraints):
        path = workload.at("topologySpreadConstraints", index, "labelSelector")
        selects = pods_selected(constraint.label_selector, labels, constraint.match_label_keys)
        args = {**workload.args, "index": index}
        if selects is Selects.NO_PODS:
            own = own_selector_labels(workload.obj, labels)
            fix = None if own is None else Fix(path, {"matchLabels": own}, "Select the workload's own pods")
            yield Violation(path, {**args, "problem": NO_SELECTOR}, fix=fix)
        elif selects is Selects.OTHER_PODS:
            yield Violation(path, {**args, "problem": OTHER_PODS})
