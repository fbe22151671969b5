"""Linux security settings as the container runtimes and the kubelet read them, for the capability, seccomp
and AppArmor rules.

Not a rule module (it defines no `RULE`).

Capabilities: the kubelet passes `capabilities.add` and `capabilities.drop` to the runtime unchanged. Both
containerd and CRI-O compare `ALL` case-insensitively and upper-case the other names; containerd then
prefixes every name with `CAP_` (so `CAP_SYS_ADMIN` becomes the unknown `CAP_CAP_SYS_ADMIN`, which runc
ignores), while CRI-O keeps a name that already has the prefix. Either runtime starts from `ALL` when `add`
holds it, from nothing when `drop` holds it, else from its default set, then adds the listed names, then
removes the dropped ones: a name both added and dropped is not granted. kcheck reads the lists the way the
more permissive runtime does: an added name counts with or without the prefix, a dropped one only without.
A privileged container gets every capability whatever the lists say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.location import ObjectPath
from kcheck.model.base import K8sObject
from kcheck.model.workloads import CronJob, Pod, PodTemplateSpec

ALL = "ALL"

# Every capability of Linux 5.9 and later (include/uapi/linux/capability.h), without the `CAP_` prefix.
LINUX_CAPABILITIES: frozenset[str] = frozenset(
    {
        "AUDIT_CONTROL",
        "AUDIT_READ",
        "AUDIT_WRITE",
        "BLOCK_SUSPEND",
        "BPF",
        "CHECKPOINT_RESTORE",
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "IPC_LOCK",
        "IPC_OWNER",
        "KILL",
        "LEASE",
        "LINUX_IMMUTABLE",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "MKNOD",
        "NET_ADMIN",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_RAW",
        "PERFMON",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYSLOG",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_CHROOT",
        "SYS_MODULE",
        "SYS_NICE",
        "SYS_PACCT",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "WAKE_ALARM",
    }
)

# The capabilities that amount to root on the node (KC111), and what each lets a process do.
DANGEROUS_CAPABILITIES: Mapping[str, str] = {
    "ALL": "use every capability, as much power over the node as a privileged container has",
    "SYS_ADMIN": "mount file systems and enter other namespaces, enough to escape the container",
    "NET_ADMIN": "reconfigure interfaces, routes and firewall rules of its network namespace",
    "SYS_MODULE": "load kernel modules, running code in the node's kernel",
    "SYS_PTRACE": "trace and inject code into any process it can see",
    "SYS_RAWIO": "access I/O ports and raw devices, including the node's memory",
    "BPF": "load eBPF programs, which can read kernel memory",
    "DAC_READ_SEARCH": "open any file of the node's file systems by handle, outside the container",
}

# The set a container gets from containerd (and Docker) when its lists say nothing: the Pod Security
# Standards' Baseline list of capabilities that may be added, plus NET_RAW. CRI-O's default (since 1.18) is
# smaller: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, NET_BIND_SERVICE, SETGID, SETPCAP, SETUID.
RUNTIME_DEFAULT_CAPABILITIES: frozenset[str] = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "NET_RAW",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
# The Pod Security Standards' Baseline "Capabilities" control: the only names a container may add.
BASELINE_ADDABLE_CAPABILITIES: frozenset[str] = RUNTIME_DEFAULT_CAPABILITIES - {"NET_RAW"}


def normalize_capability(name: str) -> str:
    """A capability name as the more permissive runtime (CRI-O) reads it: upper case, without `CAP_`."""
    upper = name.upper()
    return upper if upper == ALL else upper.removeprefix("CAP_")


@dataclass(frozen=True, slots=True)
class AddedCapability:
    """An entry of `capabilities.add` the container is granted."""

    name: str  # normalized: `SYS_ADMIN` for `cap_sys_admin`
    written: str  # as the manifest writes it
    path: ObjectPath


def added_capabilities(container: ContainerView) -> Iterator[AddedCapability]:
    """The entries of `capabilities.add` that survive `capabilities.drop`, in manifest order."""
    context = container.container.security_context
    capabilities = context.capabilities if context is not None else None
    if capabilities is None:
        return
    for index, written in enumerate(capabilities.add):
        name = normalize_capability(written)
        if name == ALL or not drops_individually(container, name):
            yield AddedCapability(
                name, written, container.at("securityContext", "capabilities", "add", index)
            )


def drops_all(container: ContainerView) -> bool:
    """Whether `capabilities.drop` holds `ALL` (in any case, as both runtimes compare it)."""
    return any(entry.upper() == ALL for entry in _drop_list(container))


def drops_individually(container: ContainerView, capability: str) -> bool:
    """Whether `capabilities.drop` names `capability` so that every runtime drops it (no `CAP_` prefix)."""
    return any(entry.upper() == capability for entry in _drop_list(container))


def drops(container: ContainerView, capability: str) -> bool:
    """Whether the container's capabilities are without `capability` whatever `add` says of `ALL`."""
    return drops_individually(container, capability) or (
        drops_all(container) and not _adds_individually(container, capability)
    )


def is_privileged(container: ContainerView) -> bool:
    context = container.container.security_context
    return context is not None and context.privileged is True


def drop_path(container: ContainerView) -> ObjectPath:
    return container.at("securityContext", "capabilities", "drop")


def _adds_individually(container: ContainerView, capability: str) -> bool:
    context = container.container.security_context
    capabilities = context.capabilities if context is not None else None
    return capabilities is not None and any(normalize_capability(e) == capability for e in capabilities.add)


def _drop_list(container: ContainerView) -> list[str]:
    context = container.container.security_context
    capabilities = context.capabilities if context is not None else None
    return capabilities.drop if capabilities is not None else []


def template_annotations(workload: WorkloadView) -> tuple[Mapping[str, str], ObjectPath]:
    """The annotations of the pods the workload creates, and the path of their `annotations` key.

    The pod template's `metadata` for a controller, the object's own for a Pod: the kubelet reads the
    legacy per-container annotations from the pod, which copies them from the template.
    """
    path: ObjectPath = (*workload.template.path[:-1], "metadata", "annotations")
    obj = workload.obj
    if isinstance(obj, Pod):
        return obj.metadata.annotations, path
    template = _pod_template_spec(obj)
    return (template.metadata.annotations if template is not None else {}), path


def _pod_template_spec(obj: K8sObject) -> PodTemplateSpec | None:
    spec = getattr(obj, "spec", None)
    if isinstance(obj, CronJob):
        job_template = spec.job_template if spec is not None else None
        spec = job_template.spec if job_template is not None else None
    template = getattr(spec, "template", None)
    return template if isinstance(template, PodTemplateSpec) else None
