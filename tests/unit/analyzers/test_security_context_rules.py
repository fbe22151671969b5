"""KC109-KC121 (security context and capabilities) called directly: paths, args, messages, fixes, options."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from kcheck.analyzers.objects import (
    apparmor_unconfined,
    capabilities_not_dropped,
    dangerous_capability,
    host_process_container,
    insecure_capability,
    linux_security,
    missing_seccomp_profile,
    net_raw_capability,
    privilege_escalation_allowed,
    root_group,
    seccomp_unconfined,
    unmasked_proc_mount,
    unsafe_sysctl,
    writable_root_filesystem,
)
from kcheck.analyzers.objects.view import ContainerView, workload_view
from kcheck.core.findings import Fix, Violation
from kcheck.core.location import format_path
from kcheck.inventory.context import AnalysisContext
from tests.unit.analyzers.helpers import checker, objects, only, run, span

INIT = "init container"
EPHEMERAL = "ephemeral container"


def named(container: str, role: str = "container", **more: object) -> dict[str, object]:
    return {"container": container, "role": role, **more}


def pod(spec: str, metadata: str = "") -> str:
    """A Pod manifest whose spec (and extra metadata lines) are given indented by two spaces."""
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{metadata}spec:\n{spec}"


def violations(module: Any, text: str, options: Any = None) -> list[Violation]:
    return [v for obj in objects(text) for v in checker(module)(obj, options)]


def fixes(found: Iterable[Violation]) -> list[tuple[str, object] | None]:
    return [None if v.fix is None else (format_path(v.fix.path), v.fix.value) for v in found]


def messages(module: Any, text: str, options: Any = None) -> list[str]:
    return [module.RULE.format_message(v.args) for v in violations(module, text, options)]


WINDOWS = pod("  os: {name: windows}\n  containers:\n    - name: app\n      image: a\n")
WINDOWS_BY_OPTIONS = pod(
    "  securityContext:\n    windowsOptions: {runAsUserName: ContainerUser}\n"
    "  containers:\n    - name: app\n      image: a\n"
)


# -- KC109 privilege-escalation-allowed

ESCALATION = pod("""\
  containers:
    - name: unset
      image: a
    - name: allowed
      image: a
      securityContext: {allowPrivilegeEscalation: true}
    - name: denied
      image: a
      securityContext: {allowPrivilegeEscalation: false}
    - name: privileged
      image: a
      securityContext: {privileged: true}
    - name: prefixed-admin
      image: a
      securityContext:
        capabilities: {add: [CAP_SYS_ADMIN]}
  ephemeralContainers:
    - name: debug
      image: a
""")


def test_privilege_escalation_reports_unset_and_true_but_not_privileged_with_fixes_where_valid() -> None:
    m = privilege_escalation_allowed
    found = violations(m, ESCALATION)
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        ("spec.containers[0].securityContext.allowPrivilegeEscalation", named("unset", problem=m.NOT_SET)),
        ("spec.containers[1].securityContext.allowPrivilegeEscalation", named("allowed", problem=m.ALLOWED)),
        (
            "spec.containers[4].securityContext.allowPrivilegeEscalation",
            named("prefixed-admin", problem=m.NOT_SET),
        ),
        (
            "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
            named("debug", EPHEMERAL, problem=m.NOT_SET),
        ),
    ]
    path = "spec.containers[0].securityContext.allowPrivilegeEscalation"
    # The API refuses false beside a literal CAP_SYS_ADMIN: no fix there.
    assert fixes(found) == [
        (path, False),
        (path.replace("[0]", "[1]"), False),
        None,
        ("spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation", False),
    ]
    assert m.RULE.format_message(found[1].args) == (
        "container 'allowed' allows privilege escalation: allowPrivilegeEscalation is true"
    )


def test_privilege_escalation_skips_windows_containers() -> None:
    for text in (WINDOWS, WINDOWS_BY_OPTIONS):
        assert run(checker(privilege_escalation_allowed), text) == []


def test_privilege_escalation_span_of_a_missing_field_is_the_container() -> None:
    obj = only(ESCALATION)
    first = violations(privilege_escalation_allowed, ESCALATION)[0]
    assert span(obj, first)[:2] == (7, 7)


# -- KC110 writable-root-filesystem


def test_writable_root_filesystem_reports_false_and_unset_and_fixes_to_true() -> None:
    text = pod("""\
  securityContext: {readOnlyRootFilesystem: true}
  containers:
    - name: unset
      image: a
    - name: writable
      image: a
      securityContext: {readOnlyRootFilesystem: false}
    - name: read-only
      image: a
      securityContext: {readOnlyRootFilesystem: true}
  initContainers:
    - name: setup
      image: a
      securityContext: {readOnlyRootFilesystem: null}
""")
    found = violations(writable_root_filesystem, text)
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        ("spec.containers[0].securityContext.readOnlyRootFilesystem", named("unset", setting="not set")),
        ("spec.containers[1].securityContext.readOnlyRootFilesystem", named("writable", setting="false")),
        (
            "spec.initContainers[0].securityContext.readOnlyRootFilesystem",
            named("setup", INIT, setting="not set"),
        ),
    ]
    assert fixes(found) == [(format_path(v.path), True) for v in found]
    assert writable_root_filesystem.RULE.format_message(found[1].args) == (
        "container 'writable' has a writable root filesystem: readOnlyRootFilesystem is false"
    )
    assert run(checker(writable_root_filesystem), WINDOWS) == []


# -- capabilities as the runtimes read them


@pytest.mark.parametrize(
    ("written", "name"),
    [("SYS_ADMIN", "SYS_ADMIN"), ("cap_sys_admin", "SYS_ADMIN"), ("Cap_Net_Raw", "NET_RAW"), ("all", "ALL")],
)
def test_capability_names_are_normalized_as_cri_o_reads_them(written: str, name: str) -> None:
    assert linux_security.normalize_capability(written) == name


def test_capability_sets_are_consistent() -> None:
    assert linux_security.RUNTIME_DEFAULT_CAPABILITIES <= linux_security.LINUX_CAPABILITIES
    assert len(linux_security.BASELINE_ADDABLE_CAPABILITIES) == 13
    assert set(linux_security.DANGEROUS_CAPABILITIES) - {"ALL"} <= linux_security.LINUX_CAPABILITIES
    assert not set(linux_security.DANGEROUS_CAPABILITIES) & linux_security.RUNTIME_DEFAULT_CAPABILITIES
    insecure = insecure_capability.INSECURE_CAPABILITIES
    assert not insecure & (
        set(linux_security.DANGEROUS_CAPABILITIES) | linux_security.RUNTIME_DEFAULT_CAPABILITIES
    )
    assert {"SYS_TIME", "SYS_NICE", "MAC_ADMIN", "PERFMON", "SYS_BOOT"} <= insecure
    assert len(linux_security.LINUX_CAPABILITIES) == 41


def _container(text: str) -> ContainerView:
    view = workload_view(only(text), AnalysisContext("1.37"))
    assert view is not None
    return view.containers[0]


@pytest.mark.parametrize(
    ("capabilities", "dropped"),
    [
        ("{}", False),
        ("{drop: [NET_RAW]}", True),
        ("{drop: [net_raw]}", True),
        ("{drop: [CAP_NET_RAW]}", False),  # containerd reads CAP_CAP_NET_RAW
        ("{drop: [ALL]}", True),
        ("{drop: [All]}", True),
        ("{drop: [ALL], add: [NET_RAW]}", False),  # individual adds come after drop ALL
        ("{drop: [ALL], add: [cap_net_raw]}", False),
        ("{drop: [NET_RAW], add: [NET_RAW]}", True),  # individual drops come last
        ("{add: [ALL]}", False),
        ("{add: [ALL], drop: [ALL]}", True),
    ],
)
def test_drops_follows_the_runtimes_order(capabilities: str, dropped: bool) -> None:
    text = pod(
        f"  containers:\n    - name: a\n      securityContext:\n        capabilities: {capabilities}\n"
    )
    assert linux_security.drops(_container(text), "NET_RAW") is dropped


def test_added_capabilities_skip_those_dropped_again_and_keep_all() -> None:
    text = pod("""\
  containers:
    - name: a
      securityContext:
        capabilities:
          add: [SYS_TIME, cap_sys_admin, ALL, CHOWN]
          drop: [sys_admin, CAP_CHOWN]
""")
    added = list(linux_security.added_capabilities(_container(text)))
    assert [(a.name, a.written, format_path(a.path)) for a in added] == [
        ("SYS_TIME", "SYS_TIME", "spec.containers[0].securityContext.capabilities.add[0]"),
        ("ALL", "ALL", "spec.containers[0].securityContext.capabilities.add[2]"),
        # CAP_CHOWN in drop is not stripped by containerd: CHOWN stays granted.
        ("CHOWN", "CHOWN", "spec.containers[0].securityContext.capabilities.add[3]"),
    ]


# -- KC111 dangerous-capability

CAPABILITIES = pod("""\
  containers:
    - name: app
      image: a
      securityContext:
        capabilities:
          add: [CAP_SYS_ADMIN, net_admin, SYS_TIME, NET_RAW, CHOWN, ALL, NOT_A_CAPABILITY]
  initContainers:
    - name: setup
      image: a
      securityContext:
        capabilities: {add: [SYS_PTRACE, IPC_LOCK]}
""")
ADD = "spec.containers[0].securityContext.capabilities.add"
INIT_ADD = "spec.initContainers[0].securityContext.capabilities.add"


def test_dangerous_capability_reports_each_entry_with_its_effect() -> None:
    effects = linux_security.DANGEROUS_CAPABILITIES
    assert run(checker(dangerous_capability), CAPABILITIES) == [
        (f"{ADD}[0]", named("app", capability="SYS_ADMIN", effect=effects["SYS_ADMIN"])),
        (f"{ADD}[1]", named("app", capability="NET_ADMIN", effect=effects["NET_ADMIN"])),
        (f"{ADD}[5]", named("app", capability="ALL", effect=effects["ALL"])),
        (f"{INIT_ADD}[0]", named("setup", INIT, capability="SYS_PTRACE", effect=effects["SYS_PTRACE"])),
    ]
    assert messages(dangerous_capability, CAPABILITIES)[0] == (
        "container 'app' adds the SYS_ADMIN capability, which lets it mount file systems and enter other "
        "namespaces, enough to escape the container"
    )


def test_dangerous_capability_allowed_option_reads_names_as_the_runtime_does() -> None:
    options = dangerous_capability.Options(allowed=["NET_ADMIN", "cap_sys_admin"])
    assert [path for path, _ in run(checker(dangerous_capability), CAPABILITIES, options)] == [
        f"{ADD}[5]",
        f"{INIT_ADD}[0]",
    ]
    with pytest.raises(ValueError, match="unknown"):
        dangerous_capability.Options(unknown=True)  # type: ignore[call-arg]


def test_dangerous_capability_says_when_a_host_namespace_widens_it() -> None:
    text = pod(
        "  hostNetwork: true\n  hostPID: true\n  containers:\n    - name: a\n      securityContext:\n"
        "        capabilities: {add: [NET_ADMIN, SYS_PTRACE, SYS_ADMIN]}\n"
    )
    assert [args["effect"] for _, args in run(checker(dangerous_capability), text)] == [
        "reconfigure the node's own interfaces, routes and firewall rules (hostNetwork: true)",
        "trace and inject code into every process of the node (hostPID: true)",
        linux_security.DANGEROUS_CAPABILITIES["SYS_ADMIN"],
    ]


def test_dangerous_capability_skips_windows_and_dropped_capabilities() -> None:
    text = pod("""\
  os: {name: windows}
  containers:
    - name: app
      securityContext:
        capabilities: {add: [SYS_ADMIN]}
""")
    assert run(checker(dangerous_capability), text) == []
    text = pod(
        "  containers:\n    - name: a\n      securityContext:\n"
        "        capabilities: {add: [BPF], drop: [bpf]}\n"
    )
    assert run(checker(dangerous_capability), text) == []


# -- KC112 net-raw-capability

NET_RAW = pod("""\
  containers:
    - name: bare
      image: a
    - name: listed
      image: a
      securityContext:
        capabilities: {drop: [CHOWN]}
    - name: prefixed
      image: a
      securityContext:
        capabilities: {drop: [CAP_NET_RAW]}
    - name: added
      image: a
      securityContext:
        capabilities: {drop: [ALL], add: [CHOWN, Net_Raw]}
    - name: dropped
      image: a
      securityContext:
        capabilities: {drop: [NET_RAW]}
    - name: privileged
      image: a
      securityContext: {privileged: true}
    - name: privileged-adding
      image: a
      securityContext:
        privileged: true
        capabilities: {add: [NET_RAW]}
""")


def test_net_raw_reports_not_dropped_and_added_with_a_fix_only_for_an_empty_drop_list() -> None:
    m = net_raw_capability
    found = violations(m, NET_RAW)
    drop = "spec.containers[{}].securityContext.capabilities.drop"
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        (drop.format(0), named("bare", problem=m.NOT_DROPPED)),
        (drop.format(1), named("listed", problem=m.NOT_DROPPED)),
        (drop.format(2), named("prefixed", problem=m.PREFIXED_DROP)),
        ("spec.containers[3].securityContext.capabilities.add[1]", named("added", problem=m.ADDED)),
        (
            "spec.containers[6].securityContext.capabilities.add[0]",
            named("privileged-adding", problem=m.ADDED),
        ),
    ]
    assert fixes(found) == [(drop.format(0), ["NET_RAW"]), None, None, None, None]
    assert messages(m, NET_RAW)[0] == (
        "container 'bare' keeps the NET_RAW capability: capabilities.drop names neither NET_RAW nor ALL"
    )


def test_net_raw_span_of_a_missing_drop_list_is_the_container() -> None:
    obj = only(NET_RAW)
    first = violations(net_raw_capability, NET_RAW)[0]
    assert span(obj, first)[:2] == (7, 7)


# -- KC113 capabilities-not-dropped


def test_capabilities_not_dropped_requires_all_and_fixes_the_list() -> None:
    m = capabilities_not_dropped
    text = pod("""\
  containers:
    - name: bare
      image: a
    - name: some
      image: a
      securityContext:
        capabilities: {drop: [NET_RAW, CAP_ALL]}
    - name: all
      image: a
      securityContext:
        capabilities: {drop: [all]}
    - name: privileged
      image: a
      securityContext: {privileged: true}
""")
    found = violations(m, text)
    drop = "spec.containers[{}].securityContext.capabilities.drop"
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        (drop.format(0), named("bare", problem=m.NOT_SET)),
        (drop.format(1), named("some", problem=m.WITHOUT_ALL)),
    ]
    assert fixes(found) == [(drop.format(0), ["ALL"]), (drop.format(1), ["ALL"])]
    assert messages(m, text)[1] == (
        "container 'some' keeps the runtime's default capabilities: capabilities.drop does not contain ALL"
    )
    assert run(checker(m), WINDOWS) == []


def test_capabilities_not_dropped_is_opt_in() -> None:
    assert not capabilities_not_dropped.RULE.default_enabled
    assert capabilities_not_dropped.RULE.in_profile("strict")


# -- KC114 insecure-capability


def test_insecure_capability_reports_capabilities_beyond_the_default_set_only() -> None:
    assert run(checker(insecure_capability), CAPABILITIES) == [
        (f"{ADD}[2]", named("app", capability="SYS_TIME")),
        (f"{INIT_ADD}[1]", named("setup", INIT, capability="IPC_LOCK")),
    ]
    assert messages(insecure_capability, CAPABILITIES)[0] == (
        "container 'app' adds the SYS_TIME capability, beyond the runtime's default set and what the "
        "Baseline Pod Security Standard allows"
    )
    options = insecure_capability.Options(allowed=["CAP_SYS_TIME"])
    assert [path for path, _ in run(checker(insecure_capability), CAPABILITIES, options)] == [
        f"{INIT_ADD}[1]"
    ]


# -- KC115 missing-seccomp-profile


def test_missing_seccomp_profile_is_one_finding_at_the_pod_with_a_fix() -> None:
    m = missing_seccomp_profile
    text = pod("""\
  containers:
    - name: app
      image: a
    - name: confined
      image: a
      securityContext:
        seccompProfile: {type: RuntimeDefault}
    - name: proxy
      image: a
  ephemeralContainers:
    - name: debug
      image: a
""")
    found = violations(m, text)
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        (
            "spec.securityContext.seccompProfile",
            {"kind": "Pod", "name": "p", "containers": "containers 'app', 'proxy', 'debug'", "note": ""},
        )
    ]
    assert fixes(found) == [("spec.securityContext.seccompProfile", {"type": "RuntimeDefault"})]
    assert m.RULE.format_message(found[0].args) == (
        "Pod 'p' sets no seccomp profile for containers 'app', 'proxy', 'debug', which the kubelet then runs "
        "Unconfined unless the node enables seccompDefault"
    )
    obj = only(text)
    assert span(obj, found[0])[:2] == (5, 1)  # `spec:`, where the pod's securityContext would go


@pytest.mark.parametrize(
    "annotation",
    ["seccomp.security.alpha.kubernetes.io/pod", "container.seccomp.security.alpha.kubernetes.io/app"],
)
def test_missing_seccomp_profile_says_the_legacy_annotations_are_ignored(annotation: str) -> None:
    text = f"""\
apiVersion: batch/v1
kind: Job
metadata: {{name: j}}
spec:
  template:
    metadata:
      annotations:
        {annotation}: runtime/default
    spec:
      restartPolicy: Never
      containers:
        - name: app
          image: a
"""
    [(path, args)] = run(checker(missing_seccomp_profile), text)
    assert path == "spec.template.spec.securityContext.seccompProfile"
    assert args["note"] == missing_seccomp_profile.IGNORED_ANNOTATIONS


def test_missing_seccomp_profile_other_containers_annotation_adds_no_note() -> None:
    text = pod(
        "  containers:\n    - name: app\n      image: a\n",
        "  annotations:\n    container.seccomp.security.alpha.kubernetes.io/other: runtime/default\n",
    )
    [(_, args)] = run(checker(missing_seccomp_profile), text)
    assert args["note"] == ""


def test_missing_seccomp_profile_points_at_a_containers_typeless_profile_when_the_pod_has_one() -> None:
    text = pod("""\
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: app
      image: a
      securityContext:
        seccompProfile: {localhostProfile: x.json}
    - name: fine
      image: a
""")
    found = violations(missing_seccomp_profile, text)
    assert [format_path(v.path) for v in found] == ["spec.containers[0].securityContext.seccompProfile"]
    assert found[0].args["containers"] == "container 'app'"
    assert found[0].fix is None


def test_missing_seccomp_profile_replaces_a_typeless_pod_profile_and_skips_windows() -> None:
    text = pod("  securityContext:\n    seccompProfile: {}\n  containers:\n    - name: app\n      image: a\n")
    assert fixes(violations(missing_seccomp_profile, text)) == [
        ("spec.securityContext.seccompProfile", {"type": "RuntimeDefault"})
    ]
    assert run(checker(missing_seccomp_profile), WINDOWS) == []
    assert not missing_seccomp_profile.RULE.default_enabled


# -- KC116 seccomp-unconfined


def test_seccomp_unconfined_reports_the_pod_once_and_each_containers_own() -> None:
    text = pod("""\
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
    - name: inherits
      image: a
    - name: also-inherits
      image: a
    - name: own
      image: a
      securityContext:
        seccompProfile: {type: Unconfined}
    - name: overrides
      image: a
      securityContext:
        seccompProfile: {type: RuntimeDefault}
""")
    found = violations(seccomp_unconfined, text)
    assert [(format_path(v.path), v.args["subject"]) for v in found] == [
        ("spec.securityContext.seccompProfile.type", "Pod 'p'"),
        ("spec.containers[2].securityContext.seccompProfile.type", "container 'own'"),
    ]
    assert fixes(found) == [(format_path(v.path), "RuntimeDefault") for v in found]
    assert messages(seccomp_unconfined, text)[0] == (
        "Pod 'p' turns seccomp filtering off: seccompProfile.type is Unconfined"
    )


def test_seccomp_unconfined_ignores_overridden_pod_profile_annotations_and_windows() -> None:
    text = pod(
        "  securityContext:\n    seccompProfile: {type: Unconfined}\n"
        "  containers:\n    - name: a\n      securityContext:\n        seccompProfile: {type: Localhost}\n",
        "  annotations:\n    container.seccomp.security.alpha.kubernetes.io/a: unconfined\n",
    )
    assert run(checker(seccomp_unconfined), text) == []
    text = pod(
        "  os: {name: windows}\n  securityContext:\n    seccompProfile: {type: Unconfined}\n"
        "  containers:\n    - name: a\n"
    )
    assert run(checker(seccomp_unconfined), text) == []


# -- KC117 apparmor-unconfined

APPARMOR = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/by-annotation: unconfined
        container.apparmor.security.beta.kubernetes.io/field-wins: unconfined
        container.apparmor.security.beta.kubernetes.io/annotation-wins: runtime/default
        container.apparmor.security.beta.kubernetes.io/invalid: Unconfined
        container.apparmor.security.beta.kubernetes.io/localhost: localhost/custom
    spec:
      securityContext:
        appArmorProfile: {type: Unconfined}
      containers:
        - name: by-annotation
          image: a
        - name: field-wins
          image: a
          securityContext:
            appArmorProfile: {type: RuntimeDefault}
        - name: annotation-wins
          image: a
        - name: invalid
          image: a
        - name: localhost
          image: a
        - name: inherits
          image: a
        - name: own
          image: a
          securityContext:
            appArmorProfile: {type: Unconfined}
"""


def test_apparmor_unconfined_follows_the_kubelets_order() -> None:
    found = violations(apparmor_unconfined, APPARMOR)
    annotations = "spec.template.metadata.annotations"
    key = "container.apparmor.security.beta.kubernetes.io/by-annotation"
    assert [(format_path(v.path), v.args["subject"]) for v in found] == [
        (f'{annotations}["{key}"]', "container 'by-annotation'"),
        # `invalid` falls through to the pod's field, which `inherits` shares: one finding.
        ("spec.template.spec.securityContext.appArmorProfile.type", "Deployment 'web'"),
        ("spec.template.spec.containers[6].securityContext.appArmorProfile.type", "container 'own'"),
    ]
    assert fixes(found) == [
        (f'{annotations}["{key}"]', "runtime/default"),
        ("spec.template.spec.securityContext.appArmorProfile.type", "RuntimeDefault"),
        ("spec.template.spec.containers[6].securityContext.appArmorProfile.type", "RuntimeDefault"),
    ]
    assert messages(apparmor_unconfined, APPARMOR)[:2] == [
        f"container 'by-annotation' runs without AppArmor confinement: the annotation {key} is unconfined",
        "Deployment 'web' runs without AppArmor confinement: appArmorProfile.type is Unconfined",
    ]
    obj = only(APPARMOR)
    assert span(obj, found[0])[:2] == (8, 9)


def test_apparmor_unconfined_reads_a_pods_own_annotations_and_skips_windows() -> None:
    metadata = "  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n"
    text = pod("  containers:\n    - name: app\n      image: a\n", metadata)
    assert [path for path, _ in run(checker(apparmor_unconfined), text)] == [
        'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]'
    ]
    windows = pod("  os: {name: windows}\n  containers:\n    - name: app\n      image: a\n", metadata)
    assert run(checker(apparmor_unconfined), windows) == []


def test_template_annotations_of_a_cron_job() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
        spec:
          containers:
            - name: app
              image: a
"""
    [(path, args)] = run(checker(apparmor_unconfined), text)
    assert path == (
        "spec.jobTemplate.spec.template.metadata.annotations"
        '["container.apparmor.security.beta.kubernetes.io/app"]'
    )
    assert args["subject"] == "container 'app'"


# -- KC118 unmasked-proc-mount


def test_unmasked_proc_mount_reports_unmasked_only_and_fixes_to_default() -> None:
    text = pod("""\
  hostUsers: false
  containers:
    - name: unmasked
      image: a
      securityContext: {procMount: Unmasked}
    - name: default
      image: a
      securityContext: {procMount: Default}
    - name: bare
      image: a
""")
    found = violations(unmasked_proc_mount, text)
    assert [(format_path(v.path), dict(v.args)) for v in found] == [
        ("spec.containers[0].securityContext.procMount", named("unmasked"))
    ]
    assert fixes(found) == [("spec.containers[0].securityContext.procMount", "Default")]
    assert messages(unmasked_proc_mount, text) == [
        "container 'unmasked' mounts /proc unmasked (procMount: Unmasked), exposing the node's kernel "
        "interfaces"
    ]


# -- KC119 unsafe-sysctl


def sysctl_pod(*names: str, extra: str = "") -> str:
    entries = "".join(f"      - {{name: {name}, value: '1'}}\n" for name in names)
    return pod(
        f"{extra}  securityContext:\n    sysctls:\n{entries}  containers:\n    - name: a\n      image: a\n"
    )


def run_at(version: str, text: str, options: Any = None) -> list[tuple[str, dict[str, object]]]:
    view = workload_view(only(text), AnalysisContext(version))
    assert view is not None
    return [(format_path(v.path), dict(v.args)) for v in unsafe_sysctl.check_workload(view, options)]


def test_unsafe_sysctl_reports_names_outside_the_safe_set_with_the_version() -> None:
    text = sysctl_pod("net.core.somaxconn", "net.ipv4.tcp_syncookies", "kernel/msgmax")
    found = run_at("1.33", text)
    problem = unsafe_sysctl.UNSAFE.format(version="1.33")
    assert found == [
        (
            "spec.securityContext.sysctls[0].name",
            {"kind": "Pod", "name": "p", "sysctl": "net.core.somaxconn", "problem": problem},
        ),
        (
            "spec.securityContext.sysctls[2].name",
            {"kind": "Pod", "name": "p", "sysctl": "kernel/msgmax", "problem": problem},
        ),
    ]
    assert unsafe_sysctl.RULE.format_message(found[0][1]) == (
        "Pod 'p' sets the sysctl 'net.core.somaxconn', which is not in the kubelet's safe set for Kubernetes "
        "1.33: the kubelet rejects the pod unless the node allows it with --allowed-unsafe-sysctls, and it "
        "can affect other pods on the node"
    )


@pytest.mark.parametrize(
    ("version", "safe"),
    [
        ("1.31", {"net.ipv4.tcp_keepalive_time"}),
        ("1.32", {"net.ipv4.tcp_rmem"}),
        ("1.37", {"net.ipv4.tcp_notsent_lowat"}),
    ],
)
def test_safe_sysctls_grow_with_the_version(version: str, safe: set[str]) -> None:
    assert safe <= unsafe_sysctl.safe_sysctls(version)


def test_safe_sysctls_before_their_release_are_unsafe() -> None:
    assert "net.ipv4.tcp_rmem" not in unsafe_sysctl.safe_sysctls("1.31")
    text = sysctl_pod("net.ipv4.tcp_slow_start_after_idle")
    assert [path for path, _ in run_at("1.36", text)] == ["spec.securityContext.sysctls[0].name"]
    assert run_at("1.37", text) == []
    assert len(unsafe_sysctl.safe_sysctls("1.33")) == 12


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("net.ipv4.tcp_syncookies", "net.ipv4.tcp_syncookies"),
        ("net/ipv4/tcp_syncookies", "net.ipv4.tcp_syncookies"),
        ("net/ipv4/conf/eno2.100/rp_filter", "net.ipv4.conf.eno2/100.rp_filter"),
        ("net.ipv4.conf.eno2/100.rp_filter", "net.ipv4.conf.eno2/100.rp_filter"),
        ("kernel", "kernel"),
    ],
)
def test_sysctl_names_are_normalized_as_the_kubelet_does(written: str, normalized: str) -> None:
    assert unsafe_sysctl.normalize_sysctl(written) == normalized


def test_unsafe_sysctl_allowed_option_takes_names_and_prefix_patterns() -> None:
    text = sysctl_pod("kernel.msgmax", "kernel.msgmnb", "net.core.somaxconn", "vm.swappiness")
    options = unsafe_sysctl.Options(allowed=["kernel.msg*", "net/core/somaxconn"])
    assert [args["sysctl"] for _, args in run_at("1.37", text, options)] == ["vm.swappiness"]


def test_unsafe_sysctl_reports_namespaced_sysctls_of_a_host_namespace_even_when_safe() -> None:
    text = sysctl_pod(
        "net.ipv4.tcp_syncookies",
        "kernel.shm_rmid_forced",
        "kernel.sem",
        "fs.mqueue.msg_max",
        extra="  hostNetwork: true\n  hostIPC: true\n",
    )
    options = unsafe_sysctl.Options(allowed=["kernel.sem", "fs.mqueue.*"])
    problems = [args["problem"] for _, args in run_at("1.37", text, options)]
    assert problems == [unsafe_sysctl.HOST_NETWORK] + [unsafe_sysctl.HOST_IPC] * 3
    only_net = sysctl_pod("kernel.shm_rmid_forced", extra="  hostNetwork: true\n")
    assert run_at("1.37", only_net) == []


def test_unsafe_sysctl_skips_windows_pods_and_pods_without_sysctls() -> None:
    assert run_at("1.37", sysctl_pod("vm.swappiness", extra="  os: {name: windows}\n")) == []
    assert run(checker(unsafe_sysctl), pod("  containers:\n    - name: a\n      image: a\n")) == []


# -- KC120 host-process-container


def test_host_process_reports_the_pod_once_and_each_container_that_sets_it() -> None:
    text = pod("""\
  hostNetwork: true
  securityContext:
    windowsOptions: {hostProcess: true}
  containers:
    - name: inherits
      image: a
    - name: own
      image: a
      securityContext:
        windowsOptions: {hostProcess: true}
    - name: unset
      image: a
      securityContext:
        windowsOptions: {hostProcess: null}
""")
    found = violations(host_process_container, text)
    assert [(format_path(v.path), v.args["subject"]) for v in found] == [
        ("spec.securityContext.windowsOptions.hostProcess", "Pod 'p'"),
        ("spec.containers[1].securityContext.windowsOptions.hostProcess", "container 'own'"),
    ]
    assert fixes(found) == [(format_path(v.path), False) for v in found]
    assert messages(host_process_container, text) == [
        "Pod 'p' runs its containers as Windows HostProcess containers, with the node's file system, network "
        "and processes (hostProcess: true)",
        "container 'own' runs as a Windows HostProcess container, with the node's file system, network and "
        "processes (hostProcess: true)",
    ]


# -- KC121 root-group


def test_root_group_reports_run_as_group_fs_group_and_supplemental_groups() -> None:
    m = root_group
    text = pod("""\
  securityContext:
    runAsGroup: 0
    fsGroup: 0
    supplementalGroups: [0, 1000, 0]
  containers:
    - name: inherits
      image: a
    - name: also-inherits
      image: a
    - name: own
      image: a
      securityContext: {runAsGroup: 0}
    - name: overrides
      image: a
      securityContext: {runAsGroup: 1000}
""")
    pod_args = {"kind": "Pod", "name": "p", "subject": "Pod 'p'"}
    assert run(checker(m), text) == [
        ("spec.securityContext.runAsGroup", {**pod_args, "problem": m.RUN_AS_GROUP}),
        (
            "spec.containers[2].securityContext.runAsGroup",
            named("own", subject="container 'own'", problem=m.RUN_AS_GROUP),
        ),
        ("spec.securityContext.fsGroup", {**pod_args, "problem": m.FS_GROUP}),
        ("spec.securityContext.supplementalGroups[0]", {**pod_args, "problem": m.SUPPLEMENTAL_GROUP}),
        ("spec.securityContext.supplementalGroups[2]", {**pod_args, "problem": m.SUPPLEMENTAL_GROUP}),
    ]
    assert messages(m, text)[2] == (
        "Pod 'p' gives every container the root group: fsGroup is 0, which also hands its volumes to group 0"
    )
    assert all(v.fix is None for v in violations(m, text))


def test_root_group_skips_unset_groups_overridden_pod_groups_and_windows() -> None:
    text = pod("""\
  securityContext: {runAsGroup: 0}
  containers:
    - name: a
      securityContext: {runAsGroup: 10}
""")
    assert run(checker(root_group), text) == []
    assert run(checker(root_group), pod("  containers:\n    - name: a\n")) == []
    windows = pod(
        "  os: {name: windows}\n  securityContext: {runAsGroup: 0, fsGroup: 0}\n"
        "  containers:\n    - name: a\n"
    )
    assert run(checker(root_group), windows) == []


# -- every rule


RULES = (
    privilege_escalation_allowed,
    writable_root_filesystem,
    dangerous_capability,
    net_raw_capability,
    capabilities_not_dropped,
    insecure_capability,
    missing_seccomp_profile,
    seccomp_unconfined,
    apparmor_unconfined,
    unmasked_proc_mount,
    unsafe_sysctl,
    host_process_container,
    root_group,
)


@pytest.mark.parametrize("module", RULES, ids=lambda m: m.RULE.id)
def test_rules_yield_nothing_for_other_kinds_and_null_fields(module: Any) -> None:
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {privileged: 'true'}\n"
    assert run(checker(module), configmap) == []
    nulls = pod("""\
  securityContext: null
  containers:
    - name: a
      securityContext:
        capabilities: null
        seccompProfile: null
        appArmorProfile: null
        windowsOptions: null
        procMount: null
""")
    for violation in violations(module, nulls):
        # Whatever a rule reports on nulls, its message formats.
        assert module.RULE.format_message(violation.args)
        assert violation.fix is None or isinstance(violation.fix, Fix)


@pytest.mark.parametrize("module", RULES, ids=lambda m: m.RULE.id)
def test_rules_replace_incumbent_checks_by_tool(module: Any) -> None:
    for check in module.RULE.replaces:
        tool, _, name = check.partition(":")
        assert tool in ("kube-linter", "polaris", "kube-score", "checkov") and name
