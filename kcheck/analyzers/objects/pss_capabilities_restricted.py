"""## What it does
Checks every container (containers, init containers, ephemeral containers) for
`securityContext.capabilities.drop` including `ALL` (exactly `ALL`: `all` does not count), and for
`capabilities.add` entries other than `NET_BIND_SERVICE`: the restricted control *Capabilities
(v1.22+)* (upstream check `capabilities_restricted`). One finding for a missing `ALL` per container
and one per forbidden entry. A pod with `spec.os.name: windows` is exempt (policy 1.25+).

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
The runtime's default capabilities (`CHOWN`, `DAC_OVERRIDE`, `SETUID`, `NET_RAW`, ...) are more than
most programs need and help an attacker who gets code execution. The restricted policy requires
dropping them all and allows only binding low ports back.

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
          add: [NET_BIND_SERVICE]
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
          drop: [ALL]
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

CHECK = "capabilities_restricted"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC196",
    name="pss-capabilities-restricted",
    summary="A container that keeps or adds capabilities, against the Pod Security restricted policy.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Set `capabilities.drop: [ALL]` and add back at most `NET_BIND_SERVICE`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=5.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_capabilities_restricted.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.capabilities_restricted(workload, workload.context.kubernetes_version)
    )
