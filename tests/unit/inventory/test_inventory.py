"""Inventory: effective namespaces, namespaces with their control-plane label, lookups, selection, KC007."""

from __future__ import annotations

from kcheck.core.location import Span
from kcheck.inventory.inventory import Inventory
from kcheck.inventory.selectors import Selector, selector_from_map
from kcheck.model.workloads import Deployment
from tests.builders import deployment, namespace, objects, pod, service, to_yaml


def map_selector(labels: dict[str, str]) -> Selector:
    selector = selector_from_map(labels)
    assert isinstance(selector, Selector)
    return selector


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
"""


def test_effective_namespaces_and_scopes() -> None:
    text = to_yaml(
        deployment("web"), deployment("api", namespace="prod"), namespace("prod", labels={"team": "a"})
    )
    text += (
        "---\n"
        + CRD
        + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ignored}\n"
    )
    text += "---\napiVersion: other.io/v1\nkind: Gadget\nmetadata: {name: g}\n"
    inventory = Inventory(objects(text), default_namespace="dev")
    assert [(o.ref.display(), inventory.namespace_of(o)) for o in inventory.objects] == [
        ("Deployment web", "dev"),
        ("Deployment prod/api", "prod"),
        ("Namespace prod", None),
        ("CustomResourceDefinition widgets.example.com", None),
        ("Widget ignored/w", None),  # the CRD in the input says Widget is cluster-scoped
        ("Gadget g", "dev"),  # an unknown kind is namespaced
    ]
    assert {name: info.labels for name, info in inventory.namespaces.items()} == {
        "dev": {"kubernetes.io/metadata.name": "dev"},
        "prod": {"team": "a", "kubernetes.io/metadata.name": "prod"},
    }
    assert inventory.namespaces["prod"].declared is inventory.objects[2]
    assert inventory.namespaces["dev"].declared is None
    assert inventory.get("apps", "Deployment", "prod", "api") is inventory.objects[1]
    assert inventory.get("apps", "Deployment", "prod", "web") is None
    assert inventory.get("example.com", "Widget", None, "w") is inventory.objects[4]


def test_select_objects_and_pod_templates() -> None:
    text = to_yaml(
        deployment("web", labels={"app": "web"}),
        deployment("web2", labels={"app": "web"}, namespace="other"),
        pod("solo", labels={"app": "web", "tier": "x"}),
        service("web"),
    )
    inventory = Inventory(objects(text))
    selector = map_selector({"app": "web"})
    # Deployments carry no labels of their own here: only the Pod's labels match.
    assert [o.ref.display() for o in inventory.select(selector)] == ["Pod solo"]
    templates = inventory.select_pod_templates(selector, namespace="default")
    assert [t.owner.ref.display() for t in templates] == ["Deployment web", "Pod solo"]
    assert [t.owner.ref.display() for t in inventory.select_pod_templates(selector)] == [
        "Deployment web",
        "Deployment other/web2",
        "Pod solo",
    ]
    assert inventory.select(map_selector({}), kinds={("", "Service")})[0].ref.display() == "Service web"
    assert len(inventory.pod_templates) == 3
    assert [type(o) for o in inventory.of_kind("apps", "Deployment")] == [Deployment, Deployment]


def test_an_object_defined_twice_is_reported_on_the_second() -> None:
    text = to_yaml(
        deployment("web"), deployment("web", namespace="default"), deployment("web", namespace="other")
    )
    text += "---\napiVersion: batch/v1\nkind: Job\nmetadata: {generateName: x-}\n" * 2
    inventory = Inventory(objects(text, path="app.yaml"))
    [problem] = inventory.problems
    assert problem.rule_id == "KC007"
    assert problem.target is inventory.objects[1]
    assert problem.args == {"object": "Deployment default/web", "first": "app.yaml:4:3"}
    assert problem.target.locate(problem.path).span == Span(21, 3, 21, 12)
    [related] = problem.related
    assert related.target is inventory.objects[0]
    assert related.target.locate(related.path).span == Span(4, 3, 4, 12)
