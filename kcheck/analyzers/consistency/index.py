"""The input's workloads, Services and configuration objects by namespace, for the consistency rules.

Objects are linked with their nearest counterparts: those in the same directory first, then in the subtree
of each enclosing directory, then anywhere in the input. A repository often holds alternatives side by side
(`overlays/staging`, `overlays/prod`, or several example apps that reuse names): each is linked with its
own, and a Service in `services/` still finds its Deployment in `deployments/`.

Selectors are matched against equivalence classes, not workloads: the workloads of a namespace whose pods
carry the same labels are one class, matched once per distinct selector, and each class indexes its
members by directory. Cost grows with distinct label sets and selectors, not with copies of a workload.
"""

from __future__ import annotations

import functools
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kcheck.analyzers.consistency.facts import ClaimFacts, KeysFacts, WorkloadFacts
from kcheck.inventory.inventory import Inventory
from kcheck.inventory.routes import RouteFacts
from kcheck.inventory.selectors import Selector
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.networking import Service

FAMILY_NAME = "consistency"
Labels = tuple[tuple[str, str], ...]
T = TypeVar("T")


def enclosing(file_path: str) -> Iterator[str]:
    """The directories around a file, nearest first, ending with "" (the whole input)."""
    directory = posixpath.dirname(file_path)
    while directory:
        yield directory
        parent = posixpath.dirname(directory)
        directory = "" if parent == directory else parent
    yield ""


def scopes(file_path: str) -> tuple[str, ...]:
    """Where to look for a file's counterparts, nearest first: its own directory's files (`=dir`), then the
    subtree of each enclosing directory (`dir/`), the whole input last (`/`). Objects are filed under the
    same keys (`scopes` of their own file), so a lookup walks the first list and stops at the first hit."""
    return _directory_scopes(posixpath.dirname(file_path))


@functools.lru_cache(maxsize=4096)
def _directory_scopes(directory: str) -> tuple[str, ...]:
    # Files of one directory share their scopes: computed once per directory, not per object and lookup.
    return ("=" + directory, *(d + "/" for d in enclosing(directory + "/_")))


class Nearest(Generic[T]):
    """Values by key, each also filed under every directory enclosing its file: `get` returns those of the
    nearest directory that has any (file order within it)."""

    def __init__(self) -> None:
        self._by_directory: dict[object, dict[str, list[T]]] = {}

    def add(self, key: object, file_path: str, value: T) -> None:
        directories = self._by_directory.setdefault(key, {})
        for scope in scopes(file_path):
            directories.setdefault(scope, []).append(value)

    def get_all(self, key: object, near: str) -> list[T]:
        directories = self._by_directory.get(key)
        if directories is None:
            return []
        for scope in scopes(near):
            found = directories.get(scope)
            if found:
                return found
        return []

    def get(self, key: object, near: str) -> T | None:
        found = self.get_all(key, near)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Workload:
    obj: K8sObject
    facts: WorkloadFacts
    namespace: str

    @property
    def display(self) -> str:
        return f"{self.obj.kind} {self.obj.metadata.name}"

    @property
    def identity(self) -> tuple[str, str, str | None]:
        """Group, kind and name: two definitions of one object share it."""
        return (self.obj.group, self.obj.kind or "", self.obj.metadata.name)


@dataclass(slots=True)
class Index:
    inventory: Inventory
    workloads: dict[str, list[Workload]] = field(default_factory=lambda: defaultdict(list))
    # Per namespace: the label sets of its pods -> the workloads with those labels, each filed under every
    # directory that encloses its file.
    classes: dict[str, dict[Labels, dict[str, list[Workload]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # (namespace, name) -> Services; (namespace, kind, name) -> a ConfigMap's or Secret's keys and object;
    # (namespace, group, kind, name) -> any object of the input.
    services: Nearest[Service] = field(default_factory=Nearest)
    service_names: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # by (namespace, directory)
    keys: Nearest[tuple[K8sObject, KeysFacts]] = field(default_factory=Nearest)
    objects: Nearest[K8sObject] = field(default_factory=Nearest)
    # (namespace, directory) of the input's custom resources: operators create pods from them, with labels
    # the manifests do not show.
    custom_resources: set[tuple[str | None, str]] = field(default_factory=set)
    claims: list[tuple[K8sObject, str, ClaimFacts]] = field(default_factory=list)  # with their namespace
    routes: list[tuple[K8sObject, str, RouteFacts]] = field(default_factory=list)
    _matching: dict[tuple[str, Selector], list[dict[str, list[Workload]]]] = field(default_factory=dict)

    def select(self, namespace: str, selector: Selector, near: str) -> list[Workload]:
        """The workloads of `namespace` whose pods `selector` matches, nearest to the file `near` first:
        those of the nearest directory that has any, in file order; an object defined twice there (in
        alternative files, KC007's concern) counts once, as its first definition."""
        key = (namespace, selector)
        classes = self._matching.get(key)
        if classes is None:
            classes = [
                members
                for labels, members in self.classes.get(namespace, {}).items()
                if selector.matches(dict(labels))
            ]
            self._matching[key] = classes
        if not classes:
            return []
        for scope in scopes(near):
            found = {id(w): w for members in classes for w in members.get(scope, ())}
            if found:
                order = self.inventory.order
                first: dict[tuple[str, str, str | None], Workload] = {}
                for workload in sorted(found.values(), key=lambda w: order(w.obj)):
                    first.setdefault(workload.identity, workload)
                return list(first.values())
        return []

    def service(self, namespace: str, name: str, near: str) -> Service | None:
        return self.services.get((namespace, name), near)

    def find(self, namespace: str | None, group: str, kind: str, name: str, near: str) -> K8sObject | None:
        return self.objects.get((namespace, group, kind, name), near)


def build_index(inventory: Inventory) -> Index:
    index = Index(inventory)
    for obj, fact in inventory.objects_with_facts(FAMILY_NAME):
        namespace = inventory.namespace_of(obj) or inventory.default_namespace
        if isinstance(fact, WorkloadFacts):
            workload = Workload(obj, fact, namespace)
            index.workloads[namespace].append(workload)
            for labels in fact.pod_labels:
                members = index.classes[namespace].setdefault(labels, {})
                for scope in scopes(obj.file_path):
                    members.setdefault(scope, []).append(workload)
        elif isinstance(fact, ClaimFacts):
            index.claims.append((obj, namespace, fact))
        elif isinstance(fact, RouteFacts):
            index.routes.append((obj, namespace, fact))
        elif isinstance(fact, KeysFacts) and obj.metadata.name:
            index.keys.add((namespace, obj.kind or "", obj.metadata.name), obj.file_path, (obj, fact))
    for obj in inventory.objects:
        name = obj.metadata.name
        if not name:
            continue
        placed = inventory.namespace_of(obj)
        index.objects.add((placed, obj.group, obj.kind or "", name), obj.file_path, obj)
        if kinds.is_custom_group(obj.group):
            index.custom_resources.add((placed, posixpath.dirname(obj.file_path)))
        if isinstance(obj, Service):
            index.services.add((placed or inventory.default_namespace, name), obj.file_path, obj)
            names = index.service_names.setdefault(
                (placed or inventory.default_namespace, posixpath.dirname(obj.file_path)), []
            )
            if name not in names:
                names.append(name)
    return index


_APP_KEYS = ("app.kubernetes.io/name", "app", "k8s-app")


def applications(workloads: list[Workload]) -> dict[str, Workload]:
    """The applications among the workloads (`application`), each with its first workload; workloads
    without an application label are not counted."""
    found: dict[str, Workload] = {}
    for workload in workloads:
        app = application(workload)
        if app is not None:
            found.setdefault(app, workload)
    return found


def application(workload: Workload) -> str | None:
    """The application a workload's pods belong to, by their `app.kubernetes.io/name`, `app` or `k8s-app`
    label (the first present); None without any."""
    labels = dict(workload.facts.labels)
    for key in _APP_KEYS:
        if key in labels:
            return f"{key}={labels[key]}"
    return None


def beside_custom_resources(index: Index, namespace: str, file_path: str) -> bool:
    """Whether custom resources share the namespace and the directory of the file: pods an operator creates
    from them may be what a Service or a PDB there selects."""
    return (namespace, posixpath.dirname(file_path)) in index.custom_resources


def labels_text(labels: Labels | dict[str, str]) -> str:
    items = labels.items() if isinstance(labels, dict) else labels
    return ",".join(f"{key}={value}" for key, value in items) or "no labels"


def near_misses(index: Index, namespace: str, selector_keys: set[str], near: str, limit: int = 2) -> str:
    """Workloads of the namespace, nearest to the file `near`, whose pods carry one of the selector's keys
    with other values: what the selector was probably meant to match."""
    for scope in scopes(near):
        found = []
        for labels, members in index.classes.get(namespace, {}).items():
            shared = [(k, v) for k, v in labels if k in selector_keys]
            if shared and scope in members:
                found.append(f"{members[scope][0].display} has {labels_text(tuple(shared))}")
            if len(found) == limit:
                break
        if found:
            return "; ".join(found)
    return ""
