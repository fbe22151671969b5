"""## What it does
Checks for volumes of the pod that set `hostPath` (even `hostPath: {}`), one finding per volume: the
baseline control *HostPath Volumes* (upstream check `hostPathVolumes`). `hostPath: null` is no source
at all. In the restricted profile KC191 reports the same volumes among the other forbidden types.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
A hostPath volume mounts a directory of the node into the container: the container runtime's socket,
`/etc`, the kubelet's credentials or other pods' data. Writing there, or often just reading, is a way
out of the container. The baseline policy forbids hostPath volumes.

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
  volumes:
    - name: logs
      hostPath:
        path: /var/log
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
  volumes:
    - name: logs
      emptyDir: {}
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

CHECK = "hostPathVolumes"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC184",
    name="pss-host-path-volumes",
    summary="A hostPath volume, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Replace the hostPath volume with an emptyDir, a ConfigMap, a Secret or a claim.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=8.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostPathVolumes.go",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.host_path_volumes(workload, workload.context.kubernetes_version)
    )
