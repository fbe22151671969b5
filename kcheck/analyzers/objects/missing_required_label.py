"""## What it does
Checks every object's `metadata.labels` against the `labels` option: a mapping from a label key to a
regular expression its value must match in full (an empty expression accepts any value, the label just
has to be there). The expressions use RE2 syntax, as Kubernetes' own patterns do. With the default, an
empty mapping, nothing is reported: list the labels your organisation requires, for example

```yaml
rules:
  missing-required-label:
    options:
      labels:
        owner: ""
        app.kubernetes.io/part-of: "shop|billing"
```

Only the object's own labels are read, not those of a pod template inside it.

## Why is this bad?
Labels are how tooling finds who owns an object, what it costs and which application it belongs to: cost
reports, alert routing and incident response all rely on them. An object without the labels the
organisation agreed on is an orphan none of that tooling can attribute.

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
  labels:
    owner: team-web
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

    labels: RequiredPatterns = Field(
        default={},
        description='Label key -> RE2 expression the whole value must match ("" accepts any value).',
    )


RULE = RuleSpec(
    id="KC169",
    name="missing-required-label",
    summary="An object without a label the `labels` option requires, or with a value that does not match.",
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="{kind} {name!r} {problem}",
    remediation="Add the required labels with values that match their patterns.",
    docs=__doc__ or "",
    options=Options,
    precision=Precision.VERY_HIGH,
    replaces=("kube-linter:required-label-owner",),
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/",),
)


def check(obj: K8sObject, options: Options | None = None) -> Iterator[Violation]:
    required = (options or Options()).labels
    return required_entries(obj, "labels", "label", obj.metadata.labels, required)
