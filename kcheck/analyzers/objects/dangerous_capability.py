"""## What it does
Checks the `securityContext.capabilities.add` list of every container, init container and ephemeral
container of a Linux pod for a capability that amounts to root on the node:

- `ALL`: every capability;
- `SYS_ADMIN`: mounts, namespaces (`setns`), BPF and most of the kernel's administrative interfaces;
- `NET_ADMIN`: the pod's network configuration (interfaces, routes, iptables), the node's with
  `hostNetwork: true`;
- `SYS_MODULE`: loading kernel modules, that is running code in the node's kernel;
- `SYS_PTRACE`: tracing and injecting code into every process the container can see (the node's with
  `hostPID: true`);
- `SYS_RAWIO`: raw access to I/O ports and devices (`iopl`, `/dev/mem`);
- `BPF`: loading eBPF programs, which read kernel memory;
- `DAC_READ_SEARCH`: `open_by_handle_at`, which opens files of the node's file systems outside the
  container (the "shocker" escape).

Names are read as the container runtimes read them: in any case, and with or without the `CAP_` prefix
(CRI-O honours a prefixed name). A capability that is also in `capabilities.drop` is not granted and is not
reported. The `allowed` option exempts capabilities a workload legitimately needs (`NET_ADMIN` for a CNI
plugin or a VPN). Other capabilities outside the runtime's default set are reported by KC114
(`insecure-capability`), `NET_RAW` by KC112 (`net-raw-capability`). Containers meant for Windows are not
checked: capabilities are Linux-only and the API forbids them there.

## Why is this bad?
Each of these capabilities gives a process in the container a documented way out of it: mounting the
node's disks, loading a module, reading the node's memory or files, or taking over a process of the node.
The Pod Security Standards' Baseline profile forbids adding any of them (CIS Kubernetes Benchmark 5.2.9,
NSA/CISA hardening guide). A workload that really needs one is node-level infrastructure and should be
exempted explicitly, through the `allowed` option or a suppression with a reason.

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
          add: [SYS_ADMIN]
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

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.linux_security import (
    DANGEROUS_CAPABILITIES,
    added_capabilities,
    normalize_capability,
)
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed: list[str] = Field(
        default=[],
        description=(
            "Capabilities not to report (e.g. `NET_ADMIN` for a CNI plugin), in any case, with or without "
            "the `CAP_` prefix."
        ),
    )


RULE = RuleSpec(
    id="KC111",
    name="dangerous-capability",
    summary="A container that adds a capability amounting to root on the node (`ALL`, `SYS_ADMIN`, ...).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{role} {container!r} adds the {capability} capability, which lets it {effect}",
    remediation=(
        "Remove the capability from `capabilities.add`; drop `ALL` and add only what the container needs."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.VERY_HIGH,
    security_severity=8.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=(
        "polaris:dangerousCapabilities",
        "checkov:CKV_K8S_39",
    ),
)


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = {normalize_capability(name) for name in (options or Options()).allowed}
    for container in workload.containers:
        if container.windows:
            continue
        for added in added_capabilities(container):
            effect = _host_effect(workload, added.name) or DANGEROUS_CAPABILITIES.get(added.name)
            if effect is not None and added.name not in allowed:
                yield Violation(added.path, {**container.args, "capability": added.name, "effect": effect})


def _host_effect(workload: WorkloadView, capability: str) -> str | None:
    """What the capability reaches when the pod shares the node's namespace it acts on."""
    if capability == "NET_ADMIN" and workload.spec.host_network:
        return "reconfigure the node's own interfaces, routes and firewall rules (hostNetwork: true)"
    if capability == "SYS_PTRACE" and workload.spec.host_pid:
        return "trace and inject code into every process of the node (hostPID: true)"
    return None
