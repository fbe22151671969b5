"""## What it does
Checks for containers, init containers and ephemeral containers of a Linux pod whose `securityContext`
sets `procMount: Unmasked`. `Default` (or no value) is the only other value the API accepts. The API also
accepts `Unmasked` only in a pod with `hostUsers: false`, whose containers run in their own user
namespace; a pod without it is rejected, and is reported all the same.

Containers meant for Windows are not checked: the API forbids the field there.

## Why is this bad?
By default the container runtime mounts `/proc` with its sensitive entries masked or read-only
(`/proc/kcore`, `/proc/keys`, `/proc/sysrq-trigger`, `/proc/sys`, ...): they expose the node's kernel
memory and keys, let a process reboot or crash the node, and change kernel settings for every pod.
`Unmasked` removes those protections. Inside a user namespace the kernel refuses most of what they guard,
which is why the API requires one, but the exposed surface remains larger than needed for anything but
nested containers. The Pod Security Standards' Baseline profile allows it only in pods with a user
namespace, and the Restricted profile never.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: false
  containers:
    - name: app
      image: registry.example.com/builder:1.0
      securityContext:
        procMount: Unmasked
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: false
  containers:
    - name: app
      image: registry.example.com/builder:1.0
      securityContext:
        procMount: Default
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC118",
    name="unmasked-proc-mount",
    summary="A container that mounts `/proc` without the runtime's masks (`procMount: Unmasked`).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=(
        "{role} {container!r} mounts /proc unmasked (procMount: Unmasked), exposing the node's kernel "
        "interfaces"
    ),
    remediation="Remove `procMount: Unmasked` or set `procMount: Default`.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.5,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
        "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1",
    ),
    replaces=(
        "kube-linter:unsafe-proc-mount",
        "polaris:procMount",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        context = container.container.security_context
        if container.windows or context is None or context.proc_mount != "Unmasked":
            continue
        path = container.at("securityContext", "procMount")
        yield Violation(path, container.args, fix=Fix(path, "Default", "Set `procMount: Default`"))
