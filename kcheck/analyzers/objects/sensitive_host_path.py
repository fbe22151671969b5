"""## What it does
Checks for `hostPath` volumes whose path is, is under, or contains a sensitive location of the node: `/`,
`/boot`, `/dev`, `/etc` (and `/etc/kubernetes`), `/proc`, `/sys`, `/root`, the system directories `/usr`,
`/lib`, `/lib64`, `/bin` and `/sbin`, and the state of the kubelet, etcd and the container runtimes
(`/var/lib/kubelet`, `/var/lib/etcd`, `/var/lib/docker`, `/var/lib/containerd`). So `/etc/kubernetes/pki`
is reported (under `/etc/kubernetes`), and so are `/var` and `/var/lib` (they contain `/var/lib/kubelet`).

Paths are compared as the node resolves them: `/etc/`, `//etc` and `/etc/.` are `/etc`, and `..` is
resolved (the API server rejects a hostPath with a `..` element anyway). A relative path is not reported,
nor a pod meant for Windows nodes (these are Linux locations). A container runtime socket, or a directory
such as `/run` that holds one, is reported by `container-runtime-socket` (KC124) instead, never by both.

A few host files are harmless to read and commonly mounted for it: the time zone (`/etc/localtime`,
`/usr/share/zoneinfo`), the CA certificates and the kernel modules. The paths under the option
`allow_read_only` are not reported when every container that mounts the volume mounts it with
`readOnly: true` (a writable mount of them could still plant a root CA or a kernel module on the node).

## Why is this bad?
These locations hold the node's credentials (the kubelet's client certificate, the control plane's keys,
every pod's Secrets under `/var/lib/kubelet`), its configuration, its devices and its running processes. A
container that reads them can impersonate the node or steal other workloads' Secrets; one that writes them
can replace the node's programs, add a static pod, or rewrite the kernel's settings, and so owns the node
and every pod on it. A read-only mount does not help for most of them: reading is enough to steal.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: registry.example.com/agent:2.1.0
      volumeMounts:
        - name: kubelet
          mountPath: /host/kubelet
          readOnly: true
  volumes:
    - name: kubelet
      hostPath:
        path: /var/lib/kubelet/
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: registry.example.com/agent:2.1.0
      volumeMounts:
        - name: timezone
          mountPath: /etc/localtime
          readOnly: true
  volumes:
    - name: timezone
      hostPath:
        path: /etc/localtime
        type: File
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.host_paths import (
    HostPathVolume,
    SensitiveLocation,
    classify,
    host_path_volumes,
    normalise,
    volume_path,
)
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_read_only: list[str] = Field(
        default=[
            "/etc/localtime",
            "/etc/timezone",
            "/usr/share/zoneinfo",
            "/etc/ssl/certs",
            "/etc/pki/tls/certs",
            "/etc/pki/ca-trust",
            "/etc/ca-certificates",
            "/usr/share/ca-certificates",
            "/lib/modules",
        ],
        description=(
            "Host paths (with what is under them) that are harmless to read: not reported when every "
            "container that mounts the volume mounts it read-only."
        ),
    )


RULE = RuleSpec(
    id="KC123",
    name="sensitive-host-path",
    summary="A `hostPath` volume of a sensitive node location (`/`, `/etc`, `/proc`, `/var/lib/kubelet`).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} mounts {host_path} from the node through hostPath volume {volume!r}: {exposure}",
    remediation="Remove the hostPath volume; give the container the data it needs through a ConfigMap, "
    "a Secret or a volume of its own.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    options=Options,
    precision=Precision.HIGH,
    security_severity=8.5,
    replaces=("kube-linter:sensitive-host-mounts",),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
)


WRITABLE = " (harmless to read, but a container mounts it without readOnly: true)"


def check_workload(workload: WorkloadView, options: Options | None = None) -> Iterator[Violation]:
    allowed = [path for path in map(normalise, (options or Options()).allow_read_only) if path is not None]
    for volume in host_path_volumes(workload):
        found = classify(volume.path, workload.windows)
        if not isinstance(found, SensitiveLocation):
            continue
        exposure = found.exposure
        if _is_allowed(found.path, allowed):
            if not _mounted_writable(workload, volume):
                continue
            exposure += WRITABLE
        args = {**workload.args, "volume": volume.name, "host_path": found.path, "exposure": exposure}
        yield Violation(volume_path(workload, volume, "path"), args)


def _is_allowed(path: str, allowed: list[str]) -> bool:
    return any(path == entry or path.startswith(entry.rstrip("/") + "/") for entry in allowed)


def _mounted_writable(workload: WorkloadView, volume: HostPathVolume) -> bool:
    name = volume.volume.name
    return name is not None and any(
        mount.name == name and mount.read_only is not True
        for container in workload.containers
        for mount in container.container.volume_mounts
    )
