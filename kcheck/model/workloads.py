"""Pods and the workloads that run them, and a uniform way to reach every pod template and container.

Fields are those the analyzers read; everything else a manifest holds is kept as an extra. Every field is
optional, as in the API types (defaults are applied by the API server, not by the manifest).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from kcheck.core.location import ObjectPath
from kcheck.model.base import (
    Integer,
    IntOrString,
    K8sObject,
    KubeModel,
    NullableDict,
    NullableList,
    ObjectMeta,
    Quantity,
)


class LabelSelectorRequirement(KubeModel):
    key: str | None = None
    operator: str | None = None
    values: NullableList[str] = Field(default_factory=list)


class LabelSelector(KubeModel):
    """metav1.LabelSelector. Where a field holds `None` the selector is null, which differs from `{}`."""

    match_labels: NullableDict[str] = Field(default_factory=dict)
    match_expressions: NullableList[LabelSelectorRequirement] = Field(default_factory=list)


class Capabilities(KubeModel):
    add: NullableList[str] = Field(default_factory=list)
    drop: NullableList[str] = Field(default_factory=list)


class SELinuxOptions(KubeModel):
    user: str | None = None
    role: str | None = None
    type: str | None = None
    level: str | None = None


class WindowsSecurityContextOptions(KubeModel):
    gmsa_credential_spec_name: str | None = None
    gmsa_credential_spec: str | None = None
    run_as_user_name: str | None = None
    host_process: bool | None = None


class SeccompProfile(KubeModel):
    type: str | None = None
    localhost_profile: str | None = None


class AppArmorProfile(KubeModel):
    type: str | None = None
    localhost_profile: str | None = None


class SecurityContext(KubeModel):
    """A container's securityContext; where it and the pod's both set a field, the container's wins."""

    privileged: bool | None = None
    run_as_non_root: bool | None = None
    run_as_user: Integer | None = None
    run_as_group: Integer | None = None
    allow_privilege_escalation: bool | None = None
    read_only_root_filesystem: bool | None = None
    capabilities: Capabilities | None = None
    windows_options: WindowsSecurityContextOptions | None = None
    seccomp_profile: SeccompProfile | None = None
    app_armor_profile: AppArmorProfile | None = None
    se_linux_options: SELinuxOptions | None = Field(default=None, alias="seLinuxOptions")
    proc_mount: str | None = None


class Sysctl(KubeModel):
    name: str | None = None
    value: str | None = None


class PodSecurityContext(KubeModel):
    run_as_non_root: bool | None = None
    run_as_user: Integer | None = None
    run_as_group: Integer | None = None
    fs_group: Integer | None = None
    fs_group_change_policy: str | None = None
    supplemental_groups: NullableList[Integer] = Field(default_factory=list)
    sysctls: NullableList[Sysctl] = Field(default_factory=list)
    windows_options: WindowsSecurityContextOptions | None = None
    seccomp_profile: SeccompProfile | None = None
    app_armor_profile: AppArmorProfile | None = None
    se_linux_options: SELinuxOptions | None = Field(default=None, alias="seLinuxOptions")


class ResourceRequirements(KubeModel):
    requests: dict[str, Quantity] | None = None
    limits: dict[str, Quantity] | None = None


class ContainerPort(KubeModel):
    name: str | None = None
    container_port: Integer | None = None
    host_port: Integer | None = None
    host_ip: str | None = Field(default=None, alias="hostIP")
    protocol: str | None = None


class KeySelector(KubeModel):
    """A ConfigMapKeySelector or SecretKeySelector."""

    name: str | None = None
    key: str | None = None
    optional: bool | None = None


class EnvVarSource(KubeModel):
    config_map_key_ref: KeySelector | None = None
    secret_key_ref: KeySelector | None = None


class EnvVar(KubeModel):
    name: str | None = None
    value: str | None = None
    value_from: EnvVarSource | None = None


class EnvFromRef(KubeModel):
    """A ConfigMapEnvSource or SecretEnvSource."""

    name: str | None = None
    optional: bool | None = None


class EnvFromSource(KubeModel):
    prefix: str | None = None
    config_map_ref: EnvFromRef | None = None
    secret_ref: EnvFromRef | None = None


class VolumeMount(KubeModel):
    name: str | None = None
    mount_path: str | None = None
    sub_path: str | None = None
    read_only: bool | None = None


class HTTPGetAction(KubeModel):
    path: str | None = None
    port: IntOrString | None = None
    host: str | None = None
    scheme: str | None = None


class TCPSocketAction(KubeModel):
    port: IntOrString | None = None
    host: str | None = None


class GRPCAction(KubeModel):
    port: Integer | None = None
    service: str | None = None


class ExecAction(KubeModel):
    command: NullableList[str] = Field(default_factory=list)


class Probe(KubeModel):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    initial_delay_seconds: Integer | None = None
    period_seconds: Integer | None = None
    timeout_seconds: Integer | None = None
    success_threshold: Integer | None = None
    failure_threshold: Integer | None = None


class Container(KubeModel):
    name: str | None = None
    image: str | None = None
    image_pull_policy: str | None = None
    command: NullableList[str] = Field(default_factory=list)
    args: NullableList[str] = Field(default_factory=list)
    working_dir: str | None = None
    ports: NullableList[ContainerPort] = Field(default_factory=list)
    env: NullableList[EnvVar] = Field(default_factory=list)
    env_from: NullableList[EnvFromSource] = Field(default_factory=list)
    resources: ResourceRequirements | None = None
    volume_mounts: NullableList[VolumeMount] = Field(default_factory=list)
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    security_context: SecurityContext | None = None
    # Only on init containers: `Always` makes one a sidecar.
    restart_policy: str | None = None
    stdin: bool | None = None
    tty: bool | None = None


class HostPathVolumeSource(KubeModel):
    path: str | None = None
    type: str | None = None


class SecretVolumeSource(KubeModel):
    secret_name: str | None = None
    optional: bool | None = None


class ConfigMapVolumeSource(KubeModel):
    name: str | None = None
    optional: bool | None = None


class PersistentVolumeClaimVolumeSource(KubeModel):
    claim_name: str | None = None
    read_only: bool | None = None


class Volume(KubeModel):
    """A pod volume; the source kinds analyzers do not read stay extras (`emptyDir`, `projected`, ...)."""

    name: str | None = None
    host_path: HostPathVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None


class LocalObjectReference(KubeModel):
    name: str | None = None


class PodOS(KubeModel):
    name: str | None = None


class Toleration(KubeModel):
    key: str | None = None
    operator: str | None = None
    value: str | None = None
    effect: str | None = None
    toleration_seconds: Integer | None = None


class NodeSelectorRequirement(KubeModel):
    key: str | None = None
    operator: str | None = None
    values: NullableList[str] = Field(default_factory=list)


class NodeSelectorTerm(KubeModel):
    """Its expressions are ANDed; a term with none matches no node."""

    match_expressions: NullableList[NodeSelectorRequirement] = Field(default_factory=list)
    match_fields: NullableList[NodeSelectorRequirement] = Field(default_factory=list)


class NodeSelector(KubeModel):
    """The terms are ORed."""

    node_selector_terms: NullableList[NodeSelectorTerm] = Field(default_factory=list)


class PreferredSchedulingTerm(KubeModel):
    weight: Integer | None = None
    preference: NodeSelectorTerm | None = None


class NodeAffinity(KubeModel):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: NullableList[PreferredSchedulingTerm] = Field(
        default_factory=list
    )


class PodAffinityTerm(KubeModel):
    """A null `labelSelector` matches no pod. With neither `namespaces` nor `namespaceSelector`, the term is
    about the pod's own namespace; `namespaceSelector: {}` is every namespace."""

    label_selector: LabelSelector | None = None
    namespaces: NullableList[str] = Field(default_factory=list)
    namespace_selector: LabelSelector | None = None
    topology_key: str | None = None
    # The API server adds `key In (the pod's value)` / `key NotIn (the pod's value)` to the labelSelector.
    match_label_keys: NullableList[str] = Field(default_factory=list)
    mismatch_label_keys: NullableList[str] = Field(default_factory=list)


class WeightedPodAffinityTerm(KubeModel):
    weight: Integer | None = None
    pod_affinity_term: PodAffinityTerm | None = None


class PodAffinity(KubeModel):
    """A pod's `podAffinity` or `podAntiAffinity`."""

    required_during_scheduling_ignored_during_execution: NullableList[PodAffinityTerm] = Field(
        default_factory=list
    )
    preferred_during_scheduling_ignored_during_execution: NullableList[WeightedPodAffinityTerm] = Field(
        default_factory=list
    )


class Affinity(KubeModel):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAffinity | None = None


class TopologySpreadConstraint(KubeModel):
    """A null `labelSelector` counts no pod; `matchLabelKeys` adds `key In (the pod's value)` to it."""

    max_skew: Integer | None = None
    topology_key: str | None = None
    when_unsatisfiable: str | None = None
    label_selector: LabelSelector | None = None
    min_domains: Integer | None = None
    node_affinity_policy: str | None = None
    node_taints_policy: str | None = None
    match_label_keys: NullableList[str] = Field(default_factory=list)


class PodDNSConfigOption(KubeModel):
    name: str | None = None
    value: str | None = None


class PodDNSConfig(KubeModel):
    nameservers: NullableList[str] = Field(default_factory=list)
    searches: NullableList[str] = Field(default_factory=list)
    options: NullableList[PodDNSConfigOption] = Field(default_factory=list)


class PodSpec(KubeModel):
    containers: NullableList[Container] = Field(default_factory=list)
    init_containers: NullableList[Container] = Field(default_factory=list)
    ephemeral_containers: NullableList[Container] = Field(default_factory=list)
    host_network: bool | None = None
    host_pid: bool | None = Field(default=None, alias="hostPID")
    host_ipc: bool | None = Field(default=None, alias="hostIPC")
    host_users: bool | None = None
    share_process_namespace: bool | None = None
    security_context: PodSecurityContext | None = None
    service_account_name: str | None = None
    # Deprecated alias of serviceAccountName, still honoured by the API server.
    service_account: str | None = None
    automount_service_account_token: bool | None = None
    os: PodOS | None = None
    restart_policy: str | None = None
    volumes: NullableList[Volume] = Field(default_factory=list)
    node_selector: NullableDict[str] = Field(default_factory=dict)
    node_name: str | None = None
    tolerations: NullableList[Toleration] = Field(default_factory=list)
    image_pull_secrets: NullableList[LocalObjectReference] = Field(default_factory=list)
    priority_class_name: str | None = None
    priority: Integer | None = None
    runtime_class_name: str | None = None
    scheduler_name: str | None = None
    dns_policy: str | None = None
    hostname: str | None = None
    subdomain: str | None = None
    termination_grace_period_seconds: Integer | None = None
    active_deadline_seconds: Integer | None = None
    overhead: dict[str, Quantity] | None = None
    # Pod-level requests and limits (feature PodLevelResources, on by default from Kubernetes 1.34).
    resources: ResourceRequirements | None = None
    affinity: Affinity | None = None
    topology_spread_constraints: NullableList[TopologySpreadConstraint] = Field(default_factory=list)
    dns_config: PodDNSConfig | None = None


class PodTemplateSpec(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PodSpec | None = None


class Pod(K8sObject):
    spec: PodSpec | None = None


class RollingUpdate(KubeModel):
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None
    partition: Integer | None = None


class UpdateStrategy(KubeModel):
    """A Deployment's `strategy`, or a StatefulSet's or DaemonSet's `updateStrategy`."""

    type: str | None = None
    rolling_update: RollingUpdate | None = None


class TemplatedSpec(KubeModel):
    """The spec of every workload whose pods come from `spec.template`."""

    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None


class DeploymentSpec(TemplatedSpec):
    replicas: Integer | None = None
    strategy: UpdateStrategy | None = None
    min_ready_seconds: Integer | None = None
    revision_history_limit: Integer | None = None
    progress_deadline_seconds: Integer | None = None
    paused: bool | None = None


class ReplicaSetSpec(TemplatedSpec):
    replicas: Integer | None = None
    min_ready_seconds: Integer | None = None


class StatefulSetSpec(TemplatedSpec):
    replicas: Integer | None = None
    service_name: str | None = None
    pod_management_policy: str | None = None
    update_strategy: UpdateStrategy | None = None
    min_ready_seconds: Integer | None = None
    revision_history_limit: Integer | None = None


class DaemonSetSpec(TemplatedSpec):
    update_strategy: UpdateStrategy | None = None
    min_ready_seconds: Integer | None = None
    revision_history_limit: Integer | None = None


class JobSpec(TemplatedSpec):
    parallelism: Integer | None = None
    completions: Integer | None = None
    completion_mode: str | None = None
    backoff_limit: Integer | None = None
    active_deadline_seconds: Integer | None = None
    ttl_seconds_after_finished: Integer | None = None
    manual_selector: bool | None = None
    suspend: bool | None = None


class ReplicationControllerSpec(KubeModel):
    replicas: Integer | None = None
    min_ready_seconds: Integer | None = None
    # A plain map, not a LabelSelector; when unset the API server defaults it to the template's labels.
    selector: dict[str, str] | None = None
    template: PodTemplateSpec | None = None


class JobTemplateSpec(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: JobSpec | None = None


class CronJobSpec(KubeModel):
    schedule: str | None = None
    time_zone: str | None = None
    starting_deadline_seconds: Integer | None = None
    concurrency_policy: str | None = None
    suspend: bool | None = None
    job_template: JobTemplateSpec | None = None
    successful_jobs_history_limit: Integer | None = None
    failed_jobs_history_limit: Integer | None = None


class Deployment(K8sObject):
    spec: DeploymentSpec | None = None


class ReplicaSet(K8sObject):
    spec: ReplicaSetSpec | None = None


class StatefulSet(K8sObject):
    spec: StatefulSetSpec | None = None


class DaemonSet(K8sObject):
    spec: DaemonSetSpec | None = None


class Job(K8sObject):
    spec: JobSpec | None = None


class CronJob(K8sObject):
    spec: CronJobSpec | None = None


class ReplicationController(K8sObject):
    spec: ReplicationControllerSpec | None = None


@dataclass(frozen=True, slots=True)
class PodTemplate:
    """The pods a workload runs: its PodSpec, where that is inside the owner, and the pods' labels."""

    owner: K8sObject
    spec: PodSpec
    path: ObjectPath  # of the PodSpec, from the owner's root
    labels: dict[str, str]


_TEMPLATE_SPEC_PATH: ObjectPath = ("spec", "template", "spec")
_CRON_JOB_SPEC_PATH: ObjectPath = ("spec", "jobTemplate", "spec", "template", "spec")


def pod_template(obj: K8sObject) -> PodTemplate | None:
    """The pod template of a workload (a Pod is its own), or None for other kinds or a missing spec."""
    template: PodTemplateSpec | None
    if isinstance(obj, Pod):
        return PodTemplate(obj, obj.spec, ("spec",), obj.metadata.labels) if obj.spec is not None else None
    if isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController)):
        template, path = (obj.spec.template if obj.spec is not None else None), _TEMPLATE_SPEC_PATH
    elif isinstance(obj, CronJob):
        job_template = obj.spec.job_template if obj.spec is not None else None
        job_spec = job_template.spec if job_template is not None else None
        template, path = (job_spec.template if job_spec is not None else None), _CRON_JOB_SPEC_PATH
    else:
        return None
    if template is None or template.spec is None:
        return None
    return PodTemplate(obj, template.spec, path, template.metadata.labels)


ContainerRole = Literal["container", "initContainer", "ephemeralContainer"]


@dataclass(frozen=True, slots=True)
class ContainerRef:
    container: Container
    path: ObjectPath  # from the owner's root, e.g. ("spec", "template", "spec", "containers", 0)
    role: ContainerRole


def containers(template: PodTemplate) -> Iterator[ContainerRef]:
    """Every container of the template: containers, then init containers, then ephemeral containers."""
    lists: tuple[tuple[str, list[Container], ContainerRole], ...] = (
        ("containers", template.spec.containers, "container"),
        ("initContainers", template.spec.init_containers, "initContainer"),
        ("ephemeralContainers", template.spec.ephemeral_containers, "ephemeralContainer"),
    )
    for key, items, role in lists:
        for index, container in enumerate(items):
            yield ContainerRef(container, (*template.path, key, index), role)
