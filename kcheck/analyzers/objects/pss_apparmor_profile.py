"""## What it does
Checks `securityContext.appArmorProfile.type` of the pod and of every container (containers, init
containers, ephemeral containers), which must be `RuntimeDefault` or `Localhost` when set, and the
deprecated `container.apparmor.security.beta.kubernetes.io/*` annotations of the pod (of the pod
template for a workload), which must be `runtime/default`, `localhost/<profile>` or empty: the
baseline control *AppArmor* (upstream check `appArmorProfile`). Each level is checked on its own, as
admission does: a container's `Unconfined` is reported even when the pod sets `RuntimeDefault`, and
a pod-level `Unconfined` even when every container overrides it.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
`Unconfined` turns AppArmor off for the container, removing the mandatory access control that blocks
writes to `/proc` and `/sys` and mounts, the steps of many container escapes. The baseline policy
allows only the runtime's default profile and profiles loaded on the node.

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
        appArmorProfile:
          type: Unconfined
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
        appArmorProfile:
          type: RuntimeDefault
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

CHECK = "appArmorProfile"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC186",
    name="pss-apparmor-profile",
    summary="An AppArmor profile that overrides or disables the default, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Use the `RuntimeDefault` or a `Localhost` AppArmor profile, or leave it unset.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_appArmorProfile.go",
        "https://kubernetes.io/docs/tutorials/security/apparmor/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.apparmor_profile(workload, workload.context.kubernetes_version)
    )
