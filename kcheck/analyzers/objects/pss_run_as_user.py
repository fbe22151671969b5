"""## What it does
Checks for `runAsUser: 0` in the pod's security context and in every container's (containers, init
containers, ephemeral containers): the restricted control *Running as Non-root user (v1.23+)*
(upstream check `runAsUser`). Unset and non-zero values are allowed; each level is checked on its
own. From Kubernetes 1.35 a pod with its own user namespace (`hostUsers: false`) is exempt.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
UID 0 is root: with it the container runs as root whatever the image declares, and `runAsNonRoot`
cannot hold. The restricted policy forbids it.

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
        runAsUser: 0
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
        runAsUser: 10001
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

CHECK = "runAsUser"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC194",
    name="pss-run-as-user",
    summary="A pod or container that sets runAsUser: 0, against the Pod Security restricted policy.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `runAsUser` to a non-zero UID, or remove it.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_runAsUser.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.run_as_user(workload, workload.context.kubernetes_version))
