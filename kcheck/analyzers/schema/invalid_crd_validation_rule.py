"""## What it does
Checks the `x-kubernetes-validations` rules of a CustomResourceDefinition as the API server does when
the CRD is created: the CEL expression of `rule` (and of `messageExpression`) must compile — valid
syntax, only the variables `self` and `oldSelf`, only functions of the Kubernetes CEL environment, and
field selections (`self.spec.replicas`) that name properties the schema declares; a rule with line breaks
needs a `message`, a `message` has no line breaks, `reason` is one of `FieldValueInvalid`,
`FieldValueForbidden`, `FieldValueRequired`, `FieldValueDuplicate`, and `fieldPath` names a field of the
schema (`.spec.replicas`, `['key.with.dots']`).

A rule kcheck cannot judge is not reported here: see `crd-validation-rule-skipped`.

## Why is this bad?
The API server refuses a CRD with a rule that does not compile ("compilation failed: undefined field
'replicas'"), so the CRD and every custom resource that needs it fail to apply. A typo in a field name is
the usual cause; it is easier to fix in review than in a failed rollout.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: caches.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: caches, singular: cache, kind: Cache}
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
                - rule: self.replica <= self.maxReplicas
                  message: replicas must not exceed maxReplicas
              properties:
                replicas: {type: integer}
                maxReplicas: {type: integer}
```
Use instead:
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: caches.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: caches, singular: cache, kind: Cache}
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
                - rule: self.replicas <= self.maxReplicas
                  message: replicas must not exceed maxReplicas
              properties:
                replicas: {type: integer}
                maxReplicas: {type: integer}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition

RULE = RuleSpec(
    id="KC508",
    name="invalid-crd-validation-rule",
    summary="A CustomResourceDefinition validation rule (CEL) that does not compile, which the API server "
    "rejects.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="x-kubernetes-validations rule is invalid: {problem}",
    remediation="Fix the CEL expression: declared fields only (escaped as CEL requires), Kubernetes CEL "
    "functions only.",
    docs=__doc__ or "",
    applies_to=kinds.CUSTOM_RESOURCE_DEFINITIONS,
    precision=Precision.HIGH,
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules",
        "https://kubernetes.io/docs/reference/using-api/cel/",
    ),
    profile=Profile.MINIMAL,
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, CustomResourceDefinition):
        return
    for problem in analysis.rule_problems:
        if not problem.unsupported:
            yield Violation(problem.path, {"problem": problem.message})
