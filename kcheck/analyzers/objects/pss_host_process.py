"""## What it does
Checks for `securityContext.windowsOptions.hostProcess: true` in the pod's security context and in
every container's: containers, init containers and ephemeral containers. This is the baseline control
*HostProcess* (upstream check `windowsHostProcess`). `false` and unset are allowed.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
A HostProcess container runs directly on the Windows node as a host process: it shares the node's
network, sees its file system and can run as the `SYSTEM` account. That is privileged access to the
host, which the baseline policy forbids; admission rejects the pod in a baseline or restricted
namespace.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  os: {name: windows}
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
  containers:
    - name: agent
      image: registry.example.com/agent:2.1
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  os: {name: windows}
  containers:
    - name: agent
      image: registry.example.com/agent:2.1
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

CHECK = "windowsHostProcess"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC180",
    name="pss-host-process",
    summary="A pod or container that runs as a Windows HostProcess, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `windowsOptions.hostProcess: true` from the pod and its containers.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=9.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_windowsHostProcess.go",
        "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.host_process(workload, workload.context.kubernetes_version))
