"""One index of every object of a run: by kind, namespace, name and labels; namespaces; pod templates;
and the objects defined twice (KC007)."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kcheck.core import input_ids
from kcheck.core.findings import RelatedViolation
from kcheck.inventory.crds import CrdIndex
from kcheck.inventory.selectors import IN, Selector
from kcheck.model.base import K8sObject
from kcheck.model.build import ModelProblem
from kcheck.model.kinds import is_cluster_scoped_builtin
from kcheck.model.policy import Namespace
from kcheck.model.workloads import PodTemplate, pod_template

# The label the control plane sets on every namespace (since Kubernetes 1.21), so selectors can name one.
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"

GroupKind = tuple[str, str]
ObjectKey = tuple[str, str, str | None, str]  # group, kind, effective namespace, name


@dataclass(slots=True)
class NamespaceInfo:
    """A namespace of the run: declared by a Namespace object, or implied by the objects placed in it."""

    name: str
    labels: dict[str, str]
    declared: K8sObject | None = None  # the first Namespace object, when there is one
    objects: list[K8sObject] = field(default_factory=list)


# Which files are applied together, so that an object defined in two of them is a duplicate (KC007).
DuplicateScope = Literal["file", "directory", "input"]


class Inventory:
    """Built once per run; read by every analyzer. Objects keep file order everywhere."""

    def __init__(
        self,
        objects: Sequence[K8sObject],
        default_namespace: str = "default",
        duplicate_scope: DuplicateScope = "directory",
        crds: CrdIndex | None = None,
        facts: Mapping[int, Mapping[str, object]] | None = None,
    ) -> None:
        self.objects: list[K8sObject] = list(objects)
        self.default_namespace = default_namespace
        self.duplicate_scope = duplicate_scope
        self._first_definition: dict[tuple[str, ObjectKey], K8sObject] = {}
        self.problems: list[ModelProblem] = []
        # The input's CRDs decide their kinds' scope, then `--crd` files' (the engine passes both).
        self.crds = crds if crds is not None else CrdIndex(self.objects)
        self._namespace_of: dict[int, str | None] = {}
        self._order = {id(obj): index for index, obj in enumerate(self.objects)}
        self._by_kind: dict[GroupKind, list[K8sObject]] = defaultdict(list)
        self._by_key: dict[ObjectKey, K8sObject] = {}
        self._by_label: dict[tuple[str, str], list[K8sObject]] = defaultdict(list)
        self.namespaces: dict[str, NamespaceInfo] = {}
        self.pod_templates: list[PodTemplate] = []
        # What families computed of objects in the per-file stage (`Family.facts`), by id(object).
        self._facts = facts or {}
        for obj in self.objects:
            self._add(obj)
        for info in self.namespaces.values():
            declared = info.declared.metadata.labels if info.declared is not None else {}
            info.labels = {**declared, NAMESPACE_NAME_LABEL: info.name}

    def _duplicate_scope_of(self, obj: K8sObject) -> str:
        """The files applied together (KC007 option `scope`): objects are duplicates only within one."""
        if self.duplicate_scope == "input":
            return ""
        if self.duplicate_scope == "file":
            return obj.file_path
        return posixpath.dirname(obj.file_path)

    def _add(self, obj: K8sObject) -> None:
        group, kind = obj.group, obj.kind or ""
        namespace = (
            (obj.metadata.namespace or self.default_namespace) if self.is_namespaced(group, kind) else None
        )
        self._namespace_of[id(obj)] = namespace
        self._by_kind[group, kind].append(obj)
        for label in obj.metadata.labels.items():
            self._by_label[label].append(obj)
        name = obj.metadata.name
        if name:
            key = (group, kind, namespace, name)
            self._by_key.setdefault(key, obj)
            first = self._first_definition.setdefault((self._duplicate_scope_of(obj), key), obj)
            if first is not obj:
                self.problems.append(_duplicate(obj, first))
        if namespace is not None:
            self._namespace(namespace).objects.append(obj)
        if isinstance(obj, Namespace) and name:
            info = self._namespace(name)
            if info.declared is None:
                info.declared = obj
        template = pod_template(obj)
        if template is not None:
            self.pod_templates.append(template)

    def _namespace(self, name: str) -> NamespaceInfo:
        info = self.namespaces.get(name)
        if info is None:
            info = self.namespaces[name] = NamespaceInfo(name, {})
        return info

    def is_namespaced(self, group: str, kind: str) -> bool:
        """A CRD of the input decides for its kind, else the built-in scopes; unknown kinds are namespaced."""
        scope = self.crds.is_namespaced(group, kind)
        if scope is not None:
            return scope
        return not is_cluster_scoped_builtin(group, kind)

    def namespace_of(self, obj: K8sObject) -> str | None:
        """Where the object lives: its namespace, the default one if it has none, None if cluster-scoped."""
        if id(obj) in self._namespace_of:
            return self._namespace_of[id(obj)]
        if not self.is_namespaced(obj.group, obj.kind or ""):
            return None
        return obj.metadata.namespace or self.default_namespace

    def order(self, obj: K8sObject) -> int:
        """The object's place in file order."""
        return self._order[id(obj)]

    def facts_of(self, family: str, obj: K8sObject) -> object | None:
        """What `family` computed of `obj` while its file was read (`Family.facts`), if anything."""
        return self._facts.get(id(obj), {}).get(family)

    def objects_with_facts(self, family: str) -> list[tuple[K8sObject, object]]:
        """The objects `family` computed facts of, in file order, with their facts."""
        return [
            (obj, facts[family]) for obj in self.objects if family in (facts := self._facts.get(id(obj), {}))
        ]

    def of_kind(self, group: str, kind: str) -> list[K8sObject]:
        return self._by_kind.get((group, kind), [])

    def get(self, group: str, kind: str, namespace: str | None, name: str) -> K8sObject | None:
        """The first object so named; pass namespace=None for cluster-scoped kinds."""
        return self._by_key.get((group, kind, namespace, name))

    def select(
        self, selector: Selector, namespace: str | None = None, kinds: Collection[GroupKind] | None = None
    ) -> list[K8sObject]:
        """Objects whose own labels match, in file order; optionally in one namespace and of some kinds."""
        if selector.matches_nothing:
            return []
        candidates = self._candidates(selector)
        return [
            obj
            for obj in candidates
            if (namespace is None or self._namespace_of[id(obj)] == namespace)
            and (kinds is None or (obj.group, obj.kind or "") in kinds)
            and selector.matches(obj.metadata.labels)
        ]

    def select_pod_templates(self, selector: Selector, namespace: str | None = None) -> list[PodTemplate]:
        """Pod templates whose pod labels match, optionally in one namespace."""
        if selector.matches_nothing:
            return []
        return [
            template
            for template in self.pod_templates
            if (namespace is None or self._namespace_of[id(template.owner)] == namespace)
            and selector.matches(template.labels)
        ]

    def _candidates(self, selector: Selector) -> list[K8sObject]:
        # Only objects carrying one of the values of an `In` requirement can match: start from the smallest.
        best: list[K8sObject] | None = None
        for requirement in selector.requirements:
            if requirement.operator != IN:
                continue
            found = [
                o for value in requirement.values for o in self._by_label.get((requirement.key, value), ())
            ]
            if len(requirement.values) > 1:
                found.sort(key=lambda obj: self._order[id(obj)])
            if best is None or len(found) < len(best):
                best = found
        return self.objects if best is None else best


def _duplicate(second: K8sObject, first: K8sObject) -> ModelProblem:
    location = first.locate(("metadata", "name"))
    where = f"{location.path}:{location.span.line}:{location.span.column}"
    return ModelProblem(
        input_ids.DUPLICATE_OBJECT,
        second,
        ("metadata", "name"),
        {"object": second.ref.display(), "first": where},
        (RelatedViolation(first, ("metadata", "name"), "first defined here"),),
    )
