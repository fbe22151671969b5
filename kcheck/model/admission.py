"""ValidatingAdmissionPolicy and its bindings: CEL checks that the API server runs on admission."""

from __future__ import annotations

from pydantic import Field

from kcheck.model.base import K8sObject, KubeModel, NullableList
from kcheck.model.workloads import LabelSelector


class NamedRuleWithOperations(KubeModel):
    api_groups: NullableList[str] = Field(default_factory=list)
    api_versions: NullableList[str] = Field(default_factory=list)
    operations: NullableList[str] = Field(default_factory=list)
    resources: NullableList[str] = Field(default_factory=list)
    resource_names: NullableList[str] = Field(default_factory=list)
    scope: str | None = None


class MatchResources(KubeModel):
    namespace_selector: LabelSelector | None = None
    object_selector: LabelSelector | None = None
    resource_rules: NullableList[NamedRuleWithOperations] = Field(default_factory=list)
    exclude_resource_rules: NullableList[NamedRuleWithOperations] = Field(default_factory=list)
    match_policy: str | None = None


class ParamKind(KubeModel):
    api_version: str | None = None
    kind: str | None = None


class Validation(KubeModel):
    expression: str | None = None
    message: str | None = None
    message_expression: str | None = None
    reason: str | None = None


class AuditAnnotation(KubeModel):
    key: str | None = None
    value_expression: str | None = None


class MatchCondition(KubeModel):
    name: str | None = None
    expression: str | None = None


class Variable(KubeModel):
    name: str | None = None
    expression: str | None = None


class ValidatingAdmissionPolicySpec(KubeModel):
    failure_policy: str | None = None
    param_kind: ParamKind | None = None
    match_constraints: MatchResources | None = None
    validations: NullableList[Validation] = Field(default_factory=list)
    audit_annotations: NullableList[AuditAnnotation] = Field(default_factory=list)
    match_conditions: NullableList[MatchCondition] = Field(default_factory=list)
    variables: NullableList[Variable] = Field(default_factory=list)


class ValidatingAdmissionPolicy(K8sObject):
    spec: ValidatingAdmissionPolicySpec | None = None


class ParamRef(KubeModel):
    name: str | None = None
    namespace: str | None = None
    selector: LabelSelector | None = None
    parameter_not_found_action: str | None = None


class ValidatingAdmissionPolicyBindingSpec(KubeModel):
    policy_name: str | None = None
    param_ref: ParamRef | None = None
    match_resources: MatchResources | None = None
    validation_actions: NullableList[str] = Field(default_factory=list)


class ValidatingAdmissionPolicyBinding(K8sObject):
    spec: ValidatingAdmissionPolicyBindingSpec | None = None
