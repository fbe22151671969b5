"""## What it does
Checks every entry of `securityContext.capabilities.add` in every container (containers, init
containers, ephemeral containers) against the default set the baseline control *Capabilities* allows
(upstream check `capabilities_baseline`): `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`,
`KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`. Names are
compared exactly, as admission does: `CAP_CHOWN` or `chown` is reported although the runtime would
accept them. `drop` is not checked here (the restricted KC196 requires `drop: [ALL]`). One finding per
forbidden entry.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
Capabilities outside the runtime's default set (`NET_RAW`, `SYS_ADMIN`, `SYS_PTRACE`, ...) give a
container powers over the network stack, the kernel or other processes that lead to privilege
escalation and container escape. The baseline policy allows only the defaults.

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
        capabilities:
          add: [NET_BIND_SERVICE, SYS_ADMIN]
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
        capabilities:
          add: [NET_BIND_SERVICE]
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

CHECK = "capabilities_baseline"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC183",
    name="pss-capabilities-baseline",
    summary="A container that adds a capability beyond the default set, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove the capability from `capabilities.add`, or use one of the default set.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=7.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_capabilities_baseline.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.capabilities_baseline(workload, workload.context.kubernetes_version)
    )
