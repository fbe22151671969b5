"""The Pod Security Standards as the Pod Security admission controller evaluates them, one function per check.

Not a rule module (it defines no `RULE`). Each check of the upstream policy package
(`k8s.io/pod-security-admission/policy`, `check_*.go` in kubernetes/kubernetes) is a function here that takes
a `WorkloadView` and a policy version ("1.X", see below) and returns what the check forbids, one
`ControlFailure` per offending field; the `pss_*` rule modules report them, and `evaluate` runs a whole level
the way admission does. The version is the policy version: the API server's own (`latest`, the default, with
the run's `kubernetes-version`) or an older one a namespace pins (`enforce-version`), as evaluated by the
API servers kcheck targets (1.33+), with their feature gates at their defaults:

- a check exists from its first policy version (`Control.since`); revisions that changed what a check allows
  apply from theirs (sysctls added in 1.27, 1.29, 1.32 and 1.37; SELinux `container_engine_t` from 1.31).
  What upstream patched into a check's first revision applies at every policy version: `image` volumes
  (allowed by restricted on 1.33+ servers) and the `appArmorProfile` fields (1.30+ servers);
- `restricted` runs every baseline check except those a restricted check overrides (`Control.overrides`):
  `restrictedVolumes` replaces `hostPathVolumes`, `seccompProfile_restricted` replaces
  `seccompProfile_baseline`, `capabilities_restricted` replaces `capabilities_baseline`, and from 1.35
  `procMount_restricted` replaces `procMount`;
- a pod with `spec.os.name: windows` is exempt from `allowPrivilegeEscalation`, `seccompProfile_restricted`
  and `capabilities_restricted` (policy 1.25+). Only `spec.os` counts here, as upstream: not `windowsOptions`,
  not a node selector;
- a pod in a user namespace (`hostUsers: false`) is exempt from `runAsNonRoot`, `runAsUser` and the baseline
  `procMount` from 1.35, when the relaxation became unconditional; before, it needed the alpha
  `UserNamespacesPodSecurityStandards` feature gate (off by default);
- every container is checked: containers, init containers (sidecars included) and ephemeral containers;
- the API server's defaulting comes first: a volume that sets no source is an `emptyDir`.

What admission reads from the object: the pod spec, and the pod metadata's AppArmor annotations (the pod
template's metadata for a workload).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from kcheck.analyzers.objects.probes import container_probes, network_handlers
from kcheck.analyzers.objects.view import ContainerView, WorkloadView
from kcheck.core.findings import Fix, Violation
from kcheck.core.location import ObjectPath
from kcheck.model.workloads import SELinuxOptions, Volume

Level = Literal["baseline", "restricted"]
LEVELS: tuple[Level, ...] = ("baseline", "restricted")

# The message of every PSS rule; the arguments are the object's, plus `level`, `control` and `detail`.
MESSAGE = "{kind} {name!r} violates Pod Security {level} control '{control}': {detail}"


@dataclass(frozen=True, slots=True)
class ControlFailure:
    """One field that makes a check forbid the pod: where it is (or should be written) and why."""

    control: str  # the control's name as the standard writes it ("Privileged Containers")
    check_id: str  # the upstream check ID ("privileged")
    path: ObjectPath
    detail: str  # phrased like upstream's forbidden detail
    fix: Fix | None = None


Check = Callable[[WorkloadView, str], list[ControlFailure]]


@dataclass(frozen=True, slots=True)
class Control:
    """An upstream check: its ID, the control it implements, its level, and when it appeared."""

    check_id: str
    name: str
    level: Level
    # The first minor version (1.x) with the check: before it, the check forbids nothing.
    since: int
    check: Check = field(repr=False, compare=False)
    # Baseline checks this one replaces when the restricted level is evaluated.
    overrides: tuple[str, ...] = ()


def minor(version: str) -> int:
    """The minor number of "1.X"; an unreadable version is taken as the newest behaviour."""
    try:
        return int(version.split(".")[1])
    except (IndexError, ValueError):
        return 1_000


def _q(text: str) -> str:
    # Upstream's joinQuote: the text between double quotes, unescaped.
    return f'"{text}"'


def _who(container: ContainerView) -> str:
    return f"container {_q(str(container.args['container']))}"


def _volume(volume: Volume, index: int) -> str:
    # A volume without a name is reported by the shape and schema rules; name it by its position here.
    return f"volume {_q(volume.name or f'volumes[{index}]')}"


def _field(model: object, key: str) -> object:
    """A model's value for a manifest key, whether the model types it or keeps it as an extra."""
    if not isinstance(model, BaseModel):
        return model.get(key) if isinstance(model, dict) else None
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == key:
            return getattr(model, name)
    return (model.model_extra or {}).get(key)


def _windows_exempt(workload: WorkloadView, version: str) -> bool:
    """Whether a Linux-only restricted check (policy 1.25+) skips this Windows pod."""
    # Upstream reads `spec.os.name` alone (the API only accepts `linux` or `windows` there).
    os = workload.spec.os
    return minor(version) >= 25 and os is not None and os.name == "windows"


def _user_namespace(workload: WorkloadView, version: str) -> bool:
    """Whether a check relaxed for user-namespaced pods (`hostUsers: false`) skips this pod."""
    return minor(version) >= 35 and workload.spec.host_users is False


# -- baseline


def host_process(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`windowsHostProcess`: `windowsOptions.hostProcess` must not be true, at the pod or any container."""
    failures = []
    pod = workload.spec.security_context
    if pod is not None and pod.windows_options is not None and pod.windows_options.host_process:
        path = workload.at("securityContext", "windowsOptions", "hostProcess")
        failures.append(
            _failure(
                "windowsHostProcess",
                path,
                "pod must not set securityContext.windowsOptions.hostProcess=true",
                Fix(path, False, "Set `hostProcess: false`"),
            )
        )
    for container in workload.containers:
        context = container.container.security_context
        options = context.windows_options if context is not None else None
        if options is not None and options.host_process:
            path = container.at("securityContext", "windowsOptions", "hostProcess")
            failures.append(
                _failure(
                    "windowsHostProcess",
                    path,
                    f"{_who(container)} must not set securityContext.windowsOptions.hostProcess=true",
                    Fix(path, False, "Set `hostProcess: false`"),
                )
            )
    return failures


def host_namespaces(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`hostNamespaces`: `hostNetwork`, `hostPID` and `hostIPC` must not be true."""
    spec = workload.spec
    failures = []
    for key, value in (
        ("hostNetwork", spec.host_network),
        ("hostPID", spec.host_pid),
        ("hostIPC", spec.host_ipc),
    ):
        if value:
            path = workload.at(key)
            failures.append(
                _failure(
                    "hostNamespaces",
                    path,
                    f"pod must not set {key}=true",
                    Fix(path, False, f"Set `{key}: false`"),
                )
            )
    return failures


def privileged(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`privileged`: no container may set `securityContext.privileged: true`."""
    failures = []
    for container in workload.containers:
        context = container.container.security_context
        if context is not None and context.privileged:
            path = container.at("securityContext", "privileged")
            failures.append(
                _failure(
                    "privileged",
                    path,
                    f"{_who(container)} must not set securityContext.privileged=true",
                    Fix(path, False, "Set `privileged: false`"),
                )
            )
    return failures


BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)


def capabilities_baseline(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`capabilities_baseline`: `capabilities.add` may hold only the default set (exact names, no `CAP_`)."""
    failures = []
    for container in workload.containers:
        context = container.container.security_context
        if context is None or context.capabilities is None:
            continue
        for index, capability in enumerate(context.capabilities.add):
            if capability not in BASELINE_CAPABILITIES:
                failures.append(
                    _failure(
                        "capabilities_baseline",
                        container.at("securityContext", "capabilities", "add", index),
                        _adds(container, capability),
                    )
                )
    return failures


def _adds(container: ContainerView, capability: str) -> str:
    return f"{_who(container)} must not include {_q(capability)} in securityContext.capabilities.add"


def host_path_volumes(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`hostPathVolumes`: no volume may be a `hostPath`."""
    return [
        _failure(
            "hostPathVolumes",
            workload.at("volumes", index, "hostPath"),
            f"{_volume(volume, index)} must not use hostPath",
        )
        for index, volume in enumerate(workload.spec.volumes)
        if volume.host_path is not None
    ]


def host_ports(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`hostPorts`: every `ports[*].hostPort` must be unset or 0 (upstream visits every container)."""
    failures = []
    for container in workload.containers:
        for index, port in enumerate(container.container.ports):
            if port.host_port is not None and port.host_port != 0:
                failures.append(
                    _failure(
                        "hostPorts",
                        container.at("ports", index, "hostPort"),
                        f"{_who(container)} uses hostPort {port.host_port}",
                    )
                )
    return failures


APPARMOR_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _allowed_apparmor_annotation(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


def apparmor_profile(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`appArmorProfile`: the `appArmorProfile.type` fields must be `RuntimeDefault` or `Localhost`, and the
    `container.apparmor.security.beta.kubernetes.io/*` annotations `runtime/default`, `localhost/*` or empty.

    Each level is checked on its own: a container's `Unconfined` is forbidden whatever the pod sets.
    """
    failures = []
    pod = workload.spec.security_context
    if pod is not None and pod.app_armor_profile is not None:
        profile_type = pod.app_armor_profile.type or ""
        if profile_type not in APPARMOR_PROFILE_TYPES:
            path = workload.at("securityContext", "appArmorProfile", "type")
            failures.append(
                _failure(
                    "appArmorProfile",
                    path,
                    f"pod must not set AppArmor profile type to {_q(profile_type)}",
                    Fix(path, "RuntimeDefault", "Set `type: RuntimeDefault`"),
                )
            )
    for container in workload.containers:
        context = container.container.security_context
        if context is None or context.app_armor_profile is None:
            continue
        profile_type = context.app_armor_profile.type or ""
        if profile_type not in APPARMOR_PROFILE_TYPES:
            path = container.at("securityContext", "appArmorProfile", "type")
            failures.append(
                _failure(
                    "appArmorProfile",
                    path,
                    f"{_who(container)} must not set AppArmor profile type to {_q(profile_type)}",
                    Fix(path, "RuntimeDefault", "Set `type: RuntimeDefault`"),
                )
            )
    annotations, metadata_path = pod_annotations(workload)
    for key in sorted(annotations):
        value = annotations[key]
        if key.startswith(APPARMOR_ANNOTATION_PREFIX) and not _allowed_apparmor_annotation(value):
            path = (*metadata_path, "annotations", key)
            failures.append(
                _failure(
                    "appArmorProfile",
                    path,
                    f"annotation {_q(key)} must not set AppArmor profile {_q(value)}",
                    Fix(path, "runtime/default", "Set the annotation to `runtime/default`"),
                )
            )
    return failures


def pod_annotations(workload: WorkloadView) -> tuple[Mapping[str, str], ObjectPath]:
    """The annotations of the pods (a Pod's own, or the pod template's) and where their metadata is."""
    spec_path = workload.template.path
    metadata_path: ObjectPath = ("metadata",) if spec_path == ("spec",) else (*spec_path[:-1], "metadata")
    node: object = workload.obj
    for key in metadata_path:
        node = _field(node, str(key))
    annotations = _field(node, "annotations")
    if not isinstance(annotations, dict):
        return {}, metadata_path
    return {k: v for k, v in annotations.items() if isinstance(v, str)}, metadata_path


_SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
_SELINUX_TYPES_1_31 = _SELINUX_TYPES_1_0 | {"container_engine_t"}


def selinux_options(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`seLinuxOptions`: `type` must be empty or one of the container types (`container_engine_t` from 1.31);
    `user` and `role` must be empty. `level` is not restricted. Each level is checked on its own."""
    allowed = _SELINUX_TYPES_1_31 if minor(version) >= 31 else _SELINUX_TYPES_1_0
    failures = []
    pod = workload.spec.security_context
    if pod is not None and pod.se_linux_options is not None:
        failures += _selinux_failures(
            pod.se_linux_options, workload.at("securityContext", "seLinuxOptions"), "pod", allowed
        )
    for container in workload.containers:
        context = container.container.security_context
        if context is not None and context.se_linux_options is not None:
            path = container.at("securityContext", "seLinuxOptions")
            failures += _selinux_failures(context.se_linux_options, path, _who(container), allowed)
    return failures


def _selinux_failures(
    options: SELinuxOptions, path: ObjectPath, who: str, allowed: frozenset[str]
) -> list[ControlFailure]:
    failures = []
    prefix = f"{who} set forbidden securityContext.seLinuxOptions"
    selinux_type = options.type or ""
    if selinux_type not in allowed:
        failures.append(_failure("seLinuxOptions", (*path, "type"), f"{prefix}: type {_q(selinux_type)}"))
    if options.user:
        failures.append(_failure("seLinuxOptions", (*path, "user"), f"{prefix}: user may not be set"))
    if options.role:
        failures.append(_failure("seLinuxOptions", (*path, "role"), f"{prefix}: role may not be set"))
    return failures


def proc_mount(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`procMount` (baseline): `procMount` must be unset or `Default`; from 1.35 any value is allowed in a
    user namespace (`hostUsers: false`)."""
    if _user_namespace(workload, version):
        return []
    return _proc_mount_failures(workload, "procMount")


def _proc_mount_failures(workload: WorkloadView, check_id: str) -> list[ControlFailure]:
    failures = []
    for container in workload.containers:
        context = container.container.security_context
        if context is None or context.proc_mount is None or context.proc_mount == "Default":
            continue
        path = container.at("securityContext", "procMount")
        failures.append(
            _failure(
                check_id,
                path,
                f"{_who(container)} must not set securityContext.procMount to {_q(context.proc_mount)}",
                Fix(path, "Default", "Set `procMount: Default`"),
            )
        )
    return failures


SECCOMP_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def seccomp_profile_baseline(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`seccompProfile_baseline` (the field check, policy 1.19+): a `seccompProfile` that is set must be
    `RuntimeDefault` or `Localhost`, at the pod and at every container, each on its own."""
    failures = []
    for who, path, profile in _seccomp_settings(workload):
        if profile is not None and (profile_type := _seccomp_type(profile)) not in SECCOMP_PROFILE_TYPES:
            failures.append(_seccomp_failure("seccompProfile_baseline", who, path, profile_type))
    return failures


def _seccomp_settings(workload: WorkloadView) -> Iterator[tuple[str, ObjectPath, object]]:
    """(who, path of the `seccompProfile`, its model or None) for the pod, then every container."""
    pod = workload.spec.security_context
    yield (
        "pod",
        workload.at("securityContext", "seccompProfile"),
        pod.seccomp_profile if pod is not None else None,
    )
    for container in workload.containers:
        context = container.container.security_context
        profile = context.seccomp_profile if context is not None else None
        yield _who(container), container.at("securityContext", "seccompProfile"), profile


def _seccomp_type(profile: object) -> str:
    value = _field(profile, "type")
    return value if isinstance(value, str) else ""


def _seccomp_failure(check_id: str, who: str, path: ObjectPath, profile_type: str) -> ControlFailure:
    type_path = (*path, "type")
    return _failure(
        check_id,
        type_path,
        f"{who} must not set securityContext.seccompProfile.type to {_q(profile_type)}",
        Fix(type_path, "RuntimeDefault", "Set `type: RuntimeDefault`"),
    )


_SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
# The sysctls each policy version adds to the safe set.
_SYSCTLS_ADDED: tuple[tuple[int, frozenset[str]], ...] = (
    (27, frozenset({"net.ipv4.ip_local_reserved_ports"})),
    (
        29,
        frozenset(
            {
                "net.ipv4.tcp_keepalive_time",
                "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            }
        ),
    ),
    (32, frozenset({"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"})),
    (37, frozenset({"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"})),
)


def allowed_sysctls(version: str) -> frozenset[str]:
    """The safe sysctls of the baseline policy at `version`."""
    allowed = set(_SYSCTLS_1_0)
    for since, names in _SYSCTLS_ADDED:
        if minor(version) >= since:
            allowed |= names
    return frozenset(allowed)


def sysctls(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`sysctls`: `spec.securityContext.sysctls[*].name` must be in the safe set of the version."""
    pod = workload.spec.security_context
    if pod is None:
        return []
    allowed = allowed_sysctls(version)
    return [
        _failure(
            "sysctls",
            workload.at("securityContext", "sysctls", index, "name"),
            f"pod must not set forbidden sysctl {_q(sysctl.name or '')}",
        )
        for index, sysctl in enumerate(pod.sysctls)
        if (sysctl.name or "") not in allowed
    ]


def host_probes_and_host_lifecycle(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`hostProbesAndHostLifecycle` (1.34+): the `host` of `httpGet` and `tcpSocket` in probes and in the
    `postStart`/`preStop` hooks must be unset or empty; `localhost` and `127.0.0.1` are forbidden too."""
    if minor(version) < 34:
        return []
    failures = []
    for container in workload.containers:
        for keys, host in _handler_hosts(container):
            failures.append(
                _failure(
                    "hostProbesAndHostLifecycle",
                    container.at(*keys),
                    f"{_who(container)} uses probe or lifecycle host {_q(host)}",
                )
            )
    return failures


def _handler_hosts(container: ContainerView) -> Iterator[tuple[tuple[str, ...], str]]:
    for key, _, probe in container_probes(container.container):
        for action, handler in network_handlers(probe):
            if handler.host:
                yield (key, action, "host"), handler.host
    lifecycle = _field(container.container, "lifecycle")
    for hook in ("postStart", "preStop"):
        hook_handler = _field(lifecycle, hook)
        for action in ("httpGet", "tcpSocket"):
            host = _field(_field(hook_handler, action), "host")
            if isinstance(host, str) and host:
                yield ("lifecycle", hook, action, "host"), host


# -- restricted

# The sources restricted allows, and the others in the order upstream names them.
RESTRICTED_ALLOWED_SOURCES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    # Allowed by the 1.33+ API servers at every policy version (patched into the check's 1.0 revision).
    "image",
)
_RESTRICTED_FORBIDDEN_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


def restricted_volumes(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`restrictedVolumes`: every volume must use an allowed source. A volume that sets an allowed source is
    allowed whatever else it sets, and one that sets none is an `emptyDir` once the API server defaults it."""
    failures = []
    for index, volume in enumerate(workload.spec.volumes):
        if any(_field(volume, key) is not None for key in RESTRICTED_ALLOWED_SOURCES):
            continue
        forbidden = next(
            (key for key in _RESTRICTED_FORBIDDEN_SOURCES if _field(volume, key) is not None), None
        )
        if forbidden is None:
            continue  # no known source: the API server defaults it to an emptyDir
        failures.append(
            _failure(
                "restrictedVolumes",
                workload.at("volumes", index, forbidden),
                f"{_volume(volume, index)} uses restricted volume type {_q(forbidden)}",
            )
        )
    return failures


def allow_privilege_escalation(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`allowPrivilegeEscalation`: every container must set `allowPrivilegeEscalation: false` (unset fails);
    Windows pods (`spec.os.name: windows`) are exempt."""
    if _windows_exempt(workload, version):
        return []
    failures = []
    for container in workload.containers:
        context = container.container.security_context
        if context is None or context.allow_privilege_escalation is not False:
            path = container.at("securityContext", "allowPrivilegeEscalation")
            failures.append(
                _failure(
                    "allowPrivilegeEscalation",
                    path,
                    f"{_who(container)} must set securityContext.allowPrivilegeEscalation=false",
                    Fix(path, False, "Set `allowPrivilegeEscalation: false`"),
                )
            )
    return failures


def run_as_non_root(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`runAsNonRoot`: `runAsNonRoot` must be true at the pod, or at every container that does not inherit it.

    As upstream: explicit `false` values (pod or container) are reported first, and alone; otherwise each
    container that neither sets it nor inherits a pod-level `true`. User-namespaced pods are exempt from 1.35.
    """
    if _user_namespace(workload, version):
        return []
    explicit: list[ControlFailure] = []
    pod = workload.spec.security_context
    pod_value = pod.run_as_non_root if pod is not None else None
    if pod_value is False:
        path = workload.at("securityContext", "runAsNonRoot")
        explicit.append(
            _failure(
                "runAsNonRoot",
                path,
                "pod must not set securityContext.runAsNonRoot=false",
                Fix(path, True, "Set `runAsNonRoot: true`"),
            )
        )
    implicit = []
    for container in workload.containers:
        context = container.container.security_context
        value = context.run_as_non_root if context is not None else None
        path = container.at("securityContext", "runAsNonRoot")
        fix = Fix(path, True, "Set `runAsNonRoot: true`")
        if value is False:
            detail = f"{_who(container)} must not set securityContext.runAsNonRoot=false"
            explicit.append(_failure("runAsNonRoot", path, detail, fix))
        elif value is None and pod_value is not True:
            detail = f"pod or {_who(container)} must set securityContext.runAsNonRoot=true"
            implicit.append(_failure("runAsNonRoot", path, detail, fix))
    return explicit or implicit


def run_as_user(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`runAsUser` (1.23+): `runAsUser` must not be 0, at the pod or any container; unset is allowed.
    User-namespaced pods are exempt from 1.35."""
    if _user_namespace(workload, version):
        return []
    failures = []
    pod = workload.spec.security_context
    if pod is not None and pod.run_as_user == 0:
        path = workload.at("securityContext", "runAsUser")
        failures.append(_failure("runAsUser", path, "pod must not set runAsUser=0"))
    for container in workload.containers:
        context = container.container.security_context
        if context is not None and context.run_as_user == 0:
            path = container.at("securityContext", "runAsUser")
            failures.append(_failure("runAsUser", path, f"{_who(container)} must not set runAsUser=0"))
    return failures


def seccomp_profile_restricted(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`seccompProfile_restricted`: the profile must be `RuntimeDefault` or `Localhost`, set at the pod or at
    every container (a container may leave it unset when the pod sets an allowed one). As upstream, forbidden
    values are reported first, and alone. Windows pods (`spec.os.name: windows`) are exempt."""
    if _windows_exempt(workload, version):
        return []
    explicit = []
    pod_allowed = False
    implicit = []
    for who, path, profile in _seccomp_settings(workload):
        if profile is not None:
            profile_type = _seccomp_type(profile)
            if profile_type in SECCOMP_PROFILE_TYPES:
                pod_allowed = pod_allowed or who == "pod"
            else:
                explicit.append(_seccomp_failure("seccompProfile_restricted", who, path, profile_type))
        elif who != "pod" and not pod_allowed:
            implicit.append(
                _failure(
                    "seccompProfile_restricted",
                    path,
                    f"pod or {who} must set securityContext.seccompProfile.type to "
                    '"RuntimeDefault" or "Localhost"',
                    Fix(path, {"type": "RuntimeDefault"}, "Set `seccompProfile: {type: RuntimeDefault}`"),
                )
            )
    return explicit or implicit


def capabilities_restricted(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`capabilities_restricted` (1.22+): every container must drop `ALL` and may add only `NET_BIND_SERVICE`
    (exact, case-sensitive names). Windows pods (`spec.os.name: windows`) are exempt."""
    if _windows_exempt(workload, version):
        return []
    failures = []
    for container in workload.containers:
        context = container.container.security_context
        capabilities = context.capabilities if context is not None else None
        drop = capabilities.drop if capabilities is not None else []
        if "ALL" not in drop:
            path = container.at("securityContext", "capabilities", "drop")
            failures.append(
                _failure(
                    "capabilities_restricted",
                    path,
                    f'{_who(container)} must set securityContext.capabilities.drop=["ALL"]',
                    Fix(path, [*drop, "ALL"], "Add `ALL` to `capabilities.drop`"),
                )
            )
        for index, capability in enumerate(capabilities.add if capabilities is not None else []):
            if capability != "NET_BIND_SERVICE":
                failures.append(
                    _failure(
                        "capabilities_restricted",
                        container.at("securityContext", "capabilities", "add", index),
                        _adds(container, capability),
                    )
                )
    return failures


def proc_mount_restricted(workload: WorkloadView, version: str) -> list[ControlFailure]:
    """`procMount_restricted` (1.35+): `procMount` must be unset or `Default`, user namespace or not. Before
    1.35 the baseline check was not relaxed, so this one did not exist."""
    if minor(version) < 35:
        return []
    return _proc_mount_failures(workload, "procMount_restricted")


CONTROLS: tuple[Control, ...] = (
    Control("windowsHostProcess", "HostProcess", "baseline", 0, host_process),
    Control("hostNamespaces", "Host Namespaces", "baseline", 0, host_namespaces),
    Control("privileged", "Privileged Containers", "baseline", 0, privileged),
    Control("capabilities_baseline", "Capabilities", "baseline", 0, capabilities_baseline),
    Control("hostPathVolumes", "HostPath Volumes", "baseline", 0, host_path_volumes),
    Control("hostPorts", "Host Ports", "baseline", 0, host_ports),
    Control("appArmorProfile", "AppArmor", "baseline", 0, apparmor_profile),
    Control("seLinuxOptions", "SELinux", "baseline", 0, selinux_options),
    Control("procMount", "/proc Mount Type", "baseline", 0, proc_mount),
    Control("seccompProfile_baseline", "Seccomp", "baseline", 0, seccomp_profile_baseline),
    Control("sysctls", "Sysctls", "baseline", 0, sysctls),
    Control(
        "hostProbesAndHostLifecycle",
        "Host Probes / Lifecycle Hooks (v1.34+)",
        "baseline",
        34,
        host_probes_and_host_lifecycle,
    ),
    Control("restrictedVolumes", "Volume Types", "restricted", 0, restricted_volumes, ("hostPathVolumes",)),
    Control(
        "allowPrivilegeEscalation",
        "Privilege Escalation (v1.8+)",
        "restricted",
        8,
        allow_privilege_escalation,
    ),
    Control("runAsNonRoot", "Running as Non-root", "restricted", 0, run_as_non_root),
    Control("runAsUser", "Running as Non-root user (v1.23+)", "restricted", 23, run_as_user),
    Control(
        "seccompProfile_restricted",
        "Seccomp (v1.19+)",
        "restricted",
        19,
        seccomp_profile_restricted,
        ("seccompProfile_baseline",),
    ),
    Control(
        "capabilities_restricted",
        "Capabilities (v1.22+)",
        "restricted",
        22,
        capabilities_restricted,
        ("capabilities_baseline",),
    ),
    Control(
        "procMount_restricted", "/proc Mount Type", "restricted", 35, proc_mount_restricted, ("procMount",)
    ),
)
_BY_ID: dict[str, Control] = {c.check_id: c for c in CONTROLS}


def control(check_id: str) -> Control:
    """The control of an upstream check ID."""
    return _BY_ID[check_id]


def _failure(check_id: str, path: ObjectPath, detail: str, fix: Fix | None = None) -> ControlFailure:
    return ControlFailure(_BY_ID[check_id].name, check_id, path, detail, fix)


def evaluate(workload: WorkloadView, level: str) -> list[ControlFailure]:
    """What Pod Security admission at `level` ("baseline" or "restricted") forbids in this workload's pods,
    at the run's Kubernetes version: every check of the level and below, less the overridden ones."""
    if level == "privileged":
        return []
    if level not in LEVELS:
        raise ValueError(f"unknown Pod Security level {level!r}")
    version = workload.context.kubernetes_version
    rank = LEVELS.index(level)
    active = [c for c in CONTROLS if LEVELS.index(c.level) <= rank and minor(version) >= c.since]
    overridden = {check_id for c in active for check_id in c.overrides}
    return [failure for c in active if c.check_id not in overridden for failure in c.check(workload, version)]


def violations(workload: WorkloadView, check_id: str, failures: list[ControlFailure]) -> Iterator[Violation]:
    """A PSS rule's violations: one per failure of its check, with the `MESSAGE` arguments."""
    item = _BY_ID[check_id]
    for failure in failures:
        args = {**workload.args, "level": item.level, "control": item.name, "detail": failure.detail}
        yield Violation(failure.path, args, fix=failure.fix)
