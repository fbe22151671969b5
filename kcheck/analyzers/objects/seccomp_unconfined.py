"""## What it does
Checks for containers, init containers and ephemeral containers of a Linux pod whose effective seccomp
profile is `Unconfined`: the container's `securityContext.seccompProfile.type`, else the pod's, as the
kubelet resolves it. A pod-level `Unconfined` that some container inherits is reported once, at the pod's
field, naming the pod; a container's own `Unconfined` is reported at the container's field. A pod-level
`Unconfined` that every container overrides is not reported: nothing runs with it.

The legacy annotations (`seccomp.security.alpha.kubernetes.io/pod: unconfined` and the per-container
`container.seccomp.security.alpha.kubernetes.io/<container>`) are not read: the kubelet has ignored them
since Kubernetes 1.27. A container with no profile at all is reported by KC115 (`missing-seccomp-profile`).
Containers meant for Windows are not checked: seccomp is Linux-only.

## Why is this bad?
`Unconfined` turns seccomp filtering off: the container may call every system call of the node's kernel,
including those the runtime's default profile blocks because they have been the way out of containers
through kernel bugs (`unshare`, `keyctl`, `bpf`, `userfaultfd`, `ptrace` on old kernels, ...). Writing it
explicitly also overrides a node's `seccompDefault`. The Pod Security Standards' Baseline profile forbids
`Unconfined`, and CIS Kubernetes Benchmark 5.7.2 asks for `RuntimeDefault`.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
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
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/web:1.4.2
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.location import ObjectPath
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC116",
    name="seccomp-unconfined",
    summary="A container whose seccomp profile is `Unconfined`, with every system call open to it.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{subject} turns seccomp filtering off: seccompProfile.type is Unconfined",
    remediation="Set `seccompProfile.type: RuntimeDefault` (or a `Localhost` profile the node provides).",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ),
    replaces=("checkov:CKV_K8S_31",),
)

UNCONFINED = "Unconfined"


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    pod_path: ObjectPath = workload.at("securityContext", "seccompProfile")
    reported: set[ObjectPath] = set()
    for container in workload.containers:
        setting = container.security.seccomp_profile
        if container.windows or setting is None or setting.value.type != UNCONFINED:
            continue
        if setting.path in reported:
            continue
        reported.add(setting.path)
        if setting.path == pod_path:
            subject = "{kind} {name!r}".format_map(workload.args)
            args = {**workload.args, "subject": subject}
        else:
            args = {**container.args, "subject": "{role} {container!r}".format_map(container.args)}
        path = (*setting.path, "type")
        yield Violation(
            path, args, fix=Fix(path, "RuntimeDefault", "Set `seccompProfile.type: RuntimeDefault`")
        )
