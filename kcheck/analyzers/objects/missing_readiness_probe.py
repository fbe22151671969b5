"""## What it does
Checks that every app container and every sidecar (an init container with `restartPolicy: Always`) of a
Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController has a `readinessProbe`.

Not checked: regular init containers and ephemeral containers (the API forbids probes on them), Jobs and
CronJobs (their pods run to completion and are seldom behind a Service), and bare Pods: no controller
paces a rollout by their readiness, and most bare Pods in manifests are one-off tasks, debugging pods or
`helm test` hooks. A container that serves no traffic (a queue worker) still benefits from a probe: the
rollout waits for it.

## Why is this bad?
Without a readiness probe a container counts as ready as soon as its process starts. A Service sends it
requests before it has loaded its configuration or opened its connections, a rolling update replaces the
old pods with new ones that are not serving yet (and carries on even when they never will), and a
container that stops answering keeps receiving traffic until something restarts it. StatefulSets and
DaemonSets pace their updates by readiness in the same way.

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
          ports:
            - {name: http, containerPort: 8080}
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
      containers:
        - name: app
          image: registry.example.com/web:1.4.2
          ports:
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: /ready, port: http}
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
    id="KC138",
    name="missing-readiness-probe",
    summary="A long-running container without a readiness probe.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} has no readinessProbe, so it counts as ready, and gets traffic, as soon "
    "as it starts",
    remediation="Add a `readinessProbe` that succeeds only when the container can serve.",
    docs=__doc__ or "",
    applies_to=kinds.LONG_RUNNING_WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=(
        "kube-linter:no-readiness-probe",
        "polaris:readinessProbeMissing",
        "kube-score:pod-probes",
        "checkov:CKV_K8S_9",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.keeps_running and container.container.readiness_probe is None:
            yield Violation(container.at("readinessProbe"), container.args)
