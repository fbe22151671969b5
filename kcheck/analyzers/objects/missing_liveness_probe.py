"""## What it does
Checks that every app container and every sidecar (an init container with `restartPolicy: Always`) of a
Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController has a `livenessProbe`.

Not checked: regular init containers and ephemeral containers (the API forbids probes on them), Jobs and
CronJobs (their pods run to completion; `activeDeadlineSeconds` bounds a hung one), and bare Pods, which
in manifests are mostly one-off tasks, debugging pods or `helm test` hooks.

This rule is opt-in: a liveness probe is only worth having when the container can hang without exiting
(a deadlock, an exhausted pool), and a careless one does harm (see `risky-liveness-probe`, KC142, and
`identical-liveness-readiness-probes`, KC140). A container that exits when it breaks is restarted by
the kubelet without any probe.

## Why is this bad?
The kubelet restarts a container whose process exits, but not one that is running and stuck. Without a
liveness probe a deadlocked server stays deadlocked: its readiness probe (if any) takes it out of the
Service, and the workload runs with one replica fewer until someone deletes the pod by hand.

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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            failureThreshold: 6
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
    id="KC139",
    name="missing-liveness-probe",
    summary="A long-running container without a liveness probe.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} has no livenessProbe, so the kubelet does not restart it when it hangs",
    remediation="Add a `livenessProbe` that fails only when the container cannot recover by itself.",
    docs=__doc__ or "",
    applies_to=kinds.LONG_RUNNING_WORKLOADS,
    precision=Precision.MEDIUM,
    profile=Profile.STRICT,
    replaces=("kube-linter:no-liveness-probe", "polaris:livenessProbeMissing", "checkov:CKV_K8S_8"),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.keeps_running and container.container.liveness_probe is None:
            yield Violation(container.at("livenessProbe"), container.args)
