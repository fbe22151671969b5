"""The kinds rules apply to (`RuleSpec.applies_to`), as (group, kind), and which built-in kinds are
cluster-scoped.

The engine dispatches an object to a rule by its API group and kind: a custom resource that happens to share
a kind name (a `Deployment` in `example.com`) never reaches a workload rule. It is also built as a
`GenericObject`, so rules that reach into objects through the typed models (`workloads.pod_template`) are
safe twice over.
"""

from __future__ import annotations

from kcheck.core.rules import GroupKind

# The API groups each modelled kind is served from, old beta groups included where the shape kcheck reads
# did not change (e.g. `extensions/v1beta1` Deployments still hold a PodSpec at spec.template.spec).
BUILTIN_GROUPS: dict[str, tuple[str, ...]] = {
    "Pod": ("",),
    "ReplicationController": ("",),
    "Deployment": ("apps", "extensions"),
    "ReplicaSet": ("apps", "extensions"),
    "DaemonSet": ("apps", "extensions"),
    "StatefulSet": ("apps",),
    "Job": ("batch",),
    "CronJob": ("batch",),
    "Service": ("",),
    "Namespace": ("",),
    "ServiceAccount": ("",),
    "ConfigMap": ("",),
    "Secret": ("",),
    "PersistentVolumeClaim": ("",),
    "ResourceQuota": ("",),
    "LimitRange": ("",),
    "Ingress": ("networking.k8s.io", "extensions"),
    "NetworkPolicy": ("networking.k8s.io", "extensions"),
    "Role": ("rbac.authorization.k8s.io",),
    "ClusterRole": ("rbac.authorization.k8s.io",),
    "RoleBinding": ("rbac.authorization.k8s.io",),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io",),
    "PodDisruptionBudget": ("policy",),
    "HorizontalPodAutoscaler": ("autoscaling",),
    "PriorityClass": ("scheduling.k8s.io",),
    "CustomResourceDefinition": ("apiextensions.k8s.io",),
    "ValidatingAdmissionPolicy": ("admissionregistration.k8s.io",),
    "ValidatingAdmissionPolicyBinding": ("admissionregistration.k8s.io",),
}


def builtin(*kinds: str) -> tuple[GroupKind, ...]:
    """Each kind in every built-in group that serves it (`BUILTIN_GROUPS`), as (group, kind)."""
    return tuple((group, kind) for kind in kinds for group in BUILTIN_GROUPS[kind])


POD = "Pod"
DEPLOYMENT = "Deployment"
REPLICA_SET = "ReplicaSet"
STATEFUL_SET = "StatefulSet"
DAEMON_SET = "DaemonSet"
JOB = "Job"
CRON_JOB = "CronJob"
REPLICATION_CONTROLLER = "ReplicationController"

# Kinds that run pods from a pod template (or are a pod).
WORKLOADS: tuple[GroupKind, ...] = builtin(
    POD,
    DEPLOYMENT,
    REPLICA_SET,
    STATEFUL_SET,
    DAEMON_SET,
    JOB,
    CRON_JOB,
    REPLICATION_CONTROLLER,
)
# Workloads whose pods are meant to keep running (a readiness probe, a PodDisruptionBudget make sense).
LONG_RUNNING_WORKLOADS: tuple[GroupKind, ...] = builtin(
    DEPLOYMENT,
    REPLICA_SET,
    STATEFUL_SET,
    DAEMON_SET,
    REPLICATION_CONTROLLER,
)
# Workloads with `spec.replicas`.
SCALABLE_WORKLOADS: tuple[GroupKind, ...] = builtin(
    DEPLOYMENT, REPLICA_SET, STATEFUL_SET, REPLICATION_CONTROLLER
)
BATCH_WORKLOADS: tuple[GroupKind, ...] = builtin(JOB, CRON_JOB)
CUSTOM_RESOURCE_DEFINITIONS: tuple[GroupKind, ...] = builtin("CustomResourceDefinition")

SERVICES: tuple[GroupKind, ...] = builtin("Service")
INGRESSES: tuple[GroupKind, ...] = builtin("Ingress")
NETWORK_POLICIES: tuple[GroupKind, ...] = builtin("NetworkPolicy")
RBAC: tuple[GroupKind, ...] = builtin("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
RBAC_ROLES: tuple[GroupKind, ...] = builtin("Role", "ClusterRole")
RBAC_BINDINGS: tuple[GroupKind, ...] = builtin("RoleBinding", "ClusterRoleBinding")
CONFIG: tuple[GroupKind, ...] = builtin("ConfigMap", "Secret")

# Built-in kinds that are not namespaced, as (group, kind); a namespace set on them is ignored by the API
# server. Kinds defined by a CRD take the CRD's `spec.scope` instead (see inventory).
CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    [
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("policy", "PodSecurityPolicy"),
        ("extensions", "PodSecurityPolicy"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
        ("authentication.k8s.io", "TokenReview"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ]
)


def is_cluster_scoped_builtin(group: str, kind: str | None) -> bool:
    return (group, kind or "") in CLUSTER_SCOPED


# API groups served by Kubernetes itself; `*.x-k8s.io` groups are SIG projects installed as CRDs.
_KUBERNETES_GROUPS = frozenset({"", "apps", "batch", "policy", "autoscaling", "extensions"})


def is_custom_group(group: str) -> bool:
    """Whether objects of the API group are custom resources (an operator may create pods from them)."""
    return group not in _KUBERNETES_GROUPS and (not group.endswith(".k8s.io") or group.endswith(".x-k8s.io"))
