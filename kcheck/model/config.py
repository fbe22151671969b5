"""ConfigMaps, Secrets and PersistentVolumeClaims."""

from __future__ import annotations

from pydantic import Field

from kcheck.model.base import K8sObject, KubeModel, NullableDict, NullableList, Quantity
from kcheck.model.workloads import LabelSelector


class ConfigMap(K8sObject):
    data: NullableDict[str] = Field(default_factory=dict)
    binary_data: NullableDict[str] = Field(default_factory=dict)
    immutable: bool | None = None


class Secret(K8sObject):
    type: str | None = None
    data: NullableDict[str] = Field(default_factory=dict)  # base64
    string_data: NullableDict[str] = Field(default_factory=dict)
    immutable: bool | None = None


class VolumeResourceRequirements(KubeModel):
    requests: dict[str, Quantity] | None = None
    limits: dict[str, Quantity] | None = None


class PersistentVolumeClaimSpec(KubeModel):
    access_modes: NullableList[str] = Field(default_factory=list)
    storage_class_name: str | None = None
    volume_name: str | None = None
    volume_mode: str | None = None
    resources: VolumeResourceRequirements | None = None
    selector: LabelSelector | None = None


class PersistentVolumeClaim(K8sObject):
    spec: PersistentVolumeClaimSpec | None = None
