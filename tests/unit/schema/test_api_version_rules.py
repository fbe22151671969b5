"""KC503 deprecated-api-version, KC504 removed-api-version and KC505 unvalidated-kind through the real
pipeline: exact messages, spans, related locations, the target version, and how the three divide the work."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.core.findings import Finding, Report
from kcheck.core.severity import Severity
from tests.lint_helpers import found, lint_paths

MINE = ["KC503", "KC504", "KC505"]


def lint(tmp_path: Path, files: dict[str, str], config: str = "") -> Report:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    if config:
        (tmp_path / ".kcheck.yaml").write_text(config, encoding="utf-8")
    return lint_paths(sorted(files), tmp_path, select=None if "select" in config else MINE)


def span(finding: Finding) -> tuple[int, int, int, int]:
    s = finding.location.span
    return (s.line, s.column, s.end_line, s.end_column)


def meta(kind: str, name: str, api_version: str) -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n"


# --- KC504 ------------------------------------------------------------------------------------------------


def test_a_removed_api_version_is_an_error_at_the_api_version_naming_release_and_replacement(
    tmp_path: Path,
) -> None:
    report = lint(tmp_path, {"cron.yaml": "# nightly\n" + meta("CronJob", "nightly", "batch/v1beta1")})
    [finding] = report.active
    assert (finding.rule_id, finding.severity, span(finding)) == ("KC504", Severity.ERROR, (2, 1, 2, 26))
    assert finding.message == (
        "batch/v1beta1 CronJob is not served by Kubernetes 1.37: it was removed in 1.25; "
        "use apiVersion batch/v1 instead"
    )
    assert finding.object_path == ("apiVersion",)


def test_a_removed_kind_without_successor_says_what_to_do_instead(tmp_path: Path) -> None:
    report = lint(tmp_path, {"psp.yaml": meta("PodSecurityPolicy", "restricted", "policy/v1beta1")})
    assert [f.message for f in report.active] == [
        "policy/v1beta1 PodSecurityPolicy is not served by Kubernetes 1.37: it was removed in 1.25; "
        "PodSecurityPolicy has no successor API: enforce the Pod Security Standards with Pod Security "
        "Admission (pod-security.kubernetes.io/* labels on the namespace) or an admission policy"
    ]


@pytest.mark.parametrize("version", ["1.33", "1.37"])
def test_a_kind_removed_in_1_32_is_an_error_for_every_later_target(tmp_path: Path, version: str) -> None:
    text = meta("FlowSchema", "batch", "flowcontrol.apiserver.k8s.io/v1beta3")
    report = lint(tmp_path, {"fs.yaml": text}, config=f'kubernetes-version: "{version}"\n')
    assert [(f.rule_id, f.message) for f in report.active] == [
        (
            "KC504",
            f"flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is not served by Kubernetes {version}: it was "
            "removed in 1.32; use apiVersion flowcontrol.apiserver.k8s.io/v1 instead",
        )
    ]


def test_the_target_version_decides_between_deprecated_and_removed(tmp_path: Path) -> None:
    text = meta("ValidatingAdmissionPolicy", "limit", "admissionregistration.k8s.io/v1beta1")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = lint(tmp_path / "old", {"vap.yaml": text}, config='kubernetes-version: "1.33"\n')
    new = lint(tmp_path / "new", {"vap.yaml": text}, config='kubernetes-version: "1.34"\n')
    assert [(f.rule_id, f.severity, f.message) for f in old.active] == [
        (
            "KC503",
            Severity.WARNING,
            "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is deprecated: Kubernetes 1.34 "
            "stops serving it; use apiVersion admissionregistration.k8s.io/v1 instead",
        )
    ]
    assert [(f.rule_id, f.severity) for f in new.active] == [("KC504", Severity.ERROR)]
    assert (found(old), found(new)) == ([("KC503", 1, 1)], [("KC504", 1, 1)])


# --- KC503 ------------------------------------------------------------------------------------------------


def test_a_beta_version_is_deprecated_on_the_policy_schedule_beyond_the_newest_release(
    tmp_path: Path,
) -> None:
    report = lint(tmp_path, {"dc.yaml": meta("DeviceClass", "gpu", "resource.k8s.io/v1beta1")})
    [finding] = report.active
    assert (finding.rule_id, finding.severity, span(finding)) == ("KC503", Severity.WARNING, (1, 1, 1, 36))
    assert finding.message == (
        "resource.k8s.io/v1beta1 DeviceClass is deprecated: beta since Kubernetes 1.32, it stops being "
        "served in 1.38 under the deprecation policy for beta APIs; use apiVersion resource.k8s.io/v1 instead"
    )


def test_items_of_a_list_are_located_in_the_list(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: a}\n"
        "  - apiVersion: extensions/v1beta1\n    kind: Ingress\n    metadata: {name: b}\n"
    )
    report = lint(tmp_path, {"list.yaml": text})
    assert [(f.rule_id, span(f)) for f in report.active] == [("KC504", (7, 5, 7, 35))]


# --- KC505 ------------------------------------------------------------------------------------------------


def test_one_finding_per_unknown_kind_at_its_first_object_with_the_others_related(tmp_path: Path) -> None:
    cert = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: {}\n"
    report = lint(
        tmp_path,
        {
            "a/certs.yaml": cert.format("web") + "---\n" + cert.format("api"),
            "b/cert.yaml": "# TLS\n" + cert.format("admin"),
        },
    )
    [finding] = report.active
    assert (finding.rule_id, finding.severity, finding.location.path, span(finding)) == (
        "KC505",
        Severity.WARNING,
        "a/certs.yaml",
        (2, 1, 2, 18),
    )
    assert finding.message == (
        "cert-manager.io/v1 Certificate was not validated (3 objects): it is not a built-in kind of "
        "Kubernetes 1.37, and no CustomResourceDefinition defines it; add the CustomResourceDefinition "
        "that defines it to the input, or point --crd at it"
    )
    assert [
        (r.location.path, r.location.span.line, r.location.span.column, r.message) for r in finding.related
    ] == [
        ("a/certs.yaml", 7, 1, "also cert-manager.io/v1 Certificate, not validated"),
        ("b/cert.yaml", 3, 1, "also cert-manager.io/v1 Certificate, not validated"),
    ]
    assert finding.related[1].object is not None and finding.related[1].object.name == "admin"


@pytest.mark.parametrize(
    ("api_version", "kind", "version", "explanation"),
    [
        (
            "apps/v1",
            "Deploymnet",
            "1.37",
            "Kubernetes 1.37 serves no kind Deploymnet in the apps API group; did you mean Deployment?",
        ),
        (
            "apps/v1",
            "deployment",
            "1.37",
            "Kubernetes 1.37 serves no kind deployment in the apps API group; did you mean Deployment?",
        ),
        (
            "v1",
            "ConfigMapp",
            "1.37",
            "Kubernetes 1.37 serves no kind ConfigMapp in the core API group (apiVersion v1); "
            "did you mean ConfigMap?",
        ),
        (
            "networking.k8s.io/v1",
            "Xyzzy",
            "1.37",
            "Kubernetes 1.37 serves no kind Xyzzy in the networking.k8s.io API group; "
            "`kubectl api-resources` lists the kinds of a cluster",
        ),
        (
            "admissionregistration.k8s.io/v1alpha1",
            "InitializerConfiguration",
            "1.37",
            "Kubernetes 1.37 serves no kind InitializerConfiguration in the admissionregistration.k8s.io API "
            "group; `kubectl api-resources` lists the kinds of a cluster",
        ),
        (
            "policy/v1",
            "PodSecurityPolicy",
            "1.37",
            "Kubernetes 1.37 serves no kind PodSecurityPolicy in the policy API group: policy/v1beta1 "
            "PodSecurityPolicy was removed in 1.25; PodSecurityPolicy has no successor API: enforce the Pod "
            "Security Standards with Pod Security Admission (pod-security.kubernetes.io/* labels on the "
            "namespace) or an admission policy",
        ),
        (
            "flowcontrol.apiserver.k8s.io/v1beta9",
            "FlowSchema",
            "1.37",
            "Kubernetes 1.37 serves FlowSchema as flowcontrol.apiserver.k8s.io/v1 only; "
            "use apiVersion flowcontrol.apiserver.k8s.io/v1",
        ),
        (
            "v1",
            "Deployment",
            "1.37",
            "Kubernetes 1.37 serves Deployment as apps/v1 only; use apiVersion apps/v1",
        ),
        (
            "apps/v2",
            "Deployment",
            "1.37",
            "Kubernetes 1.37 serves Deployment as apps/v1 only; use apiVersion apps/v1",
        ),
        (
            "events.k8s.io/v2",
            "Event",
            "1.37",
            "Kubernetes 1.37 serves Event as v1 and events.k8s.io/v1 only; use apiVersion events.k8s.io/v1",
        ),
        (
            "resource.k8s.io/v1",
            "ResourceClaim",
            "1.33",
            "Kubernetes 1.33 does not serve it yet (1.34 introduced it); use apiVersion "
            "resource.k8s.io/v1beta2, which 1.33 serves, or target a later release with --kubernetes-version",
        ),
        (
            "admissionregistration.k8s.io/v1",
            "MutatingAdmissionPolicy",
            "1.33",
            "Kubernetes 1.33 does not serve it yet (1.36 introduced it); "
            "target a later release with --kubernetes-version",
        ),
    ],
)
def test_the_message_says_why_there_is_no_schema_and_what_to_do(
    tmp_path: Path, api_version: str, kind: str, version: str, explanation: str
) -> None:
    report = lint(
        tmp_path, {"x.yaml": meta(kind, "x", api_version)}, config=f'kubernetes-version: "{version}"\n'
    )
    assert [(f.rule_id, f.message) for f in report.active] == [
        ("KC505", f"{api_version} {kind} was not validated (1 object): {explanation}")
    ]


def test_a_removed_kind_is_left_to_kc504_even_when_kc504_is_not_selected(tmp_path: Path) -> None:
    report = lint(
        tmp_path, {"old.yaml": meta("Ingress", "web", "extensions/v1beta1")}, config="select: [KC505]\n"
    )
    assert report.active == ()


def test_deprecated_and_served_kinds_have_schemas(tmp_path: Path) -> None:
    text = meta("DeviceClass", "gpu", "resource.k8s.io/v1beta1") + "---\n" + meta("ConfigMap", "c", "v1")
    report = lint(tmp_path, {"x.yaml": text}, config="select: [KC505]\n")
    assert report.active == ()


def test_the_severity_is_configurable(tmp_path: Path) -> None:
    report = lint(
        tmp_path,
        {"w.yaml": meta("Widget", "w", "example.com/v1")},
        config="select: [KC505]\nrules:\n  unvalidated-kind:\n    severity: info\n",
    )
    assert [(f.rule_id, f.severity) for f in report.active] == [("KC505", Severity.INFO)]
    assert not report.failed


@pytest.mark.parametrize(
    "text",
    [
        "kind: Widget\nmetadata: {name: w}\n",
        "apiVersion: example.com/v1\nmetadata: {name: w}\n",
        "apiVersion: 1\nkind: Widget\nmetadata: {name: w}\n",
        'apiVersion: ""\nkind: Widget\nmetadata: {name: w}\n',
        "apiVersion: [a]\nkind: {b: c}\n",
    ],
)
def test_objects_without_a_usable_api_version_and_kind_are_left_to_the_shape_rule(
    tmp_path: Path, text: str
) -> None:
    report = lint(tmp_path, {"x.yaml": text}, config="select: [KC002, KC503, KC504, KC505]\n")
    assert {f.rule_id for f in report.active} <= {"KC002"}


WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


@pytest.mark.parametrize("where", ["input", "config"])
def test_a_custom_resource_whose_crd_serves_its_version_has_a_schema(tmp_path: Path, where: str) -> None:
    widgets = meta("Widget", "a", "example.com/v1")
    if where == "input":
        report = lint(tmp_path, {"widgets.yaml": WIDGET_CRD + "---\n" + widgets})
    else:
        (tmp_path / "crds").mkdir()
        (tmp_path / "crds" / "widget.yaml").write_text(WIDGET_CRD, encoding="utf-8")
        report = lint(tmp_path, {"widgets.yaml": widgets}, config="select: [KC505]\ncrds: [crds]\n")
    assert report.active == ()


def test_a_custom_resource_in_a_version_its_crd_does_not_serve_names_the_served_ones(tmp_path: Path) -> None:
    text = WIDGET_CRD + "---\n" + meta("Widget", "a", "example.com/v1beta1")
    report = lint(tmp_path, {"widgets.yaml": text})
    assert [(f.rule_id, f.location.span.line, f.message) for f in report.active] == [
        (
            "KC505",
            22,
            "example.com/v1beta1 Widget was not validated (1 object): the CustomResourceDefinition of "
            "example.com Widget does not serve v1beta1; use apiVersion example.com/v1, or serve this version "
            "in the CRD",
        )
    ]


DEPRECATING_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1beta2
      served: true
      storage: false
      deprecated: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1beta1
      served: true
      storage: false
      deprecated: true
      deprecationWarning: Widget v1beta1 goes away in release 3.0; use v1
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def test_a_custom_resource_of_a_version_its_crd_deprecates_gets_the_api_servers_warning(
    tmp_path: Path,
) -> None:
    text = (
        DEPRECATING_CRD
        + "---\n"
        + meta("Widget", "a", "example.com/v1beta2")
        + "---\n"
        + meta("Widget", "b", "example.com/v1beta1")
        + "---\n"
        + meta("Widget", "c", "example.com/v1")
    )
    report = lint(tmp_path, {"widgets.yaml": text})
    assert [(f.rule_id, span(f), f.message) for f in report.active] == [
        (
            "KC503",
            (29, 1, 29, 32),
            "example.com/v1beta2 Widget is deprecated: its CustomResourceDefinition marks the version "
            'deprecated; the API server warns "example.com/v1beta2 Widget is deprecated; use example.com/v1 '
            'Widget"',
        ),
        (
            "KC503",
            (34, 1, 34, 32),
            "example.com/v1beta1 Widget is deprecated: its CustomResourceDefinition marks the version "
            'deprecated; the API server warns "Widget v1beta1 goes away in release 3.0; use v1"',
        ),
    ]
