"""Which CustomResourceDefinitions of a run define which kinds: the input's, in file order, then those of
`--crd` files. The first definition of a (group, kind) wins, as the API server keeps the first CRD created
for a name."""

from __future__ import annotations

from collections.abc import Iterable

from kcheck.core.rules import GroupKind
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition


class CrdIndex:
    def __init__(self, crds: Iterable[K8sObject] = ()) -> None:
        # The CRD of each kind, in order: the definitions that count.
        self.definitions: list[CustomResourceDefinition] = []
        self._by_kind: dict[GroupKind, CustomResourceDefinition] = {}
        for crd in crds:
            if isinstance(crd, CustomResourceDefinition):
                self.add(crd)

    def add(self, crd: CustomResourceDefinition) -> bool:
        """Index a CRD unless an earlier one defines its kind; whether it was (a CRD without group or kind
        defines nothing)."""
        spec = crd.spec
        if spec is None or not spec.group or spec.names is None or not spec.names.kind:
            return False
        if self._by_kind.setdefault((spec.group, spec.names.kind), crd) is not crd:
            return False
        self.definitions.append(crd)
        return True

    def __len__(self) -> int:
        return len(self._by_kind)

    def definition(self, group: str, kind: str) -> CustomResourceDefinition | None:
        return self._by_kind.get((group, kind))

    def is_namespaced(self, group: str, kind: str) -> bool | None:
        """The scope the kind's CRD declares; None when no CRD defines it or its scope is not valid."""
        crd = self._by_kind.get((group, kind))
        scope = crd.spec.scope if crd is not None and crd.spec is not None else None
        return None if scope not in ("Namespaced", "Cluster") else scope == "Namespaced"
