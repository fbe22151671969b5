"""PodDisruptionBudgets and the workloads whose pods they select."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kcheck.analyzers.consistency.index import Index, Workload
from kcheck.inventory.pods import RUNTIME_LABELS
from kcheck.inventory.selectors import Selector, compile_selector
from kcheck.model.policy import PodDisruptionBudget


@dataclass(frozen=True, slots=True)
class Budget:
    pdb: PodDisruptionBudget
    namespace: str
    workloads: list[Workload]  # whose pods it selects (nearest first)


def budgets(index: Index) -> Iterator[Budget]:
    """Each PodDisruptionBudget with a selector that can be evaluated, and what it selects."""
    inventory = index.inventory
    for pdb in inventory.of_kind("policy", "PodDisruptionBudget"):
        if not isinstance(pdb, PodDisruptionBudget) or pdb.spec is None:
            continue
        selector = compile_selector(pdb.spec.selector)
        if not isinstance(selector, Selector) or RUNTIME_LABELS.intersection(
            r.key for r in selector.requirements
        ):
            continue
        namespace = inventory.namespace_of(pdb) or inventory.default_namespace
        yield Budget(pdb, namespace, index.select(namespace, selector, pdb.file_path))
