"""## What it does
Checks the `openAPIV3Schema` of every version of an `apiextensions.k8s.io/v1` CustomResourceDefinition
against the rules the API server applies before it accepts the CRD: the schema must be *structural*, and
must not use what CRD schemas forbid. Each problem is reported where it is, with the reason:

- every node has a `type` (the root `object`), except under `x-kubernetes-int-or-string` or
  `x-kubernetes-preserve-unknown-fields`; an `array` has `items`;
- `allOf`, `anyOf`, `oneOf` and `not` only constrain values: they may not set `type`,
  `additionalProperties`, `default`, `nullable`, `description`, `title`, `x-kubernetes-*`
  extensions or `metadata` (the two int-or-string patterns excepted), and every property or `items` they
  name must also be specified outside them;
- `metadata` at the root may only restrict `name` and `generateName`; `apiVersion` and `kind` are
  strings; `x-kubernetes-embedded-resource` needs `type: object` and properties;
- no `additionalProperties` at the root, with `properties`, or set to `false`; no `uniqueItems: true`;
  none of `$ref`, `definitions`, `dependencies`, `patternProperties`, `id`, `readOnly`, `writeOnly`,
  `xml`, `discriminator`, `deprecated`; a `pattern` is an RE2 regular expression;
- `x-kubernetes-list-type` is `atomic`, `set` or `map` and only on arrays; a `map` list has
  `x-kubernetes-list-map-keys` naming scalar properties of its items that are required or defaulted;
- a v1 CRD has a schema in every version.

## Why is this bad?
The API server rejects an `apiextensions.k8s.io/v1` CRD whose schema is not structural, so nothing that
depends on it can be applied. Structural schemas are what pruning, defaulting, `kubectl explain`,
server-side apply and CEL validation rules rely on: a logical junctor that declares types or fields makes
the shape of the data ambiguous.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: backups, singular: backup, kind: Backup}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                schedule: {type: string}
                retention: {}
```
Use instead:
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: backups, singular: backup, kind: Backup}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                schedule: {type: string}
                retention: {type: integer}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.analyzers.schema.crd import schemas_of, structural_problems
from kcheck.core.findings import Violation
from kcheck.core.location import format_path
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition

RULE = RuleSpec(
    id="KC506",
    name="non-structural-crd-schema",
    summary="A CustomResourceDefinition schema that is not structural, which the API server rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{where}: {problem}",
    remediation="Give every node a type, keep types and fields out of allOf/anyOf/oneOf/not, and drop "
    "what CRD schemas forbid.",
    docs=__doc__ or "",
    applies_to=kinds.CUSTOM_RESOURCE_DEFINITIONS,
    precision=Precision.VERY_HIGH,
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation",
    ),
    profile=Profile.MINIMAL,
)

_V1 = "apiextensions.k8s.io/v1"


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    # apiextensions.k8s.io/v1beta1 accepted non-structural schemas (and is removed; KC504 says so).
    if not isinstance(obj, CustomResourceDefinition) or obj.api_version != _V1 or obj.spec is None:
        return
    for index, version in enumerate(obj.spec.versions):
        if version.schema_ is None or version.schema_.open_api_v3_schema is None:
            where = f"spec.versions[{index}]"
            yield Violation(
                ("spec", "versions", index),
                {
                    "where": where,
                    "problem": "a schema (schema.openAPIV3Schema) is required in apiextensions.k8s.io/v1",
                },
            )
    for base, schema in schemas_of(obj):
        for problem in structural_problems(schema):
            where = format_path(("openAPIV3Schema", *problem.path))
            yield Violation((*base, *problem.path), {"where": where, "problem": problem.message})
