"""KC501/KC502 end to end (exact rule ids, lines, columns and messages) and the validator's semantics."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcheck.analyzers.schema import semantics, validate
from kcheck.analyzers.schema.validate import SchemaProblem, compile_schema
from kcheck.core.findings import Report
from kcheck.core.location import format_path
from kcheck.kube import names, quantity
from tests.lint_helpers import lint_paths, lint_text


def findings(report: Report) -> list[tuple[str, int, int, str]]:
    return [(f.rule_id, f.location.span.line, f.location.span.column, f.message) for f in report.active]


def schema_findings(
    text: str, tmp_path: Path, *, select: list[str] | None = None
) -> list[tuple[str, int, int, str]]:
    return findings(lint_text(text, tmp_path, select=select or ["KC501", "KC502"]))


def problems(schema: dict[str, Any], value: object) -> list[tuple[str, str]]:
    out: list[SchemaProblem] = []
    compile_schema(schema)(value, (), out)
    return [(format_path(p.path), p.message) for p in out]


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.0
{extra}"""


def test_every_problem_of_an_object_is_reported_each_at_its_value(tmp_path: Path) -> None:
    text = POD.format(
        extra="      ports:\n        - containerPort: "
        "http\n      resources:\n        limits: {memory: lots}\n"
        "  restartPolicy: 1\n  priority: 2\n"
    )
    assert schema_findings(text, tmp_path) == [
        (
            "KC501",
            10,
            11,
            'spec.containers[0].ports[0].containerPort: expected an integer, got the string "http"',
        ),
        (
            "KC501",
            12,
            18,
            "spec.containers[0].resources.limits.memory: expected a quantity (a number, or a string such as "
            '"500m", "1.5" or "128Mi"), got the string "lots"',
        ),
        (
            "KC501",
            13,
            3,
            "spec.restartPolicy: expected a string, got the integer 1 (quote the value to make it a string)",
        ),
    ]


def test_a_missing_required_field_is_reported_at_the_mapping_that_lacks_it(tmp_path: Path) -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template: {}\n"
    assert schema_findings(text, tmp_path) == [("KC501", 5, 1, 'spec: missing required field "selector"')]


def test_a_kubeflow_style_string_where_an_integer_is_needed_says_to_remove_the_quotes(tmp_path: Path) -> None:
    text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: "3"\n'
    text += "  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n"
    assert schema_findings(text, tmp_path) == [
        (
            "KC501",
            6,
            3,
            'spec.replicas: expected an integer, got the string "3" (remove the quotes to make it a number)',
        )
    ]


def test_kc002_keeps_the_wrong_types_it_reports_and_kc501_reports_them_when_kc002_is_off(
    tmp_path: Path,
) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    enabled: true\n"
    both = findings(lint_text(text, tmp_path, select=["KC002", "KC501"]))
    assert both == [
        (
            "KC002",
            6,
            5,
            "metadata.labels.enabled: expected a string, got the boolean "
            "true (quote the value to make it a string)",
        )
    ]
    alone = findings(lint_text(text, tmp_path, select=["KC501"]))
    assert alone == [
        (
            "KC501",
            6,
            5,
            "metadata.labels.enabled: expected a string, got the boolean "
            "true (quote the value to make it a string)",
        )
    ]


def test_unknown_fields_name_the_full_path_and_suggest_the_closest_field(tmp_path: Path) -> None:
    text = POD.format(extra="      imagePullPolice: Always\n      Resources: {}\n  nodeSelectr: {}\n")
    assert schema_findings(text, tmp_path) == [
        (
            "KC502",
            9,
            7,
            'unknown field "spec.containers[0].imagePullPolice" (did you mean "imagePullPolicy"?)',
        ),
        ("KC502", 10, 7, 'unknown field "spec.containers[0].Resources" (did you mean "resources"?)'),
        ("KC502", 11, 3, 'unknown field "spec.nodeSelectr" (did you mean "nodeSelector"?)'),
    ]


@pytest.mark.parametrize(
    "field", ["privileged", "capabilities", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount"]
)
def test_container_only_security_settings_at_pod_level_say_where_they_belong(
    field: str, tmp_path: Path
) -> None:
    text = POD.format(extra=f"  securityContext:\n    {field}: null\n")
    assert schema_findings(text, tmp_path) == [
        (
            "KC502",
            10,
            5,
            f'unknown field "spec.securityContext.{field}" ({field} is a container setting: set it in each '
            "container's securityContext)",
        )
    ]


def test_an_unknown_field_of_a_pod_template_is_found_in_every_workload_kind(tmp_path: Path) -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          securityContext: {privileged: true}
          containers: [{name: backup, image: "registry.example.com/backup:1.0"}]
"""
    assert [(rule, line, column) for rule, line, column, _ in schema_findings(text, tmp_path)] == [
        ("KC502", 12, 29)
    ]


def test_duplicate_containers_ports_and_env_names_are_reported_at_the_repeat(tmp_path: Path) -> None:
    text = POD.format(
        extra="      ports: [{containerPort: 80}, {containerPort: 80, "
        "protocol: UDP}, {containerPort: 80, protocol: TCP}]\n"
        "      env:\n        - {name: MODE, value: a}\n        - {name: MODE, value: b}\n"
        "    - name: app\n      image: registry.example.com/web:1.0\n"
    )
    assert schema_findings(text, tmp_path) == [
        (
            "KC501",
            9,
            73,
            'spec.containers[0].ports[2]: duplicate entry with containerPort 80 and protocol "TCP" '
            "(entries of spec.containers[0].ports must be unique by containerPort and protocol; "
            "the first is [0])",
        ),
        (
            "KC501",
            12,
            12,
            'spec.containers[0].env[1]: duplicate entry with name "MODE" '
            "(entries of spec.containers[0].env must "
            "be unique by name; the first is [0])",
        ),
        (
            "KC501",
            13,
            7,
            'spec.containers[1]: duplicate entry with name "app" (entries'
            " of spec.containers must be unique by "
            "name; the first is [0])",
        ),
    ]


def test_the_target_version_decides_what_a_field_is(tmp_path: Path) -> None:
    # PodSpec.hostnameOverride is new in Kubernetes 1.34.
    text = POD.format(extra="  hostnameOverride: web-1\n")
    (tmp_path / "pod.yaml").write_text(text)
    (tmp_path / "old.yaml").write_text('kubernetes-version: "1.33"\n')
    old = lint_paths(["pod.yaml"], tmp_path, select=["KC502"], config=tmp_path / "old.yaml")
    assert findings(old) == [("KC502", 9, 3, 'unknown field "spec.hostnameOverride"')]
    assert findings(lint_paths(["pod.yaml"], tmp_path, select=["KC502"])) == []


@pytest.mark.parametrize("version", ["1.33", "1.37"])
def test_a_field_the_api_server_defaults_is_never_missing(version: str, tmp_path: Path) -> None:
    # RoleRef.apiGroup is `required` in the OpenAPI up to 1.36, but rbac/v1 defaults it.
    text = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read
roleRef: {kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: app}]
"""
    (tmp_path / "binding.yaml").write_text(text)
    (tmp_path / "config.yaml").write_text(f'kubernetes-version: "{version}"\n')
    report = lint_paths(["binding.yaml"], tmp_path, select=["KC501"], config=tmp_path / "config.yaml")
    assert findings(report) == []


def test_objects_without_a_bundled_schema_are_left_to_other_rules(tmp_path: Path) -> None:
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: Not_A_Name\nspec: {anything: 1}\n"
    assert schema_findings(text, tmp_path) == []


def test_a_list_keeps_its_items_locations(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    date: {}
"""
    assert schema_findings(text, tmp_path) == [("KC502", 7, 5, 'unknown field "date" (did you mean "data"?)')]


# -- the validator's semantics, schema by schema ------------------------------------------------------------


def test_types_follow_kubernetes_decoding() -> None:
    integer = {"type": ["integer", "null"], "format": "int32"}
    assert problems(integer, 3.0) == []
    assert problems(integer, None) == []
    assert problems(integer, 2**31 - 1) == []
    assert problems(integer, 2**31) == [("", "2147483648 is out of range for a 32-bit integer")]
    assert problems(integer, True) == [("", "expected an integer, got the boolean true")]
    assert problems({"type": "integer"}, 2**63) == [
        ("", "9223372036854775808 is out of range for a 64-bit integer")
    ]
    assert problems({"type": "string"}, None) == [("", "expected a string, got null")]
    assert problems({"type": "number"}, float("inf")) == [("", "expected a number, got the number inf")]
    assert problems({"type": "boolean"}, "true") == [("", 'expected a boolean, got the string "true"')]
    assert problems({"type": ["object", "null"]}, []) == [("", "expected a mapping, got a list")]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("500m", True),
        ("1.5", True),
        ("128Mi", True),
        (".5", True),
        ("1.", True),
        ("+1e3", True),
        ("1E-3", True),
        ("2Ei", True),
        ("1E", True),
        (" 1Gi ", True),
        (1, True),
        (0.25, True),
        ("-1", True),
        ("12n", True),
        ("1GB", False),
        ("1Gb", False),
        ("", False),
        ("1 Gi", False),
        ("1e1.5", False),
        ("Mi", False),
        ("1ki", False),
        (True, False),
        (float("nan"), False),
        ({}, False),
    ],
)
def test_quantities_follow_the_resource_quantity_grammar(value: object, valid: bool) -> None:
    assert quantity.is_quantity(value) is valid


def test_int_or_string_and_quantity_definitions() -> None:
    int_or_string = {
        "oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}],
        "x-kcheck-definition": validate.INT_OR_STRING,
    }
    assert problems(int_or_string, "25%") == problems(int_or_string, 3) == problems(int_or_string, None) == []
    assert problems(int_or_string, 1.5) == [("", "expected an integer or a string, got the number 1.5")]
    assert problems(int_or_string, 2**31) == [("", "2147483648 is out of range for a 32-bit integer")]
    quantity = {"x-kcheck-definition": validate.QUANTITY}
    assert problems(quantity, "2GiB") == [
        (
            "",
            'expected a quantity (a number, or a string such as "500m", "'
            '1.5" or "128Mi"), got the string "2GiB"; '
            "quantities have no B: write 2Gi",
        )
    ]


@pytest.mark.parametrize(
    ("group", "kind", "name", "valid"),
    [
        ("apps", "Deployment", "web.v2", True),
        ("apps", "Deployment", "Web", False),
        ("apps", "Deployment", "a" * 253, True),
        ("apps", "Deployment", "a" * 254, False),
        ("", "Service", "web-1", True),
        ("", "Service", "1-web", False),
        ("", "Service", "web.internal", False),
        ("", "Namespace", "team-a", True),
        ("", "Namespace", "team.a", False),
        ("rbac.authorization.k8s.io", "ClusterRole", "system:controller:Foo", True),
        ("rbac.authorization.k8s.io", "ClusterRole", "a/b", False),
        ("rbac.authorization.k8s.io", "RoleBinding", "..", False),
        ("certificates.k8s.io", "CertificateSigningRequest", "Node CSR #1", True),
        ("certificates.k8s.io", "ClusterTrustBundle", "example.com:signer:bundle", True),
        ("networking.k8s.io", "IPAddress", "2001:db8::1", True),
        ("batch", "CronJob", "a" * 52, True),
        ("batch", "CronJob", "a" * 53, False),
    ],
)
def test_names_follow_the_rule_of_their_kind(group: str, kind: str, name: str, valid: bool) -> None:
    found = list(semantics.object_name(group, kind, {"name": name}))
    assert (found == []) is valid


def test_generate_name_may_end_with_a_dash_and_cluster_scoped_namespaces_are_not_checked() -> None:
    assert list(semantics.object_name("", "Pod", {"generateName": "batch-"})) == []
    assert list(semantics.object_name("", "Pod", {"generateName": "Batch-"})) != []
    assert (
        list(
            semantics.object_name("rbac.authorization.k8s.io", "ClusterRole", {"name": "a", "namespace": "X"})
        )
        == []
    )
    assert list(semantics.object_name("", "ConfigMap", {"name": "a", "namespace": "X"})) == [
        (
            ("metadata", "namespace"),
            'invalid namespace "X": a lowercase RFC 1123 label must consist of lowercase '
            "alphanumeric characters or '-', and must start and end with an alphanumeric character",
        )
    ]


@pytest.mark.parametrize(
    ("key", "errors"),
    [
        ("app", []),
        ("app.kubernetes.io/name", []),
        (
            "Example.COM/x",
            [
                "prefix part a lowercase RFC 1123 subdomain must consist of lowercase alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character"
            ],
        ),
        ("/x", ["prefix part must be non-empty"]),
        ("a/", ["name part must be non-empty"]),
        (
            "a/b/c",
            [
                "a qualified name must be a name with an optional DNS "
                "subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ],
        ),
        ("x" * 64, ["name part must be no more than 63 characters"]),
        (
            "_x",
            [
                "name part must consist of alphanumeric characters, '-', '_' "
                "or '.', and must start and end with an alphanumeric character"
            ],
        ),
    ],
)
def test_label_keys_are_qualified_names(key: str, errors: list[str]) -> None:
    assert names.qualified_name(key) == errors


def test_label_values_and_the_annotation_size_limit() -> None:
    assert names.label_value("") == names.label_value("v1.2_3-a") == []
    assert names.label_value("a" * 64) == ["must be no more than 63 characters"]
    limit = semantics.ANNOTATIONS_MAX_BYTES
    at_limit = {"k": "x" * (limit - 1)}
    assert list(semantics.annotation_map(("metadata", "annotations"), at_limit)) == []
    over = {"k": "é" * (limit // 2)}  # two bytes each in UTF-8: the limit counts bytes
    assert list(semantics.annotation_map(("metadata", "annotations"), over)) == [
        (
            ("metadata", "annotations"),
            f"the annotations take {limit + 1} bytes; the API "
            f"server allows at most {limit} (256 KiB) per object",
        )
    ]


def test_the_annotation_limit_is_reported_at_the_annotations_of_a_manifest(tmp_path: Path) -> None:
    big = "x" * (256 * 1024)
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    note: {big}\n"
    [(rule, line, column, message)] = schema_findings(text, tmp_path)
    assert (rule, line, column) == ("KC501", 5, 3)
    assert message.startswith("metadata.annotations: the annotations take 262148 bytes")


# -- structural (CRD-style) schemas, for custom resources ---------------------------------------------------


def test_alternatives_collapse_into_one_message() -> None:
    either = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert problems(either, []) == [("", "expected an integer or a string, got a list")]
    shapes = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    }
    assert problems(shapes, {}) == [("", 'missing required field "a" or missing required field "b"')]
    assert problems(shapes, {"a": "x", "b": "y"}) == [
        ("", "matches 2 of the 2 alternatives; exactly one must match")
    ]
    deep = {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"n": {"type": "integer"}}}]}
    assert problems(deep, {"n": "x"}) == [("n", 'n: expected an integer, got the string "x"')]


def test_structural_schema_extensions() -> None:
    schema = {
        "type": "object",
        "properties": {
            "free": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "properties": {"n": {"type": "integer"}},
            },
            "port": {"x-kubernetes-int-or-string": True},
            "template": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "properties": {"spec": {"type": "object"}},
            },
            "empty": {"type": "object", "properties": {}},
            "maybe": {"type": "string", "nullable": True},
            "mode": {"type": "string", "enum": ["Fast", "Safe"]},
            "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
            "size": {"type": "integer", "minimum": 1, "exclusiveMaximum": True, "maximum": 10},
        },
    }
    good = {
        "free": {"x": 1, "n": 2},
        "port": "http",
        "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {}},
        "maybe": None,
        "empty": {},
    }
    assert problems(schema, good) == []
    bad = {
        "free": {"n": "x"},
        "port": 1.5,
        "template": {"kind": "Pod", "metadata": {"labels": {"a": "-"}}},
        "empty": {"x": 1},
        "maybe": 1,
        "mode": "fast",
        "name": "abcdef1",
        "size": 10,
    }
    assert problems(schema, bad) == [
        ("free.n", 'free.n: expected an integer, got the string "x"'),
        ("port", "port: expected an integer or a string, got the number 1.5"),
        ("template", 'template: missing required field "apiVersion"'),
        (
            "template.metadata.labels.a",
            'template.metadata.labels.a: invalid label value "-": a label value must be empty or consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
        ("empty.x", 'unknown field "empty.x"'),
        ("maybe", "maybe: expected a string, got the integer 1 (quote the value to make it a string)"),
        ("mode", 'mode: expected one of "Fast", "Safe", got the string "fast" (did you mean "Fast"?)'),
        ("name", "name: must have at most 5 characters, has 7"),
        ("name", 'name: the string "abcdef1" does not match the pattern "^[a-z]+$"'),
        ("size", "size: must be less than 10, got 10"),
    ]


def test_recursive_schemas_compile_once_and_validate_to_any_depth() -> None:
    node: dict[str, Any] = {"type": "object", "properties": {"name": {"type": "string"}}}
    node["properties"]["children"] = {"type": "array", "items": node}
    tree = {"name": "a", "children": [{"name": "b", "children": [{"name": 3}]}]}
    assert problems(node, tree) == [
        (
            "children[0].children[0].name",
            "children[0].children[0].name: expected a string, got the "
            "integer 3 (quote the value to make it a string)",
        )
    ]


def test_validators_are_compiled_once_per_version_and_kind() -> None:
    first = validate.validator("1.37", "apps/v1", "Deployment")
    assert first is not None
    assert validate.validator("1.37", "apps/v1", "Deployment") is first
    assert validate.validator("1.37", "apps/v1", "Nothing") is None
    deployment = validate.validator("1.36", "apps/v1", "Deployment")
    assert deployment is not None and deployment is not first


def test_patterns_that_backtrack_exponentially_in_python_are_not_checked() -> None:
    # RE2 (Kubernetes) runs `(a+)+$` in linear time; Python's engine would take minutes on this value.
    assert problems({"type": "string", "pattern": "^(a+)+$"}, "a" * 40 + "!") == []
    assert problems({"type": "string", "pattern": "^(ab)+$"}, "abx") == [
        ("", 'the string "abx" does not match the pattern "^(ab)+$"')
    ]


# -- whatever the input: no exception, and every problem points at something that exists -----------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"a": "b"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "a", "operator": "In"}]},
        "strategy": {"rollingUpdate": {"maxSurge": 1}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "securityContext": {"runAsUser": 1},
                "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1Gi"}}],
                "containers": [
                    {
                        "name": "app",
                        "image": "x",
                        "ports": [{"containerPort": 80}],
                        "env": [{"name": "A", "value": "1"}],
                        "resources": {"limits": {"cpu": "1"}},
                    }
                ],
            },
        },
    },
}


def _containers(value: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every (path, container value) of a decoded object, for choosing where to put junk."""
    found: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(((key, *path), sub) for path, sub in _containers(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(((index, *path), sub) for path, sub in _containers(item))
    return found


def _exists(value: Any, path: tuple[str | int, ...]) -> bool:
    for part in path:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_dict or in_list):
            return False
        value = value[part]
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_anywhere_is_reported_without_an_exception_at_a_path_that_exists(
    data: st.DataObject,
) -> None:
    obj = copy.deepcopy(_DEPLOYMENT)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        places = [
            (path, value) for path, value in _containers(obj) if isinstance(value, (dict, list)) and path
        ]
        _, container = data.draw(st.sampled_from(places))
        junk = data.draw(_JSON)
        if isinstance(container, dict):
            container[data.draw(st.sampled_from([*container, "extra"]))] = junk
        elif container:
            container[data.draw(st.integers(min_value=0, max_value=len(container) - 1))] = junk
        else:
            container.append(junk)
    check = validate.validator("1.37", "apps/v1", "Deployment")
    assert check is not None
    for problem in validate.validate(obj, check, "apps", "Deployment"):
        assert _exists(obj, problem.path), problem
        assert problem.message


# -- custom resources: the schema of a CustomResourceDefinition of the run ---------------------------------

WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size, kind]
              properties:
                size: {type: integer, minimum: 1}
                kind: {type: string, default: Basic}
                memory:
                  x-kubernetes-int-or-string: true
                  anyOf: [{type: integer}, {type: string}]
                  pattern: QUANTITY_PATTERN
                address:
                  type: object
                  properties:
                    type: {type: string, default: IPAddress}
                    value: {type: string}
                  oneOf:
                    - properties:
                        type: {enum: [IPAddress]}
                        value: {anyOf: [{format: ipv4}, {format: ipv6}]}
                    - properties: {type: {not: {enum: [IPAddress]}}}
                status: {type: object}
---
""".replace(
    # How controller-gen writes a resource.Quantity field.
    "QUANTITY_PATTERN",
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|"
    r"(\.[0-9]+))))?$",
)


def test_custom_resources_are_validated_against_the_crd_of_the_run(tmp_path: Path) -> None:
    text = (
        WIDGET_CRD
        + """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: Big
spec:
  size: 0
  memory: 1GB
  colour: red
  address: {value: not-an-ip}
  status: {phase: Ready}
"""
    )
    assert schema_findings(text, tmp_path) == [
        (
            "KC501",
            42,
            3,
            'metadata.name: invalid name "Big": a lowercase RFC 1123 subdomain must consist of lowercase '
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        ),
        ("KC501", 44, 3, "spec.size: must be at least 1, got 0"),
        (
            "KC501",
            45,
            3,
            'spec.memory: expected a quantity (a number, or a string such as "500m", "1.5" or "128Mi"), '
            'got the string "1GB"; quantities have no B: write 1G or 1Gi',
        ),
        ("KC502", 46, 3, 'unknown field "spec.colour"'),
        (
            "KC501",
            47,
            13,
            'spec.address.value: expected an IPv4 address or an IPv6 address, got the string "not-an-ip"',
        ),
        # A structural `type: object` without properties has no fields.
        ("KC502", 48, 12, 'unknown field "spec.status.phase"'),
    ]


def test_defaults_apply_before_required_fields_and_alternatives(tmp_path: Path) -> None:
    text = (
        WIDGET_CRD
        + """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: small
spec:
  size: 1
  memory: 512Mi
  address: {value: 10.0.0.1}
"""
    )
    assert schema_findings(text, tmp_path) == []
    hostname = text.replace("{value: 10.0.0.1}", "{type: Hostname, value: example.com}")
    assert schema_findings(hostname, tmp_path) == []


def test_a_custom_resource_without_its_crd_is_not_validated_by_these_rules(tmp_path: Path) -> None:
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: Big\nspec: {size: 0}\n"
    assert schema_findings(text, tmp_path) == []
