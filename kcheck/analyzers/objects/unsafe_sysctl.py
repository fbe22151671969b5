"""## What it does
Checks the sysctls a pod sets in `spec.securityContext.sysctls` against the kubelet's safe set for the
target Kubernetes version (`pkg/kubelet/sysctl/safe_sysctls.go`): `kernel.shm_rmid_forced`,
`net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_unprivileged_port_start`, `net.ipv4.ip_local_reserved_ports` (from 1.27),
`net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
`net.ipv4.tcp_keepalive_probes` (from 1.29), `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` (from 1.32), and
`net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat` (from 1.37). Names written with
slashes (`net/ipv4/tcp_syncookies`) are read as the kubelet normalizes them. The kubelet also leaves
`net.ipv4.ip_local_reserved_ports`, `tcp_rmem` and `tcp_wmem` out of the safe set on kernels older than
3.16 and 4.15; that is not checked.

Any other sysctl is reported unless the `allowed` option lists it (the names and `prefix*` patterns of the
nodes' `--allowed-unsafe-sysctls`). A sysctl of the network namespace (`net.*`) in a pod with
`hostNetwork: true`, or of the IPC namespace (`kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`)
in a pod with `hostIPC: true`, is reported even when safe or allowed: it would change the node's own
namespace, and the kubelet rejects the pod. Windows pods are not checked: the API forbids sysctls there.

## Why is this bad?
A sysctl outside the safe set is either not namespaced, so setting it changes the kernel for the whole
node, or namespaced but able to hurt the node's other pods (memory for IPC queues, connection tracking).
The kubelet refuses to run such a pod (`SysctlForbidden`) unless the node's administrator allowed the
sysctl with `--allowed-unsafe-sysctls`, so the pod either fails to start or depends on a node setting the
manifest does not show. The Pod Security Standards' Baseline profile forbids every sysctl outside the safe
set.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    sysctls:
      - name: net.core.somaxconn
        value: "4096"
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
        value: "1024 65000"
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

# The kubelet's safe sysctls and the release that made each safe. The 1.37 pair is dated from the Pod
# Security Admission's sysctlsAllowedV1Dot37 (PR #138389), whose list has so far changed together with the
# kubelet's: the kubelet's own 1.37 file could not be checked.
SAFE_SYSCTLS: Mapping[str, tuple[int, int]] = {
    "kernel.shm_rmid_forced": (1, 4),
    "net.ipv4.ip_local_port_range": (1, 4),
    "net.ipv4.tcp_syncookies": (1, 4),
    "net.ipv4.ping_group_range": (1, 18),
    "net.ipv4.ip_unprivileged_port_start": (1, 22),
    "net.ipv4.ip_local_reserved_ports": (1, 27),
    "net.ipv4.tcp_keepalive_time": (1, 29),
    "net.ipv4.tcp_fin_timeout": (1, 29),
    "net.ipv4.tcp_keepalive_intvl": (1, 29),
    "net.ipv4.tcp_keepalive_probes": (1, 29),
    "net.ipv4.tcp_rmem": (1, 32),
    "net.ipv4.tcp_wmem": (1, 32),
    "net.ipv4.tcp_slow_start_after_idle": (1, 37),
    "net.ipv4.tcp_notsent_lowat": (1, 37),
}
# The kubelet's namespaced groups (component-helpers' sysctl namespace table): exact names and prefixes.
_IPC_NAMES = frozenset({"kernel.sem"})
_IPC_PREFIXES = ("kernel.shm", "kernel.msg", "fs.mqueue.")
_NET_PREFIX = "net."


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed: list[str] = Field(
        default=[],
        description=(
            "The unsafe sysctls the nodes allow with `--allowed-unsafe-sysctls`: names, or prefixes ending "
            "in `*` (`kernel.msg*`)."
        ),
    )


RULE = RuleSpec(
    id="KC119",
    name="unsafe-sysctl",
    summary="A pod that sets a sysctl outside the kubelet's safe set, or one of the node's namespace.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} sets the sysctl {sysctl!r}, {problem}",
    remediation=(
        "Remove the sysctl, or allow it on the nodes with `--allowed-unsafe-sysctls` and list it in the "
        "rule's `allowed` option."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    security_severity=5.5,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    replaces=("kube-linter:unsafe-sysctls",),
)

UNSAFE = (
    "which is not in the kubelet's safe set for Kubernetes {version}: the kubelet rejects the pod unless the "
    "node allows it with --allowed-unsafe-sysctls, and it can affect other pods on the node"
)
HOST_NETWORK = (
    "which hostNetwork: true would apply to the node's network namespace: the kubelet rejects the pod"
)
HOST_IPC = "which hostIPC: true would apply to the node's IPC namespace: the kubelet rejects the pod"


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    context = workload.spec.security_context
    if workload.windows or context is None:
        return
    version = workload.context.kubernetes_version
    safe = safe_sysctls(version)
    allowed = (options or Options()).allowed
    for index, sysctl in enumerate(context.sysctls):
        if sysctl.name is None:
            continue
        name = normalize_sysctl(sysctl.name)
        if workload.spec.host_network and name.startswith(_NET_PREFIX):
            problem = HOST_NETWORK
        elif workload.spec.host_ipc and (name in _IPC_NAMES or name.startswith(_IPC_PREFIXES)):
            problem = HOST_IPC
        elif name in safe or _matches(name, allowed):
            continue
        else:
            problem = UNSAFE.format(version=version)
        path = workload.at("securityContext", "sysctls", index, "name")
        yield Violation(path, {**workload.args, "sysctl": sysctl.name, "problem": problem})


def safe_sysctls(version: str) -> frozenset[str]:
    """The kubelet's safe sysctls at Kubernetes `version` ("1.33")."""
    major, _, minor = version.partition(".")
    target = (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (1, 10**6)
    return frozenset(name for name, since in SAFE_SYSCTLS.items() if since <= target)


def normalize_sysctl(name: str) -> str:
    """The kubelet's NormalizeName: a name whose first separator is `/` has its `/` and `.` swapped."""
    separators = [i for i in (name.find("."), name.find("/")) if i >= 0]
    if not separators or name[min(separators)] == ".":
        return name
    return name.translate(str.maketrans("./", "/."))


def _matches(name: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        pattern = normalize_sysctl(pattern)
        if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
            return True
    return False
