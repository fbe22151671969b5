"""## What it does
Checks `runAsNonRoot` as the restricted control *Running as Non-root* does (upstream check
`runAsNonRoot`): an explicit `false` at the pod or at a container is reported, and then only those;
otherwise every container (containers, init containers, ephemeral containers) that does not set it
while the pod does not set `true`. A container inherits the pod's `true`; its own `false` overrides
it. From Kubernetes 1.35 a pod with its own user namespace (`hostUsers: false`) is exempt. Windows
pods are checked too.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
Without `runAsNonRoot: true` the kubelet starts a container as root whenever the image says so, and
root in a container is root on the node once anything else goes wrong. The restricted policy
requires the kubelet to refuse images that run as UID 0.

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
    runAsNonRoot: true
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

CHECK = "runAsNonRoot"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC193",
    name="pss-run-as-non-root",
    summary="A container not required to run as non-root, against the Pod Security restricted policy.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `runAsNonRoot: true` in the pod's `securityContext` (and remove any `false`).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_runAsNonRoot.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.run_as_non_root(workload, workload.context.kubernetes_version))
