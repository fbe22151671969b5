"""The ConfigMaps and Secrets pods use, resolved in their namespace."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.consistency.facts import KeysFacts, Reference
from kcheck.analyzers.consistency.index import Index, Workload
from kcheck.model.base import K8sObject


class ReferenceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    assume_existing: list[str] = Field(
        default_factory=list,
        alias="assume-existing",
        description="Objects created outside the input, as `Kind/name` or `name` glob patterns "
        "(`Secret/tls-*`, `registry-credentials`): references to them are not reported.",
    )


@dataclass(frozen=True, slots=True)
class Resolved:
    workload: Workload
    reference: Reference
    found: tuple[K8sObject, KeysFacts] | None  # the object and its keys; None: not in the input


def resolved(index: Index) -> Iterator[Resolved]:
    for namespace, workloads in index.workloads.items():
        for workload in workloads:
            for reference in workload.facts.references:
                found = index.keys.get((namespace, reference.kind, reference.name), workload.obj.file_path)
                yield Resolved(workload, reference, found)


def assumed(kind: str, name: str, patterns: Sequence[str]) -> bool:
    """Whether the option `assume-existing` names the object: `Kind/name` or `name` glob patterns."""
    return any(
        fnmatch.fnmatchcase(f"{kind}/{name}", pattern) or fnmatch.fnmatchcase(name, pattern)
        for pattern in patterns
    )
