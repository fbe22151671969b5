"""build_objects: kind dispatch, List expansion, every shape error a located KC002 that keeps the object."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcheck.core.location import Span
from kcheck.model.base import GenericObject, ObjectSource
from kcheck.model.build import BuildResult, build_objects
from kcheck.model.config import ConfigMap
from kcheck.model.networking import NetworkPolicy
from kcheck.model.workloads import Deployment, Pod
from kcheck.source.loader import load_bytes
from tests.builders import build, container, deployment, objects, to_yaml


def shape_problems(result: BuildResult) -> list[tuple[str, Span, str]]:
    out = []
    for problem in result.problems:
        out.append((problem.rule_id, problem.target.locate(problem.path).span, str(problem.args["problem"])))
    return out


def test_a_deployment_is_typed_and_located() -> None:
    [obj] = objects(to_yaml(deployment("web", containers=[container("app", "nginx:1.25")], replicas=2)))
    assert isinstance(obj, Deployment)
    assert (obj.group, obj.ref.display(), obj.file_path) == ("apps", "Deployment web", "test.yaml")
    assert obj.spec is not None
    assert obj.spec.replicas == 2
    assert obj.locate(("spec", "replicas")).span == Span(6, 3, 6, 14)
    assert obj.raw["spec"]["replicas"] == 2


def test_every_field_of_the_wrong_type_is_one_located_problem_and_the_object_is_kept() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: 5
  labels: {enabled: true}
spec:
  replicas: three
  template:
    spec:
      hostNetwork: "yes"
      containers:
      - name: app
        args: [1]
        ports: [{containerPort: http}]
        resources: {limits: {cpu: true}}
      - 7
      - name: sidecar
        image: busybox
      volumes: {}
"""
    result = build(text)
    assert shape_problems(result) == [
        (
            "KC002",
            Span(4, 3, 4, 10),
            "metadata.name: expected a string, got the integer 5 (quote the value to make it a string)",
        ),
        (
            "KC002",
            Span(5, 12, 5, 25),
            "metadata.labels.enabled: expected a string, got the boolean true "
            "(quote the value to make it a string)",
        ),
        ("KC002", Span(7, 3, 7, 18), 'spec.replicas: expected an integer, got the string "three"'),
        (
            "KC002",
            Span(10, 7, 10, 25),
            'spec.template.spec.hostNetwork: expected a boolean, got the string "yes"',
        ),
        (
            "KC002",
            Span(13, 16, 13, 17),
            "spec.template.spec.containers[0].args[0]: expected a string, got the integer 1 "
            "(quote the value to make it a string)",
        ),
        (
            "KC002",
            Span(14, 18, 14, 37),
            "spec.template.spec.containers[0].ports[0].containerPort: "
            'expected an integer, got the string "http"',
        ),
        (
            "KC002",
            Span(15, 30, 15, 39),
            "spec.template.spec.containers[0].resources.limits.cpu: "
            "expected a quantity (a string or a number), got the boolean true",
        ),
        (
            "KC002",
            Span(16, 9, 16, 10),
            "spec.template.spec.containers[1]: expected a mapping, got the integer 7",
        ),
        ("KC002", Span(19, 7, 19, 14), "spec.template.spec.volumes: expected a list, got a mapping"),
    ]
    [obj] = result.objects
    assert isinstance(obj, Deployment)
    assert obj.spec is not None
    assert obj.spec.template is not None
    assert obj.spec.template.spec is not None
    # The bad values are dropped; the rest, and the indexes of the containers, are kept for other rules.
    assert [(c.name, c.image) for c in obj.spec.template.spec.containers] == [
        ("app", None),
        (None, None),
        ("sidecar", "busybox"),
    ]
    assert obj.metadata.name is None
    assert obj.spec.replicas is None
    assert obj.raw["spec"]["replicas"] == "three"  # the decoded value is untouched


def test_go_json_decoding_accepts_integral_floats_and_null_everywhere() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: null}\n"
        "spec:\n  containers: null\n  priority: 3.0\n"
    )
    [obj] = objects(text)
    assert isinstance(obj, Pod)
    assert obj.spec is not None
    assert (obj.spec.priority, obj.spec.containers, obj.metadata.labels) == (3, [], {})
    result = build(text.replace("3.0", "3.5"))
    assert shape_problems(result) == [
        ("KC002", Span(6, 3, 6, 16), "spec.priority: expected an integer, got the number 3.5")
    ]


def test_unknown_fields_are_kept() -> None:
    [obj] = objects(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [], futureField: {a: 1}}\n"
    )
    assert isinstance(obj, Pod)
    assert obj.spec is not None
    assert obj.spec.model_extra == {"futureField": {"a": 1}}


def test_kinds_dispatch_by_group() -> None:
    text = to_yaml(
        {
            "apiVersion": "example.com/v1",
            "kind": "Deployment",
            "metadata": {"name": "crd"},
            "spec": {"replicas": "x"},
        },
        {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "old"}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"}},
        {"apiVersion": "v1", "kind": "NetworkPolicy", "metadata": {"name": "bogus"}},
    )
    result = objects(text)
    assert [type(o) for o in result] == [GenericObject, Deployment, NetworkPolicy, GenericObject]
    assert result[0].model_extra == {"spec": {"replicas": "x"}}


def test_lists_are_expanded_and_each_item_keeps_its_location() -> None:
    text = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- kind: Secret
  metadata: {name: b}
- just a string
- apiVersion: v1
  kind: ConfigMapList
  items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: 1}}
"""
    result = build(text)
    sources = [o.source for o in result.objects]
    assert all(isinstance(source, ObjectSource) for source in sources)
    assert [(o.ref.display(), getattr(o.source, "base_path", None)) for o in result.objects] == [
        ("ConfigMap a", ("items", 0)),
        ("ConfigMap c", ("items", 3, "items", 0)),
    ]
    assert isinstance(result.objects[1], ConfigMap)
    assert result.objects[1].locate(("metadata", "name")).span == Span(13, 50, 13, 57)
    assert shape_problems(result) == [
        ("KC002", Span(7, 3, 7, 15), "apiVersion is missing"),
        ("KC002", Span(9, 3, 9, 16), 'items[2] is the string "just a string", not a Kubernetes object'),
        (
            "KC002",
            Span(13, 67, 13, 71),
            "data.k: expected a string, got the integer 1 (quote the value to make it a string)",
        ),
    ]


def test_documents_that_are_not_objects() -> None:
    text = (
        "- a\n---\nplain\n---\nkind: Pod\n---\napiVersion: 1\nkind: [Pod]\n"
        "---\napiVersion: v1\nkind: List\nitems: 5\n"
    )
    result = build(text)
    assert result.objects == []
    assert shape_problems(result) == [
        ("KC002", Span(1, 3, 1, 4), "the document is a list, not a Kubernetes object"),
        ("KC002", Span(3, 1, 3, 6), 'the document is the string "plain", not a Kubernetes object'),
        ("KC002", Span(5, 1, 5, 10), "apiVersion is missing"),
        ("KC002", Span(7, 1, 7, 14), "apiVersion: expected a string, got the integer 1"),
        ("KC002", Span(8, 1, 8, 5), "kind: expected a string, got a list"),
        ("KC002", Span(12, 1, 12, 9), "items: expected a list, got the integer 5"),
    ]


def test_a_name_is_required_unless_generate_name_is_set() -> None:
    text = to_yaml(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"a": "b"}}},
        {"apiVersion": "v1", "kind": "ConfigMap"},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "run-"}},
    )
    result = build(text)
    assert len(result.objects) == 3
    assert shape_problems(result) == [
        ("KC002", Span(3, 1, 3, 9), "metadata.name is missing (generateName is allowed instead)"),
        ("KC002", Span(7, 1, 7, 15), "metadata.name is missing (generateName is allowed instead)"),
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
kinds = st.sampled_from(
    ["Pod", "Deployment", "CronJob", "Service", "List", "NetworkPolicy", "ClusterRole", "Foo"]
)
versions = st.sampled_from(
    ["v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"]
)
field_names = st.sampled_from(
    [
        "spec",
        "metadata",
        "items",
        "template",
        "containers",
        "rules",
        "selector",
        "labels",
        "name",
        "ports",
        "x",
    ]
)
objects_like = st.fixed_dictionaries(
    {"apiVersion": versions | json_values, "kind": kinds | json_values},
    optional={"metadata": json_values, "spec": json_values, "items": st.lists(json_values, max_size=3)},
).flatmap(
    lambda base: st.dictionaries(field_names, json_values, max_size=3).map(lambda extra: {**extra, **base})
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(objects_like, json_values))
def test_build_objects_never_raises(value: Any) -> None:
    text = json.dumps(value, allow_nan=False) if _finite(value) else "null"
    source = load_bytes("fuzz.json", text.encode())
    result = build_objects(source.documents)
    for problem in result.problems:
        problem.target.locate(problem.path)
        assert problem.args["problem"]
    for obj in result.objects:
        assert obj.ref is not None


def _finite(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def test_a_detached_object_keeps_what_it_is_asked_to_locate_and_no_document() -> None:
    text = """\
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  annotations:
    ignore.kcheck.io/KC505: "vendored"
    kubectl.kubernetes.io/last-applied-configuration: "{}"
spec:
  size: 1
"""
    (obj,) = build(text).objects
    bare = obj.detached([("metadata", "name")], keep_fields=False, annotations=["ignore.kcheck.io/KC505"])
    assert isinstance(bare, GenericObject) and bare.raw == {}
    assert bare.metadata.annotations == {"ignore.kcheck.io/KC505": "vendored"}
    assert obj.metadata.annotations.keys() == {
        "ignore.kcheck.io/KC505",
        "kubectl.kubernetes.io/last-applied-configuration",
    }
    assert not isinstance(bare.source, ObjectSource)
    assert bare.locate(("metadata", "name")) == obj.locate(("metadata", "name"))
    # A path it was not asked to keep is located at its nearest kept ancestor: the object itself.
    assert bare.locate(("spec", "size")).span == obj.locate(()).span
