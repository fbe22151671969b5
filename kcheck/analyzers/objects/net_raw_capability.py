"""## What it does
Checks that no container, init container or ephemeral container of a Linux pod keeps the `NET_RAW`
capability. A container has it when it adds `NET_RAW` (in any case, with or without the `CAP_` prefix)
without dropping it again, or when it drops neither `NET_RAW` nor `ALL`: containerd and Docker grant
`NET_RAW` by default. The finding points at the entry of `capabilities.add`, or at `capabilities.drop`
(where it is missing, at where it would be written, with a fix that writes `drop: [NET_RAW]`). A name in
`drop` counts only without the `CAP_` prefix, which containerd does not strip.

Not reported: privileged containers (they get every capability whatever `drop` says; KC101 reports them,
and adding `NET_RAW` to `drop` would change nothing), and containers meant for Windows (capabilities are
Linux-only and the API forbids them there). CRI-O has left `NET_RAW` out of its default set since 1.18, so
on CRI-O nodes a container that does not add it is already without it; dropping it still makes the
manifest safe on any runtime.

## Why is this bad?
`NET_RAW` lets a process open raw and packet sockets: it can forge packets with any source address, sniff
the traffic of its network namespace, and spoof ARP or DNS answers to the other pods of its node's network
(CVE-2020-10749, rogue IPv6 router advertisements), and it opens kernel code paths that have had
exploitable bugs (CVE-2020-14386). Almost nothing needs it: `ping` works without it through unprivileged
ICMP sockets where `net.ipv4.ping_group_range` allows them. The Pod Security Standards' Baseline profile
does not allow adding it, and CIS Kubernetes Benchmark 5.2.8 asks that containers run without it.

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
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
      securityContext:
        capabilities:
          drop: [NET_RAW]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.linux_security import (
    added_capabilities,
    drop_path,
    drops,
    is_privileged,
)
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC112",
    name="net-raw-capability",
    summary="A container that keeps the `NET_RAW` capability: it adds it, or drops neither it nor `ALL`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} {problem}",
    remediation="Add `NET_RAW` (or `ALL`) to `capabilities.drop` and remove it from `capabilities.add`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    # CRI-O does not grant NET_RAW by default: on CRI-O nodes the "not dropped" finding changes nothing.
    precision=Precision.HIGH,
    security_severity=5.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=(
        "kube-linter:drop-net-raw-capability",
        "checkov:CKV_K8S_28",
    ),
)

NET_RAW = "NET_RAW"
ADDED = "adds the NET_RAW capability, which lets it forge and sniff packets on the pod's network"
NOT_DROPPED = "keeps the NET_RAW capability: capabilities.drop names neither NET_RAW nor ALL"
PREFIXED_DROP = (
    "keeps the NET_RAW capability on containerd, which reads CAP_NET_RAW in capabilities.drop as the unknown "
    "CAP_CAP_NET_RAW: write NET_RAW"
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.windows:
            continue
        added = next((a for a in added_capabilities(container) if a.name == NET_RAW), None)
        if added is not None:
            yield Violation(added.path, {**container.args, "problem": ADDED})
        elif not is_privileged(container) and not drops(container, NET_RAW):
            path = drop_path(container)
            context = container.container.security_context
            capabilities = context.capabilities if context is not None else None
            # A list with entries is the author's: adding to it is left to them.
            empty = capabilities is None or not capabilities.drop
            fix = Fix(path, [NET_RAW], "Set `capabilities.drop: [NET_RAW]`") if empty else None
            prefixed = capabilities is not None and any(e.upper() == "CAP_NET_RAW" for e in capabilities.drop)
            problem = PREFIXED_DROP if prefixed else NOT_DROPPED
            yield Violation(path, {**container.args, "problem": problem}, fix=fix)
