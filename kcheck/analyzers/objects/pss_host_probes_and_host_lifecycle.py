"""## What it does
Checks the `host` of `httpGet` and `tcpSocket` in the `livenessProbe`, `readinessProbe` and
`startupProbe` and in the `lifecycle.postStart` and `preStop` hooks of every container (containers,
init containers, ephemeral containers): it must be unset or empty. Any other value is reported,
`127.0.0.1` and `localhost` included. This is the baseline control *Host Probes / Lifecycle Hooks
(v1.34+)* (upstream check `hostProbesAndHostLifecycle`), new in Kubernetes 1.34: nothing is reported
for an older target version.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
The kubelet sends probes and hook requests from the node. With `host` set, a pod can make the kubelet
reach any address the node can, services on the node's loopback or in other namespaces included,
and learn from the results (server-side request forgery). The baseline policy forbids it from 1.34.

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
      readinessProbe:
        httpGet:
          host: 10.0.0.1
          path: /healthz
          port: 8080
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
      readinessProbe:
        httpGet:
          path: /healthz
          port: 8080
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

CHECK = "hostProbesAndHostLifecycle"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC197",
    name="pss-host-probes-and-host-lifecycle",
    summary="A probe or lifecycle hook aimed at another host, against the Pod Security baseline (1.34+).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove `host` from the probe or hook: the kubelet then targets the pod's own IP.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=5.5,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostProbesAndhostLifecycle.go",
        "https://github.com/kubernetes/enhancements/tree/master/keps/sig-auth/4940-psa-block-host-field-in-probes",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(
        workload, CHECK, pss.host_probes_and_host_lifecycle(workload, workload.context.kubernetes_version)
    )
