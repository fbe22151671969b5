"""## What it does
Reports a custom resource whose CustomResourceDefinition validation rules (CEL) could not all be evaluated
within kcheck's budget: 100,000 interpreter steps for all the rules of one object. The finding points at the
value the rule was checking when the budget ran out and names the rule; the rules after it are not
evaluated for that object.

## Why is this bad?
The API server bounds the same evaluation with its own cost budget and rejects the object when a rule
exceeds it ("call cost exceeds limit"); a rule that iterates over a list inside an iteration over the same
list (or over large inputs) is the usual cause. kcheck stops rather than hang, and says so: the remaining
rules were not checked. Rewrite the rule to iterate once, or bound the list with `maxItems`.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: rosters.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: rosters, singular: roster, kind: Roster}
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
                - rule: self.ids.all(a, self.ids.all(b, self.ids.all(c, a + b + c >= 0)))
                  message: ids are not negative
              properties:
                ids:
                  type: array
                  items: {type: integer}
---
apiVersion: example.com/v1
kind: Roster
metadata:
  name: team
  namespace: shop
spec:
  ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]
```
Use instead:
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: rosters.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: rosters, singular: roster, kind: Roster}
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
                - rule: self.ids.all(a, a >= 0)
                  message: ids are not negative
              properties:
                ids:
                  type: array
                  items: {type: integer}
---
apiVersion: example.com/v1
kind: Roster
metadata:
  name: team
  namespace: shop
spec:
  ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kcheck.analyzers.schema.analysis import ObjectAnalysis
from kcheck.analyzers.schema.crd import DEFAULT_BUDGET
from kcheck.core.findings import Violation
from kcheck.core.location import format_path
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject

RULE = RuleSpec(
    id="KC510",
    name="crd-validation-cost-exceeded",
    summary="Custom resource validation rules (CEL) that exceed kcheck's evaluation budget.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="{field}: the validation rules ran out of kcheck's budget of {budget} steps in rule {rule}; "
    "the rest were not evaluated",
    remediation="Make the rule iterate once over each list, or bound the lists with maxItems.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
    references=(
        "https://kubernetes.io/docs/reference/using-api/cel/#resource-constraints",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#resource-use-by-validation-functions",
    ),
)


def check(obj: K8sObject, analysis: ObjectAnalysis, options: None = None) -> Iterator[Violation]:
    resource = analysis.resource
    if resource is None or resource.evaluation.exhausted is None:
        return
    path, rule = resource.evaluation.exhausted
    related = resource.rule_reference(rule)
    args = {
        "field": format_path(path) or "(the object)",
        "budget": f"{DEFAULT_BUDGET:,}",
        "rule": repr(rule.text.strip()),
    }
    yield Violation(path, args, (related,))
