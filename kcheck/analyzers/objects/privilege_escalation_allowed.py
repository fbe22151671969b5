"""## What it does
Checks that every container, init container and ephemeral container of a Linux pod sets
`allowPrivilegeEscalation: false` in its own `securityContext` (the pod's `securityContext` has no such
field). It reports the field set to `true` and the field left unset: the kubelet sets the kernel's
`no_new_privs` flag on the container's processes only when the field is `false`, so unset means escalation
is allowed. Privileged containers are not reported: they hold every privilege already, the API rejects
`allowPrivilegeEscalation: false` beside `privileged: true`, and KC101 (`privileged-container`) reports
them. Beside an added capability spelled `CAP_SYS_ADMIN` the API rejects `false` too, so no fix is offered
there.

Containers meant for Windows (`spec.os.name: windows`, or `windowsOptions` set when `spec.os` is not) are
not checked: the API forbids the field there.

## Why is this bad?
Without `no_new_privs`, a process in the container gains privileges by executing a setuid or setgid binary
or a file with file capabilities (`sudo`, `su`, `ping` in many images): a compromised process running as a
non-root user becomes root inside the container, one step away from the node. With the flag set, `execve`
never grants more privileges than the caller has. The Pod Security Standards' Restricted profile requires
`allowPrivilegeEscalation: false` on every container (CIS Kubernetes Benchmark 5.2.5, NSA/CISA hardening
guide).

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
      securityContext:
        runAsNonRoot: true
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
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
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
    id="KC109",
    name="privilege-escalation-allowed",
    summary="A container that lets its processes gain privileges: `allowPrivilegeEscalation` is not `false`.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{role} {container!r} allows privilege escalation: {problem}",
    remediation="Set `allowPrivilegeEscalation: false` in the container's `securityContext`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.kernel.org/doc/html/latest/userspace-api/no_new_privs.html",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=(
        "kube-linter:privilege-escalation-container",
        "polaris:privilegeEscalationAllowed",
        "checkov:CKV_K8S_20",
    ),
)

NOT_SET = "allowPrivilegeEscalation is not set, and only false makes the kubelet set no_new_privs"
ALLOWED = "allowPrivilegeEscalation is true"
_FIX = "Set `allowPrivilegeEscalation: false`"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.windows:
            continue
        context = container.container.security_context
        allowed = context.allow_privilege_escalation if context is not None else None
        if allowed is False:
            continue
        if context is not None and context.privileged:
            continue
        path = container.at("securityContext", "allowPrivilegeEscalation")
        problem = NOT_SET if allowed is None else ALLOWED
        # ValidateSecurityContext compares the added names literally: only the prefixed spelling is refused.
        adds = context.capabilities.add if context is not None and context.capabilities is not None else []
        fix = None if "CAP_SYS_ADMIN" in adds else Fix(path, False, _FIX)
        yield Violation(path, {**container.args, "problem": problem}, fix=fix)
