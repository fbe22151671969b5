"""## What it does
Checks `securityContext.seccompProfile` of the pod and of every container (containers, init
containers, ephemeral containers): when set, its `type` must be `RuntimeDefault` or `Localhost`
(a profile without a `type` is reported too). Unset is allowed. This is the baseline control
*Seccomp* (upstream check `seccompProfile_baseline`, the field check of policy 1.19+; the seccomp
annotations only mattered before 1.19). Each level is checked on its own. The restricted KC195
also requires a profile to be set.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
`Unconfined` switches off system call filtering, leaving the whole kernel API to the container,
including the calls behind most container escapes. The baseline policy forbids opting out.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
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
    seccompProfile:
      type: RuntimeDefault
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

CHECK = "seccompProfile_baseline"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC189",
    name="pss-seccomp-profile-baseline",
    summary="A seccomp profile set to Unconfined, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost`), or leave it unset.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_baseline.go",
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.seccomp_profile_baseline(workload, workload.context.kubernetes_version)
    )
