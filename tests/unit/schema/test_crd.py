"""CustomResourceDefinitions: the catalogue, the validator's schema, structural checks, rule evaluation,
`--crd` paths and the config key `crds`."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kcheck.analyzers.schema import crd as crds
from kcheck.analyzers.schema import store
from kcheck.analyzers.schema.analysis import ObjectAnalysis, SchemaRun
from kcheck.cli.main import app
from kcheck.core.errors import UsageError
from kcheck.core.findings import Report
from kcheck.engine.config import Settings
from kcheck.engine.pipeline import RunRequest, run
from kcheck.inventory.context import AnalysisContext
from kcheck.model.build import build_objects
from kcheck.source.loader import load_bytes
from tests.lint_helpers import found, lint_paths, lint_text

CRD = """\
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
            metadata:
              type: object
              properties:
                name: {type: string, maxLength: 10}
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.size <= 10
                  messageExpression: "self.note"
                  message: at most 10
              properties:
                size: {type: integer, nullable: true}
                note: {type: string}
                mode: {type: string, enum: [a, b]}
                settings: {type: object}
                parts:
                  type: array
                  items:
                    type: object
                    x-kubernetes-validations:
                      - rule: self.weight > 0
                        fieldPath: .weight
                    properties:
                      weight: {type: integer}
                labels:
                  type: object
                  additionalProperties:
                    type: string
                    x-kubernetes-validations:
                      - rule: self != ''
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
"""


def objects(text: str) -> list[Any]:
    return build_objects(load_bytes("x.yaml", text.encode()).documents).objects


def catalog(text: str = CRD) -> crds.CrdCatalog:
    return crds.CrdCatalog(objects(text))


def resource(spec: str, name: str = "w") -> Any:
    head = f"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\nspec:\n"
    text = head + textwrap.indent(spec, "  ")
    (obj,) = objects(text)
    return obj


def test_only_served_versions_provide_schemas() -> None:
    found_catalog = catalog()
    assert found_catalog.serves("example.com/v1", "Widget")
    assert not found_catalog.serves("example.com/v1beta1", "Widget")
    assert found_catalog.defines("example.com", "Widget")
    assert found_catalog.served_versions("example.com", "Widget") == ["v1"]
    version = found_catalog.version("example.com/v1", "Widget")
    assert version is not None and version.scope == "Namespaced"
    assert version.schema_path == ("spec", "versions", 0, "schema", "openAPIV3Schema")


def test_the_first_crd_of_a_kind_wins() -> None:
    other = CRD.replace("name: widgets.example.com", "name: widgets2.example.com").replace(
        "maxLength: 10", "maxLength: 3"
    )
    first, second = objects(CRD)[0], objects(other)[0]
    version = crds.CrdCatalog([first, second]).version("example.com/v1", "Widget")
    assert version is not None and version.crd is first


def test_v1beta1_crds_share_their_validation_schema_and_preserve_unknown_fields() -> None:
    text = """\
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: olds.example.com}
spec:
  group: example.com
  version: v1
  scope: Cluster
  names: {plural: olds, kind: Old}
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec: {type: object}
"""
    version = catalog(text).version("example.com/v1", "Old")
    assert version is not None and version.scope == "Cluster"
    assert version.schema_path == ("spec", "validation", "openAPIV3Schema")
    assert version.json_schema()["x-kubernetes-preserve-unknown-fields"] is True


def test_the_validators_schema_has_custom_resource_semantics() -> None:
    version = catalog().version("example.com/v1", "Widget")
    assert version is not None
    schema = version.json_schema("1.37")
    assert schema is version.json_schema("1.37"), "the same dict, so a compiled validator can be cached"
    spec = schema["properties"]["spec"]
    # Null properties are pruned by the API server: accepted.
    assert spec["nullable"] is True and spec["properties"]["mode"] == {
        "type": "string",
        "enum": ["a", "b"],
        "nullable": True,
    }
    # `type: object` alone has no fields: every key of it is unknown.
    assert spec["properties"]["settings"]["properties"] == {}
    assert "x-kubernetes-validations" not in spec
    assert schema["properties"]["kind"] == {"type": "string"}
    object_meta = store.resolve("1.37", "v1", "ConfigMap")["properties"]["metadata"]  # type: ignore[index]
    assert schema["properties"]["metadata"]["allOf"][0] is object_meta
    assert schema["properties"]["metadata"]["allOf"][1]["properties"]["name"]["maxLength"] == 10


def test_rules_run_at_every_value_of_their_level() -> None:
    obj = resource("size: 12\nnote: ''\nparts:\n  - weight: 1\n  - weight: 0\nlabels:\n  a: x\n  b: ''\n")
    evaluation = catalog().evaluate(obj)
    assert evaluation is not None
    failures = [(f.path, f.message) for f in evaluation.failures]
    assert failures == [
        # An empty messageExpression result falls back to message.
        (("spec",), "at most 10"),
        (("spec", "parts", 1, "weight"), "failed rule: self.weight > 0"),
        (("spec", "labels", "b"), "failed rule: self != ''"),
    ]
    assert evaluation.failures[1].rule.location == (
        "spec",
        "versions",
        0,
        "schema",
        "openAPIV3Schema",
        "properties",
        "spec",
        "properties",
        "parts",
        "items",
        "x-kubernetes-validations",
        0,
        "rule",
    )


def test_evaluation_is_done_once_per_object(monkeypatch: pytest.MonkeyPatch) -> None:
    # KC507 and KC510 read one evaluation: the object's analysis computes it on first use.
    obj = resource("size: 1\n")
    run = SchemaRun(AnalysisContext("1.35"), catalog())
    calls: list[object] = []
    evaluate = crds.evaluate

    def counted(*args: Any) -> crds.Evaluation:
        calls.append(args)
        return evaluate(*args)

    monkeypatch.setattr(crds, "evaluate", counted)
    analysis = ObjectAnalysis(obj, run)
    assert analysis.resource is analysis.resource is not None
    assert len(calls) == 1


def test_a_value_of_the_wrong_type_is_not_given_to_rules() -> None:
    evaluation = catalog().evaluate(resource("size: many\nnote: x\nparts: nope\n"))
    assert evaluation is not None and evaluation.failures == []


def test_the_budget_stops_evaluation_and_says_where() -> None:
    obj = resource("size: 1\nnote: x\nparts:\n" + "".join(f"  - weight: {i}\n" for i in range(1, 40)))
    version = catalog().version("example.com/v1", "Widget")
    assert version is not None
    evaluation = crds.evaluate(version, obj.raw, budget_steps=50)
    assert evaluation.exhausted is not None
    path, rule = evaluation.exhausted
    assert path[:2] == ("spec", "parts") and rule.text == "self.weight > 0"


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (".spec.replicas", ("spec", "replicas")),
        (".labels['app.kubernetes.io/name']", ("labels", "app.kubernetes.io/name")),
        ("['a b'].c", ("a b", "c")),
        ("spec", None),
        (".items[0]", None),
        ("", None),
    ],
)
def test_field_paths(text: str, steps: tuple[str, ...] | None) -> None:
    assert crds.parse_field_path(text) == steps


def _problems(schema: dict[str, Any]) -> list[tuple[str, str]]:
    from kcheck.core.location import format_path

    return [(format_path(p.path), p.message) for p in crds.structural_problems(schema)]


def test_structural_problems_follow_validate_structural() -> None:
    assert _problems({"type": "object", "properties": {"a": {}}}) == [
        ("properties.a.type", "type must not be empty for specified object fields")
    ]
    assert _problems({"properties": {"a": {"type": "string"}}}) == [
        ("type", "type must not be empty at the root")
    ]
    assert _problems({"type": "array", "items": {"type": "string"}}) == [
        ("type", "type must be object at the root, not array")
    ]
    int_or_string = {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert _problems({"type": "object", "properties": {"port": int_or_string}}) == []
    not_int_or_string = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert _problems({"type": "object", "properties": {"port": not_int_or_string}}) == [
        (
            "properties.port.anyOf[0].type",
            "type must be empty to be structural (inside allOf, anyOf, oneOf or not)",
        ),
        (
            "properties.port.anyOf[1].type",
            "type must be empty to be structural (inside allOf, anyOf, oneOf or not)",
        ),
        ("properties.port.type", "type must not be empty for specified object fields"),
    ]
    embedded = {"type": "object", "x-kubernetes-embedded-resource": True}
    assert _problems({"type": "object", "properties": {"t": embedded}}) == [
        (
            "properties.t.properties",
            "properties must not be empty if x-kubernetes-embedded-resource is true without "
            "x-kubernetes-preserve-unknown-fields",
        )
    ]
    assert _problems(
        {"type": "object", "properties": {"a": {"type": "object", "additionalProperties": False}}}
    ) == [("properties.a.additionalProperties", "additionalProperties cannot be set to false")]


def _lint_with_crds(paths: list[str], crd_paths: list[str], cwd: Path, **settings: Any) -> Report:
    request = RunRequest(paths=paths, cwd=cwd, settings=Settings(**settings), crd_paths=crd_paths)
    return run(request)


def test_a_crd_file_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(UsageError, match=r"--crd missing\.yaml: no such file or directory"):
        _lint_with_crds(["app.yaml"], ["missing.yaml"], tmp_path)


def test_crd_files_go_through_the_source_layer_and_only_their_crds_count(tmp_path: Path) -> None:
    # A broken --crd file is a finding at its location (as any input), not the end of the run; a --crd
    # file's other objects are not linted (it describes the cluster); an oversized one is KC011.
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widget.yaml").write_text(
        CRD + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {bogus: 1}\n"
    )
    (tmp_path / "crds" / "broken.yaml").write_text("a: [\n")
    (tmp_path / "big.yaml").write_text(CRD + "#" * 2048 + "\n")
    (tmp_path / "app.yaml").write_text(BAD_WIDGET)
    report = _lint_with_crds(["app.yaml"], ["crds", "big.yaml"], tmp_path, max_file_size=2048)
    assert {(f.rule_id, f.location.path) for f in report.active} >= {
        ("KC001", "crds/broken.yaml"),
        ("KC011", "big.yaml"),
        ("KC507", "app.yaml"),
    }
    assert not [f for f in report.active if f.location.path == "crds/widget.yaml"]


CLUSTER_CRD = CRD.replace("scope: Namespaced", "scope: Cluster")


def test_same_named_cluster_scoped_resources_are_duplicates_when_the_crd_comes_from_crd(
    tmp_path: Path,
) -> None:
    # The namespace of a cluster-scoped object is ignored: both are the same Widget `w`, whichever file
    # (input or --crd) defines the kind's scope.
    assert CLUSTER_CRD != CRD
    (tmp_path / "crd.yaml").write_text(CLUSTER_CRD)
    widgets = (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: %s}\nspec: {size: 1}\n"
    )
    (tmp_path / "app.yaml").write_text(widgets % "a" + "---\n" + widgets % "b")
    report = _lint_with_crds(["app.yaml"], ["crd.yaml"], tmp_path)
    assert [(f.rule_id, f.location.span.line) for f in report.active if f.rule_id == "KC007"] == [
        ("KC007", 8)
    ]


BAD_WIDGET = """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: shop
spec:
  note: too big
  size: 11
  parts:
    - weight: 0
"""


def test_the_input_crd_validates_its_custom_resources(tmp_path: Path) -> None:
    report = lint_text(CRD + "---\n" + BAD_WIDGET, tmp_path, select=["KC5"])
    assert found(report) == [("KC507", 58, 1), ("KC507", 62, 7)]
    first = report.active[0]
    assert first.message == "spec: too big"
    assert first.related[0].location.span.line == 24 and first.related[0].location.path == "manifest.yaml"


def test_crd_option_and_config_key_validate_custom_resources(tmp_path: Path) -> None:
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widget.yaml").write_text(CRD)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "widget.yaml").write_text(BAD_WIDGET)
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        without = runner.invoke(app, ["lint", "app", "--select", "KC5", "-q"])
        assert "KC505" in without.output and "KC507" not in without.output
        with_option = runner.invoke(app, ["lint", "app", "--select", "KC5", "-q", "--crd", "crds"])
        assert with_option.exit_code == 1
        assert with_option.output.splitlines() == [
            "app/widget.yaml:6:1: KC507 [error] spec: too big (crd-validation-rule-failed)",
            "app/widget.yaml:10:7: KC507 [error] spec.parts[0].weight: failed rule: self.weight > 0 "
            "(crd-validation-rule-failed)",
        ]
        missing = runner.invoke(app, ["lint", "app", "--crd", "nope"])
        assert missing.exit_code == 2 and "--crd nope: no such file or directory" in missing.output
    # The config's paths are relative to the config file.
    (tmp_path / "app" / ".kcheck.yaml").write_text("crds: [../crds/widget.yaml]\n")
    report = lint_paths(["."], tmp_path / "app", select=["KC5"])
    assert found(report) == [("KC507", 6, 1), ("KC507", 10, 7)]


def test_an_unserved_version_is_still_reported_as_unvalidated(tmp_path: Path) -> None:
    widget = BAD_WIDGET.replace("example.com/v1", "example.com/v1beta1")
    report = lint_text(CRD + "---\n" + widget, tmp_path, select=["KC505", "KC507"])
    assert [f.rule_id for f in report.active] == ["KC505"]


DEFAULTED = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: routes.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: routes, kind: Route}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-validations:
            - rule: self.metadata.name != 'forbidden'
          properties:
            metadata: {type: object}
            spec:
              type: object
              properties:
                backend:
                  type: object
                  x-kubernetes-validations:
                    - rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true"
                      message: Must have port for Service reference
                  properties:
                    group: {type: string, default: ""}
                    kind: {type: string, default: Service}
                    port: {type: integer}
"""


def test_rules_see_defaulted_fields_and_the_implicit_metadata() -> None:
    # The API server applies `default` before validating (Gateway API's rules depend on it), and a root
    # schema that declares `metadata: {type: object}` still lets rules read metadata.name.
    (crd,) = objects(DEFAULTED)
    assert list(crds.rule_problems(crd)) == []
    found_catalog = crds.CrdCatalog([crd])
    ok, bad = objects(
        "apiVersion: example.com/v1\nkind: Route\nmetadata: {name: a}\nspec: {backend: {port: 80}}\n---\n"
        "apiVersion: example.com/v1\nkind: Route\nmetadata: {name: forbidden}\nspec: {backend: {}}\n"
    )
    assert found_catalog.evaluate(ok) == crds.Evaluation(steps=found_catalog.evaluate(ok).steps)  # type: ignore[union-attr]
    evaluation = found_catalog.evaluate(bad)
    assert evaluation is not None
    assert [(f.path, f.message) for f in evaluation.failures] == [
        ((), "failed rule: self.metadata.name != 'forbidden'"),
        (("spec", "backend"), "Must have port for Service reference"),
    ]


_KEYS = st.sampled_from(
    [
        "type",
        "properties",
        "items",
        "additionalProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "required",
        "enum",
        "default",
        "nullable",
        "pattern",
        "minimum",
        "exclusiveMinimum",
        "metadata",
        "name",
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-int-or-string",
        "x-kubernetes-embedded-resource",
        "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys",
        "x-kubernetes-validations",
        "rule",
        "message",
        "fieldPath",
        "object",
        "array",
        "string",
        "integer",
    ]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.sampled_from(["object", "array", "string", "self.a > 0", "(", ""]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(schema=st.dictionaries(_KEYS, _JSON, max_size=5), value=_JSON)
def test_any_schema_and_value_give_problems_never_exceptions(schema: dict[str, Any], value: Any) -> None:
    from kcheck.analyzers.schema.validate import compile_schema

    crds.structural_problems(schema)
    version = crds.CrdVersion(objects(CRD)[0], "example.com", "Widget", "v1", "Namespaced", True, schema, ())
    compile_schema(version.json_schema("1.37"))
    crds.evaluate(
        version, {"spec": value, "metadata": {"name": "x"}} if not isinstance(value, dict) else value
    )
    crd = objects(CRD)[0]
    assert crd.spec is not None and crd.spec.versions[0].schema_ is not None
    crd.spec.versions[0].schema_.open_api_v3_schema = schema
    list(crds.rule_problems(crd))
