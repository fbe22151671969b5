"""Build typed objects from YAML text the way the engine does, to call a rule's `check()` directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kcheck.core.findings import Violation
from kcheck.core.location import format_path
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
