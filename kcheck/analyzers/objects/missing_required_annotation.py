"""## What it does
Checks every object's `metadata.annotations` against the `annotations` option: a mapping from an
annotation key to a regular expression its value must match in full (an empty expression accepts any
value, the annotation just has to be there). The expressions use RE2 syntax, as Kubernetes' own patterns
do. With the default, an empty mapping, nothing is reported: list the annotations your organisation
requires, for example

```yaml
rules:
  missing-required-annotation:
    options:
      annotations:
        owner: "[^@\\s]+@example\\.com"
```

Only the object's own annotations are read, not those of a pod template inside it.

## Why is this bad?
Annotations carry what people and tools need to act on an object and that labels cannot hold: a contact
address, a runbook link, a ticket, a data classification. When the organisation relies on them (to page
the owner of a failing workload, to audit what stores personal data), an object without them is one
nobody can act on in time.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  annotations:
    owner: team-web@example.com
data:
  LOG_LEVEL: info
```
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from kcheck.analyzers.objects.required_metadata import RequiredPatterns, required_entries
from kcheck.core.findings import Violation
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity
from kcheck.model.base import K8sObject


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    annotations: RequiredPatterns = Field(
        default={},
        description='Annotation key -> RE2 expression the whole value must match ("" accepts any value).',
    )


RULE = RuleSpec(
    id="KC170",
    name="missing-required-annotation",
    summary=(
        "An object without an annotation the `annotations` option requires, or with a value that does not "
        "match."
    ),
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="{kind} {name!r} {problem}",
    remediation="Add the required annotations with values that match their patterns.",
    docs=__doc__ or "",
    options=Options,
    precision=Precision.VERY_HIGH,
    replaces=("kube-linter:required-annotation-email",),
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    required = (options or Options()).annotations
    return required_entries(obj, "annotations", "annotation", obj.metadata.annotations, required)
