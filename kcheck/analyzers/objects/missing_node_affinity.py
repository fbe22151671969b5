"""## What it does
Checks pods and pod templates that say nothing about which nodes they may run on: no `nodeSelector`
entry and no `nodeAffinity` term (required or preferred). A pod pinned to a node by `nodeName` is not
reported, nor are DaemonSets, whose pods are meant to run on every node unless told otherwise.
Tolerations do not count: a toleration lets a pod onto tainted nodes, it does not keep it off others.

This rule is opt-in (the `strict` profile): in a cluster with one kind of node, any node is the right
one.

## Why is this bad?
In a cluster with several node pools (spot and on-demand, GPU and general purpose, system and workload,
arm64 and amd64), a pod without node constraints may be placed on any node it tolerates: a latency
sensitive service on preemptible capacity, an amd64-only image on an arm64 node, an ordinary workload on
an expensive GPU node. Stating the node requirements makes the placement a decision instead of an
accident.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
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
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector:
        kubernetes.io/arch: amd64
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
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
    id="KC154",
    name="missing-node-affinity",
    summary="A pod template with neither a `nodeSelector` nor a `nodeAffinity`: it may run on any node.",
    severity=Severity.INFO,
    category=Category.RELIABILITY,
    message="{kind} {name!r} sets neither a nodeSelector nor a nodeAffinity, so its pods may run on any node",
    remediation="Add a `nodeSelector` or a `nodeAffinity` that names the nodes the pods are meant for.",
    docs=__doc__ or "",
    applies_to=kinds.builtin(
        kinds.POD,
        kinds.DEPLOYMENT,
        kinds.REPLICA_SET,
        kinds.STATEFUL_SET,
        kinds.JOB,
        kinds.CRON_JOB,
        kinds.REPLICATION_CONTROLLER,
    ),
    precision=Precision.LOW,
    profile=Profile.STRICT,
    replaces=("kube-linter:no-node-affinity",),
    references=("https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/",),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    spec = workload.spec
    if spec.node_name or spec.node_selector:
        return
    node_affinity = spec.affinity.node_affinity if spec.affinity is not None else None
    if node_affinity is not None:
        required = node_affinity.required_during_scheduling_ignored_during_execution
        if (required is not None and required.node_selector_terms) or (
            node_affinity.preferred_during_scheduling_ignored_during_execution
        ):
            return
    yield Violation(workload.at("affinity", "nodeAffinity"), workload.args)
