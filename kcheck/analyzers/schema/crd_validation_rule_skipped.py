"""## What it does
Says which `x-kubernetes-validations` rules of a CustomResourceDefinition kcheck does not evaluate on the
custom resources, once per rule (not once per object):

- *transition rules*, which use `oldSelf`: they compare an update with the object stored in the cluster,
  which a manifest alone does not have (`optionalOldSelf` included);
- rules that use CEL features kcheck's CEL interpreter lacks: optional field selection (`self.?field`,
  `[?x]`), two-variable comprehensions (`all(k, v, ...)`), the authorizer library, and a few recent helpers
  (`transformList`, `reverse`, quantity `mul`/`div`).

Every other rule is evaluated (see `crd-validation-rule-failed`).

## Why is this bad?
Nothing is wrong with the rule: this finding makes the limit of the check visible, so that a clean run is
not read as "every rule passed". Transition rules are checked by the API server on update; the others can
be tested against a cluster (`kubectl apply --dry-run=server`). Disable this rule to hide the notices.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: volumes.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: volumes, singular: volume, kind: Volume}
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
                size:
                  type: integer
                  x-kubernetes-validations:
                    - rule: self >= oldSelf
                      message: a volume cannot shrink
```
Use instead:
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: volumes.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: volumes, singular: volume, kind: Volume}
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
                size:
                  type: integer
                  x-kubernetes-validations:
                    - rule: self > 0
                      message: a volume has a size
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model import kinds
from kcheck.model.base import K8sObject
from kcheck.model.crd import CustomResourceDefinition

RULE = RuleSpec(
    id="KC509",
    name="crd-validation-rule-skipped",
    summary="A CustomResourceDefinition validation rule that kcheck does not evaluate.",
    severity=Severity.INFO,
    category=Category.CORRECTNESS,
    message="validation rule not evaluated by kcheck: it {reason}",
    remediation="Nothing to fix; test the rule against a cluster (`kubectl apply --dry-run=server`).",
    docs=__doc__ or "",
    applies_to=kinds.CUSTOM_RESOURCE_DEFINITIONS,
    precision=Precision.VERY_HIGH,
    references=(
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#transition-rules",
        "https://kubernetes.io/docs/reference/using-api/cel/",
    ),
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    if not isinstance(obj, CustomResourceDefinition):
        return
    for problem in analysis.rule_problems:
        if problem.unsupported:
            yield Violation(problem.path, {"reason": problem.message})
