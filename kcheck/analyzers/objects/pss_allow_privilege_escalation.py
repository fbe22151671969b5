"""## What it does
Checks that every container (containers, init containers, ephemeral containers) sets
`securityContext.allowPrivilegeEscalation: false`; unset fails too, as the API has no default for
it. This is the restricted control *Privilege Escalation (v1.8+)* (upstream check
`allowPrivilegeEscalation`). A pod with `spec.os.name: windows` is exempt (policy 1.25+); other signs
of a Windows pod (`windowsOptions`, a node selector) do not exempt it, as in admission.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
Unless `allowPrivilegeEscalation` is false, a process can gain privileges its parent did not have:
set-user-ID binaries such as `su` or `sudo` in the image become a way to root. The restricted
policy requires `no_new_privs` on every container.

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
        allowPrivilegeEscalation: false
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

CHECK = "allowPrivilegeEscalation"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC192",
    name="pss-allow-privilege-escalation",
    summary="A container that allows privilege escalation, against the Pod Security restricted policy.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `allowPrivilegeEscalation: false` in the container's `securityContext`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_allowPrivilegeEscalation.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.allow_privilege_escalation(workload, workload.context.kubernetes_version)
    )
