"""## What it does
Checks every `spec.securityContext.sysctls[*].name` against the safe set of the baseline control
*Sysctls* (upstream check `sysctls`) at the target version: `kernel.shm_rmid_forced`,
`net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_unprivileged_port_start`; `net.ipv4.ip_local_reserved_ports` from 1.27;
`net.ipv4.tcp_keepalive_time`, `tcp_fin_timeout`, `tcp_keepalive_intvl`, `tcp_keepalive_probes` from
1.29; `net.ipv4.tcp_rmem` and `tcp_wmem` from 1.32; `net.ipv4.tcp_slow_start_after_idle` and
`tcp_notsent_lowat` from 1.37. One finding per forbidden name.

It is one of the Pod Security Standards rules (KC180-KC198), which mirror the Pod Security admission
controller of the target Kubernetes version (`kubernetes-version`, default the newest) with the namespace's
policy version at `latest`: they run under `--profile pss-baseline` and `pss-restricted` (restricted includes
baseline), or when selected by id, never in the `minimal`, `default` and `strict` profiles.

## Why is this bad?
A sysctl outside the safe set is either not namespaced (it changes the whole node) or not isolated
between pods, so a pod could weaken the node's or its neighbours' security or starve them. The
baseline policy allows only the safe, namespaced subset.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    sysctls:
      - name: kernel.msgmax
        value: "65536"
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
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "1024 65535"
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

CHECK = "sysctls"
CONTROL = pss.control(CHECK)

RULE = RuleSpec(
    id="KC190",
    name="pss-sysctls",
    summary="A sysctl outside the safe set, against the Pod Security baseline.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=pss.MESSAGE,
    remediation="Remove the sysctl, or set it on the nodes instead of in the pod.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_sysctls.go",
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
        # The two sysctls added in 1.37, in the kubelet's safe set and Pod Security admission alike.
        "https://github.com/kubernetes/kubernetes/pull/138389",
    ),
    pss_level=CONTROL.level,
    pss_control=CONTROL.name,
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    return pss.violations(workload, CHECK, pss.sysctls(workload, workload.context.kubernetes_version))
