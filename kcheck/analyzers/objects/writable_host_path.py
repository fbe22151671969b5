"""## What it does
Checks every container, init container and ephemeral container for `volumeMounts` of a `hostPath` volume
(matched by the volume's name) that do not set `readOnly: true`. A volumeMount is writable unless it says
otherwise, and so is a mount of a hostPath whatever the volume's `type`. Each mount is reported on its
own, at the mount, so a volume mounted read-write by two containers gives two findings.

Mounting read-only does not make a sensitive path safe to read (`sensitive-host-path`, KC123) nor a
runtime socket safe to reach: a read-only mount does not stop a process from connecting to a socket, so
mounts of a runtime socket itself are left to `container-runtime-socket` (KC124) and not reported here.

## Why is this bad?
A writable hostPath lets the container change the node's files: plant a binary, a cron job or a static
pod manifest where the node will run it, fill the node's disk, or leave files behind for the next pod that
mounts the same path. A read-only mount keeps what the container can do to what it reads. Where the
container really has to write to the node (a log shipper's position file, a CSI driver), review the path
and suppress the finding there.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: log-reader
spec:
  containers:
    - name: reader
      image: registry.example.com/log-reader:1.2.0
      volumeMounts:
        - name: logs
          mountPath: /host/logs
  volumes:
    - name: logs
      hostPath:
        path: /var/log/app
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: log-reader
spec:
  containers:
    - name: reader
      image: registry.example.com/log-reader:1.2.0
      volumeMounts:
        - name: logs
          mountPath: /host/logs
          readOnly: true
  volumes:
    - name: logs
      hostPath:
        path: /var/log/app
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.host_paths import HostPathVolume, RuntimeSocket, classify, host_path_volumes
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC125",
    name="writable-host-path",
    summary="A container that mounts a `hostPath` volume without `readOnly: true`.",
    severity=Severity.WARNING,
    category=Category.SECURITY,
    message="{role} {container!r} mounts hostPath volume {volume!r} ({host_path}) writable at {mount_path}: "
    "readOnly is not true",
    remediation="Set `readOnly: true` on the volumeMount.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    profile=Profile.STRICT,
    precision=Precision.VERY_HIGH,
    security_severity=6.0,
    replaces=("kube-linter:writable-host-mount",),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/concepts/storage/volumes/#read-only-mounts",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    by_name: dict[str, HostPathVolume] = {}
    for volume in host_path_volumes(workload):
        found = classify(volume.path, workload.windows)
        # readOnly does not keep a process from connecting to a socket: KC124 reports those volumes.
        if isinstance(found, RuntimeSocket) and found.relation == "is":
            continue
        if volume.volume.name is not None:
            by_name.setdefault(volume.volume.name, volume)
    if not by_name:
        return
    for container in workload.containers:
        for index, mount in enumerate(container.container.volume_mounts):
            mounted = by_name.get(mount.name or "")
            if mounted is None or mount.read_only is True:
                continue
            path = container.at("volumeMounts", index, "readOnly")
            args = {
                **container.args,
                "volume": mounted.name,
                "host_path": mounted.path or "an unspecified path",
                "mount_path": mount.mount_path or "an unspecified path",
            }
            yield Violation(path, args, fix=Fix(path, True, "Set `readOnly: true`"))
