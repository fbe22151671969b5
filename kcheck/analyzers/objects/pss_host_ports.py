"""## What it does
Checks for `ports[*].hostPort` other than 0 in every container (containers, init containers, and
ephemeral containers as upstream visits them, though the API rejects ports there), one finding per
port: the baseline control *Host Ports* (upstream check `hostPorts`). `hostPort: 0` and unset are
allowed; the standard's "known list" is not supported by the admission controller, nor here.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
A host port binds the node's address: the pod receives traffic meant for the node, bypasses
NetworkPolicies enforced on pod IPs in some network plugins, and two such pods cannot share a node.
The baseline policy forbids host ports.

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
          hostPort: 8080
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

from kcheck.analyzers.objects import pss
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

CHECK = "hostPorts"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC185",
    name="pss-host-ports",
    summary="A container port bound to a port of the node, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `hostPort` and expose the port through a Service.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostPorts.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.host_ports(workload, workload.context.kubernetes_version))
