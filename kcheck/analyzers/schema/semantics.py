"""What the API server checks beyond the OpenAPI schema: names, labels, annotations, selectors, quantities.

Each check follows k8s.io/apimachinery (`pkg/util/validation`, `pkg/api/validation`,
`pkg/apis/meta/v1/validation`) and k8s.io/kubernetes `pkg/apis/*/validation`, with their messages
shortened; values are decoded JSON-like values, and problems are `(path, text)` pairs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from kcheck.analyzers.schema.messages import quote
from kcheck.core.location import ObjectPath
from kcheck.model.kinds import is_cluster_scoped_builtin

Problem = tuple[ObjectPath, str]

# validation.go: DNS1123LabelMaxLength, DNS1123SubdomainMaxLength, LabelValueMaxLength, qualifiedNameMaxLength
_LABEL_MAX = 63
_SUBDOMAIN_MAX = 253
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
# apimachinery/pkg/api/validation/objectmeta.go: TotalAnnotationSizeLimitB
ANNOTATIONS_MAX_BYTES = 256 * 1024
# resource.Quantity's grammar (apimachinery/pkg/api/resource/quantity.go): a signed decimal number and an
# optional suffix: binary SI (Ki..Ei), decimal SI (n, u, m, k, M, G, T, P, E) or an integer exponent (e3).
QUANTITY = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?\Z")
# CronJob: the Job name it creates appends an 11-character suffix to a 63-character limit.
_CRONJOB_NAME_MAX = 52

_ALNUM_EDGES = "must start and end with an alphanumeric character"
_SUBDOMAIN_TEXT = (
    "a lowercase RFC 1123 subdomain must consist of lowercase alphanumeric characters, '-' or '.', and "
    "must start and end with an alphanumeric character"
)
_LABEL_TEXT = (
    "a lowercase RFC 1123 label must consist of lowercase alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character"
)
_DNS1035_TEXT = (
    "a DNS-1035 label must consist of lowercase alphanumeric characters or '-', start with a letter, and "
    "end with an alphanumeric character"
)


def dns1123_subdomain(value: str) -> list[str]:
    errors = []
    if len(value) > _SUBDOMAIN_MAX:
        errors.append(f"must be no more than {_SUBDOMAIN_MAX} characters")
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(_SUBDOMAIN_TEXT)
    return errors


def dns1123_label(value: str) -> list[str]:
    errors = []
    if len(value) > _LABEL_MAX:
        errors.append(f"must be no more than {_LABEL_MAX} characters")
    if not _DNS1123_LABEL.match(value):
        errors.append(_LABEL_TEXT)
    return errors


def dns1035_label(value: str) -> list[str]:
    errors = []
    if len(value) > _LABEL_MAX:
        errors.append(f"must be no more than {_LABEL_MAX} characters")
    if not _DNS1035_LABEL.match(value):
        errors.append(_DNS1035_TEXT)
    return errors


def path_segment(value: str) -> list[str]:
    """path.IsValidPathSegmentName: the name goes into a URL path as is (RBAC roles like `system:view`)."""
    if value in (".", ".."):
        return [f"may not be {value!r}"]
    bad = [c for c in ("/", "%") if c in value]
    return [f"may not contain {c!r}" for c in bad]


def qualified_name(value: str) -> list[str]:
    """IsQualifiedName: `[prefix/]name` (label keys, annotation keys)."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errors = []
    elif len(parts) == 2:
        prefix, name = parts
        errors = (
            ["prefix part must be non-empty"]
            if not prefix
            else [f"prefix part {error}" for error in dns1123_subdomain(prefix)]
        )
    else:
        return [
            "a qualified name must be a name with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part must be non-empty")
    else:
        if len(name) > _LABEL_MAX:
            errors.append(f"name part must be no more than {_LABEL_MAX} characters")
        if not _QUALIFIED_NAME.match(name):
            errors.append(
                "name part must consist of alphanumeric characters, '-', '_' or '.', and " + _ALNUM_EDGES
            )
    return errors


def label_value(value: str) -> list[str]:
    errors = []
    if len(value) > _LABEL_MAX:
        errors.append(f"must be no more than {_LABEL_MAX} characters")
    if not _LABEL_VALUE.match(value):
        errors.append(
            "a label value must be empty or consist of alphanumeric characters, '-', '_' or '.', and "
            + _ALNUM_EDGES
        )
    return errors


def is_quantity(value: object) -> bool:
    """What resource.Quantity unmarshals: a number, or a string in its grammar (spaces trimmed)."""
    if isinstance(value, str):
        return QUANTITY.match(value.strip()) is not None
    return type(value) is int or (type(value) is float and math.isfinite(value))


NameCheck = Callable[[str], list[str]]


def any_name(value: str) -> list[str]:
    return []


# ValidateObjectMeta's name function per kind; every other kind with a bundled schema uses
# NameIsDNSSubdomain (pkg/apis/core/validation: ValidateNamespaceName, ValidateServiceName;
# pkg/apis/rbac/validation: ValidateRBACName; pkg/apis/certificates/validation: "we don't care what you
# call your certificate requests", and a ClusterTrustBundle's name is its signer's with ':' for '/'; an
# IPAddress is named by its address). Where unsure, the more permissive rule: no false finding.
_NAME_CHECKS: dict[tuple[str, str], NameCheck] = {
    ("certificates.k8s.io", "CertificateSigningRequest"): any_name,
    ("certificates.k8s.io", "ClusterTrustBundle"): path_segment,
    ("networking.k8s.io", "IPAddress"): any_name,
    ("", "Namespace"): dns1123_label,
    ("", "Service"): dns1035_label,
    ("rbac.authorization.k8s.io", "Role"): path_segment,
    ("rbac.authorization.k8s.io", "ClusterRole"): path_segment,
    ("rbac.authorization.k8s.io", "RoleBinding"): path_segment,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): path_segment,
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"): path_segment,
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"): path_segment,
}


def name_check(group: str, kind: str) -> NameCheck:
    return _NAME_CHECKS.get((group, kind), dns1123_subdomain)


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
