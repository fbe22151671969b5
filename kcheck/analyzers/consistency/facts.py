"""What the consistency analysis needs of an object, read in the per-file stage (`Family.facts`) while the
object is whole: a workload's pod labels, container ports and requests, replicas and references; the keys
of a ConfigMap or Secret (never their values). The inventory keeps these instead of whole pod templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.core.location import ObjectPath
from kcheck.inventory.pods import pod_label_sets
from kcheck.inventory.routes import ROUTE_KINDS, RouteFacts, route_facts
from kcheck.inventory.selectors import Selector, compile_selector, selector_from_map
from kcheck.model.base import K8sObject
from kcheck.model.config import ConfigMap, PersistentVolumeClaim, Secret
from kcheck.model.workloads import (
    DaemonSet,
    Deployment,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
    pod_template,
)


@dataclass(frozen=True, slots=True)
class Port:
    """A container port: `protocol` as the API server defaults it (TCP)."""

    name: str | None
    number: int | None
    protocol: str


@dataclass(frozen=True, slots=True)
class ContainerFacts:
    name: str
    path: ObjectPath  # from the workload's root
    ports: tuple[Port, ...]
    # Resources with a request once the API server has defaulted requests from limits.
    requests: frozenset[str]


@dataclass(frozen=True, slots=True)
class Reference:
    """A ConfigMap or Secret a pod uses: by `env` (one key), `envFrom`, a volume or a projected volume
    (`keys`: the items it names; empty for the whole object)."""

    kind: str  # ConfigMap or Secret
    name: str
    keys: tuple[tuple[str, ObjectPath], ...]  # each key it names, and where
    optional: bool
    path: ObjectPath  # where the name is written


@dataclass(frozen=True, slots=True)
class ObjectReference:
    """Another object a pod template (or a claim) names: a ServiceAccount, a PersistentVolumeClaim, an image
    pull Secret, a PriorityClass, a RuntimeClass or a StorageClass."""

    group: str
    kind: str
    name: str
    namespaced: bool
    path: ObjectPath


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """A PersistentVolumeClaim's StorageClass."""

    references: tuple[ObjectReference, ...]


@dataclass(frozen=True, slots=True)
class WorkloadFacts:
    labels: tuple[tuple[str, str], ...]  # of its pod template, sorted
    # The label sets its pods carry: the template's plus those the controller adds with known values (a
    # Job's name; each StatefulSet pod's name and index, one set per replica).
    pod_labels: tuple[tuple[tuple[str, str], ...], ...]
    template_path: ObjectPath  # of the PodSpec
    # Containers and sidecars (init containers with `restartPolicy: Always`): those that serve traffic.
    serving: tuple[ContainerFacts, ...]
    # Every container and init container: those whose requests the HPA reads.
    all_containers: tuple[ContainerFacts, ...]
    replicas: int | None  # as written (None: unset, or a kind without replicas)
    scalable: bool  # it has a scale subresource an HPA can drive
    service_name: str | None  # a StatefulSet's governing Service
    references: tuple[Reference, ...]
    # The controller's own selector (Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController);
    # None for Pods, Jobs (their selector is generated) and invalid selectors.
    selector: Selector | None = None
    objects: tuple[ObjectReference, ...] = ()


@dataclass(frozen=True, slots=True)
class KeysFacts:
    """The keys of a ConfigMap (`data`, `binaryData`) or a Secret (`data`, `stringData`)."""

    keys: frozenset[str]


_SCALABLE = (Deployment, ReplicaSet, StatefulSet, ReplicationController)
_TOKEN_KEYS = ("token", "ca.crt", "namespace")


def facts_of(obj: K8sObject) -> WorkloadFacts | KeysFacts | ClaimFacts | RouteFacts | None:
    if (obj.group, obj.kind) in ROUTE_KINDS:
        return route_facts(obj)
    if isinstance(obj, PersistentVolumeClaim):
        return ClaimFacts(tuple(storage_class_reference(obj.raw.get("spec"), ("spec",))))
    if isinstance(obj, ConfigMap):
        return KeysFacts(frozenset((*obj.data, *obj.binary_data)))
    if isinstance(obj, Secret):
        # The token controller fills a service account token Secret with these keys.
        filled = _TOKEN_KEYS if obj.type == "kubernetes.io/service-account-token" else ()
        return KeysFacts(frozenset((*obj.data, *obj.string_data, *filled)))
    template = pod_template(obj)
    if template is None:
        return None
    spec = template.spec
    serving: list[ContainerFacts] = []
    everything: list[ContainerFacts] = []
    for key, items in (("containers", spec.containers), ("initContainers", spec.init_containers)):
        for index, container in enumerate(items):
            resources = container.resources
            requests = frozenset(
                (
                    *((resources.requests or {}) if resources else {}),
                    *((resources.limits or {}) if resources else {}),
                )
            )
            ports = tuple(
                Port(port.name, port.container_port, port.protocol or "TCP") for port in container.ports
            )
            facts = ContainerFacts(
                container.name or f"#{index}", (*template.path, key, index), ports, requests
            )
            everything.append(facts)
            if key == "containers" or container.restart_policy == "Always":
                serving.append(facts)
    replicas = obj.spec.replicas if isinstance(obj, _SCALABLE) and obj.spec is not None else None
    service_name = obj.spec.service_name if isinstance(obj, StatefulSet) and obj.spec is not None else None
    return WorkloadFacts(
        labels=tuple(sorted(template.labels.items())),
        pod_labels=pod_label_sets(obj, template.labels, replicas),
        template_path=template.path,
        serving=tuple(serving),
        all_containers=tuple(everything),
        replicas=replicas,
        scalable=isinstance(obj, _SCALABLE),
        service_name=service_name,
        references=tuple(_references(obj, template.path)),
        selector=_own_selector(obj, template.labels),
        objects=tuple(_object_references(obj, template.path)),
    )


# Objects every cluster has: a namespace's `default` ServiceAccount, the system PriorityClasses.
_BUILT_IN = frozenset(
    {
        ("ServiceAccount", "default"),
        ("PriorityClass", "system-cluster-critical"),
        ("PriorityClass", "system-node-critical"),
    }
)


def _object_references(obj: K8sObject, spec_path: ObjectPath) -> Iterator[ObjectReference]:
    raw: object = obj.raw
    for key in spec_path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    spec = raw if isinstance(raw, dict) else {}
    found: list[ObjectReference] = []
    for field in ("serviceAccountName", "serviceAccount"):
        name = spec.get(field)
        if isinstance(name, str) and name:
            found.append(ObjectReference("", "ServiceAccount", name, True, (*spec_path, field)))
            break
    for field, kind in (("priorityClassName", "PriorityClass"), ("runtimeClassName", "RuntimeClass")):
        name = spec.get(field)
        if isinstance(name, str) and name:
            group = "scheduling.k8s.io" if kind == "PriorityClass" else "node.k8s.io"
            found.append(ObjectReference(group, kind, name, False, (*spec_path, field)))
    secrets = spec.get("imagePullSecrets")
    for index, entry in enumerate(secrets if isinstance(secrets, list) else []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name:
            found.append(
                ObjectReference("", "Secret", name, True, (*spec_path, "imagePullSecrets", index, "name"))
            )
    volumes = spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        claim = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
        name = claim.get("claimName") if isinstance(claim, dict) else None
        if isinstance(name, str) and name:
            path = (*spec_path, "volumes", index, "persistentVolumeClaim", "claimName")
            # A StatefulSet's claim templates create the claims its volumes may name.
            if name not in _claim_template_names(obj):
                found.append(ObjectReference("", "PersistentVolumeClaim", name, True, path))
    for index, template in _claim_templates(obj):
        claim_spec = template.get("spec")
        yield from storage_class_reference(claim_spec, ("spec", "volumeClaimTemplates", index, "spec"))
    yield from (ref for ref in found if (ref.kind, ref.name) not in _BUILT_IN)


def _claim_templates(obj: K8sObject) -> Iterator[tuple[int, dict[str, object]]]:
    """A StatefulSet's `volumeClaimTemplates`, with their index."""
    spec = obj.raw.get("spec") if isinstance(obj, StatefulSet) else None
    templates = spec.get("volumeClaimTemplates") if isinstance(spec, dict) else None
    for index, template in enumerate(templates if isinstance(templates, list) else []):
        if isinstance(template, dict):
            yield index, template


def _claim_template_names(obj: K8sObject) -> set[object]:
    return {
        metadata.get("name")
        for _, t in _claim_templates(obj)
        if isinstance(metadata := t.get("metadata"), dict)
    }


def storage_class_reference(claim_spec: object, path: ObjectPath) -> Iterator[ObjectReference]:
    """The StorageClass a claim names (`storageClassName: ""` asks for no class)."""
    name = claim_spec.get("storageClassName") if isinstance(claim_spec, dict) else None
    if isinstance(name, str) and name:
        yield ObjectReference("storage.k8s.io", "StorageClass", name, False, (*path, "storageClassName"))


def _own_selector(obj: K8sObject, template_labels: dict[str, str]) -> Selector | None:
    if isinstance(obj, ReplicationController):
        written = obj.spec.selector if obj.spec is not None else None
        # Unset, it defaults to the template's labels.
        compiled = selector_from_map(written if written is not None else template_labels)
    elif isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
        compiled = compile_selector(obj.spec.selector if obj.spec is not None else None)
    else:
        return None
    return compiled if isinstance(compiled, Selector) and not compiled.matches_nothing else None


def _references(obj: K8sObject, spec_path: ObjectPath) -> Iterator[Reference]:
    """The ConfigMaps and Secrets the pod template names, read from the manifest as written (projected
    volumes are not modelled)."""
    raw: object = obj.raw
    for key in spec_path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        return
    for list_key in ("containers", "initContainers"):
        containers = raw.get(list_key)
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            if isinstance(container, dict):
                yield from _container_references(container, (*spec_path, list_key, index))
    volumes = raw.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, dict):
            yield from _volume_references(volume, (*spec_path, "volumes", index))


_SOURCES = (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"))
_ENV_FROM = (("configMapRef", "ConfigMap"), ("secretRef", "Secret"))


def _container_references(container: dict[str, object], path: ObjectPath) -> Iterator[Reference]:
    env = container.get("env")
    for index, variable in enumerate(env if isinstance(env, list) else []):
        source = variable.get("valueFrom") if isinstance(variable, dict) else None
        if not isinstance(source, dict):
            continue
        for field, kind in _SOURCES:
            selector = source.get(field)
            if isinstance(selector, dict) and isinstance(name := selector.get("name"), str) and name:
                key = selector.get("key")
                at = (*path, "env", index, "valueFrom", field)
                keys = ((key, (*at, "key")),) if isinstance(key, str) else ()
                yield Reference(kind, name, keys, selector.get("optional") is True, (*at, "name"))
    env_from = container.get("envFrom")
    for index, source in enumerate(env_from if isinstance(env_from, list) else []):
        for field, kind in _ENV_FROM if isinstance(source, dict) else ():
            ref = source.get(field)
            if isinstance(ref, dict) and isinstance(name := ref.get("name"), str) and name:
                where = (*path, "envFrom", index, field, "name")
                yield Reference(kind, name, (), ref.get("optional") is True, where)


def _volume_references(volume: dict[str, object], path: ObjectPath) -> Iterator[Reference]:
    sources: list[tuple[str, object, ObjectPath]] = []
    for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
        sources.append((kind, volume.get(field), (*path, field)))
    projected = volume.get("projected")
    projected_sources = projected.get("sources") if isinstance(projected, dict) else None
    for index, source in enumerate(projected_sources if isinstance(projected_sources, list) else []):
        for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            if isinstance(source, dict):
                sources.append((kind, source.get(field), (*path, "projected", "sources", index, field)))
    for kind, source, where in sources:
        if not isinstance(source, dict):
            continue
        name_field = (
            "secretName"
            if kind == "Secret" and where[-1] == "secret" and "projected" not in where
            else "name"
        )
        name = source.get(name_field)
        if not isinstance(name, str) or not name:
            continue
        items = source.get("items")
        keys = tuple(
            (item["key"], (*where, "items", number, "key"))
            for number, item in enumerate(items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("key"), str)
        )
        yield Reference(kind, name, keys, source.get("optional") is True, (*where, name_field))
