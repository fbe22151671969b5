"""What a workload asks of its namespace, read from its manifest in the per-file stage (`Family.facts`):
each container's requests and limits as the API server stores them, the pod-level fields that quota scopes
and QoS read, how many pods run, and the PersistentVolumeClaims a StatefulSet creates.

API defaulting of containers is applied here, because it happens when the object is decoded, before any
admission plugin: a container that sets a limit and no request for a resource gets the limit as its request
(`SetDefaults_Pod`). Pod-level defaulting, which reads the containers' aggregate, is `admission`'s.
Quantities that do not parse are left out and listed (`invalid`): the schema rules report them (KC501), and
the arithmetic that needs them says it is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kcheck.core.location import ObjectPath
from kcheck.kube.quantity import Quantity
from kcheck.model.base import K8sObject
from kcheck.model.config import PersistentVolumeClaim
from kcheck.model.workloads import (
    CronJob,
    DaemonSet,
    Deployment,
    Job,
    JobSpec,
    PodTemplate,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
    pod_template,
)

# Resource name -> exact value.
Resources = dict[str, Fraction]
ContainerKind = Literal["container", "initContainer", "sidecar"]


@dataclass(frozen=True, slots=True)
class Invalid:
    """A quantity that does not parse, where it is written, and ParseQuantity's error."""

    path: ObjectPath
    text: str
    error: str


def parse_resources(
    values: Mapping[str, object] | None, path: ObjectPath, invalid: list[Invalid]
) -> Resources:
    """The parsed quantities of a ResourceList; those that do not parse go to `invalid`."""
    parsed: Resources = {}
    for name, value in (values or {}).items():
        quantity = Quantity.parse(str(value).strip()) if type(value) in (str, int, float) else None
        if isinstance(quantity, Quantity):
            parsed[name] = quantity.value
        else:
            invalid.append(Invalid((*path, name), str(value), quantity or "expected a quantity"))
    return parsed


@dataclass(frozen=True, slots=True)
class ContainerDemand:
    name: str
    kind: ContainerKind  # a sidecar is an init container with `restartPolicy: Always`
    path: ObjectPath  # of the container, from the workload's root
    requests: Resources  # after API defaulting: a limit without a request is also the request
    limits: Resources
    written_requests: frozenset[str] = frozenset()  # the requests the manifest sets itself

    def at(self, *path: str | int) -> ObjectPath:
        return (*self.path, *path)

    @property
    def display(self) -> str:
        """How messages name it: `container 'app'`, `init container 'setup'`, `sidecar container 'proxy'`."""
        role = {"container": "container", "initContainer": "init container", "sidecar": "sidecar container"}
        return f"{role[self.kind]} {self.name!r}"


@dataclass(frozen=True, slots=True)
class ClaimDemand:
    """A PersistentVolumeClaim a workload creates (a StatefulSet's `volumeClaimTemplates`), or is."""

    name: str
    path: ObjectPath  # of the claim's spec, from the owner's root
    storage_class: str | None
    requests: Resources
    limits: Resources
    invalid: tuple[Invalid, ...] = ()


@dataclass(frozen=True, slots=True)
class PodDemand:
    template_path: ObjectPath  # of the PodSpec
    containers: tuple[ContainerDemand, ...]  # containers, then init containers (sidecars among them)
    # Pod-level `spec.resources` as written; None when the pod does not set it.
    pod_requests: Resources | None
    pod_limits: Resources | None
    overhead: Resources
    terminating: bool  # `activeDeadlineSeconds` >= 0: quota scopes Terminating / NotTerminating
    priority_class: str | None
    cross_namespace_affinity: bool  # quota scope CrossNamespacePodAffinity
    replicas: int | None  # the pods it runs at once; None for a DaemonSet (one per node)
    claims: tuple[ClaimDemand, ...] = ()
    invalid: tuple[Invalid, ...] = ()


def workload_demand(obj: K8sObject) -> PodDemand | ClaimDemand | None:
    """The fact the resources family keeps of a workload or a PersistentVolumeClaim."""
    if isinstance(obj, PersistentVolumeClaim):
        return _claim(
            obj.metadata.name or "<no name>", obj.metadata.annotations, obj.raw.get("spec"), ("spec",), []
        )
    template = pod_template(obj)
    if template is None:
        return None
    invalid: list[Invalid] = []
    containers = tuple(_containers(template, invalid))
    pod_requests = pod_limits = None
    pod_resources = template.spec.resources
    if pod_resources is not None:
        # Missing pod-level requests are defaulted from the containers, then from the limits: `admission`.
        path = (*template.path, "resources")
        pod_requests = parse_resources(pod_resources.requests, (*path, "requests"), invalid)
        pod_limits = parse_resources(pod_resources.limits, (*path, "limits"), invalid)
    spec = template.spec
    deadline = spec.active_deadline_seconds
    overhead = parse_resources(spec.overhead, (*template.path, "overhead"), invalid)
    claims = tuple(_claim_templates(obj, invalid))
    return PodDemand(
        template_path=template.path,
        containers=containers,
        pod_requests=pod_requests,
        pod_limits=pod_limits,
        overhead=overhead,
        terminating=deadline is not None and deadline >= 0,
        priority_class=spec.priority_class_name or None,
        cross_namespace_affinity=_cross_namespace_affinity(template),
        replicas=_replicas(obj),
        claims=claims,
        invalid=tuple(invalid),
    )


def _raw_at(raw: object, path: ObjectPath) -> object:
    for key in path:
        if isinstance(raw, dict) and isinstance(key, str):
            raw = raw.get(key)
        else:
            return None
    return raw


def _defaulted(
    requests_raw: object, limits_raw: object, path: ObjectPath, invalid: list[Invalid]
) -> tuple[Resources, Resources]:
    """Requests and limits of a ResourceRequirements, with each limit also the request it lacks."""
    written = requests_raw if isinstance(requests_raw, dict) else {}
    requests = parse_resources(written, (*path, "requests"), invalid)
    limits = parse_resources(limits_raw if isinstance(limits_raw, dict) else None, (*path, "limits"), invalid)
    for name, value in limits.items():
        if name not in written:
            requests[name] = value
    return requests, limits


def _containers(template: PodTemplate, invalid: list[Invalid]) -> Iterator[ContainerDemand]:
    # Ephemeral containers take no resources (the API forbids them there) and are added to running pods,
    # never at creation: neither QoS, LimitRange nor quota sees them.
    lists = (("containers", template.spec.containers), ("initContainers", template.spec.init_containers))
    for key, items in lists:
        for index, container in enumerate(items):
            path = (*template.path, key, index)
            resources = container.resources
            requests, limits = _defaulted(
                resources.requests if resources is not None else None,
                resources.limits if resources is not None else None,
                (*path, "resources"),
                invalid,
            )
            kind: ContainerKind = "container"
            if key == "initContainers":
                kind = "sidecar" if container.restart_policy == "Always" else "initContainer"
            written = frozenset(resources.requests or {}) if resources is not None else frozenset()
            yield ContainerDemand(container.name or f"#{index}", kind, path, requests, limits, written)


def _cross_namespace_affinity(template: PodTemplate) -> bool:
    """Whether a pod (anti-)affinity term names other namespaces: `namespaces` or a `namespaceSelector`
    (quota scope CrossNamespacePodAffinity)."""
    affinity = template.spec.affinity
    if affinity is None:
        return False
    for group in (affinity.pod_affinity, affinity.pod_anti_affinity):
        if group is None:
            continue
        terms = [
            *group.required_during_scheduling_ignored_during_execution,
            *(w.pod_affinity_term for w in group.preferred_during_scheduling_ignored_during_execution),
        ]
        if any(t is not None and (t.namespaces or t.namespace_selector is not None) for t in terms):
            return True
    return False


def _replicas(obj: K8sObject) -> int | None:
    if isinstance(obj, (Deployment, ReplicaSet, StatefulSet, ReplicationController)):
        replicas = obj.spec.replicas if obj.spec is not None else None
        return 1 if replicas is None else max(replicas, 0)  # the API server defaults `replicas` to 1
    if isinstance(obj, DaemonSet):
        return None
    if isinstance(obj, Job):
        return _running_job_pods(obj.spec)
    if isinstance(obj, CronJob):
        job = obj.spec.job_template if obj.spec is not None else None
        return _running_job_pods(job.spec if job is not None else None)
    return 1  # a Pod


def _running_job_pods(spec: JobSpec | None) -> int:
    """A Job runs `parallelism` pods at once (default 1), never more than the completions it needs, and
    none while suspended."""
    if spec is None:
        return 1
    if spec.suspend:
        return 0
    running = 1 if spec.parallelism is None else max(spec.parallelism, 0)
    if spec.completions is not None and spec.parallelism is not None:
        running = min(running, max(spec.completions, 0))
    return running


_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def _claim(
    name: str, annotations: Mapping[str, object], spec: object, path: ObjectPath, invalid: list[Invalid]
) -> ClaimDemand | None:
    """A claim's storage, as the quota and LimitRange read it (no defaulting: a claim has no limit-to-request
    default). `invalid` gathers the quantities of the owner that do not parse."""
    if not isinstance(spec, dict):
        return None
    resources = spec.get("resources")
    resources = resources if isinstance(resources, dict) else {}
    own: list[Invalid] = []
    parsed = [
        parse_resources(
            values if isinstance(values := resources.get(key), dict) else None, (*path, "resources", key), own
        )
        for key in ("requests", "limits")
    ]
    invalid += own
    # GetPersistentVolumeClaimClass: the beta annotation first, then `storageClassName`.
    storage_class = annotations.get(_BETA_STORAGE_CLASS) or spec.get("storageClassName")
    return ClaimDemand(
        name,
        path,
        storage_class if isinstance(storage_class, str) else None,
        parsed[0],
        parsed[1],
        tuple(own),
    )


def _claim_templates(obj: K8sObject, invalid: list[Invalid]) -> Iterator[ClaimDemand]:
    if not isinstance(obj, StatefulSet):
        return
    templates = _raw_at(obj.raw, ("spec", "volumeClaimTemplates"))
    if not isinstance(templates, list):
        return
    for index, template in enumerate(templates):
        if isinstance(template, dict):
            metadata = template.get("metadata")
            metadata = metadata if isinstance(metadata, dict) else {}
            name, annotations = metadata.get("name"), metadata.get("annotations")
            claim = _claim(
                name if isinstance(name, str) else f"#{index}",
                annotations if isinstance(annotations, dict) else {},
                template.get("spec"),
                ("spec", "volumeClaimTemplates", index, "spec"),
                invalid,
            )
            if claim is not None:
                yield claim
