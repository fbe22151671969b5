"""## What it does
Checks the `ports` of every container and init container for `containerPort: 22` over TCP (the protocol
defaults to TCP when unset), the port of SSH. Ephemeral containers cannot declare ports. Other protocols
on port 22, and SSH servers on other ports, are not reported.

## Why is this bad?
An SSH server in a container is one more service with credentials to steal and patch, and usually a sign
that the container is administered by hand: changes made over SSH are lost when the pod is replaced, and
they bypass the audit log that `kubectl exec` and `kubectl debug` go through. Use those to get a shell,
and rebuild the image to change it. When the workload really is an SSH service (a Git server, a bastion),
review it and suppress the finding.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: toolbox
spec:
  containers:
    - name: tools
      image: registry.example.com/toolbox:1.0.3
      ports:
        - name: ssh
          containerPort: 22
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: toolbox
spec:
  containers:
    - name: tools
      image: registry.example.com/toolbox:1.0.3
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
    id="KC128",
    name="ssh-port",
    summary="A container that exposes port 22/TCP, the SSH port.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} exposes port 22/TCP (containerPort), the SSH port",
    remediation="Remove the SSH server and port; use `kubectl exec` or `kubectl debug` to get a shell.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.HIGH,
    security_severity=5.0,
    replaces=("kube-linter:ssh-port",),
    references=(
        "https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/",
        "https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container",
    ),
)

SSH_PORT = 22


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.running:
        for index, port in enumerate(container.container.ports):
            if port.container_port == SSH_PORT and (port.protocol or "TCP") == "TCP":
                yield Violation(container.at("ports", index, "containerPort"), container.args)
