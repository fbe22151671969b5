"""One view of a workload that every rule of the family reads: its pod template and each container with its
effective security context, computed once per object however many rules are enabled.

Not a rule module (it defines no `RULE`). Workload rules define `check_workload(workload, options)` and
receive a `WorkloadView`; the family builds it once per object (`workload_view`) and hands the same view to
each of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from kcheck.analyzers.objects.security_context import (
    EffectiveSecurityContext,
    effective_security_context,
    runs_on_windows,
)
from kcheck.core.location import ObjectPath, format_path
from kcheck.inventory.context import AnalysisContext
from kcheck.model.base import K8sObject
from kcheck.model.workloads import (
    Container,
    ContainerRef,
    ContainerRole,
    PodSpec,
    PodTemplate,
    containers,
    pod_template,
)

ALL_ROLES: frozenset[ContainerRole] = frozenset({"container", "initContainer", "ephemeralContainer"})
# The API forbids `resources`, `ports` and probes on ephemeral containers (validateEphemeralContainers),
# so rules about those fields skip them.
RUNNING_ROLES: frozenset[ContainerRole] = frozenset({"container", "initContainer"})

_ROLE_NOUNS: dict[ContainerRole, str] = {
    "container": "container",
    "initContainer": "init container",
    "ephemeralContainer": "ephemeral container",
}


@dataclass(frozen=True, slots=True)
class ContainerView:
    """A container of the workload: its model, where it is, its role, and its effective security context."""

    ref: ContainerRef
    security: EffectiveSecurityContext
    # Whether it is meant for a Windows node (`runs_on_windows`): Linux-only settings do not apply.
    windows: bool
    # The message arguments that name it: `{role} {container!r}` reads "init container 'setup'".
    args: Mapping[str, object]

    @property
    def container(self) -> Container:
        return self.ref.container

    @property
    def role(self) -> ContainerRole:
        return self.ref.role

    @property
    def path(self) -> ObjectPath:
        return self.ref.path

    @property
    def is_sidecar(self) -> bool:
        """An init container with `restartPolicy: Always` keeps running beside the app containers."""
        return self.ref.role == "initContainer" and self.ref.container.restart_policy == "Always"

    @property
    def keeps_running(self) -> bool:
        """An app container or a sidecar: what probes and long-running settings are about."""
        return self.ref.role == "container" or self.is_sidecar

    def at(self, *keys: str | int) -> ObjectPath:
        """A path inside the container: `view.at("securityContext", "privileged")`."""
        return (*self.ref.path, *keys)


@dataclass(frozen=True)
class WorkloadView:
    """A workload (any kind with a pod template, or a Pod) as the rules read it."""

    obj: K8sObject
    template: PodTemplate
    containers: tuple[ContainerView, ...]
    # The run's context: the target Kubernetes version (Pod Security Standards controls differ between
    # releases) and what the whole input says about namespaces.
    context: AnalysisContext

    @property
    def spec(self) -> PodSpec:
        return self.template.spec

    def at(self, *keys: str | int) -> ObjectPath:
        """A path inside the PodSpec: `view.at("hostNetwork")`."""
        return (*self.template.path, *keys)

    def of(self, roles: frozenset[ContainerRole]) -> Iterator[ContainerView]:
        """The containers whose role is in `roles`, in manifest order (containers, init, ephemeral)."""
        return (c for c in self.containers if c.role in roles)

    @property
    def running(self) -> Iterator[ContainerView]:
        """Containers and init containers: what `resources`, `ports` and probes are allowed on."""
        return self.of(RUNNING_ROLES)

    @cached_property
    def args(self) -> Mapping[str, object]:
        """The message arguments that name the object: `{kind} {name!r}` reads "Deployment 'web'"."""
        return object_args(self.obj)

    @cached_property
    def windows(self) -> bool:
        """A Windows pod: `spec.os.name: windows`, or (without `spec.os`) every container on Windows."""
        os = self.spec.os
        if os is not None and os.name is not None:
            return os.name == "windows"
        return bool(self.containers) and all(c.windows for c in self.containers)


def workload_view(obj: K8sObject, context: AnalysisContext) -> WorkloadView | None:
    """The view of `obj`, or None when it has no pod template (another kind, or a missing spec)."""
    template = pod_template(obj)
    if template is None:
        return None
    views = []
    for ref in containers(template):
        security = effective_security_context(template, ref)
        views.append(ContainerView(ref, security, runs_on_windows(template, security), container_args(ref)))
    return WorkloadView(obj, template, tuple(views), context)


def container_args(ref: ContainerRef) -> dict[str, object]:
    """The message arguments that name a container: `{role} {container!r}` reads "init container 'setup'"."""
    # A container without a name is reported by the shape and schema rules; name it by its position here.
    name = ref.container.name or format_path(ref.path[-2:])
    return {"container": name, "role": _ROLE_NOUNS[ref.role]}


def object_args(obj: K8sObject) -> dict[str, object]:
    """The message arguments that name the object: `{kind} {name!r}` reads "Deployment 'web'"."""
    return {"kind": obj.kind or "", "name": obj.metadata.name or obj.metadata.generate_name or ""}
