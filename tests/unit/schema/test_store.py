"""The bundled schemas: versions, lookup by group/version/kind, resolved references, the version option."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kcheck.analyzers.schema import store
from kcheck.core.errors import UsageError
from kcheck.engine.config import Settings
from kcheck.engine.pipeline import RunRequest, run

REPO = Path(__file__).resolve().parents[3]
KCHECK = str(Path(sys.executable).with_name("kcheck"))


def test_the_five_newest_minor_versions_are_bundled_and_the_newest_is_the_default() -> None:
    assert store.supported_versions() == ("1.33", "1.34", "1.35", "1.36", "1.37")
    assert store.default_version() == "1.37"
    assert store.check_version(None) == "1.37"
    assert store.check_version("1.34") == "1.34"


@pytest.mark.parametrize("version", ["1.32", "1.38", "1.3", "v1.35", "1.35.2", ""])
def test_an_unsupported_version_is_a_usage_error_naming_the_supported_ones(version: str) -> None:
    with pytest.raises(UsageError) as error:
        store.check_version(version)
    assert str(error.value) == (
        f"Kubernetes version {version} is not supported; choose one of 1.33, 1.34, 1.35, 1.36, 1.37"
    )


def test_resolve_finds_a_kind_by_api_version_and_kind_with_references_replaced() -> None:
    schema = store.resolve("1.37", "apps/v1", "Deployment")
    assert schema is not None
    pod = schema["properties"]["spec"]["properties"]["template"]["properties"]["spec"]
    containers = pod["properties"]["containers"]
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    assert "image" in containers["items"]["properties"]
    assert "$ref" not in json.dumps(schema["properties"]["metadata"])


def test_shared_definitions_are_one_object_per_version_and_recursion_becomes_a_cycle() -> None:
    deployment = store.resolve("1.37", "apps/v1", "Deployment")
    pod = store.resolve("1.37", "v1", "Pod")
    assert deployment is not None and pod is not None
    assert deployment["properties"]["metadata"] is pod["properties"]["metadata"]
    crd = store.resolve("1.37", "apiextensions.k8s.io/v1", "CustomResourceDefinition")
    assert crd is not None
    version = crd["properties"]["spec"]["properties"]["versions"]["items"]
    props = version["properties"]["schema"]["properties"]["openAPIV3Schema"]
    assert props["properties"]["properties"]["additionalProperties"] is props
    assert props["properties"]["x-kubernetes-preserve-unknown-fields"] == {"type": ["boolean", "null"]}


def test_unknown_kinds_versions_and_groups_have_no_schema() -> None:
    assert store.resolve("1.37", "apps/v1", "Deploymnet") is None
    assert store.resolve("1.37", "v1", "Deployment") is None  # the kind exists, not in the core group
    assert store.resolve("1.37", "monitoring.coreos.com/v1", "ServiceMonitor") is None
    assert store.has_schema("1.37", "batch/v1", "CronJob")


def test_versions_differ_where_kubernetes_changed() -> None:
    # resource.k8s.io/v1 (Dynamic Resource Allocation) went GA in 1.34.
    assert not store.has_schema("1.33", "resource.k8s.io/v1", "ResourceClaim")
    assert store.has_schema("1.34", "resource.k8s.io/v1", "ResourceClaim")
    assert store.kinds("1.33")["v1|Pod"] == "io.k8s.api.core.v1.Pod"


def test_the_bundle_stores_each_distinct_definition_once() -> None:
    with gzip.open(REPO / "schemas" / "definitions.json.gz", "rt") as stream:
        definitions = json.load(stream)
    referenced = set()
    for version in store.supported_versions():
        with gzip.open(REPO / "schemas" / f"{version}.json.gz", "rt") as stream:
            referenced |= set(json.load(stream)["definitions"].values())
    assert referenced == set(definitions)
    # Five versions of about 700-860 definitions each share most of them.
    assert len(definitions) < 1000


def test_an_unsupported_version_in_the_configuration_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^Kubernetes version 1\.20 is not supported; choose one of "):
        run(RunRequest(paths=["."], cwd=tmp_path, settings=Settings(kubernetes_version="1.20")))


@pytest.mark.parametrize("command", ["lint", "baseline"])
def test_the_kubernetes_version_option_rejects_an_unsupported_version_with_exit_2(
    command: str, tmp_path: Path
) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    result = subprocess.run(
        [KCHECK, command, "--kubernetes-version", "1.29", "cm.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "kcheck: error: Kubernetes version 1.29 is not supported; "
        "choose one of 1.33, 1.34, 1.35, 1.36, 1.37\n"
    )
    assert not (tmp_path / ".kcheck-baseline.json").exists()


def test_the_kubernetes_version_option_accepts_a_supported_version(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    result = subprocess.run(
        [KCHECK, "lint", "--kubernetes-version", "1.33", "cm.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_a_wheel_reads_its_own_copy_and_a_missing_bundle_is_an_installation_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel_copy = tmp_path / "kcheck" / "_schemas"
    wheel_copy.mkdir(parents=True)
    (wheel_copy / "definitions.json.gz").write_bytes((REPO / "schemas" / "definitions.json.gz").read_bytes())
    (wheel_copy / "1.40.json.gz").write_bytes((REPO / "schemas" / "1.37.json.gz").read_bytes())
    monkeypatch.setattr(store, "_CANDIDATES", (wheel_copy, REPO / "schemas"))
    store.bundle_dir.cache_clear()
    store.supported_versions.cache_clear()
    try:
        assert store.supported_versions() == ("1.40",)
        monkeypatch.setattr(store, "_CANDIDATES", (tmp_path / "nowhere",))
        store.bundle_dir.cache_clear()
        store.supported_versions.cache_clear()
        with pytest.raises(store.SchemaBundleError, match="kcheck's Kubernetes schemas are missing"):
            store.check_version(None)
    finally:
        store.bundle_dir.cache_clear()
        store.supported_versions.cache_clear()
