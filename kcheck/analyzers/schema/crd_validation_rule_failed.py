"""## What it does
Evaluates the `x-kubernetes-validations` rules (CEL) of a custom resource's CustomResourceDefinition —
from the input, or from `--crd` files and directories (config key `crds`) — on the custom resource, as the
API server does on create:

- each rule runs at its level of the schema, with `self` bound to the value there, once for every value at
  that level (each list item, each map value); a level whose value is absent is not checked; a missing
  field takes its schema `default` first, as the API server defaults before it validates;
- the value is typed by the schema (integers, doubles, `date-time` timestamps, `x-kubernetes-list-type`
  sets and maps) and only declared properties are visible, escaped as CEL requires (`x-prop` is
  `self.x__dash__prop`);
- the Kubernetes CEL libraries are available: lists (`isSorted`, `sum`, `min`, `max`, `indexOf`), strings
  (`charAt`, `lowerAscii`, `replace`, `split`, `substring`, `trim`, `join`, `format`), regex (`find`,
  `findAll`), quantity, URL, IP and CIDR, semver, named formats (`format.dns1123Label()`), sets;
- a rule that returns false is reported with its `messageExpression` (when that yields a one-line,
  non-blank string), else its `message`, else "failed rule: <rule>"; a rule whose evaluation fails
  ("no such key", division by zero) is reported with the error, as Kubernetes does;
- the finding points at the rule's `fieldPath` when it has one, else at the value the rule checked, and
  names the rule in the CRD as a related location.

Transition rules (`oldSelf`) and rules using CEL features kcheck cannot evaluate are skipped and said so
once per rule by `crd-validation-rule-skipped`. The evaluation of one object is bounded: see
`crd-validation-cost-exceeded`.

## Why is this bad?
The API server rejects a custom resource that fails one of its CRD's validation rules, so the apply fails
(or, in GitOps, the sync stays degraded). Running the rules before the merge finds the invalid resource
with its file and line instead of in a controller's events.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scalers.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: scalers, singular: scaler, kind: Scaler}
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
              x-kubernetes-validations:
                - rule: self.minReplicas <= self.maxReplicas
                  message: minReplicas must not exceed maxReplicas
                  fieldPath: .minReplicas
              properties:
                minReplicas: {type: integer}
                maxReplicas: {type: integer}
---
apiVersion: example.com/v1
kind: Scaler
metadata:
  name: web
  namespace: shop
spec:
  minReplicas: 5
  maxReplicas: 3
```
Use instead:
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scalers.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: scalers, singular: scaler, kind: Scaler}
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
              x-kubernetes-validations:
                - rule: self.minReplicas <= self.maxReplicas
                  message: minReplicas must not exceed maxReplicas
                  fieldPath: .minReplicas
              properties:
                minReplicas: {type: integer}
                maxReplicas: {type: integer}
---
apiVersion: example.com/v1
kind: Scaler
metadata:
  name: web
  namespace: shop
spec:
  minReplicas: 2
  maxReplicas: 3
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.core.findings import Violation
from kcheck.core.location import format_path
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC507",
    name="crd-validation-rule-failed",
    summary="A custom resource that fails a validation rule (CEL) of its CustomResourceDefinition.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{field}: {message}",
    remediation="Change the custom resource so that it satisfies the rule its CustomResourceDefinition "
    "states.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules",
        "https://kubernetes.io/docs/reference/using-api/cel/",
    ),
    profile=Profile.MINIMAL,
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    resource = analysis.resource
    if resource is None:
        return
    for failure in resource.evaluation.failures:
        args = {"field": format_path(failure.path) or "(the object)", "message": failure.message}
        yield Violation(failure.path, args, (resource.rule_reference(failure.rule),))
