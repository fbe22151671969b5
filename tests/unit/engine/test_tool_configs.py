"""Files shaped like objects that are never applied (kustomize build files, tool configuration) are not
manifests: no KC002 or KC505 on them, while the objects beside them are still checked."""

from __future__ import annotations

from pathlib import Path

from kcheck.model.tool_configs import is_tool_config
from tests.lint_helpers import lint_paths

FILES = {
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    "overlay/Kustomization": "resources: [../base]\nkind: Kustomization\n",
    "component/kustomization.yml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
    "kind-cluster.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: []\n",
    "kubeconfig.yaml": "apiVersion: v1\nkind: Config\nclusters: []\n",
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild: {}\n",
    "audit.yaml": "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n",
    # A tool configuration beside an object in one file: the object is still checked.
    "all-in-one.yaml": "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n---\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
}


def test_tool_configuration_is_skipped_and_objects_beside_it_are_checked(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = lint_paths(["."], tmp_path, select=["KC0", "KC5"])
    assert [(f.location.path, f.location.span.line, f.rule_id) for f in report.active] == [
        ("all-in-one.yaml", 6, "KC002")  # the ConfigMap without a name
    ]


def test_the_setting_adds_kinds(tmp_path: Path) -> None:
    (tmp_path / "tool.yaml").write_text("apiVersion: tools.example.com/v1\nkind: Settings\nspec: {}\n")
    (tmp_path / "settings.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n")
    assert {f.rule_id for f in lint_paths(["."], tmp_path, select=["KC0", "KC5"]).active} == {
        "KC002",
        "KC505",
    }
    (tmp_path / ".kcheck.yaml").write_text('tool-config-kinds: ["tools.example.com/*"]\n')
    assert lint_paths(["."], tmp_path, select=None, config=tmp_path / ".kcheck.yaml").active == ()


def test_patterns() -> None:
    assert is_tool_config("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration")
    assert is_tool_config("v1", "Config")
    assert not is_tool_config("v1", "ConfigMap")
    assert not is_tool_config("kind.x-k8s.io/v1alpha4", "Other")
    assert is_tool_config("example.com/v1", "Thing", ["example.com/Thing"])
    assert not is_tool_config(None, "Cluster")
