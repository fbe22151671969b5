"""## What it does
Checks for pods and pod templates with a `hostPath` volume, whatever its path, type and mounts.

This is the opt-in, blanket form of the host mount rules: `sensitive-host-path` (KC123) and
`container-runtime-socket` (KC124) report the hostPaths that expose the node outright, and
`writable-host-path` (KC125) the ones containers can write to; this rule reports every hostPath, so a
hardened cluster can allow none but the ones it has reviewed (suppress those one by one).

## Why is this bad?
A hostPath volume ties the pod to the files of the node it happens to run on: it breaks when the pod is
rescheduled elsewhere, it bypasses the storage a cluster manages (quotas, ownership, cleanup), and it
reaches through the container's isolation into the node, where a writable path, a symlink or a later mount
can hand the container more than was meant. The Pod Security Standards forbid every hostPath volume from
the Baseline profile up. Most workloads want an `emptyDir`, a ConfigMap, a Secret or a
PersistentVolumeClaim instead; node agents that really need a node path belong in a reviewed exception.

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
        - name: cache
          mountPath: /cache
  volumes:
    - name: cache
      hostPath:
        path: /var/cache/web
        type: DirectoryOrCreate
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
      volumeMounts:
        - name: cache
          mountPath: /cache
  volumes:
    - name: cache
      emptyDir:
        sizeLimit: 1Gi
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.host_paths import host_path_volumes, volume_path
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC122",
    name="host-path-volume",
    summary="A pod with a `hostPath` volume, which reaches into the node's filesystem.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{kind} {name!r} mounts {host_path} from the node through hostPath volume {volume!r}",
    remediation="Use an `emptyDir`, a ConfigMap, a Secret or a PersistentVolumeClaim instead of the "
    "hostPath.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    profile=Profile.STRICT,
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    replaces=("polaris:hostPathSet",),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for volume in host_path_volumes(workload):
        host_path = volume.path or "an unspecified path"
        args = {**workload.args, "volume": volume.name, "host_path": host_path}
        yield Violation(volume_path(workload, volume), args)
