"""## What it does
Checks the `ports` of every container and init container for a `containerPort` from 1 to 1023, the
ports Linux reserves for privileged processes. Ephemeral containers cannot declare ports, and containers
meant for Windows nodes are not checked (Windows has no such range).

A pod that lowers the reserved range with the sysctl `net.ipv4.ip_unprivileged_port_start` (a safe
sysctl, allowed in every pod since Kubernetes 1.22) is reported only for the ports still below the value
it sets. Some runtimes lower it for every pod of their own accord (containerd's and CRI-O's
`enable_unprivileged_ports`, as kind and k3s configure them): that is invisible in a manifest, so use the
sysctl, or suppress the rule, where you rely on it.

## Why is this bad?
Binding a port below 1024 takes root or the `NET_BIND_SERVICE` capability, so the image either runs as
root or needs a capability added back after dropping all of them; both widen what an attacker inside the
container can do. A container does not need the well-known port to be reached on it: the Service can
listen on port 80 and forward to the container's port 8080.

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
        - containerPort: 80
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
        - containerPort: 8080
```
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC127",
    name="privileged-port",
    summary="A container port below 1024, which takes root or `NET_BIND_SERVICE` to bind.",
    severity=Severity.INFO,
    category=Category.SECURITY,
    message="{role} {container!r} listens on privileged port {port}/{protocol} (containerPort below "
    "{limit}), which takes root or NET_BIND_SERVICE to bind",
    remediation="Listen on a port from 1024 up and let the Service map the well-known port to it.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    profile=Profile.STRICT,
    precision=Precision.HIGH,
    security_severity=2.0,
    replaces=("kube-linter:privileged-ports",),
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls",
        "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",
    ),
)

PRIVILEGED_BELOW = 1024
_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    if workload.windows:
        return
    reserved_below = _unprivileged_port_start(workload)
    for container in workload.running:
        if container.windows:
            continue
        for index, port in enumerate(container.container.ports):
            number = port.container_port
            if number is not None and 0 < number < reserved_below:
                protocol = port.protocol or "TCP"
                args = {**container.args, "port": number, "protocol": protocol, "limit": reserved_below}
                yield Violation(container.at("ports", index, "containerPort"), args)


def _unprivileged_port_start(workload: WorkloadView) -> int:
    """The first port an unprivileged process may bind in the pod's network namespace."""
    context = workload.spec.security_context
    start = PRIVILEGED_BELOW
    for sysctl in context.sysctls if context is not None else ():
        # Kubernetes also accepts sysctl names written with slashes (`net/ipv4/...`) since 1.23.
        if (sysctl.name or "").replace("/", ".") == _SYSCTL and sysctl.value is not None:
            with contextlib.suppress(ValueError):
                start = min(int(sysctl.value.strip()), PRIVILEGED_BELOW)
    return start
