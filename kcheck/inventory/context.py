"""What analyzers know about the run beyond the objects they check: the target Kubernetes version and the
run's CustomResourceDefinitions. The engine builds one `AnalysisContext` per run; each family's `prepare`
receives it."""

from __future__ import annotations

from dataclasses import dataclass

from kcheck.inventory.crds import CrdIndex


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    # "X.Y", one of the bundled versions (`analyzers.schema.store.supported_versions()`), already checked.
    kubernetes_version: str
    # The CRDs of the input and of `--crd` paths; None while the files that may define CRDs are being read
    # (objects that need them wait: see `analyzers.family.Family.needs_custom_resources`).
    crds: CrdIndex | None = None
