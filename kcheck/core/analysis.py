"""What rules need to know about the run, beyond the object they check (the target Kubernetes version).

The engine builds one `AnalysisContext` per run and passes it to the context rules (`registry.SCHEMA_RULES`,
`check(obj, context, options)`); per-object rules that need nothing but the object do not receive it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    # "X.Y", one of the bundled versions (`analyzers.schema.store.supported_versions()`), already checked.
    kubernetes_version: str
