"""Kubernetes' name grammars: DNS-1123 labels and subdomains, DNS-1035 labels, qualified names (label and
annotation keys), label values, port names, URL path segments, and the name rule each built-in kind's name
follows.

Each check follows k8s.io/apimachinery `pkg/util/validation` and the kinds' `ValidateObjectMeta` name
functions, with their messages shortened: a check returns the problems with a value, none when it is valid.
Schema validation, the CEL `format` library and (later) the resources and consistency analyzers share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# validation.go: DNS1123LabelMaxLength, DNS1123SubdomainMaxLength, LabelValueMaxLength, qualifiedNameMaxLength
_LABEL_MAX = 63
_SUBDOMAIN_MAX = 253
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
# validation.go: IsValidPortName
_PORT_NAME_MAX = 15
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+\Z")
_PORT_NAME_LETTER = re.compile(r"[a-z]")

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


def port_name(value: str) -> list[str]:
    """IsValidPortName: an IANA service name (container ports, and ports named by probes and Services)."""
    errors = []
    if len(value) > _PORT_NAME_MAX:
        errors.append(f"must be no more than {_PORT_NAME_MAX} characters")
    if not _PORT_NAME_CHARS.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
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
