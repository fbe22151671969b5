"""## What it does
Checks `securityContext.seLinuxOptions` of the pod and of every container (containers, init containers,
ephemeral containers): `type` must be empty, `container_t`, `container_init_t`, `container_kvm_t` or
(from Kubernetes 1.31) `container_engine_t`, and `user` and `role` must be empty; `level` is free.
This is the baseline control *SELinux* (upstream check `seLinuxOptions`). Each level is checked on
its own, one finding per forbidden field.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
An SELinux type such as `spc_t` (super-privileged container) or `unconfined_t` disables the SELinux
confinement of the container, and a custom user or role changes what it may touch on the node. The
baseline policy only allows the container types.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seLinuxOptions:
      type: spc_t
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
  securityContext:
    seLinuxOptions:
      type: container_t
      level: "s0:c123,c456"
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
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

CHECK = "seLinuxOptions"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC187",
    name="pss-selinux-options",
    summary="A custom SELinux type, user or role, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `seLinuxOptions.user` and `role`, and use a container type (`container_t`) or none.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seLinuxOptions.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.selinux_options(workload, workload.context.kubernetes_version))
