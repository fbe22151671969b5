"""What rules need to know about the run, beyond the object they check (the target Kubernetes version).

The engine builds one `AnalysisContext` per run and passes it to the context rules (`registry.SCHEMA_RULES`,
`check(obj, context, options)`); per-object rules that need nothing but the object do not receive it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class CustomResources(Protocol):
    """The kinds the run's CustomResourceDefinitions define (`analyzers.schema.crd.CrdCatalog`; core
    imports nothing from kcheck, hence the protocol)."""

    def schema(
        self, api_version: str, kind: str, kubernetes_version: str | None = None
    ) -> Mapping[str, Any] | None:
        """A served custom resource kind's schema, in the form `analyzers.schema.store.resolve` returns."""
        ...

    def defines(self, group: str, kind: str) -> bool:
        """Whether a CRD of the run defines the kind (whatever versions it serves)."""
        ...

    def serves(self, api_version: str, kind: str) -> bool:
        """Whether a CRD of the run serves the kind in this apiVersion (`group/version`)."""
        ...

    def served_versions(self, group: str, kind: str) -> list[str]:
        """The versions ("v1", ...) in which the run's CRD for the kind serves it."""
        ...

    def deprecation(self, api_version: str, kind: str) -> str | None:
        """The warning the API server returns for a served version its CRD marks deprecated, else None."""
        ...


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    # "X.Y", one of the bundled versions (`analyzers.schema.store.supported_versions()`), already checked.
    kubernetes_version: str
    # The CRDs of the input and of `--crd` paths; None before the engine has read the input.
    custom_resources: CustomResources | None = None
