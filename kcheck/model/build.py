"""Documents to typed objects: kind dispatch, `*List` expansion, and shape errors as KC002 problems.

A shape error never loses the object: the offending values are dropped and the object is validated again,
so the rest of it is still checked by every rule. Only a document without `apiVersion` or `kind` (or that
is not a mapping at all) yields no object, as the API server would not know what it is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kcheck.core import input_ids
from kcheck.core.findings import Locatable, ObjectRef, RelatedViolation
from kcheck.core.location import Location, ObjectPath, format_path
from kcheck.model import kinds
from kcheck.model.admission import ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding
from kcheck.model.base import GenericObject, K8sObject, ObjectSource, group_of
from kcheck.model.config import ConfigMap, PersistentVolumeClaim, Secret
from kcheck.model.crd import CustomResourceDefinition
from kcheck.model.networking import Ingress, NetworkPolicy, Service
from kcheck.model.policy import (
    HorizontalPodAutoscaler,
    LimitRange,
    Namespace,
    PodDisruptionBudget,
    PriorityClass,
    ResourceQuota,
)
from kcheck.model.rbac import ClusterRole, ClusterRoleBinding, Role, RoleBinding, ServiceAccount
from kcheck.model.workloads import (
    CronJob,
    DaemonSet,
    Deployment,
    Job,
    Pod,
    ReplicaSet,
    ReplicationController,
    StatefulSet,
)
from kcheck.source.loader import Document

_MODEL_CLASSES: tuple[type[K8sObject], ...] = (
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    ReplicationController,
    Service,
    Ingress,
    NetworkPolicy,
    Namespace,
    ServiceAccount,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    ResourceQuota,
    LimitRange,
    PodDisruptionBudget,
    HorizontalPodAutoscaler,
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    PriorityClass,
    CustomResourceDefinition,
    ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding,
)
# (group, kind) -> model. A kind in any other group (a custom resource named `Deployment`) is generic.
MODELS: dict[tuple[str, str], type[K8sObject]] = {
    (group, cls.__name__): cls for cls in _MODEL_CLASSES for group in kinds.BUILTIN_GROUPS[cls.__name__]
}

# Dropping the values of one round can, in theory, expose a problem in the next (a `{}` left in place of a
# list item); after this many rounds the object is kept as a GenericObject with its identity only.
_MAX_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class DocumentTarget:
    """A document, or an item of a List, that is not an object: findings about it point into it."""

    document: Document
    base_path: ObjectPath = ()

    def locate(self, path: ObjectPath) -> Location:
        return self.document.locate(self.base_path + path)

    @property
    def ref(self) -> ObjectRef:
        value = self.document.value
        for part in self.base_path:
            value = value[part]
        if not isinstance(value, dict):
            return ObjectRef(None, None, None, None)
        metadata = value.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        return ObjectRef(
            _str_or_none(value.get("apiVersion")),
            _str_or_none(value.get("kind")),
            _str_or_none(metadata.get("namespace")),
            _str_or_none(metadata.get("name")),
        )


@dataclass(frozen=True, slots=True)
class ModelProblem:
    """A finding of the model or inventory layer; `path` is relative to `target`."""

    rule_id: str
    target: Locatable
    path: ObjectPath
    args: dict[str, object]
    related: tuple[RelatedViolation, ...] = ()


@dataclass(slots=True)
class BuildResult:
    objects: list[K8sObject] = field(default_factory=list)
    problems: list[ModelProblem] = field(default_factory=list)


def build_objects(documents: Sequence[Document]) -> BuildResult:
    """One typed object per Kubernetes object of the documents, in order. Never raises on content."""
    result = BuildResult()
    for document in documents:
        for base_path, value in _candidates(document, document.value, (), result.problems):
            obj = _build(document, base_path, value, result.problems)
            if obj is not None:
                result.objects.append(obj)
    return result


def model_class(api_version: str | None, kind: str | None) -> type[K8sObject]:
    return MODELS.get((group_of(api_version), kind or ""), GenericObject)


def _candidates(
    document: Document, value: Any, base_path: ObjectPath, problems: list[ModelProblem]
) -> Iterator[tuple[ObjectPath, dict[str, Any]]]:
    """The mappings that should be objects: the document itself, or the items of a List (recursively)."""
    if not isinstance(value, dict):
        what = f"{format_path(base_path)} is" if base_path else "the document is"
        problem = f"{what} {_describe(value)}, not a Kubernetes object"
        problems.append(_problem(DocumentTarget(document), base_path, problem))
        return
    kind, items = value.get("kind"), value.get("items")
    # kubectl flattens `kind: List` and any `<Kind>List` holding `items` (resource.Builder's list visitor).
    if kind == "List" or (isinstance(kind, str) and kind.endswith("List") and isinstance(items, list)):
        if isinstance(items, list):
            for index, item in enumerate(items):
                yield from _candidates(document, item, (*base_path, "items", index), problems)
        elif items is not None:
            target = DocumentTarget(document, base_path)
            problems.append(_problem(target, ("items",), f"items: expected a list, got {_describe(items)}"))
        return
    yield base_path, value


def _build(
    document: Document, base_path: ObjectPath, raw: dict[str, Any], problems: list[ModelProblem]
) -> K8sObject | None:
    api_version, kind = raw.get("apiVersion"), raw.get("kind")
    if not _identity_is_valid(DocumentTarget(document, base_path), api_version, kind, problems):
        return None
    cls = model_class(api_version, kind)
    obj, errors = _validate(cls, raw)
    obj.attach(ObjectSource(document, base_path), raw)
    located = [(obj.locate(path).span, path, error) for error in errors for path in [tuple(error["loc"])]]
    located.sort(key=lambda entry: entry[0])  # in the order of the file, not of the model's fields
    for _, path, error in located:
        problems.append(_problem(obj, path, f"{format_path(path)}: {_expected(error)}"))
    _check_name(obj, raw, problems)
    return obj


def _identity_is_valid(
    target: DocumentTarget, api_version: object, kind: object, problems: list[ModelProblem]
) -> bool:
    missing = [
        key for key, value in (("apiVersion", api_version), ("kind", kind)) if value is None or value == ""
    ]
    if missing:
        problems.append(
            _problem(target, (), f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
        )
    wrong = [
        (key, value)
        for key, value in (("apiVersion", api_version), ("kind", kind))
        if not _is_str_or_missing(value)
    ]
    for key, value in wrong:
        problems.append(_problem(target, (key,), f"{key}: expected a string, got {_describe(value)}"))
    return not missing and not wrong


def _validate(cls: type[K8sObject], raw: dict[str, Any]) -> tuple[K8sObject, list[ErrorDetails]]:
    """The object, and the errors of the manifest as written (later rounds only clean up after pruning)."""
    value, first_errors = raw, None
    for _ in range(_MAX_ROUNDS):
        try:
            return cls.model_validate(value), first_errors or []
        except ValidationError as error:
            errors = error.errors(include_url=False, include_context=False)
            first_errors = first_errors if first_errors is not None else errors
            value = _pruned(value, [_removal(e) for e in errors])
    fallback = GenericObject.model_validate({"apiVersion": raw["apiVersion"], "kind": raw["kind"]})
    return fallback, first_errors or []


_MAPPING_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _removal(error: ErrorDetails) -> ObjectPath:
    """What to remove for an error: the offending key, or for a bad list item the whole list; an item that
    should have been a mapping is replaced by `{}` instead, so its siblings keep their indexes (and paths)."""
    path = tuple(error["loc"])
    if path and isinstance(path[-1], int) and error["type"] not in _MAPPING_ERRORS:
        return path[:-1]
    return path


def _pruned(root: dict[str, Any], removals: list[ObjectPath]) -> dict[str, Any]:
    """A copy of `root` without the values at `removals`, copying only the containers along their paths."""
    copies: set[int] = set()

    def own(container: Any) -> Any:
        if id(container) in copies:
            return container
        copy = dict(container) if isinstance(container, dict) else list(container)
        copies.add(id(copy))
        return copy

    new_root: dict[str, Any] = own(root)
    for path in removals:
        if not path:
            continue
        node: Any = new_root
        for part in path[:-1]:
            child = _child(node, part)
            if not isinstance(child, (dict, list)):
                break
            child = own(child)
            node[part] = child
            node = child
        else:
            last = path[-1]
            if isinstance(node, dict):
                node.pop(last, None)
            elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
                node[last] = {}
    return new_root


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _check_name(obj: K8sObject, raw: dict[str, Any], problems: list[ModelProblem]) -> None:
    metadata = raw.get("metadata")
    if not isinstance(metadata, dict):
        if metadata is None:
            problems.append(_problem(obj, (), "metadata.name is missing (generateName is allowed instead)"))
        return  # a metadata of the wrong type is already reported
    if metadata.get("name") in (None, "") and metadata.get("generateName") in (None, ""):
        problems.append(
            _problem(obj, ("metadata",), "metadata.name is missing (generateName is allowed instead)")
        )


_EXPECTED = {
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "bool_type": "expected a boolean",
    "float_type": "expected a number",
    "list_type": "expected a list",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dict_type": "expected a mapping",
}


def _expected(error: ErrorDetails) -> str:
    expected = _EXPECTED.get(error["type"], error["msg"])
    value = error["input"]
    message = f"{expected}, got {_describe(value)}"
    if error["type"] == "string_type" and isinstance(value, (bool, int, float)):
        # The classic: `enabled: true` or `version: 1.10` where a string is needed (labels, env values).
        message += " (quote the value to make it a string)"
    return message


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}" if math.isfinite(value) else f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {json.dumps(text, ensure_ascii=False)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _problem(target: Locatable, path: ObjectPath, problem: str) -> ModelProblem:
    return ModelProblem(input_ids.INVALID_OBJECT_SHAPE, target, path, {"problem": problem})


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_str_or_missing(value: object) -> bool:
    return value is None or isinstance(value, str)
