"""The effective security context: container fields override the pod's one by one, as the kubelet does."""

from __future__ import annotations

from typing import Any

from kcheck.analyzers.objects.security_context import (
    EffectiveSecurityContext,
    Setting,
    effective_security_context,
    runs_on_windows,
)
from kcheck.core.location import format_path
from kcheck.model.workloads import PodTemplate, containers, pod_template
from tests.unit.analyzers.helpers import only


def resolve(text: str, index: int = 0) -> tuple[PodTemplate, EffectiveSecurityContext]:
    template = pod_template(only(text))
    assert template is not None
    ref = list(containers(template))[index]
    return template, effective_security_context(template, ref)


def where(setting: Setting[Any] | None) -> tuple[Any, str] | None:
    """(value, formatted path) of a setting."""
    return None if setting is None else (setting.value, format_path(setting.path))


POD = """
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  securityContext: {pod}
  containers:
    - name: app
      image: app:1
      securityContext: {container}
"""


def test_pod_fields_apply_when_the_container_sets_nothing() -> None:
    pod = "{runAsNonRoot: true, runAsUser: 1000, runAsGroup: 3000}"
    _, context = resolve(POD.format(pod=pod, container="{}"))
    assert where(context.run_as_non_root) == (True, "spec.securityContext.runAsNonRoot")
    assert where(context.run_as_user) == (1000, "spec.securityContext.runAsUser")
    assert where(context.run_as_group) == (3000, "spec.securityContext.runAsGroup")


def test_a_container_field_overrides_only_that_field() -> None:
    _, context = resolve(POD.format(pod="{runAsNonRoot: true, runAsUser: 1000}", container="{runAsUser: 0}"))
    assert where(context.run_as_user) == (0, "spec.containers[0].securityContext.runAsUser")
    assert where(context.run_as_non_root) == (True, "spec.securityContext.runAsNonRoot")


def test_an_explicit_false_on_the_container_overrides_a_true_on_the_pod() -> None:
    _, context = resolve(POD.format(pod="{runAsNonRoot: true}", container="{runAsNonRoot: false}"))
    assert where(context.run_as_non_root) == (False, "spec.containers[0].securityContext.runAsNonRoot")


def test_nothing_set_anywhere_resolves_to_none() -> None:
    _, context = resolve(POD.format(pod="null", container="null"))
    assert context == EffectiveSecurityContext(None, None, None, None, None, None, None)


def test_selinux_and_seccomp_are_taken_whole_from_the_container() -> None:
    _, context = resolve(
        POD.format(
            pod="{seLinuxOptions: {level: 's0:c1', type: spc_t}, seccompProfile: {type: RuntimeDefault}}",
            container="{seLinuxOptions: {level: 's0:c2'}}",
        )
    )
    assert context.se_linux_options is not None
    assert (context.se_linux_options.value.level, context.se_linux_options.value.type) == ("s0:c2", None)
    assert context.seccomp_profile is not None
    assert context.seccomp_profile.value.type == "RuntimeDefault"
    assert format_path(context.seccomp_profile.path) == "spec.securityContext.seccompProfile"


def test_windows_options_merge_field_by_field_and_gmsa_fields_travel_together() -> None:
    _, context = resolve(
        POD.format(
            pod="{windowsOptions: {runAsUserName: Pod, gmsaCredentialSpecName: pod, gmsaCredentialSpec: x}}",
            container="{windowsOptions: {gmsaCredentialSpecName: app-spec, hostProcess: false}}",
        )
    )
    options = context.windows_options
    assert options is not None
    assert options.run_as_user_name == "Pod"
    assert (options.gmsa_credential_spec_name, options.gmsa_credential_spec) == ("app-spec", None)
    assert options.host_process is False


def test_init_containers_inherit_from_the_pod_context_like_containers() -> None:
    text = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      securityContext: {runAsUser: 1000}
      initContainers:
        - {name: init, image: "init:1"}
      containers:
        - {name: app, image: "app:1", securityContext: {runAsUser: 2000}}
"""
    template = pod_template(only(text))
    assert template is not None
    users = {}
    for ref in containers(template):
        user = effective_security_context(template, ref).run_as_user
        assert user is not None
        users[ref.container.name] = (user.value, format_path(user.path))
    assert users == {
        "app": (2000, "spec.template.spec.containers[0].securityContext.runAsUser"),
        "init": (1000, "spec.template.spec.securityContext.runAsUser"),
    }


def test_os_name_decides_windows_and_windows_options_only_when_it_is_unset() -> None:
    windows_by_options = POD.format(pod="{windowsOptions: {runAsUserName: ContainerUser}}", container="{}")
    template, context = resolve(windows_by_options)
    assert runs_on_windows(template, context)
    template, context = resolve(POD.format(pod="{}", container="{windowsOptions: {hostProcess: true}}"))
    assert runs_on_windows(template, context)
    template, context = resolve(POD.format(pod="{}", container="{}"))
    assert not runs_on_windows(template, context)
    linux = windows_by_options.replace("spec:\n", "spec:\n  os: {name: linux}\n", 1)
    template, context = resolve(linux)
    assert not runs_on_windows(template, context)
    windows = POD.format(pod="{}", container="{}").replace("spec:\n", "spec:\n  os: {name: windows}\n", 1)
    template, context = resolve(windows)
    assert runs_on_windows(template, context)
