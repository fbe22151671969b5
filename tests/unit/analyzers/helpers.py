"""Build typed objects from YAML text the way the engine does, to call a rule's `check()` directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from kcheck.analyzers.objects.view import workload_view
from kcheck.core.findings import Violation
from kcheck.core.location import format_path
from kcheck.inventory.context import AnalysisContext
from kcheck.model.base import K8sObject
from kcheck.model.build import build_objects
from kcheck.source.loader import load_bytes


def objects(text: str) -> list[K8sObject]:
    source = load_bytes("manifest.yaml", text.encode())
    assert source.problems == []
    built = build_objects(source.documents)
    assert built.problems == []
    return built.objects


def only(text: str) -> K8sObject:
    [obj] = objects(text)
    return obj


# The context a rule sees in a run with no CRDs, for the newest bundled Kubernetes version.
CONTEXT = AnalysisContext("1.37")


def checker(module: ModuleType) -> Callable[..., Iterable[Violation]]:
    """A rule module's check as `check(obj, options)`, building the workload view for workload rules."""
    if not hasattr(module, "check_workload"):
        return module.check  # type: ignore[no-any-return]

    def check(obj: K8sObject, options: Any = None) -> Iterable[Violation]:
        view = workload_view(obj, CONTEXT)
        return [] if view is None else module.check_workload(view, options)

    return check


def paths(violations: Iterable[Violation]) -> list[str]:
    return [format_path(v.path) for v in violations]


Found = list[tuple[str, dict[str, object]]]


def run(check: Callable[..., Iterable[Violation]], text: str, options: Any = None) -> Found:
    """(formatted path, args) of every violation of `check` over every object of `text`."""
    return [(format_path(v.path), dict(v.args)) for obj in objects(text) for v in check(obj, options)]


def span(obj: K8sObject, violation: Violation) -> tuple[int, int, int, int]:
    location = obj.locate(violation.path)
    s = location.span
    return (s.line, s.column, s.end_line, s.end_column)
