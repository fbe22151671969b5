"""## What it does
Checks for pods and pod templates that set `hostIPC: true`.

## Why is this bad?
A pod in the host's IPC namespace can read and write the shared memory segments, semaphores and
message queues of every process on the node, including other pods' processes, which leaks data and lets
the pod tamper with them. Containers of one pod already share an IPC namespace, so the host's is never
needed for that. The Pod Security Standards forbid it from the Baseline profile up (CIS Kubernetes
Benchmark 5.2.4).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostIPC: true
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
    id="KC107",
    name="host-ipc",
    summary="A pod that shares the node's IPC namespace (`hostIPC: true`).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} shares the node's IPC namespace (hostIPC: true)",
    remediation="Remove `hostIPC: true`; containers of the same pod already share an IPC namespace.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    replaces=(
        "kube-linter:host-ipc",
        "polaris:hostIPCSet",
        "checkov:CKV_K8S_18",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    if workload.spec.host_ipc:
        path = workload.at("hostIPC")
        yield Violation(path, workload.args, fix=Fix(path, False, "Set `hostIPC: false`"))
