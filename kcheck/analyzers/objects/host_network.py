"""## What it does
Checks for pods and pod templates that set `hostNetwork: true`.

## Why is this bad?
A pod on the host network sees every interface of the node: it can reach services that listen on the
node's loopback address (node agents, a container runtime's local API), capture other pods' traffic
(with the `NET_RAW` capability most runtimes grant by default), and escape NetworkPolicy, which most
network plugins cannot apply to host-network pods. Its ports also collide with the node's. The Pod
Security Standards forbid it from the Baseline profile up (CIS Kubernetes Benchmark 5.2.5). Node agents
that truly need it (CNI plugins, node exporters) should carry a suppression that says why.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
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
    id="KC105",
    name="host-network",
    summary="A pod that shares the node's network namespace (`hostNetwork: true`).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} shares the node's network namespace (hostNetwork: true)",
    remediation="Remove `hostNetwork: true` and expose the pod through a Service or a `hostPort` instead.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=7.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    replaces=(
        "kube-linter:host-network",
        "polaris:hostNetworkSet",
        "checkov:CKV_K8S_19",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    if workload.spec.host_network:
        path = workload.at("hostNetwork")
        yield Violation(path, workload.args, fix=Fix(path, False, "Set `hostNetwork: false`"))
