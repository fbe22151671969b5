"""What the schema family computes once and its rules share: per run, the CRD catalogue (schemas, compiled
validation rules); per object, its schema problems, its custom resource evaluation, a CRD's rule problems.
Each part is computed on first use, so a run with only KC501 on never evaluates a CEL rule."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from kcheck.analyzers.schema.crd import (
    CrdCatalog,
    EvaluatedResource,
    RuleProblem,
    evaluated_resource,
    rule_problems,
)
from kcheck.analyzers.schema.validate import SchemaProblem, problems_of
from kcheck.inventory.context import AnalysisContext
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition


@dataclass(frozen=True)
class SchemaRun:
    """The run as the schema rules see it: the context and the catalogue of its CRDs (input, then --crd)."""

    context: AnalysisContext
    catalog: CrdCatalog | None  # None until every file that may define a CRD has been read

    @classmethod
    def of(cls, context: AnalysisContext) -> SchemaRun:
        crds = context.crds
        return cls(context, None if crds is None else CrdCatalog(crds.definitions))

    @property
    def kubernetes_version(self) -> str:
        return self.context.kubernetes_version


class ObjectAnalysis:
    """One object's schema analysis, shared by the rules that read it."""

    def __init__(self, obj: K8sObject, run: SchemaRun) -> None:
        self.obj = obj
        self.run = run

    @functools.cached_property
    def problems(self) -> tuple[SchemaProblem, ...] | None:
        """Against its kind's schema (KC501, KC502); None when kcheck has no schema for the kind."""
        return problems_of(self.obj, self.run.kubernetes_version, self.run.catalog)

    @functools.cached_property
    def resource(self) -> EvaluatedResource | None:
        """A custom resource's CRD validation rules, evaluated (KC507, KC510)."""
        catalog = self.run.catalog
        return None if catalog is None else evaluated_resource(self.obj, catalog)

    @functools.cached_property
    def rule_problems(self) -> tuple[RuleProblem, ...]:
        """A CRD's validation rules that Kubernetes refuses or kcheck cannot run (KC508, KC509)."""
        if not isinstance(self.obj, CustomResourceDefinition):
            return ()
        return tuple(rule_problems(self.obj))
