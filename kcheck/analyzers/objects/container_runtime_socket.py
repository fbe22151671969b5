r"""## What it does
Checks for `hostPath` volumes that mount a container runtime's socket, or a directory that holds one:
Docker's `/var/run/docker.sock`, containerd's `/run/containerd/containerd.sock` (and k3s's
`/run/k3s/containerd/containerd.sock`), CRI-O's `/var/run/crio/crio.sock`, `/var/run/cri-dockerd.sock`,
Podman's `/run/podman/podman.sock` and the old `dockershim.sock`; any path whose last element is one of
these socket names (rootless and distribution-specific locations); the directories above a known socket
below `/` (`/run`, `/var/run`, `/run/containerd`, `/var/run/crio`, ...); and, for Windows nodes, the named
pipes `\\.\pipe\docker_engine` and `\\.\pipe\containerd-containerd`.

`/var/run` is a symlink to `/run` on current distributions, so both spellings are the same socket; paths
are normalised as the node resolves them (trailing slashes, `//`, `.` and `..`). `/` and `/var` hold the
sockets too, but they are reported by `sensitive-host-path` (KC123), which covers far more than the
socket: one volume gets one of the two findings, never both.

## Why is this bad?
Whoever can talk to the runtime's socket can start a privileged container with the node's filesystem
mounted, read every container's environment and files, or exec into any pod on the node: it is root on
the node, and from there on every workload scheduled to it, whatever the pod's own security context says.
Mounting the socket `readOnly: true` does not help: a read-only mount does not stop a process from
connecting to a socket. Build images with a daemonless builder (BuildKit rootless, Kaniko, Buildah) and
read container metadata through the Kubernetes API or the kubelet instead.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: build
      image: registry.example.com/builder:3.0.1
      volumeMounts:
        - name: docker
          mountPath: /var/run/docker.sock
  volumes:
    - name: docker
      hostPath:
        path: /var/run/docker.sock
        type: Socket
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: build
      image: registry.example.com/buildkit:0.15.2-rootless
      volumeMounts:
        - name: cache
          mountPath: /home/user/.local/share/buildkit
  volumes:
    - name: cache
      emptyDir: {}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.objects.host_paths import RuntimeSocket, classify, host_path_volumes, volume_path
from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds

RULE = RuleSpec(
    id="KC124",
    name="container-runtime-socket",
    summary="A `hostPath` volume of a container runtime's socket (`docker.sock`, `containerd.sock`, ...).",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message="{kind} {name!r} mounts {host_path} from the node through hostPath volume {volume!r}: "
    "{exposure}, and whoever can reach it controls every container on the node",
    remediation="Remove the hostPath volume; build images with a daemonless builder and read container "
    "information through the Kubernetes API.",
    docs=__doc__ or "",
    applies_to=kinds.WORKLOADS,
    precision=Precision.VERY_HIGH,
    security_severity=9.0,
    replaces=("kube-linter:docker-sock", "kube-linter:container-runtime-sock", "checkov:CKV_K8S_27"),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/setup/production-environment/container-runtimes/",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    ),
)


def check_workload(workload: WorkloadView, options: None = None) -> Iterator[Violation]:
    for volume in host_path_volumes(workload):
        found = classify(volume.path, workload.windows)
        if isinstance(found, RuntimeSocket):
            args = {
                **workload.args,
                "volume": volume.name,
                "host_path": found.path,
                "exposure": found.exposure,
            }
            yield Violation(volume_path(workload, volume, "path"), args)
