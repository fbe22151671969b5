"""## What it does
Checks for `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in the pod spec, one finding per
field: the baseline control *Host Namespaces* (upstream check `hostNamespaces`). `false` and unset are
allowed. The default profile reports the same fields as KC105-KC107.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
A pod in the node's network, PID or IPC namespace can reach services bound to the node's loopback,
see and signal every process of the node, or read other pods' shared memory: the isolation between
pods and the node is gone. The baseline policy forbids all three.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostPID: true
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
  hostPID: false
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

CHECK = "hostNamespaces"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC181",
    name="pss-host-namespaces",
    summary="A pod that shares a host namespace, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to `false`).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=7.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostNamespaces.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.host_namespaces(workload, workload.context.kubernetes_version))
