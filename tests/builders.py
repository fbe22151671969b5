"""Tiny factories of manifest YAML for unit tests: only what a test sets is written."""

from __future__ import annotations

from typing import Any

import yaml

from kcheck.model.base import K8sObject
from kcheck.model.build import BuildResult, build_objects
from kcheck.source.loader import load_bytes


class _NoAliasDumper(yaml.SafeDumper):
    """Writes shared values out in full: tests count lines, and anchors would move them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(*objects: dict[str, Any]) -> str:
    return "---\n".join(yaml.dump(obj, Dumper=_NoAliasDumper, sort_keys=False) for obj in objects)


def container(name: str = "app", image: str = "nginx:1.25", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": image, **fields}


def metadata(name: str, namespace: str | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    return meta


def pod_spec(containers: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    return {"containers": containers if containers is not None else [container()], **fields}


def pod(
    name: str = "web",
    labels: dict[str, str] | None = None,
    containers: list[dict[str, Any]] | None = None,
    namespace: str | None = None,
    **spec: Any,
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata(name, namespace, labels),
        "spec": pod_spec(containers, **spec),
    }


def deployment(
    name: str = "web",
    labels: dict[str, str] | None = None,
    containers: list[dict[str, Any]] | None = None,
    namespace: str | None = None,
    replicas: int | None = None,
    **spec: Any,
) -> dict[str, Any]:
    labels = labels if labels is not None else {"app": name}
    body: dict[str, Any] = {} if replicas is None else {"replicas": replicas}
    body["selector"] = {"matchLabels": labels}
    body["template"] = {"metadata": {"labels": labels}, "spec": pod_spec(containers, **spec)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, namespace),
        "spec": body,
    }


def service(
    name: str = "web", selector: dict[str, str] | None = None, namespace: str | None = None
) -> dict[str, Any]:
    spec = {"selector": selector if selector is not None else {"app": name}, "ports": [{"port": 80}]}
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(name, namespace), "spec": spec}


def namespace(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata(name, labels=labels)}


def build(text: str, path: str = "test.yaml") -> BuildResult:
    """Load YAML text as a file at `path` and build its objects."""
    return build_objects(load_bytes(path, text.encode()).documents)


def objects(text: str, path: str = "test.yaml") -> list[K8sObject]:
    result = build(text, path)
    assert result.problems == [], [p.args for p in result.problems]
    return result.objects
