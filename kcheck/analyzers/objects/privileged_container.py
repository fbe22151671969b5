"""## What it does
Checks for containers, init containers and ephemeral containers whose `securityContext` sets
`privileged: true`.

## Why is this bad?
A privileged container runs with every Linux capability, without seccomp or AppArmor confinement, and
with access to all of the node's devices: it can mount the host's disks, load kernel modules and take
over the node, and from there every pod scheduled on it. The Pod Security Standards forbid it from the
Baseline profile up, and CIS Kubernetes Benchmark 5.2.2 and the NSA/CISA hardening guide ask that no
workload run privileged. When a container needs one privileged operation, grant the one capability it
needs instead. Only `privileged` on the container counts: the pod's `securityContext` has no such field.

## Example
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
      securityContext:
        privileged: true
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
      securityContext:
        privileged: false
      resources:
        limits: {cpu: 500m, memory: 256Mi}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC101",
    name="privileged-container",
    summary="A container that runs privileged, with full access to the node.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{role} {container!r} runs privileged, with every capability and access to the node's devices",
    remediation="Remove `privileged: true` and add only the capabilities the container needs.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=9.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    profile=Profile.MINIMAL,
    replaces=(
        "kube-linter:privileged-container",
        "polaris:runAsPrivileged",
        "kube-score:container-security-context-privileged",
        "checkov:CKV_K8S_16",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        context = container.container.security_context
        if context is not None and context.privileged:
            path = container.at("securityContext", "privileged")
            yield Violation(path, container.args, fix=Fix(path, False, "Set `privileged: false`"))
