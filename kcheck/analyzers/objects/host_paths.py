"""What a hostPath volume exposes of the node: shared by the host mount rules (KC122-KC125).

Not a rule module (it defines no `RULE`). `classify` sorts a hostPath into at most one of two classes, so
that one volume gets one finding: a container runtime socket (KC124) or a sensitive location of the node
(KC123).

Paths are compared as the node resolves them: a trailing slash, `//` and `.` elements change nothing, and
`..` is resolved lexically (the API server rejects a hostPath with a `..` element, validatePathNoBacksteps,
so such a pod never reaches a kubelet; it is resolved anyway rather than missed). `/var/run` is a symlink to
`/run` on every current distribution, so sockets are compared with it replaced. A relative path is not
resolved: where it lands depends on the working directory of the runtime that makes the bind mount.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from kcheck.analyzers.objects.view import WorkloadView
from kcheck.core.location import ObjectPath
from kcheck.model.workloads import HostPathVolumeSource, Volume


@dataclass(frozen=True, slots=True)
class HostPathVolume:
    """A volume of the pod with a `hostPath` source."""

    index: int
    volume: Volume
    source: HostPathVolumeSource

    @property
    def name(self) -> str:
        return self.volume.name or f"volumes[{self.index}]"

    @property
    def path(self) -> str | None:
        return self.source.path


def host_path_volumes(workload: WorkloadView) -> Iterator[HostPathVolume]:
    """The pod's hostPath volumes, in manifest order."""
    for index, volume in enumerate(workload.spec.volumes):
        if volume.host_path is not None:
            yield HostPathVolume(index, volume, volume.host_path)


def volume_path(workload: WorkloadView, volume: HostPathVolume, *keys: str) -> ObjectPath:
    return workload.at("volumes", volume.index, "hostPath", *keys)


# Where the node keeps what a pod must never reach, and what each holds (for the messages).
SYSTEM_PROGRAMS = "the node's system programs and libraries"
SENSITIVE_LOCATIONS: dict[str, str] = {
    "/": "the node's whole filesystem",
    "/etc/kubernetes": "the kubelet's and the control plane's credentials and static pods",
    "/etc": "the node's configuration, credentials included",
    "/var/lib/kubelet": "the kubelet's state, with every pod's volumes and Secrets",
    "/var/lib/etcd": "etcd's data, with every Secret of the cluster",
    "/var/lib/docker": "Docker's state, with every container's filesystem",
    "/var/lib/containerd": "containerd's state, with every container's filesystem",
    "/proc": "every process of the node and the kernel's settings",
    "/sys": "the kernel's and the devices' settings",
    "/dev": "the node's devices, its disks included",
    "/boot": "the node's kernel and boot loader",
    "/root": "the home directory of the node's root user",
    "/usr": SYSTEM_PROGRAMS,
    "/lib": SYSTEM_PROGRAMS,
    "/lib64": SYSTEM_PROGRAMS,
    "/bin": SYSTEM_PROGRAMS,
    "/sbin": SYSTEM_PROGRAMS,
}

# Container runtime sockets, with `/run` for `/var/run`, and the runtime each belongs to.
RUNTIME_SOCKETS: dict[str, str] = {
    "/run/docker.sock": "Docker",
    "/run/containerd/containerd.sock": "containerd",
    "/run/k3s/containerd/containerd.sock": "containerd",
    "/run/crio/crio.sock": "CRI-O",
    "/run/cri-dockerd.sock": "cri-dockerd",
    "/run/podman/podman.sock": "Podman",
    "/run/dockershim.sock": "dockershim",
}
# A socket of these names is the runtime's wherever it is (rootless, snap or distribution-specific paths).
RUNTIME_SOCKET_NAMES: dict[str, str] = {
    "docker.sock": "Docker",
    "containerd.sock": "containerd",
    "containerd.sock.ttrpc": "containerd",
    "cri-containerd.sock": "containerd",
    "crio.sock": "CRI-O",
    "cri-dockerd.sock": "cri-dockerd",
    "podman.sock": "Podman",
    "dockershim.sock": "dockershim",
}
# The named pipes the runtimes listen on under Windows (compared in lower case, with backslashes).
RUNTIME_PIPES: dict[str, str] = {
    r"\\.\pipe\docker_engine": "Docker",
    r"\\.\pipe\containerd-containerd": "containerd",
    r"\\.\pipe\dockershim": "dockershim",
}

_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]|[\\/]{2}[.?][\\/]|\\")


@dataclass(frozen=True, slots=True)
class SensitiveLocation:
    """A hostPath that is, is under, or contains one of `SENSITIVE_LOCATIONS` (KC123)."""

    path: str  # normalised
    location: str
    relation: Literal["is", "under", "contains"]

    @property
    def exposure(self) -> str:
        what = SENSITIVE_LOCATIONS[self.location]
        if self.relation == "is":
            return what
        if self.relation == "under":
            return f"it is part of {self.location}, {what}"
        return f"it contains {self.location}, {what}"


@dataclass(frozen=True, slots=True)
class RuntimeSocket:
    """A hostPath that is a container runtime's socket or named pipe, or a directory holding one (KC124)."""

    path: str  # normalised
    runtime: str
    # The socket it is, or the known sockets below the directory.
    sockets: tuple[str, ...]
    relation: Literal["is", "contains"]

    @property
    def exposure(self) -> str:
        if self.relation == "is":
            kind = "named pipe" if self.sockets[0].startswith("\\\\") else "socket"
            return f"it is the {self.runtime} {kind}"
        if len(self.sockets) == 1:
            return f"it contains the {self.runtime} socket {self.sockets[0]}"
        shown = ", ".join(self.sockets[:2])
        return f"it contains the sockets of the container runtimes ({shown}, ...)"


HostPathClass = SensitiveLocation | RuntimeSocket


def normalise(path: str) -> str | None:
    """The absolute POSIX path `path` names on the node, or None for a relative or a Windows path."""
    if not path.startswith("/") or _WINDOWS_PATH.match(path):
        return None
    normal = posixpath.normpath(path)
    # POSIX lets a leading `//` mean something else; Linux does not, and normpath keeps it.
    return "/" + normal.lstrip("/")


def _run_alias(path: str) -> str:
    if path == "/var/run" or path.startswith("/var/run/"):
        return "/run" + path.removeprefix("/var/run")
    return path


def _contains(parent: str, child: str) -> bool:
    """Whether `child` is strictly below `parent` (both normalised)."""
    return child != parent and (parent == "/" or child.startswith(parent + "/"))


def _pipe(path: str) -> RuntimeSocket | None:
    pipe = path.replace("/", "\\").lower().rstrip("\\")
    runtime = RUNTIME_PIPES.get(pipe)
    return RuntimeSocket(path, runtime, (pipe,), "is") if runtime is not None else None


def _sensitive(path: str) -> SensitiveLocation | None:
    if path in SENSITIVE_LOCATIONS:
        return SensitiveLocation(path, path, "is")
    # The most specific location above it ("/" is above everything: only the root itself counts).
    above = [loc for loc in SENSITIVE_LOCATIONS if loc != "/" and _contains(loc, path)]
    if above:
        return SensitiveLocation(path, max(above, key=len), "under")
    for location in SENSITIVE_LOCATIONS:
        if _contains(path, location):
            return SensitiveLocation(path, location, "contains")
    return None


def classify(raw: str | None, windows: bool = False) -> HostPathClass | None:
    """What the hostPath `raw` exposes, if it is sensitive; `windows` for a pod meant for Windows nodes,
    where only the runtimes' named pipes are known."""
    if not raw:
        return None
    pipe = _pipe(raw)
    if pipe is not None or windows:
        return pipe
    path = normalise(raw)
    if path is None:
        return None
    socket_path = _run_alias(path)
    runtime = RUNTIME_SOCKETS.get(socket_path) or RUNTIME_SOCKET_NAMES.get(posixpath.basename(socket_path))
    if runtime is not None:
        return RuntimeSocket(path, runtime, (socket_path,), "is")
    sensitive = _sensitive(path)
    if sensitive is not None:
        return sensitive
    below = tuple(socket for socket in RUNTIME_SOCKETS if _contains(socket_path, socket))
    if not below:
        return None
    runtimes = {RUNTIME_SOCKETS[socket] for socket in below}
    runtime = RUNTIME_SOCKETS[below[0]] if len(runtimes) == 1 else "container runtime"
    return RuntimeSocket(path, runtime, below, "contains")
