"""The security context a container actually runs with: its own fields, falling back to the pod's.

Not a rule module (it defines no `RULE`). The resolution follows the kubelet:

- `runAsUser`, `runAsGroup`, `runAsNonRoot` and `seLinuxOptions`: the container's field wins when it is
  set, otherwise the pod's applies, field by field (`DetermineEffectiveSecurityContext` in
  kubernetes/pkg/securitycontext/util.go). `seLinuxOptions` is taken whole, not merged.
- `windowsOptions`: merged field by field (the same function); the two GMSA fields travel together.
- `seccompProfile` and `appArmorProfile`: the container's profile, else the pod's (kuberuntime's
  `getSeccompProfile`, and `GetProfile` in kubernetes/pkg/security/apparmor).

Fields that exist only on the container (`privileged`, `capabilities`, `allowPrivilegeEscalation`, ...)
are read from the container directly: a pod-level `privileged` is an unknown field the API drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kcheck.core.location import ObjectPath
from kcheck.model.workloads import (
    AppArmorProfile,
    ContainerRef,
    PodSecurityContext,
    PodTemplate,
    SeccompProfile,
    SecurityContext,
    SELinuxOptions,
    WindowsSecurityContextOptions,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """An effective value and where it is written: an object path from the root, to point a finding at."""

    value: T
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class EffectiveSecurityContext:
    """The inheritable fields of a container's effective security context; None where no level sets one."""

    run_as_non_root: Setting[bool] | None
    run_as_user: Setting[int] | None
    run_as_group: Setting[int] | None
    se_linux_options: Setting[SELinuxOptions] | None
    seccomp_profile: Setting[SeccompProfile] | None
    app_armor_profile: Setting[AppArmorProfile] | None
    # Merged from both levels, so no single place holds it.
    windows_options: WindowsSecurityContextOptions | None


def effective_security_context(template: PodTemplate, ref: ContainerRef) -> EffectiveSecurityContext:
    container_context = ref.container.security_context
    pod_context = template.spec.security_context
    container_path: ObjectPath = (*ref.path, "securityContext")
    pod_path: ObjectPath = (*template.path, "securityContext")

    def inherited(field: str) -> Setting[Any] | None:
        if container_context is not None and (value := getattr(container_context, field)) is not None:
            return Setting(value, (*container_path, _key(SecurityContext, field)))
        if pod_context is not None and (value := getattr(pod_context, field)) is not None:
            return Setting(value, (*pod_path, _key(PodSecurityContext, field)))
        return None

    return EffectiveSecurityContext(
        run_as_non_root=inherited("run_as_non_root"),
        run_as_user=inherited("run_as_user"),
        run_as_group=inherited("run_as_group"),
        se_linux_options=inherited("se_linux_options"),
        seccomp_profile=inherited("seccomp_profile"),
        app_armor_profile=inherited("app_armor_profile"),
        windows_options=_merged_windows_options(
            pod_context.windows_options if pod_context is not None else None,
            container_context.windows_options if container_context is not None else None,
        ),
    )


def runs_on_windows(template: PodTemplate, context: EffectiveSecurityContext) -> bool:
    """Whether a container with this effective context is meant for a Windows node.

    `spec.os.name` decides when it is set (the API rejects `windowsOptions` in a pod whose os is linux);
    otherwise `windowsOptions` at either level marks a Windows pod.
    """
    os = template.spec.os
    if os is not None and os.name is not None:
        return os.name == "windows"
    return context.windows_options is not None


def _merged_windows_options(
    pod: WindowsSecurityContextOptions | None, container: WindowsSecurityContextOptions | None
) -> WindowsSecurityContextOptions | None:
    if container is None:
        return pod
    merged = pod.model_copy() if pod is not None else WindowsSecurityContextOptions()
    if container.gmsa_credential_spec_name is not None or container.gmsa_credential_spec is not None:
        merged.gmsa_credential_spec_name = container.gmsa_credential_spec_name
        merged.gmsa_credential_spec = container.gmsa_credential_spec
    if container.run_as_user_name is not None:
        merged.run_as_user_name = container.run_as_user_name
    if container.host_process is not None:
        merged.host_process = container.host_process
    return merged


def _key(model: type[SecurityContext] | type[PodSecurityContext], field: str) -> str:
    """The manifest key of a model field (`runAsNonRoot` for `run_as_non_root`)."""
    return model.model_fields[field].alias or field
