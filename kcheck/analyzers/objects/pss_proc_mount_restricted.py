"""## What it does
Checks `securityContext.procMount` of every container (containers, init containers, ephemeral
containers): it must be unset or `Default`, in a user namespace (`hostUsers: false`) too. This is the
*/proc Mount Type* control at the restricted level (upstream check `procMount_restricted`, new in
Kubernetes 1.35, when the baseline check began to allow any value in a user namespace); nothing is
reported for an older target version, where KC188 alone covers the control. Outside user namespaces
it reports what KC188 reports.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
An unmasked `/proc` exposes kernel interfaces the runtime normally hides. A user namespace limits
what root inside the container can do with them, enough for the baseline policy, but the restricted
policy keeps requiring the default masks.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostUsers: false
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
  hostUsers: false
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

CHECK = "procMount_restricted"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC198",
    name="pss-proc-mount-restricted",
    summary="A container that unmasks /proc, against the Pod Security restricted policy (1.35+).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `procMount` or set it to `Default`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_procMount_restricted.go",
        "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.proc_mount_restricted(workload, workload.context.kubernetes_version)
    )
