"""## What it does
Checks for pods and pod templates that set `hostPID: true`.

## Why is this bad?
A pod in the host's PID namespace sees every process on the node, including those of other pods:
it can read their command lines and, running as root, their environment variables (where secrets often
live) through `/proc`, signal or kill them, and with `CAP_SYS_PTRACE` attach to them. It is a common
step in escaping to the node. The Pod Security Standards forbid it from the Baseline profile up (CIS
Kubernetes Benchmark 5.2.3).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostPID: true
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC106",
    name="host-pid",
    summary="A pod that shares the node's process namespace (`hostPID: true`).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} shares the node's process namespace (hostPID: true)",
    remediation="Remove `hostPID: true`; use `shareProcessNamespace` to share processes within the pod.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=8.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    replaces=(
        "kube-linter:host-pid",
        "polaris:hostPIDSet",
        "checkov:CKV_K8S_17",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    if workload.spec.host_pid:
        path = workload.at("hostPID")
        yield Violation(path, workload.args, fix=Fix(path, False, "Set `hostPID: false`"))
