"""CustomResourceDefinitions: the kinds they define, their scope, and their schemas (kept as plain values)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kcheck.model.base import K8sObject, KubeModel, NullableList


class CustomResourceDefinitionNames(KubeModel):
    plural: str | None = None
    singular: str | None = None
    kind: str | None = None
    list_kind: str | None = None
    short_names: NullableList[str] = Field(default_factory=list)
    categories: NullableList[str] = Field(default_factory=list)


class CustomResourceValidation(KubeModel):
    # A JSON Schema; the schema analyzers read it, so it stays the decoded value.
    open_api_v3_schema: dict[str, Any] | None = Field(default=None, alias="openAPIV3Schema")


class CustomResourceDefinitionVersion(KubeModel):
    name: str | None = None
    served: bool | None = None
    storage: bool | None = None
    deprecated: bool | None = None
    deprecation_warning: str | None = None
    schema_: CustomResourceValidation | None = Field(default=None, alias="schema")


class CustomResourceDefinitionSpec(KubeModel):
    group: str | None = None
    names: CustomResourceDefinitionNames | None = None
    scope: str | None = None  # "Namespaced" or "Cluster"
    versions: NullableList[CustomResourceDefinitionVersion] = Field(default_factory=list)
    version: str | None = None  # apiextensions.k8s.io/v1beta1
    validation: CustomResourceValidation | None = None  # apiextensions.k8s.io/v1beta1


class CustomResourceDefinition(K8sObject):
    spec: CustomResourceDefinitionSpec | None = None
