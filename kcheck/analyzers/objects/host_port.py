"""## What it does
Checks the `ports` of every container and init container for a non-zero `hostPort`. Ephemeral containers
cannot declare ports (the API forbids it).

A pod with `hostNetwork: true` is not checked: there every port is already a port of the node (the API
server even defaults `hostPort` to `containerPort`), and `host-network` (KC105) reports the pod.

## Why is this bad?
A hostPort binds the port on the address of every node the pod lands on. Only one pod per node can hold
a given hostPort and protocol, so replicas past the number of nodes stay Pending and rolling updates can
stall; the port is reachable by anyone who can reach the node, outside the Service the workload is meant
to be reached through; and the pod is tied to whichever node it was scheduled to. Expose the container
through a Service (a NodePort or LoadBalancer one when it must be reached from outside the cluster)
instead.

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
        - containerPort: 8080
          hostPort: 80
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

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC126",
    name="host-port",
    summary="A container port bound on the node's address (`hostPort`).",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} binds port {host_port}/{protocol} on the node (hostPort), so only one such "
    "pod fits on a node and the port is open on the node's address",
    remediation="Remove `hostPort` and expose the container through a Service.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=4.0,
    replaces=("polaris:hostPortSet", "checkov:CKV_K8S_26"),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/overview/#services",
        "https://kubernetes.io/docs/concepts/services-networking/service/",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    if workload.spec.host_network:
        return
    for container in workload.running:
        for index, port in enumerate(container.container.ports):
            if port.host_port:
                args = {**container.args, "host_port": port.host_port, "protocol": port.protocol or "TCP"}
                yield Violation(container.at("ports", index, "hostPort"), args)
