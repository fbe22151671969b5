"""## What it does
Checks `securityContext.procMount` of every container (containers, init containers, ephemeral
containers): it must be unset or `Default`. This is the baseline control */proc Mount Type* (upstream
check `procMount`). From Kubernetes 1.35 the baseline allows any value in a pod with its own user
namespace (`hostUsers: false`); before, that relaxation needed an alpha feature gate and is not
applied. The restricted level keeps forbidding it there (KC198).

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
`Unmasked` gives the container a `/proc` without the masked and read-only paths the runtime sets up,
exposing kernel interfaces (`/proc/sys`, `/proc/sysrq-trigger`, ...) that can reconfigure or crash the
node. The baseline policy requires the default masks.

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
        procMount: Unmasked
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
        procMount: Default
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

CHECK = "procMount"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC188",
    name="pss-proc-mount",
    summary="A container that unmasks /proc, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `procMount` or set it to `Default`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_procMount_baseline.go",
        "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.proc_mount(workload, workload.context.kubernetes_version))
