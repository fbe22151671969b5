"""## What it does
Checks that every container, init container and ephemeral container of a Linux pod sets
`readOnlyRootFilesystem: true` in its own `securityContext` (the field defaults to `false`, and the pod's
`securityContext` has no such field). It reports the field set to `false` and the field left unset.

Containers meant for Windows (`spec.os.name: windows`, or `windowsOptions` set when `spec.os` is not) are
not checked: the API forbids the field there.

## Why is this bad?
A writable root file system lets an attacker who gets code execution in the container replace its
binaries and libraries, drop tools, or plant a backdoor that survives until the container is recreated;
it also hides state in the container's writable layer, where it is lost on restart and fills the node's
disk. With a read-only root file system the image is what runs, and the directories the application
really writes (`/tmp`, a cache) are mounted explicitly, usually as `emptyDir` volumes. The NSA/CISA
Kubernetes hardening guide recommends immutable container file systems.

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
      volumeMounts:
        - {name: tmp, mountPath: /tmp}
  volumes:
    - name: tmp
      emptyDir: {}
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
        readOnlyRootFilesystem: true
      volumeMounts:
        - {name: tmp, mountPath: /tmp}
  volumes:
    - name: tmp
      emptyDir: {}
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
    id="KC110",
    name="writable-root-filesystem",
    summary="A container whose root file system is writable: `readOnlyRootFilesystem` is not `true`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} has a writable root filesystem: readOnlyRootFilesystem is {setting}",
    remediation=(
        "Set `readOnlyRootFilesystem: true` and mount the directories the application writes as volumes."
    ),
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    # Many images write outside their volumes; the finding is true, the fix may need a volume.
    precision=Precision.HIGH,
    security_severity=4.0,
    profile=Profile.DEFAULT,
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://kubernetes.io/docs/concepts/storage/volumes/#emptydir",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
    replaces=(
        "kube-linter:no-read-only-root-fs",
        "polaris:notReadOnlyRootFilesystem",
        "kube-score:container-security-context-readonlyrootfilesystem",
        "checkov:CKV_K8S_22",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for container in workload.containers:
        if container.windows:
            continue
        context = container.container.security_context
        read_only = context.read_only_root_filesystem if context is not None else None
        if read_only is True:
            continue
        path = container.at("securityContext", "readOnlyRootFilesystem")
        setting = "not set" if read_only is None else "false"
        fix = Fix(path, True, "Set `readOnlyRootFilesystem: true`")
        yield Violation(path, {**container.args, "setting": setting}, fix=fix)
