"""## What it does
Checks every container's liveness, readiness and startup probes for what the API server's validation
rejects and the OpenAPI schema (KC501) does not express:

- a probe on a regular init container (one without `restartPolicy: Always`) or on an ephemeral
  container, where probes are forbidden;
- a probe with no handler, or with more than one of `exec`, `httpGet`, `tcpSocket` and `grpc`;
- a liveness or startup probe whose `successThreshold` is not 1 (0 or unset is defaulted to 1);
- a negative `initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`, `successThreshold` or
  `failureThreshold`.

The handlers' own fields (an `exec` without a command, a port out of range) are not checked here.

## Why is this bad?
The API server rejects the pod. For a Deployment, StatefulSet, Job or other workload the workload itself
is rejected, or, where an older release accepted it, its controller fails to create pods and the error
shows only in the controller's events. A `successThreshold` above 1 on a liveness probe is a common
copy-paste from a readiness probe, where it is allowed.

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
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
        successThreshold: 2
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
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
        successThreshold: 1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.probes import container_probes, handlers
from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.workloads import Probe

RULE = RuleSpec(
    id="KC149",
    name="invalid-probe",
    summary="A probe the API server rejects: misplaced, without exactly one handler, or with invalid values.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{role} {container!r} has an invalid {probe} probe: {problem}; the API server rejects it",
    remediation="Fix or remove the probe as the message says.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes",
        "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/",
    ),
)

NOT_ALLOWED = {
    "initContainer": "probes are not allowed on an init container without `restartPolicy: Always`",
    "ephemeralContainer": "probes are not allowed on an ephemeral container",
}
NO_HANDLER = "it sets no handler (exec, httpGet, tcpSocket or grpc)"
TWO_HANDLERS = "it sets more than one handler ({handlers})"
SUCCESS_NOT_ONE = "successThreshold is {value}, and a {probe} probe must have 1"
NEGATIVE = "{field} is {value}, below 0"
_SINGLE_SUCCESS = ("liveness", "startup")


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        for key, noun, probe in container_probes(container.container):
            args = {**container.args, "probe": noun}
            if not container.keeps_running:
                yield Violation(container.at(key), {**args, "problem": NOT_ALLOWED[container.role]})
                continue
            yield from _invalid(container, key, noun, probe, args)


def _invalid(
    container: ContainerView, key: str, noun: str, probe: Probe, args: dict[str, object]
) -> Iterator[Violation]:
    found = handlers(probe)
    if not found:
        yield Violation(container.at(key), {**args, "problem": NO_HANDLER})
    elif len(found) > 1:
        problem = TWO_HANDLERS.format(handlers=", ".join(handler for handler, _ in found))
        yield Violation(container.at(key, found[1][0]), {**args, "problem": problem})
    values = (
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    )
    for field, value in values:
        if value is not None and value < 0:
            problem = NEGATIVE.format(field=field, value=value)
            yield Violation(container.at(key, field), {**args, "problem": problem})
    success = probe.success_threshold
    if noun in _SINGLE_SUCCESS and success is not None and success > 1:
        path = container.at(key, "successThreshold")
        fix = Fix(path, 1, "Set `successThreshold: 1`")
        yield Violation(path, {**args, "problem": SUCCESS_NOT_ONE.format(value=success, probe=noun)}, fix=fix)
