"""Small manifests for the NetworkPolicy tests: pods and policies as YAML text, analysed in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kcheck.analyzers.netpol.cluster import Endpoint, Entry
from kcheck.analyzers.netpol.explain import parse_endpoint
from kcheck.analyzers.netpol.ports import PortSet
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.api.netpol import load
from kcheck.engine.config import NetworkSettings, Settings


def pod(
    namespace: str,
    name: str,
    labels: dict[str, str] | None = None,
    ports: list[dict[str, Any]] | None = None,
    host_network: bool = False,
) -> str:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "registry.example.com/app:1.0.0"}]}
    if ports:
        spec["containers"][0]["ports"] = ports
    if host_network:
        spec["hostNetwork"] = True
    document = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": name}},
        "spec": spec,
    }
    return json.dumps(document)


def namespace(name: str, labels: dict[str, str]) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})


def policy(namespace: str | None, name: str, spec: dict[str, Any]) -> str:
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    document = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata,
        "spec": spec,
    }
    return json.dumps(document)


def analyse(tmp_path: Path, *documents: str, **network: Any) -> Reachability:
    (tmp_path / "input.yaml").write_text("\n---\n".join(documents) + "\n")
    settings = Settings(network=NetworkSettings(**network))
    cluster, findings = load(["input.yaml"], cwd=tmp_path, settings=settings)
    errors = [f"{f.rule_id} {f.message}" for f in findings if f.severity.value == "error"]
    assert not errors, errors
    return Reachability(cluster)


def allowed(reach: Reachability, source: str, destination: str) -> PortSet:
    return reach.allowed(endpoint(reach, source), endpoint(reach, destination))


def endpoint(reach: Reachability, text: str) -> Endpoint:
    return parse_endpoint(reach, text)


def ports(**by_protocol: list[tuple[int, int]]) -> PortSet:
    return PortSet(by_protocol)


TCP = PortSet.of("TCP")
EVERYTHING = PortSet.ALL
NOTHING = PortSet.NONE
EXTERNAL, INGRESS_CONTROLLER = Entry("external"), Entry("ingress-controller")
