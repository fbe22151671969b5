"""What the per-object workload rules share: reaching every container of a workload, and naming it.

Not a rule module (it defines no `RULE`).
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.core.location import format_path
from kcheck.model.base import K8sObject
from kcheck.model.workloads import ContainerRef, ContainerRole, PodTemplate, containers, pod_template

ALL_ROLES: frozenset[ContainerRole] = frozenset({"container", "initContainer", "ephemeralContainer"})
# The API forbids `resources`, `ports` and probes on ephemeral containers (validateEphemeralContainers),
# so rules about those fields skip them.
RUNNING_ROLES: frozenset[ContainerRole] = frozenset({"container", "initContainer"})

_ROLE_NOUNS: dict[ContainerRole, str] = {
    "container": "container",
    "initContainer": "init container",
    "ephemeralContainer": "ephemeral container",
}


def workload_containers(
    obj: K8sObject, roles: frozenset[ContainerRole] = ALL_ROLES
) -> Iterator[tuple[PodTemplate, ContainerRef]]:
    """Every container of `obj`'s pod template whose role is in `roles`, with the template."""
    template = pod_template(obj)
    if template is None:
        return
    for ref in containers(template):
        if ref.role in roles:
            yield template, ref


def container_args(ref: ContainerRef) -> dict[str, object]:
    """The message arguments that name a container: `{role} {container!r}` reads "init container 'setup'"."""
    # A container without a name is reported by the shape and schema rules; name it by its position here.
    name = ref.container.name or format_path(ref.path[-2:])
    return {"container": name, "role": _ROLE_NOUNS[ref.role]}


def object_args(obj: K8sObject) -> dict[str, object]:
    """The message arguments that name the object: `{kind} {name!r}` reads "Deployment 'web'"."""
    return {"kind": obj.kind or "", "name": obj.metadata.name or obj.metadata.generate_name or ""}
