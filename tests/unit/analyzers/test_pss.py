"""The Pod Security Standards evaluator (pss.py) and its rules (KC180-KC198), against upstream's behaviour.

The expectations follow `k8s.io/pod-security-admission/policy` (kubernetes/kubernetes, `check_*.go`) and its
fixture generators: allowed and denied values, pod-level against container-level fields, every container
role, Windows and user-namespaced pods, and what changed between 1.33 and 1.37.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest
import yaml

from kcheck.analyzers.objects import (
    pss,
    pss_allow_privilege_escalation,
    pss_apparmor_profile,
    pss_capabilities_baseline,
    pss_capabilities_restricted,
    pss_host_namespaces,
    pss_host_path_volumes,
    pss_host_ports,
    pss_host_probes_and_host_lifecycle,
    pss_host_process,
    pss_privileged,
    pss_proc_mount,
    pss_proc_mount_restricted,
    pss_restricted_volumes,
    pss_run_as_non_root,
    pss_run_as_user,
    pss_seccomp_profile_baseline,
    pss_seccomp_profile_restricted,
    pss_selinux_options,
    pss_sysctls,
)
from kcheck.analyzers.objects.family import RULE_MODULES
from kcheck.analyzers.objects.view import WorkloadView, workload_view
from kcheck.core.findings import Fix
from kcheck.core.location import format_path
from kcheck.core.rules import Profile
from kcheck.inventory.context import AnalysisContext
from tests.unit.analyzers.helpers import checker, only, run

RULE_MODULES_BY_CHECK: dict[str, ModuleType] = {
    "windowsHostProcess": pss_host_process,
    "hostNamespaces": pss_host_namespaces,
    "privileged": pss_privileged,
    "capabilities_baseline": pss_capabilities_baseline,
    "hostPathVolumes": pss_host_path_volumes,
    "hostPorts": pss_host_ports,
    "appArmorProfile": pss_apparmor_profile,
    "seLinuxOptions": pss_selinux_options,
    "procMount": pss_proc_mount,
    "seccompProfile_baseline": pss_seccomp_profile_baseline,
    "sysctls": pss_sysctls,
    "hostProbesAndHostLifecycle": pss_host_probes_and_host_lifecycle,
    "restrictedVolumes": pss_restricted_volumes,
    "allowPrivilegeEscalation": pss_allow_privilege_escalation,
    "runAsNonRoot": pss_run_as_non_root,
    "runAsUser": pss_run_as_user,
    "seccompProfile_restricted": pss_seccomp_profile_restricted,
    "capabilities_restricted": pss_capabilities_restricted,
    "procMount_restricted": pss_proc_mount_restricted,
}
VERSIONS = ("1.33", "1.34", "1.35", "1.36", "1.37")


def view(text: str, version: str = "1.37") -> WorkloadView:
    result = workload_view(only(text), AnalysisContext(version))
    assert result is not None
    return result


def failures(check: pss.Check, text: str, version: str = "1.37") -> list[tuple[str, str]]:
    """(formatted path, detail) of every failure of `check`."""
    return [(format_path(f.path), f.detail) for f in check(view(text, version), version)]


def pod(spec: dict[str, Any], metadata: dict[str, Any] | None = None) -> str:
    return yaml.safe_dump(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **(metadata or {})}, "spec": spec}
    )


# The pod upstream's fixtures start from for the restricted level: one container, one init container.
RESTRICTED_POD: dict[str, Any] = {
    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
    "initContainers": [
        {
            "name": "initcontainer1",
            "image": "registry.k8s.io/pause",
            "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        }
    ],
    "containers": [
        {
            "name": "container1",
            "image": "registry.k8s.io/pause",
            "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        }
    ],
}


def restricted_pod(**changes: Any) -> dict[str, Any]:
    spec = copy.deepcopy(RESTRICTED_POD)
    spec.update(changes)
    return spec


def container_context(spec: dict[str, Any], role: str = "containers") -> dict[str, Any]:
    context: dict[str, Any] = spec[role][0]["securityContext"]
    return context


def forbidden_checks(text: str, level: str, version: str = "1.37") -> set[str]:
    return {f.check_id for f in pss.evaluate(view(text, version), level)}


# -- metadata


def test_controls_are_the_upstream_checks_with_the_standard_names() -> None:
    assert [(c.check_id, c.name, c.level) for c in pss.CONTROLS] == [
        ("windowsHostProcess", "HostProcess", "baseline"),
        ("hostNamespaces", "Host Namespaces", "baseline"),
        ("privileged", "Privileged Containers", "baseline"),
        ("capabilities_baseline", "Capabilities", "baseline"),
        ("hostPathVolumes", "HostPath Volumes", "baseline"),
        ("hostPorts", "Host Ports", "baseline"),
        ("appArmorProfile", "AppArmor", "baseline"),
        ("seLinuxOptions", "SELinux", "baseline"),
        ("procMount", "/proc Mount Type", "baseline"),
        ("seccompProfile_baseline", "Seccomp", "baseline"),
        ("sysctls", "Sysctls", "baseline"),
        ("hostProbesAndHostLifecycle", "Host Probes / Lifecycle Hooks (v1.34+)", "baseline"),
        ("restrictedVolumes", "Volume Types", "restricted"),
        ("allowPrivilegeEscalation", "Privilege Escalation (v1.8+)", "restricted"),
        ("runAsNonRoot", "Running as Non-root", "restricted"),
        ("runAsUser", "Running as Non-root user (v1.23+)", "restricted"),
        ("seccompProfile_restricted", "Seccomp (v1.19+)", "restricted"),
        ("capabilities_restricted", "Capabilities (v1.22+)", "restricted"),
        ("procMount_restricted", "/proc Mount Type", "restricted"),
    ]
    overrides = {c.check_id: c.overrides for c in pss.CONTROLS if c.overrides}
    assert overrides == {
        "restrictedVolumes": ("hostPathVolumes",),
        "seccompProfile_restricted": ("seccompProfile_baseline",),
        "capabilities_restricted": ("capabilities_baseline",),
        "procMount_restricted": ("procMount",),
    }
    assert {c.check_id: c.since for c in pss.CONTROLS if c.since} == {
        "hostProbesAndHostLifecycle": 34,
        "allowPrivilegeEscalation": 8,
        "runAsUser": 23,
        "seccompProfile_restricted": 19,
        "capabilities_restricted": 22,
        "procMount_restricted": 35,
    }


def test_every_control_has_exactly_one_registered_rule() -> None:
    pss_modules = [m for m in RULE_MODULES if m.__name__.rsplit(".", 1)[-1].startswith("pss_")]
    assert sorted(m.__name__ for m in pss_modules) == sorted(
        m.__name__ for m in RULE_MODULES_BY_CHECK.values()
    )
    for check_id, module in RULE_MODULES_BY_CHECK.items():
        control = pss.control(check_id)
        spec = module.RULE
        assert check_id == module.CHECK
        assert (spec.pss_level, spec.pss_control) == (control.level, control.name)
        assert spec.name.startswith("pss-") and spec.profile is Profile.DEFAULT
        assert spec.message == pss.MESSAGE
        # Selected by the PSS profiles only, restricted including baseline.
        assert not spec.in_profile("strict")
        assert spec.in_profile("pss-restricted")
        assert spec.in_profile("pss-baseline") is (control.level == "baseline")
    ids = sorted(m.RULE.id for m in RULE_MODULES_BY_CHECK.values())
    assert ids == [f"KC{n}" for n in range(180, 199)]


def test_message_names_the_object_level_control_and_detail() -> None:
    text = pod({"containers": [{"name": "app", "image": "a:1", "securityContext": {"privileged": True}}]})
    [violation] = checker(pss_privileged)(only(text))
    assert pss_privileged.RULE.format_message(violation.args) == (
        "Pod 'p' violates Pod Security baseline control 'Privileged Containers': "
        'container "app" must not set securityContext.privileged=true'
    )
    assert violation.fix == Fix(violation.path, False, "Set `privileged: false`")


def test_unknown_level_is_an_error_and_privileged_forbids_nothing() -> None:
    text = pod({"hostNetwork": True, "containers": [{"name": "a", "image": "a:1"}]})
    assert pss.evaluate(view(text), "privileged") == []
    with pytest.raises(ValueError, match="unknown Pod Security level"):
        pss.evaluate(view(text), "strict")


def test_minor_version() -> None:
    assert pss.minor("1.33") == 33
    assert pss.minor("v1") == 1_000


# -- baseline checks


def test_host_process_pod_and_every_container_role() -> None:
    text = pod(
        {
            "securityContext": {"windowsOptions": {"hostProcess": True}},
            "initContainers": [{"name": "i", "securityContext": {"windowsOptions": {"hostProcess": False}}}],
            "containers": [{"name": "c", "securityContext": {"windowsOptions": {"hostProcess": True}}}],
            "ephemeralContainers": [
                {"name": "e", "securityContext": {"windowsOptions": {"hostProcess": True}}}
            ],
        }
    )
    assert failures(pss.host_process, text) == [
        (
            "spec.securityContext.windowsOptions.hostProcess",
            "pod must not set securityContext.windowsOptions.hostProcess=true",
        ),
        (
            "spec.containers[0].securityContext.windowsOptions.hostProcess",
            'container "c" must not set securityContext.windowsOptions.hostProcess=true',
        ),
        (
            "spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess",
            'container "e" must not set securityContext.windowsOptions.hostProcess=true',
        ),
    ]


def test_host_namespaces_each_field_and_its_fix() -> None:
    text = pod({"hostNetwork": True, "hostPID": False, "hostIPC": True, "containers": [{"name": "a"}]})
    found = pss.host_namespaces(view(text), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        ("spec.hostNetwork", "pod must not set hostNetwork=true"),
        ("spec.hostIPC", "pod must not set hostIPC=true"),
    ]
    assert found[0].fix == Fix(("spec", "hostNetwork"), False, "Set `hostNetwork: false`")


def test_privileged_ignores_a_pod_level_field_and_checks_ephemeral_containers() -> None:
    text = pod(
        {
            "securityContext": {"privileged": True},
            "containers": [{"name": "a", "securityContext": {"privileged": False}}],
            "ephemeralContainers": [{"name": "d", "securityContext": {"privileged": True}}],
        }
    )
    assert failures(pss.privileged, text) == [
        (
            "spec.ephemeralContainers[0].securityContext.privileged",
            'container "d" must not set securityContext.privileged=true',
        )
    ]


@pytest.mark.parametrize("capability", sorted(pss.BASELINE_CAPABILITIES))
def test_capabilities_baseline_allows_the_default_set(capability: str) -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": [capability]}}}]}
    assert failures(pss.capabilities_baseline, pod(spec)) == []


@pytest.mark.parametrize("capability", ["NET_RAW", "SYS_ADMIN", "CAP_CHOWN", "chown", "ALL", ""])
def test_capabilities_baseline_forbids_anything_else_as_written(capability: str) -> None:
    spec = {
        "initContainers": [{"name": "i", "securityContext": {"capabilities": {"add": ["KILL", capability]}}}]
    }
    assert failures(pss.capabilities_baseline, pod(spec)) == [
        (
            "spec.initContainers[0].securityContext.capabilities.add[1]",
            f'container "i" must not include "{capability}" in securityContext.capabilities.add',
        )
    ]


def test_capabilities_baseline_does_not_check_drop() -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["SYS_ADMIN"]}}}]}
    assert failures(pss.capabilities_baseline, pod(spec)) == []


def test_host_path_volumes_present_empty_and_null() -> None:
    spec = {
        "containers": [{"name": "a"}],
        "volumes": [
            {"name": "h", "hostPath": {"path": "/"}},
            {"name": "e", "hostPath": {}},
            {"name": "nothing", "hostPath": None},
            {"name": "c", "configMap": {"name": "x"}},
        ],
    }
    assert failures(pss.host_path_volumes, pod(spec)) == [
        ("spec.volumes[0].hostPath", 'volume "h" must not use hostPath'),
        ("spec.volumes[1].hostPath", 'volume "e" must not use hostPath'),
    ]


def test_host_ports_zero_and_unset_are_allowed() -> None:
    spec = {
        "initContainers": [{"name": "i", "ports": [{"containerPort": 1, "hostPort": 9000}]}],
        "containers": [
            {
                "name": "a",
                "ports": [
                    {"containerPort": 80, "hostPort": 0},
                    {"containerPort": 81},
                    {"containerPort": 82, "hostPort": 82},
                ],
            }
        ],
    }
    assert failures(pss.host_ports, pod(spec)) == [
        ("spec.containers[0].ports[2].hostPort", 'container "a" uses hostPort 82'),
        ("spec.initContainers[0].ports[0].hostPort", 'container "i" uses hostPort 9000'),
    ]


def test_apparmor_fields_each_level_on_its_own() -> None:
    spec = {
        "securityContext": {"appArmorProfile": {"type": "Unconfined"}},
        "containers": [
            {"name": "a", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}},
            {
                "name": "b",
                "securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "x"}},
            },
            {"name": "c", "securityContext": {"appArmorProfile": {"localhostProfile": "x"}}},
            {"name": "d", "securityContext": {"appArmorProfile": None}},
        ],
    }
    found = pss.apparmor_profile(view(pod(spec)), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        (
            "spec.securityContext.appArmorProfile.type",
            'pod must not set AppArmor profile type to "Unconfined"',
        ),
        (
            "spec.containers[2].securityContext.appArmorProfile.type",
            'container "c" must not set AppArmor profile type to ""',
        ),
    ]
    assert found[0].fix == Fix(found[0].path, "RuntimeDefault", "Set `type: RuntimeDefault`")


def test_apparmor_annotations_like_upstream() -> None:
    prefix = "container.apparmor.security.beta.kubernetes.io/"
    annotations = {
        prefix: "bogus",
        prefix + "a": "",
        prefix + "b": "runtime/default",
        prefix + "c": "localhost/",
        prefix + "d": "localhost/foo",
        prefix + "e": "unconfined",
        prefix + "f": "unknown",
        "env": "prod",
    }
    text = pod({"containers": [{"name": "a"}]}, {"annotations": annotations})
    assert failures(pss.apparmor_profile, text) == [
        (f'metadata.annotations["{prefix}"]', f'annotation "{prefix}" must not set AppArmor profile "bogus"'),
        (
            f'metadata.annotations["{prefix}e"]',
            f'annotation "{prefix}e" must not set AppArmor profile "unconfined"',
        ),
        (
            f'metadata.annotations["{prefix}f"]',
            f'annotation "{prefix}f" must not set AppArmor profile "unknown"',
        ),
    ]


def test_apparmor_annotations_of_the_pod_template_not_of_the_workload() -> None:
    key = "container.apparmor.security.beta.kubernetes.io/app"
    text = f"""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
  annotations: {{{key}: unconfined}}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {{{key}: unconfined}}
        spec:
          containers: [{{name: app}}]
"""
    assert [path for path, _ in failures(pss.apparmor_profile, text)] == [
        f'spec.jobTemplate.spec.template.metadata.annotations["{key}"]'
    ]
    annotations, path = pss.pod_annotations(view(text))
    assert (dict(annotations), path) == (
        {key: "unconfined"},
        ("spec", "jobTemplate", "spec", "template", "metadata"),
    )


def test_selinux_types_users_and_roles() -> None:
    spec = {
        "securityContext": {
            "seLinuxOptions": {"type": "spc_t", "user": "system_u", "role": "", "level": "s0"}
        },
        "containers": [
            {"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_t"}}},
            {"name": "b", "securityContext": {"seLinuxOptions": {"role": "object_r"}}},
        ],
    }
    assert failures(pss.selinux_options, pod(spec)) == [
        (
            "spec.securityContext.seLinuxOptions.type",
            'pod set forbidden securityContext.seLinuxOptions: type "spc_t"',
        ),
        (
            "spec.securityContext.seLinuxOptions.user",
            "pod set forbidden securityContext.seLinuxOptions: user may not be set",
        ),
        (
            "spec.containers[1].securityContext.seLinuxOptions.role",
            'container "b" set forbidden securityContext.seLinuxOptions: role may not be set',
        ),
    ]


@pytest.mark.parametrize(
    ("selinux_type", "version", "allowed"),
    [
        ("", "1.33", True),
        ("container_t", "1.33", True),
        ("container_init_t", "1.33", True),
        ("container_kvm_t", "1.33", True),
        ("container_engine_t", "1.30", False),
        ("container_engine_t", "1.31", True),
        ("container_engine_t", "1.33", True),
        ("Container_t", "1.37", False),
        ("unconfined_t", "1.37", False),
    ],
)
def test_selinux_allowed_types_by_version(selinux_type: str, version: str, allowed: bool) -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": selinux_type}}}]}
    assert (failures(pss.selinux_options, pod(spec), version) == []) is allowed


@pytest.mark.parametrize(
    ("proc_mount", "host_users", "version", "allowed"),
    [
        (None, None, "1.37", True),
        ("Default", None, "1.37", True),
        ("Unmasked", None, "1.37", False),
        ("", None, "1.37", False),
        ("Unmasked", True, "1.37", False),
        # The user-namespace relaxation needed an alpha feature gate (off by default) before 1.35.
        ("Unmasked", False, "1.33", False),
        ("Unmasked", False, "1.34", False),
        ("Unmasked", False, "1.35", True),
        ("Unmasked", False, "1.37", True),
    ],
)
def test_proc_mount_baseline(
    proc_mount: str | None, host_users: bool | None, version: str, allowed: bool
) -> None:
    spec: dict[str, Any] = {"containers": [{"name": "a", "securityContext": {"procMount": proc_mount}}]}
    if host_users is not None:
        spec["hostUsers"] = host_users
    assert (failures(pss.proc_mount, pod(spec), version) == []) is allowed


def test_proc_mount_restricted_exists_from_1_35_and_ignores_user_namespaces() -> None:
    spec = {
        "hostUsers": False,
        "ephemeralContainers": [{"name": "d", "securityContext": {"procMount": "Unmasked"}}],
        "containers": [{"name": "a"}],
    }
    assert failures(pss.proc_mount_restricted, pod(spec), "1.34") == []
    found = pss.proc_mount_restricted(view(pod(spec), "1.35"), "1.35")
    assert [(format_path(f.path), f.detail, f.check_id, f.control) for f in found] == [
        (
            "spec.ephemeralContainers[0].securityContext.procMount",
            'container "d" must not set securityContext.procMount to "Unmasked"',
            "procMount_restricted",
            "/proc Mount Type",
        )
    ]
    assert found[0].fix == Fix(found[0].path, "Default", "Set `procMount: Default`")


@pytest.mark.parametrize(
    ("profile", "allowed"),
    [
        ({"type": "RuntimeDefault"}, True),
        ({"type": "Localhost", "localhostProfile": "p.json"}, True),
        (None, True),
        ({"type": "Unconfined"}, False),
        ({"type": "runtime/default"}, False),
        ({}, False),
    ],
)
def test_seccomp_baseline_values(profile: dict[str, Any] | None, allowed: bool) -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"seccompProfile": profile}}]}
    assert (failures(pss.seccomp_profile_baseline, pod(spec)) == []) is allowed
    at_pod = {"securityContext": {"seccompProfile": profile}, "containers": [{"name": "a"}]}
    assert (failures(pss.seccomp_profile_baseline, pod(at_pod)) == []) is allowed


def test_seccomp_baseline_each_level_on_its_own_and_ignores_annotations() -> None:
    spec = {
        "securityContext": {"seccompProfile": {"type": "Unconfined"}},
        "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}],
        "initContainers": [{"name": "i", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}],
    }
    annotations = {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}
    assert failures(pss.seccomp_profile_baseline, pod(spec, {"annotations": annotations})) == [
        (
            "spec.securityContext.seccompProfile.type",
            'pod must not set securityContext.seccompProfile.type to "Unconfined"',
        ),
        (
            "spec.initContainers[0].securityContext.seccompProfile.type",
            'container "i" must not set securityContext.seccompProfile.type to "Unconfined"',
        ),
    ]


SYSCTLS_1_0 = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        *((name, "1.0") for name in SYSCTLS_1_0),
        ("net.ipv4.ip_local_reserved_ports", "1.27"),
        ("net.ipv4.tcp_keepalive_time", "1.29"),
        ("net.ipv4.tcp_fin_timeout", "1.29"),
        ("net.ipv4.tcp_keepalive_intvl", "1.29"),
        ("net.ipv4.tcp_keepalive_probes", "1.29"),
        ("net.ipv4.tcp_rmem", "1.32"),
        ("net.ipv4.tcp_wmem", "1.32"),
        ("net.ipv4.tcp_slow_start_after_idle", "1.37"),
        ("net.ipv4.tcp_notsent_lowat", "1.37"),
    ],
)
def test_sysctls_safe_set_by_version(name: str, first: str) -> None:
    text = pod(
        {"securityContext": {"sysctls": [{"name": name, "value": "1"}]}, "containers": [{"name": "a"}]}
    )
    for version in ("1.26", "1.27", "1.28", "1.29", "1.31", "1.32", *VERSIONS):
        allowed = pss.minor(version) >= pss.minor(first)
        assert (failures(pss.sysctls, text, version) == []) is allowed, version


def test_sysctls_forbidden_names() -> None:
    sysctls = [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.ipv4.tcp_syncookies"}, {"value": "x"}]
    text = pod({"securityContext": {"sysctls": sysctls}, "containers": [{"name": "a"}]})
    assert failures(pss.sysctls, text) == [
        ("spec.securityContext.sysctls[0].name", 'pod must not set forbidden sysctl "kernel.msgmax"'),
        ("spec.securityContext.sysctls[2].name", 'pod must not set forbidden sysctl ""'),
    ]


def test_host_probes_and_lifecycle_from_1_34() -> None:
    spec = {
        "initContainers": [
            {"name": "init", "livenessProbe": {"httpGet": {"host": "invalid.init.host", "port": 1}}}
        ],
        "containers": [
            {
                "name": "a",
                "livenessProbe": {"httpGet": {"host": "127.0.0.1", "port": 80}},
                "readinessProbe": {"tcpSocket": {"host": "::1", "port": 80}},
                "startupProbe": {"httpGet": {"host": "", "port": 80}},
                "lifecycle": {
                    "postStart": {"tcpSocket": {"host": "b.com", "port": 80}},
                    "preStop": {"httpGet": {"host": "2001:4860:4860::8888", "port": 80}},
                },
            },
            {
                "name": "valid",
                "livenessProbe": {"httpGet": {"path": "/", "port": 80}},
                "lifecycle": {"preStop": None},
            },
        ],
    }
    text = pod(spec)
    assert failures(pss.host_probes_and_host_lifecycle, text, "1.33") == []
    assert failures(pss.host_probes_and_host_lifecycle, text, "1.34") == [
        (
            "spec.containers[0].livenessProbe.httpGet.host",
            'container "a" uses probe or lifecycle host "127.0.0.1"',
        ),
        (
            "spec.containers[0].readinessProbe.tcpSocket.host",
            'container "a" uses probe or lifecycle host "::1"',
        ),
        (
            "spec.containers[0].lifecycle.postStart.tcpSocket.host",
            'container "a" uses probe or lifecycle host "b.com"',
        ),
        (
            "spec.containers[0].lifecycle.preStop.httpGet.host",
            'container "a" uses probe or lifecycle host "2001:4860:4860::8888"',
        ),
        (
            "spec.initContainers[0].livenessProbe.httpGet.host",
            'container "init" uses probe or lifecycle host "invalid.init.host"',
        ),
    ]


# -- restricted checks

FORBIDDEN_VOLUMES = {
    "hostPath": {"path": "/dev/null"},
    "gcePersistentDisk": {"pdName": "test"},
    "awsElasticBlockStore": {"volumeID": "test"},
    "gitRepo": {"repository": "github.com/kubernetes/kubernetes"},
    "nfs": {"server": "test", "path": "/test"},
    "iscsi": {"targetPortal": "test", "iqn": "iqn.2001-04.com.example:storage.kube.sys1.xyz", "lun": 0},
    "glusterfs": {"path": "test", "endpoints": "test"},
    "rbd": {"monitors": ["test"], "image": "test"},
    "flexVolume": {"driver": "test"},
    "cinder": {"volumeID": "test"},
    "cephfs": {"monitors": ["test"]},
    "flocker": {"datasetName": "test"},
    "fc": {"wwids": ["test"]},
    "azureFile": {"secretName": "test", "shareName": "test"},
    "vsphereVolume": {"volumePath": "test"},
    "quobyte": {"registry": "localhost:1234", "volume": "test"},
    "azureDisk": {"diskName": "test", "diskURI": "https://test.blob.core.windows.net/test/test.vhd"},
    "photonPersistentDisk": {"pdID": "test"},
    "portworxVolume": {"volumeID": "test", "fsType": "ext4"},
    "scaleIO": {"volumeName": "test", "gateway": "localhost", "system": "test"},
    "storageos": {"volumeName": "test"},
}


@pytest.mark.parametrize("source", sorted(FORBIDDEN_VOLUMES))
def test_restricted_volumes_forbidden_types(source: str) -> None:
    volume = {"name": "volume1", source: FORBIDDEN_VOLUMES[source]}
    assert failures(pss.restricted_volumes, pod({"containers": [{"name": "a"}], "volumes": [volume]})) == [
        (f"spec.volumes[0].{source}", f'volume "volume1" uses restricted volume type "{source}"')
    ]


def test_restricted_volumes_allowed_types_and_defaulting() -> None:
    volumes = [
        {"name": "volume0"},  # no source: an emptyDir once the API server defaults it
        {"name": "volume1", "emptyDir": {}},
        {"name": "volume2", "secret": {"secretName": "test"}},
        {"name": "volume3", "persistentVolumeClaim": {"claimName": "test"}},
        {"name": "volume4", "downwardAPI": {"items": []}},
        {"name": "volume5", "configMap": {"name": "test"}},
        {"name": "volume6", "projected": {"sources": []}},
        {"name": "volume7", "csi": {"driver": "inline.storage.kubernetes.io"}},
        {"name": "volume8", "ephemeral": {"volumeClaimTemplate": None}},
        {"name": "volume9", "emptyDir": None},
        {"name": "volume10", "secret": {}, "hostPath": {"path": "/"}},  # an allowed source wins, as upstream
        {"name": "volume11", "image": {"reference": "registry.example.com/models:1"}},
    ]
    text = pod({"containers": [{"name": "a"}], "volumes": volumes})
    # image volumes are allowed by every API server kcheck targets, whatever policy version a namespace pins.
    for version in ("1.25", *VERSIONS):
        assert failures(pss.restricted_volumes, text, version) == []


def test_allow_privilege_escalation_values_and_windows() -> None:
    spec = restricted_pod()
    container_context(spec)["allowPrivilegeEscalation"] = True
    spec["ephemeralContainers"] = [{"name": "e"}]
    found = pss.allow_privilege_escalation(view(pod(spec)), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        (
            "spec.containers[0].securityContext.allowPrivilegeEscalation",
            'container "container1" must set securityContext.allowPrivilegeEscalation=false',
        ),
        (
            "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
            'container "e" must set securityContext.allowPrivilegeEscalation=false',
        ),
    ]
    assert found[1].fix == Fix(found[1].path, False, "Set `allowPrivilegeEscalation: false`")
    for os_name, exempt in (("windows", True), ("linux", False), ("Windows", False)):
        spec["os"] = {"name": os_name}
        assert (failures(pss.allow_privilege_escalation, pod(spec)) == []) is exempt
    # windowsOptions alone do not make a Windows pod for admission.
    del spec["os"]
    spec["securityContext"]["windowsOptions"] = {"runAsUserName": "ContainerUser"}
    assert len(failures(pss.allow_privilege_escalation, pod(spec))) == 2


def test_run_as_non_root_explicit_false_is_reported_alone() -> None:
    spec = restricted_pod()
    spec["securityContext"]["runAsNonRoot"] = False
    container_context(spec, "initContainers")["runAsNonRoot"] = False
    spec["containers"].append({"name": "implicit"})
    assert failures(pss.run_as_non_root, pod(spec)) == [
        ("spec.securityContext.runAsNonRoot", "pod must not set securityContext.runAsNonRoot=false"),
        (
            "spec.initContainers[0].securityContext.runAsNonRoot",
            'container "initcontainer1" must not set securityContext.runAsNonRoot=false',
        ),
    ]


def test_run_as_non_root_inheritance() -> None:
    spec = restricted_pod()
    # The pod's true covers containers that do not set it; a container's false overrides it.
    spec["containers"].append({"name": "inherits", "securityContext": {"runAsNonRoot": None}})
    assert failures(pss.run_as_non_root, pod(spec)) == []
    container_context(spec)["runAsNonRoot"] = False
    assert [path for path, _ in failures(pss.run_as_non_root, pod(spec))] == [
        "spec.containers[0].securityContext.runAsNonRoot"
    ]
    # Without the pod's true, every container that does not set true itself.
    del spec["securityContext"]["runAsNonRoot"]
    container_context(spec)["runAsNonRoot"] = True
    found = pss.run_as_non_root(view(pod(spec)), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        (
            "spec.containers[1].securityContext.runAsNonRoot",
            'pod or container "inherits" must set securityContext.runAsNonRoot=true',
        ),
        (
            "spec.initContainers[0].securityContext.runAsNonRoot",
            'pod or container "initcontainer1" must set securityContext.runAsNonRoot=true',
        ),
    ]
    assert found[0].fix == Fix(found[0].path, True, "Set `runAsNonRoot: true`")


@pytest.mark.parametrize(
    ("version", "exempt"), [("1.33", False), ("1.34", False), ("1.35", True), ("1.37", True)]
)
def test_run_as_non_root_and_run_as_user_in_a_user_namespace(version: str, exempt: bool) -> None:
    spec = restricted_pod(hostUsers=False)
    spec["securityContext"].update(runAsNonRoot=False, runAsUser=0)
    assert (failures(pss.run_as_non_root, pod(spec), version) == []) is exempt
    assert (failures(pss.run_as_user, pod(spec), version) == []) is exempt
    spec["hostUsers"] = True
    assert failures(pss.run_as_non_root, pod(spec), version) != []
    assert failures(pss.run_as_user, pod(spec), version) != []


def test_run_as_user_zero_at_each_level() -> None:
    spec = restricted_pod()
    spec["securityContext"]["runAsUser"] = 0
    container_context(spec)["runAsUser"] = 1000
    container_context(spec, "initContainers")["runAsUser"] = 0
    spec["ephemeralContainers"] = [{"name": "e", "securityContext": {"runAsUser": 0}}]
    assert failures(pss.run_as_user, pod(spec)) == [
        ("spec.securityContext.runAsUser", "pod must not set runAsUser=0"),
        (
            "spec.initContainers[0].securityContext.runAsUser",
            'container "initcontainer1" must not set runAsUser=0',
        ),
        ("spec.ephemeralContainers[0].securityContext.runAsUser", 'container "e" must not set runAsUser=0'),
    ]
    spec = restricted_pod()
    spec["securityContext"]["runAsUser"] = 1000
    container_context(spec)["runAsUser"] = None
    assert failures(pss.run_as_user, pod(spec)) == []


def test_seccomp_restricted_inheritance_and_explicit_values_first() -> None:
    assert failures(pss.seccomp_profile_restricted, pod(restricted_pod())) == []
    spec = restricted_pod()
    del spec["securityContext"]["seccompProfile"]
    container_context(spec)["seccompProfile"] = {"type": "Localhost", "localhostProfile": "p.json"}
    found = pss.seccomp_profile_restricted(view(pod(spec)), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        (
            "spec.initContainers[0].securityContext.seccompProfile",
            'pod or container "initcontainer1" must set securityContext.seccompProfile.type to '
            '"RuntimeDefault" or "Localhost"',
        )
    ]
    assert found[0].fix == Fix(
        found[0].path, {"type": "RuntimeDefault"}, "Set `seccompProfile: {type: RuntimeDefault}`"
    )
    # An Unconfined pod is reported, and the containers that would inherit it are not.
    spec["securityContext"]["seccompProfile"] = {"type": "Unconfined"}
    assert failures(pss.seccomp_profile_restricted, pod(spec)) == [
        (
            "spec.securityContext.seccompProfile.type",
            'pod must not set securityContext.seccompProfile.type to "Unconfined"',
        )
    ]
    # A container's Unconfined overrides the pod's RuntimeDefault.
    spec = restricted_pod()
    container_context(spec)["seccompProfile"] = {"type": "Unconfined"}
    assert [path for path, _ in failures(pss.seccomp_profile_restricted, pod(spec))] == [
        "spec.containers[0].securityContext.seccompProfile.type"
    ]
    spec["os"] = {"name": "windows"}
    assert failures(pss.seccomp_profile_restricted, pod(spec)) == []


def test_capabilities_restricted() -> None:
    assert failures(pss.capabilities_restricted, pod(restricted_pod())) == []
    spec = restricted_pod()
    container_context(spec)["capabilities"] = {
        "drop": ["all", "NET_RAW"],
        "add": ["NET_BIND_SERVICE", "CHOWN"],
    }
    del container_context(spec, "initContainers")["capabilities"]
    spec["ephemeralContainers"] = [{"name": "e"}]
    found = pss.capabilities_restricted(view(pod(spec)), "1.37")
    assert [(format_path(f.path), f.detail) for f in found] == [
        (
            "spec.containers[0].securityContext.capabilities.drop",
            'container "container1" must set securityContext.capabilities.drop=["ALL"]',
        ),
        (
            "spec.containers[0].securityContext.capabilities.add[1]",
            'container "container1" must not include "CHOWN" in securityContext.capabilities.add',
        ),
        (
            "spec.initContainers[0].securityContext.capabilities.drop",
            'container "initcontainer1" must set securityContext.capabilities.drop=["ALL"]',
        ),
        (
            "spec.ephemeralContainers[0].securityContext.capabilities.drop",
            'container "e" must set securityContext.capabilities.drop=["ALL"]',
        ),
    ]
    assert [f.fix.value if f.fix else None for f in found] == [
        ["all", "NET_RAW", "ALL"],
        None,
        ["ALL"],
        ["ALL"],
    ]
    spec["os"] = {"name": "windows"}
    assert failures(pss.capabilities_restricted, pod(spec)) == []


# -- whole levels, as admission evaluates them


def test_the_restricted_base_pod_passes_every_level_and_version() -> None:
    for version in VERSIONS:
        assert forbidden_checks(pod(restricted_pod()), "restricted", version) == set()


def test_a_minimal_pod_passes_baseline_and_fails_restricted() -> None:
    text = pod({"containers": [{"name": "app", "image": "a:1"}]})
    assert forbidden_checks(text, "baseline") == set()
    assert forbidden_checks(text, "restricted") == {
        "allowPrivilegeEscalation",
        "runAsNonRoot",
        "seccompProfile_restricted",
        "capabilities_restricted",
    }


def test_overridden_baseline_checks_do_not_run_in_restricted() -> None:
    spec = restricted_pod(volumes=[{"name": "h", "hostPath": {"path": "/"}}])
    container_context(spec)["capabilities"]["add"] = ["SYS_ADMIN"]
    container_context(spec)["seccompProfile"] = {"type": "Unconfined"}
    container_context(spec)["procMount"] = "Unmasked"
    text = pod(spec)
    assert forbidden_checks(text, "baseline") == {
        "hostPathVolumes",
        "capabilities_baseline",
        "seccompProfile_baseline",
        "procMount",
    }
    assert forbidden_checks(text, "restricted") == {
        "restrictedVolumes",
        "capabilities_restricted",
        "seccompProfile_restricted",
        "procMount_restricted",
    }
    # Before 1.35 there is no procMount_restricted: the baseline procMount check runs at restricted.
    assert "procMount" in forbidden_checks(text, "restricted", "1.34")


def test_windows_pods_at_restricted() -> None:
    # Upstream exempts Windows pods from the three Linux-only restricted checks; the overridden baseline
    # checks do not run either, so a Windows pod's capabilities are not checked at restricted at all.
    spec: dict[str, Any] = {
        "os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": True},
        "containers": [{"name": "app", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}],
    }
    assert forbidden_checks(pod(spec), "restricted") == set()
    assert forbidden_checks(pod(spec), "baseline") == {"capabilities_baseline"}
    del spec["securityContext"]["runAsNonRoot"]
    assert forbidden_checks(pod(spec), "restricted") == {"runAsNonRoot"}


def test_user_namespaced_pod_by_version() -> None:
    spec = restricted_pod(hostUsers=False)
    spec["securityContext"].update(runAsNonRoot=False, runAsUser=0)
    container_context(spec)["procMount"] = "Unmasked"
    text = pod(spec)
    assert forbidden_checks(text, "baseline", "1.34") == {"procMount"}
    assert forbidden_checks(text, "restricted", "1.34") == {"procMount", "runAsNonRoot", "runAsUser"}
    assert forbidden_checks(text, "baseline", "1.35") == set()
    assert forbidden_checks(text, "restricted", "1.35") == {"procMount_restricted"}


def test_host_probes_join_baseline_in_1_34() -> None:
    spec = restricted_pod()
    spec["containers"][0]["readinessProbe"] = {"tcpSocket": {"host": "10.0.0.1", "port": 80}}
    assert forbidden_checks(pod(spec), "restricted", "1.33") == set()
    assert forbidden_checks(pod(spec), "restricted", "1.34") == {"hostProbesAndHostLifecycle"}
    assert forbidden_checks(pod(spec), "baseline", "1.34") == {"hostProbesAndHostLifecycle"}


def test_nulls_and_empty_objects_everywhere_do_not_crash() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p, annotations: null}
spec:
  securityContext: {sysctls: null, seLinuxOptions: null, seccompProfile: null, windowsOptions: {}}
  volumes: null
  initContainers: null
  containers:
    - name: a
      securityContext: {capabilities: {add: null, drop: null}, seLinuxOptions: {}, windowsOptions: null}
      ports: null
      livenessProbe: {httpGet: null, tcpSocket: {}}
      lifecycle: {postStart: null, preStop: {httpGet: {host: 3}}}
    - {}
"""
    for version in VERSIONS:
        baseline = forbidden_checks(text, "baseline", version)
        assert baseline == set()
        assert forbidden_checks(text, "restricted", version) == {
            "allowPrivilegeEscalation",
            "runAsNonRoot",
            "seccompProfile_restricted",
            "capabilities_restricted",
        }


def test_rules_report_through_the_engine_view() -> None:
    text = pod(
        {
            "hostPID": True,
            "securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]},
            "containers": [{"name": "app", "securityContext": {"procMount": "Unmasked"}}],
        }
    )
    assert run(checker(pss_host_namespaces), text) == [
        (
            "spec.hostPID",
            {
                "kind": "Pod",
                "name": "p",
                "level": "baseline",
                "control": "Host Namespaces",
                "detail": "pod must not set hostPID=true",
            },
        )
    ]
    assert [path for path, _ in run(checker(pss_sysctls), text)] == ["spec.securityContext.sysctls[0].name"]
    assert [path for path, _ in run(checker(pss_proc_mount), text)] == [
        "spec.containers[0].securityContext.procMount"
    ]
    assert [path for path, _ in run(checker(pss_proc_mount_restricted), text)] == [
        "spec.containers[0].securityContext.procMount"
    ]
    for module in RULE_MODULES_BY_CHECK.values():
        assert list(checker(module)(only(pod(restricted_pod())))) == []
