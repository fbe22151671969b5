"""Files shaped like Kubernetes objects that are never sent to an API server: the configuration of tools
(kind, kubeadm, the kubelet, kube-proxy, the scheduler, skaffold, kustomize, kubeconfig, the API server's
admission, audit and encryption files). They have an `apiVersion` and a `kind`, and checking them as objects
would report a missing `metadata.name` and an unknown kind for each. They are recognised by group and kind
(`group/Kind` patterns, `*` as a wildcard; the core group is written `core`); the `tool-config-kinds`
setting adds more.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence

TOOL_CONFIG_KINDS: tuple[str, ...] = (
    "kind.x-k8s.io/Cluster",
    "kubeadm.k8s.io/*",
    "kubelet.config.k8s.io/*",
    "kubeproxy.config.k8s.io/*",
    "kubescheduler.config.k8s.io/*",
    "kubecontrollermanager.config.k8s.io/*",
    "kustomize.config.k8s.io/*",
    "apiserver.config.k8s.io/*",
    "apiserver.k8s.io/*",
    "audit.k8s.io/*",
    "client.authentication.k8s.io/*",
    "skaffold/*",
    "core/Config",
)
# kustomize's build files, whatever they hold: a `Kustomization` without apiVersion is still one.
KUSTOMIZATION_FILES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})


def is_tool_config(api_version: object, kind: object, extra: Sequence[str] = ()) -> bool:
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return False
    group = api_version.split("/", 1)[0] if "/" in api_version else "core"
    qualified = f"{group}/{kind}"
    return any(fnmatch.fnmatchcase(qualified, pattern) for pattern in (*TOOL_CONFIG_KINDS, *extra))


def is_build_file(path: str) -> bool:
    """A kustomize build file (`kustomization.yaml`), by its name."""
    return posixpath.basename(path) in KUSTOMIZATION_FILES
