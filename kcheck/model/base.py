"""The base of every typed Kubernetes object: metadata, where the object came from, how to locate a path.

Models describe shapes only (judgement lives in analyzers). They follow the API server's JSON decoding:
scalars are strict (`name: 5` or a label value `true` is rejected, as Go's encoding/json rejects a number
or a bool for a string field), `null` is accepted everywhere and means "not set" (Go leaves the field at
its zero value), and unknown fields are kept so nothing a rule may want is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, PrivateAttr
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from kcheck.core.findings import ObjectRef
from kcheck.core.location import Location, ObjectPath, Span, TextEdit
from kcheck.source.edits import set_field
from kcheck.source.loader import Document

T = TypeVar("T")


def _empty_list_if_null(value: object) -> object:
    return [] if value is None else value


def _empty_dict_if_null(value: object) -> object:
    return {} if value is None else value


# A list or map field that may be `null` in the manifest (Go decodes null into a nil slice or map).
NullableList = Annotated[list[T], BeforeValidator(_empty_list_if_null)]
NullableDict = Annotated[dict[str, T], BeforeValidator(_empty_dict_if_null)]


def _integer(value: object) -> int:
    # kubectl sends YAML as JSON (sigs.k8s.io/yaml.YAMLToJSON), where a YAML `3.0` becomes the JSON number
    # `3`, which decodes into an int32 field; `3.5`, "3" and `true` do not.
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise PydanticCustomError("int_type", "expected an integer")


def _int_or_string(value: object) -> int | str:
    # intstr.IntOrString (ports, maxUnavailable, ...) unmarshals a JSON number or a JSON string.
    if type(value) is str or type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise PydanticCustomError("int_or_string_type", "expected an integer or a string")


def _quantity(value: object) -> str | int | float:
    # resource.Quantity unmarshals a JSON string or number; a bool, list or mapping is rejected.
    if type(value) in (str, int, float):
        return value  # type: ignore[return-value]
    raise PydanticCustomError("quantity_type", "expected a quantity (a string or a number)")


Integer = Annotated[int, PlainValidator(_integer)]
IntOrString = Annotated[int | str, PlainValidator(_int_or_string)]
# Parsing a quantity's value is the job of the analyzers that compare them.
Quantity = Annotated[str | int | float, PlainValidator(_quantity)]


class KubeModel(BaseModel):
    """Every model: attribute names in snake_case, Kubernetes camelCase aliases, strict scalars, extras kept.

    Irregular Kubernetes names (`hostPID`, `podCIDR`) set their alias explicitly.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        strict=True,
        revalidate_instances="never",
        # Build each model's validator on first use: a pre-commit run on one Deployment should not pay for
        # the schemas of every kind kcheck models.
        defer_build=True,
    )


class ObjectMeta(KubeModel):
    name: str | None = None
    generate_name: str | None = None
    namespace: str | None = None
    labels: NullableDict[str] = Field(default_factory=dict)
    annotations: NullableDict[str] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectSource:
    """Where an object was written: its document, and its path in the document (`("items", i)` in a List)."""

    document: Document
    base_path: ObjectPath = ()

    def locate(self, path: ObjectPath) -> Location:
        return self.document.locate(self.base_path + path)

    def edit(self, path: ObjectPath, value: object) -> TextEdit | None:
        """The text edit that sets `path` to `value` (see `source.edits`), None where there is no safe one."""
        return set_field(self.document, self.base_path + path, value)

    @property
    def file_path(self) -> str:
        return self.document.file.path

    @property
    def helm_source(self) -> str | None:
        return self.document.helm_source


@dataclass(frozen=True, slots=True)
class LocationTable:
    """Where some paths of an object are, without its document: what a detached object keeps (see
    `K8sObject.detached`). A path not in the table is located at its nearest ancestor that is."""

    file_path: str
    helm_source: str | None
    spans: Mapping[ObjectPath, Span]

    def locate(self, path: ObjectPath) -> Location:
        for end in range(len(path), 0, -1):
            span = self.spans.get(path[:end])
            if span is not None:
                return Location(self.file_path, span)
        return Location(self.file_path, self.spans[()])


# What every bare detached object shares rather than holding a copy (the inventory holds one per object of
# the input): the fields it sets, its empty raw value, empty labels and annotations. Nothing sets attributes
# on detached objects or changes their mappings.
_BARE_FIELDS = {"api_version", "kind", "metadata"}
_META_FIELDS = {"name", "generate_name", "namespace", "labels", "annotations"}
_NO_FIELDS: dict[str, Any] = {}


class K8sObject(KubeModel):
    """A Kubernetes object. Satisfies `core.findings.Locatable`: rules point into it by object path."""

    api_version: str | None = None
    kind: str | None = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)

    _source: ObjectSource | LocationTable = PrivateAttr()
    _raw: dict[str, Any] = PrivateAttr()

    def attach(self, source: ObjectSource | LocationTable, raw: dict[str, Any]) -> None:
        """Record where the object came from (done once, by the model builder)."""
        self._source = source
        self._raw = raw

    @property
    def source(self) -> ObjectSource | LocationTable:
        return self._source

    def detached(
        self, paths: Iterable[ObjectPath], keep_fields: bool, annotations: Iterable[str] | None = None
    ) -> K8sObject:
        """A copy that no longer holds its YAML document, so it can outlive its file (and cross to another
        process): it locates `paths` (and the object itself) as this object does, other paths at their
        nearest kept ancestor. Without `keep_fields` only apiVersion, kind and metadata remain, with only
        the `annotations` named (all if None): some objects carry megabytes of them."""
        spans = {path: self.locate(path).span for path in ((), *paths)}
        table = LocationTable(self.file_path, self.helm_source, spans)
        if keep_fields:
            copy = self.model_copy()
            copy.attach(table, self._raw)
            return copy
        metadata = self.metadata
        kept = metadata.annotations
        if annotations is not None:
            kept = {key: kept[key] for key in annotations if key in kept} or _NO_FIELDS
        # Only the fields ObjectMeta models: its extras (managedFields, ownerReferences, ...) are not needed.
        metadata = ObjectMeta.model_construct(
            _META_FIELDS,
            name=metadata.name,
            generate_name=metadata.generate_name,
            namespace=metadata.namespace,
            labels=metadata.labels or _NO_FIELDS,
            annotations=kept,
        )
        bare = GenericObject.model_construct(
            _BARE_FIELDS, api_version=self.api_version, kind=self.kind, metadata=metadata
        )
        bare.attach(table, _NO_FIELDS)
        return bare

    @property
    def raw(self) -> dict[str, Any]:
        """The object as decoded from YAML, before validation (read-only by convention)."""
        return self._raw

    def locate(self, path: ObjectPath) -> Location:
        return self._source.locate(path)

    def edit(self, path: ObjectPath, value: object) -> TextEdit | None:
        """The text edit that sets `path` to `value`; None for a detached object (it has no document)."""
        source = self._source
        return source.edit(path, value) if isinstance(source, ObjectSource) else None

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.metadata.namespace, self.metadata.name)

    @property
    def file_path(self) -> str:
        return self._source.file_path

    @property
    def helm_source(self) -> str | None:
        return self._source.helm_source

    @property
    def group(self) -> str:
        """The API group: "" for the core group (`v1`), "apps" for `apps/v1`."""
        return group_of(self.api_version)


class GenericObject(K8sObject):
    """Any kind kcheck has no model for (custom resources included); every field is kept as an extra."""


def group_of(api_version: str | None) -> str:
    if not api_version or "/" not in api_version:
        return ""
    return api_version.split("/", 1)[0]
