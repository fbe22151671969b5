"""## What it does
Checks the `securityContext.capabilities.add` list of every container, init container and ephemeral
container of a Linux pod for a capability beyond the container runtime's default set. "Insecure" means
exactly what the Pod Security Standards' Baseline profile forbids adding: any Linux capability other than
`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`,
`SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT` (containerd's default set without `NET_RAW`).
Adding one of those back after `drop: [ALL]` is the recommended pattern and is not reported. Capabilities
that amount to root on the node (`ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`,
`BPF`, `DAC_READ_SEARCH`) are KC111's (`dangerous-capability`, an error) and `NET_RAW` is KC112's
(`net-raw-capability`); this rule reports the rest, such as `SYS_TIME`, `SYS_NICE`, `SYS_RESOURCE`,
`IPC_LOCK`, `LINUX_IMMUTABLE`, `MAC_ADMIN`, `PERFMON` or `SYS_BOOT`.

Names are read as the container runtimes read them: in any case, and with or without the `CAP_` prefix
(CRI-O honours a prefixed name). A capability that is also in `capabilities.drop` is not granted and is not
reported, and a name that is no Linux capability is not reported either (runc ignores it). The `allowed`
option exempts capabilities a workload legitimately needs. Containers meant for Windows are not checked.

## Why is this bad?
Each added capability lifts a kernel restriction for the container's processes: `SYS_TIME` sets the node's
clock for every pod, `SYS_RESOURCE` and `SYS_NICE` override the limits that keep a container from starving
its neighbours, `MAC_ADMIN` changes the node's AppArmor or SELinux policy, `LINUX_IMMUTABLE` and
`IPC_LOCK` bypass file and memory protections. Each widens what a compromised container can do to its node
and its neighbours. The Pod Security Standards' Baseline profile forbids adding any of them (CIS
Kubernetes Benchmark 5.2.9); grant one only to workloads that need it, and say so with `allowed` or a
suppression with a reason.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: clock
spec:
  containers:
    - name: app
      image: registry.example.com/clock:1.0
      securityContext:
        capabilities:
          add: [SYS_TIME]
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: clock
spec:
  containers:
    - name: app
      image: registry.example.com/clock:1.0
      securityContext:
        capabilities:
          drop: [ALL]
          add: [NET_BIND_SERVICE]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.linux_security import (
    BASELINE_ADDABLE_CAPABILITIES,
    DANGEROUS_CAPABILITIES,
    LINUX_CAPABILITIES,
    added_capabilities,
    normalize_capability,
)
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

# The names other rules report, or that are not insecure.
_NOT_INSECURE = BASELINE_ADDABLE_CAPABILITIES | frozenset(DANGEROUS_CAPABILITIES) | {"NET_RAW"}
INSECURE_CAPABILITIES: frozenset[str] = LINUX_CAPABILITIES - _NOT_INSECURE


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed: list[str] = Field(
        default=[],
        description=(
            "Capabilities not to report (e.g. `SYS_TIME` for an NTP daemon), in any case, with or without "
            "the `CAP_` prefix."
        ),
    )


RULE = RuleSpec(
    id="KC114",
    name="insecure-capability",
    summary=(
        "A container that adds a capability beyond the runtime's default set (`SYS_TIME`, `SYS_NICE`, ...)."
    ),
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message=(
        "{role} {container!r} adds the {capability} capability, beyond the runtime's default set and what "
        "the Baseline Pod Security Standard allows"
    ),
    remediation=(
        "Remove the capability from `capabilities.add`, or exempt it with `allowed` if the container "
        "needs it."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=("checkov:CKV_K8S_25",),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = {normalize_capability(name) for name in (options or Options()).allowed}
    for container in workload.containers:
        if container.windows:
            continue
        for added in added_capabilities(container):
            if added.name in INSECURE_CAPABILITIES and added.name not in allowed:
                yield Violation(added.path, {**container.args, "capability": added.name})
