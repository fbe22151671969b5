"""## What it does
Checks the liveness, readiness and startup probes of app containers and sidecars for an `httpGet` or
`tcpSocket` port given by name (`port: http`) that no entry of the same container's `ports` defines.
The kubelet looks the name up in that container only: a port named in another container of the pod does
not count.

Not reported: numeric ports. The kubelet probes the pod's IP at that number whether or not the container
declares it (declaring ports is informational), so unlike kube-linter's `liveness-port`,
`readiness-port` and `startup-port`, which also require numeric ports to be declared, this rule reports
only what cannot work. gRPC probes take a number only. Lifecycle hooks (`postStart`, `preStop`) are not
checked.

## Why is this bad?
A probe whose port name does not resolve fails every time, without ever reaching the container: a
readiness probe keeps the pod out of its Services forever and stalls the rollout, a liveness probe
restarts the container in a loop, and a startup probe kills it before it is ever considered started.
The usual cause is a renamed port (`http` became `web`) or a probe copied from another container.

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
      ports:
        - {name: web, containerPort: 8080}
      readinessProbe:
        httpGet: {path: /ready, port: http}
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
      ports:
        - {name: http, containerPort: 8080}
      readinessProbe:
        httpGet: {path: /ready, port: http}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kcheck.analyzers.objects.probes import container_probes, network_handlers
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC141",
    name="probe-port-not-found",
    summary="A probe that names a port the container does not define.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{role} {container!r} has a {probe} probe on port {port!r}, which no port of the container "
    "names, so the probe always fails",
    remediation="Name the port in the container's `ports`, or use the name (or number) it already has.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    profile=Profile.DEFAULT,
    replaces=("kube-linter:liveness-port", "kube-linter:readiness-port", "kube-linter:startup-port"),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port",
    ),
)

# The kubelet falls back to strconv.Atoi for a name it cannot find: a number written as a string is a
# number (the API rejects it as a port name anyway).
_NUMBER = re.compile(r"[+-]?[0-9]+\Z")


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if not container.keeps_running:
            continue
        names = {port.name for port in container.container.ports if port.name}
        for key, noun, probe in container_probes(container.container):
            for handler_key, handler in network_handlers(probe):
                port = handler.port
                if isinstance(port, str) and port and not _NUMBER.match(port) and port not in names:
                    path = container.at(key, handler_key, "port")
                    yield Violation(path, {**container.args, "probe": noun, "port": port})
