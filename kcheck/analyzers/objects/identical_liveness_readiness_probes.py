"""## What it does
Checks app containers and sidecars for a liveness probe that repeats the readiness probe: the same
handler (the same command, or the same HTTP request, TCP port or gRPC service) and the same timing
(`initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`, `failureThreshold`). The API defaults count:
an `httpGet` without a `path` is the same as `path: /`, an unset `periodSeconds` the same as `10`.
Named and numeric ports are compared as written. `successThreshold` is not compared: it decides only when
a failed readiness probe recovers, not when the two fail.

## Why is this bad?
Readiness and liveness answer different questions: "should this pod get traffic now?" and "is this
container broken beyond repair?". When both probes are the same check with the same timing they fail at
the same moment, so a container that is only overloaded, or waiting for a slow dependency, is restarted
in the same instant it is taken out of the Service, with no chance to recover. If the check depends on a
database or another service, one outage of it restarts every replica at once. Give the liveness probe a
cheaper check (the process answers) or at least a longer `failureThreshold`, so readiness fails first.

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
      readinessProbe:
        httpGet: {path: /healthz, port: 8080}
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
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
      readinessProbe:
        httpGet: {path: /healthz, port: 8080}
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
        failureThreshold: 6
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.probes import normalized_handler, timing
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import RelatedViolation, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import Probe

RULE = RuleSpec(
    id="KC140",
    name="identical-liveness-readiness-probes",
    summary="A liveness probe identical to the readiness probe, so both fail at the same moment.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} has a livenessProbe identical to its readinessProbe, so the kubelet "
    "restarts it the moment it stops getting traffic",
    remediation="Make the liveness probe check less (the process answers), or fail later than the readiness "
    "probe (a larger `failureThreshold`).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-score:pod-probes-identical",),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        liveness, readiness = container.container.liveness_probe, container.container.readiness_probe
        if not container.keeps_running or liveness is None or readiness is None:
            continue
        if _same(liveness, readiness):
            related = RelatedViolation(workload.obj, container.at("readinessProbe"), "the readiness probe")
            yield Violation(container.at("livenessProbe"), container.args, related=(related,))


def _same(liveness: Probe, readiness: Probe) -> bool:
    handler = normalized_handler(liveness)
    if handler is None or handler != normalized_handler(readiness):
        return False
    a, b = timing(liveness), timing(readiness)
    return (a.initial_delay_seconds, a.period_seconds, a.timeout_seconds, a.failure_threshold) == (
        b.initial_delay_seconds,
        b.period_seconds,
        b.timeout_seconds,
        b.failure_threshold,
    )
