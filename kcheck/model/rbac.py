"""RBAC: roles and their rules, bindings and their subjects, service accounts."""

from __future__ import annotations

from pydantic import Field

from kcheck.model.base import K8sObject, KubeModel, NullableList
from kcheck.model.workloads import LabelSelector, LocalObjectReference


class PolicyRule(KubeModel):
    verbs: NullableList[str] = Field(default_factory=list)
    api_groups: NullableList[str] = Field(default_factory=list)
    resources: NullableList[str] = Field(default_factory=list)
    resource_names: NullableList[str] = Field(default_factory=list)
    non_resource_urls: NullableList[str] = Field(default_factory=list, alias="nonResourceURLs")


class AggregationRule(KubeModel):
    cluster_role_selectors: NullableList[LabelSelector] = Field(default_factory=list)


class Role(K8sObject):
    rules: NullableList[PolicyRule] = Field(default_factory=list)


class ClusterRole(K8sObject):
    rules: NullableList[PolicyRule] = Field(default_factory=list)
    # When set, the controller manager replaces `rules` with those of the selected ClusterRoles.
    aggregation_rule: AggregationRule | None = None


class Subject(KubeModel):
    kind: str | None = None
    api_group: str | None = None
    name: str | None = None
    namespace: str | None = None


class RoleRef(KubeModel):
    api_group: str | None = None
    kind: str | None = None
    name: str | None = None


class RoleBinding(K8sObject):
    subjects: NullableList[Subject] = Field(default_factory=list)
    role_ref: RoleRef | None = None


class ClusterRoleBinding(K8sObject):
    subjects: NullableList[Subject] = Field(default_factory=list)
    role_ref: RoleRef | None = None


class ObjectReference(KubeModel):
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None


class ServiceAccount(K8sObject):
    secrets: NullableList[ObjectReference] = Field(default_factory=list)
    image_pull_secrets: NullableList[LocalObjectReference] = Field(default_factory=list)
    automount_service_account_token: bool | None = None
