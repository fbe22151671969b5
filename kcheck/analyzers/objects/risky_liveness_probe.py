"""## What it does
Checks the liveness probes of app containers and sidecars for two settings that restart healthy
containers:

- `failureThreshold: 1`: one failed or timed-out check restarts the container.
- A liveness probe that has restarted a container which fails its checks before the readiness probe even
  starts, in a container without a `startupProbe`: `initialDelaySeconds + failureThreshold *
  periodSeconds` (with the API defaults of 0, 3 and 10; the time by which the kubelet has restarted the
  container at the latest) is at most the readiness probe's `initialDelaySeconds`.

Not reported: a `timeoutSeconds` at or above `periodSeconds` (the kubelet runs one check at a time, so the
checks only come less often) and short timeouts in general (one second is the default and is right for
most endpoints). Invalid settings, such as a liveness `successThreshold` other than 1, are
`invalid-probe` (KC149).

## Why is this bad?
A liveness probe is a kill switch. With `failureThreshold: 1` a garbage-collection pause, a burst of
traffic or one slow disk read restarts the container, which drops its in-flight requests and moves its
load to the other replicas, which may then fail the same way.

A readiness probe that waits 60 seconds says the application takes about that long to start. A liveness
probe with the default timing kills it within 30 seconds of failed checks: the container never finishes
starting and is restarted in a loop (`CrashLoopBackOff`). A `startupProbe` holds the liveness probe
back until the application has started; or delay the liveness probe past the start.

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
        httpGet: {path: /ready, port: 8080}
        initialDelaySeconds: 60
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
      startupProbe:
        httpGet: {path: /healthz, port: 8080}
        failureThreshold: 12
      readinessProbe:
        httpGet: {path: /ready, port: 8080}
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.probes import DEFAULT_FAILURE_THRESHOLD, Timing, timing
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC142",
    name="risky-liveness-probe",
    summary="A liveness probe whose settings restart healthy containers.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="{role} {container!r} has a risky livenessProbe: {problem}",
    remediation="Give the liveness probe a `failureThreshold` of at least 2, and a `startupProbe` (or a "
    "longer `initialDelaySeconds`) when the container starts slowly.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-score:pod-probes",),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-startup-probes",
    ),
)

FAILS_ONCE = "failureThreshold is 1, so a single slow or failed check restarts the container"
BEFORE_READY = (
    "with no startupProbe it restarts a container that fails its checks within {restarts_by}s of starting, "
    "but the readinessProbe does not start checking before {ready}s (initialDelaySeconds)"
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        liveness = container.container.liveness_probe
        if not container.keeps_running or liveness is None:
            continue
        live = timing(liveness)
        if _negative(live):
            continue  # invalid-probe (KC149) reports it
        if live.failure_threshold == 1:
            path = container.at("livenessProbe", "failureThreshold")
            fix = Fix(path, DEFAULT_FAILURE_THRESHOLD, f"Set `failureThreshold: {DEFAULT_FAILURE_THRESHOLD}`")
            yield Violation(path, {**container.args, "problem": FAILS_ONCE}, fix=fix)
        readiness = container.container.readiness_probe
        if container.container.startup_probe is not None or readiness is None:
            continue
        ready = timing(readiness).initial_delay_seconds
        if ready > 0 and live.restarts_by <= ready:
            problem = BEFORE_READY.format(restarts_by=live.restarts_by, ready=ready)
            yield Violation(
                container.at("livenessProbe", "initialDelaySeconds"), {**container.args, "problem": problem}
            )


def _negative(t: Timing) -> bool:
    return min(t.initial_delay_seconds, t.period_seconds, t.timeout_seconds, t.failure_threshold) < 0
