"""## What it does
Checks that every container runs with a `RuntimeDefault` or `Localhost` seccomp profile, set on the
container or inherited from the pod: the restricted control *Seccomp (v1.19+)* (upstream check
`seccompProfile_restricted`). As in admission, a forbidden type (`Unconfined`, or a profile without a
type) at the pod or a container is reported first, and alone; otherwise every container (containers,
init containers, ephemeral containers) that sets none while the pod sets no allowed one. A pod with
`spec.os.name: windows` is exempt (policy 1.25+).

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
Without a profile the container runtime may run the container unconfined: every system call reaches
the kernel, including those behind most container escapes. The restricted policy requires the
runtime's default filter or a profile loaded on the node.

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

CHECK = "seccompProfile_restricted"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC195",
    name="pss-seccomp-profile-restricted",
    summary="A container without a seccomp profile, against the Pod Security restricted policy.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_restricted.go",
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.seccomp_profile_restricted(workload, workload.context.kubernetes_version)
    )
