"""What analyzers know about the run beyond the objects they check: the target Kubernetes version, the
run's CustomResourceDefinitions, and the labels of the Namespaces the input declares. The engine builds one
`AnalysisContext` per run; each family's `prepare` receives it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kcheck.core.findings import ObjectRef
from kcheck.core.location import Location, ObjectPath
from kcheck.inventory.crds import CrdIndex
from kcheck.model.base import K8sObject

# The labels that set a namespace's Pod Security admission levels (`pod-security.kubernetes.io/enforce`, ...).
PSS_LABEL_PREFIX = "pod-security.kubernetes.io/"


@dataclass(frozen=True, slots=True)
class DeclaredNamespace:
    """A Namespace object of the input as per-object rules see it: its labels, and where they are written
    (it may be in another file, released long ago). A `Locatable`: findings can point at its labels."""

    name: str
    labels: Mapping[str, str]
    ref: ObjectRef
    # Where each label is written, and the object itself (under the key "").
    locations: Mapping[str, Location]

    def locate(self, path: ObjectPath) -> Location:
        label = path[2] if len(path) == 3 and path[:2] == ("metadata", "labels") else ""
        return self.locations.get(str(label), self.locations[""])


@dataclass(frozen=True, slots=True)
class NetworkAssumptions:
    """What manifests cannot say about the cluster network and network plugins decide differently (setting
    `network`): whether hostNetwork pods are selected by NetworkPolicy selectors ("unselected", what most
    plugins do, or "selected"), and the pod network's CIDRs (given, an ipBlock covering all of them admits
    every pod, as Calico does; not given, ipBlocks never match pods)."""

    host_network_pods: str = "unselected"
    pod_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    # "X.Y", one of the bundled versions (`analyzers.schema.store.supported_versions()`), already checked.
    kubernetes_version: str
    # The CRDs of the input and of `--crd` paths; None while the files that may define CRDs or label
    # namespaces are being read (objects that need them wait: `analyzers.family.Family.needs_run_context`).
    crds: CrdIndex | None = None
    # Namespaces of the input by name (the first definition of each), known with the CRDs: those of the files
    # read first, among which is every Namespace with a Pod Security label (`filestage.may_shape_the_run`).
    namespaces: Mapping[str, DeclaredNamespace] = field(default_factory=dict)
    # Where objects without a namespace go (setting `default-namespace`).
    default_namespace: str = "default"
    network: NetworkAssumptions = NetworkAssumptions()

    @property
    def complete(self) -> bool:
        """Whether what the whole input says (CRDs, namespaces) is known yet."""
        return self.crds is not None


def declared_namespace(obj: K8sObject) -> DeclaredNamespace | None:
    """A Namespace object as `AnalysisContext.namespaces` holds it (None without a name)."""
    name = obj.metadata.name
    if not name:
        return None
    labels = obj.metadata.labels
    locations = {
        key: obj.locate(("metadata", "labels", key)) for key in labels if key.startswith(PSS_LABEL_PREFIX)
    }
    locations[""] = obj.locate(("metadata", "name"))
    return DeclaredNamespace(name, dict(labels), obj.ref, locations)
