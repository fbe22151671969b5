"""What the API server checks beyond the OpenAPI schema: names, labels, annotations, selectors, quantities.

Each check follows k8s.io/apimachinery (`pkg/api/validation`, `pkg/apis/meta/v1/validation`) and
k8s.io/kubernetes `pkg/apis/*/validation`, with their messages shortened; values are decoded JSON-like
values, and problems are `(path, text)` pairs. The name grammars themselves are `kcheck.kube.names`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kcheck.analyzers.schema.messages import quote
from kcheck.core.location import ObjectPath
from kcheck.kube.names import dns1123_label, label_value, name_check, qualified_name
from kcheck.model.kinds import is_cluster_scoped_builtin

Problem = tuple[ObjectPath, str]

# apimachinery/pkg/api/validation/objectmeta.go: TotalAnnotationSizeLimitB
ANNOTATIONS_MAX_BYTES = 256 * 1024

# CronJob: the Job name it creates appends an 11-character suffix to a 63-character limit.
_CRONJOB_NAME_MAX = 52


def object_name(group: str, kind: str, metadata: dict[str, Any]) -> Iterator[Problem]:
    """metadata.name, generateName and namespace of a top-level object (ValidateObjectMeta)."""
    check = name_check(group, kind)
    name = metadata.get("name")
    if isinstance(name, str) and name:
        for error in check(name):
            yield ("metadata", "name"), f"invalid name {quote(name)}: {error}"
        if (group, kind) == ("batch", "CronJob") and len(name) > _CRONJOB_NAME_MAX:
            yield ("metadata", "name"), f"a CronJob name must be no more than {_CRONJOB_NAME_MAX} characters"
    generate_name = metadata.get("generateName")
    if isinstance(generate_name, str) and generate_name:
        # The prefix gets a random suffix: a trailing '-' is fine (maskTrailingDash).
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        for error in check(masked):
            yield ("metadata", "generateName"), f"invalid generateName {quote(generate_name)}: {error}"
    namespace = metadata.get("namespace")
    # The API server clears the namespace of a cluster-scoped object (BeforeCreate) instead of checking it.
    if isinstance(namespace, str) and namespace and not is_cluster_scoped_builtin(group, kind):
        for error in dns1123_label(namespace):
            yield ("metadata", "namespace"), f"invalid namespace {quote(namespace)}: {error}"


def label_map(path: ObjectPath, value: object) -> Iterator[Problem]:
    """ValidateLabels: every key a qualified name, every value a label value. `path` is the labels map."""
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        for error in qualified_name(key):
            yield (*path, key), f"invalid label key {quote(key)}: {error}"
        if isinstance(item, str):
            for error in label_value(item):
                yield (*path, key), f"invalid label value {quote(item)}: {error}"


def annotation_map(path: ObjectPath, value: object) -> Iterator[Problem]:
    """ValidateAnnotations: keys are qualified names (checked in lower case); at most 256 KiB in all."""
    if not isinstance(value, dict):
        return
    total = 0
    for key, item in value.items():
        for error in qualified_name(key.lower()):
            yield (*path, key), f"invalid annotation key {quote(key)}: {error}"
        total += len(key.encode("utf-8")) + (len(item.encode("utf-8")) if isinstance(item, str) else 0)
    if total > ANNOTATIONS_MAX_BYTES:
        yield (
            path,
            (
                f"the annotations take {total} bytes; the API server allows at most {ANNOTATIONS_MAX_BYTES} "
                "(256 KiB) per object"
            ),
        )


def object_meta(path: ObjectPath, value: object) -> Iterator[Problem]:
    """The labels and annotations of any ObjectMeta (an object's, a pod template's)."""
    if isinstance(value, dict):
        yield from label_map((*path, "labels"), value.get("labels"))
        yield from annotation_map((*path, "annotations"), value.get("annotations"))


_SET_OPERATORS = frozenset({"In", "NotIn"})
_EXISTS_OPERATORS = frozenset({"Exists", "DoesNotExist"})


def label_selector(path: ObjectPath, value: object) -> Iterator[Problem]:
    """ValidateLabelSelector: matchLabels as labels; each matchExpression's key, operator and values."""
    if not isinstance(value, dict):
        return
    yield from label_map((*path, "matchLabels"), value.get("matchLabels"))
    expressions = value.get("matchExpressions")
    if not isinstance(expressions, list):
        return
    for index, expression in enumerate(expressions):
        if not isinstance(expression, dict):
            continue
        where = (*path, "matchExpressions", index)
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values")
        if isinstance(key, str):
            for error in qualified_name(key):
                yield (*where, "key"), f"invalid label key {quote(key)}: {error}"
        if isinstance(operator, str):  # a missing or mistyped operator is the schema's to report
            yield from _operator_values(where, operator, values)
        if isinstance(values, list):
            for position, item in enumerate(values):
                if isinstance(item, str):
                    for error in label_value(item):
                        yield (*where, "values", position), f"invalid label value {quote(item)}: {error}"


def _operator_values(where: ObjectPath, operator: str, values: object) -> Iterator[Problem]:
    count = len(values) if isinstance(values, list) else 0
    if operator in _SET_OPERATORS and count == 0:
        yield (*where, "operator"), f"operator {operator} needs at least one value in `values`"
    elif operator in _EXISTS_OPERATORS and count:
        yield (*where, "values"), f"operator {operator} takes no values"
    elif operator not in _SET_OPERATORS | _EXISTS_OPERATORS:
        yield (
            (*where, "operator"),
            f"invalid operator {quote(operator)}: expected In, NotIn, Exists or DoesNotExist",
        )
