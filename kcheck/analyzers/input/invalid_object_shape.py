"""## What it does
Reports documents that are not well-formed Kubernetes objects: not a mapping, no `apiVersion` or
`kind`, no `metadata.name` (and no `generateName`), or a field of the wrong type (a string where the API
expects an integer, a boolean where it expects a string). Detected by `kcheck.model`. The full schema of
every kind is checked by the schema rules (KC5xx); this rule covers the fields kcheck's own analyses read.

## Why is this bad?
The API server rejects the object when it decodes it, so the apply fails; and a field of the wrong type
often means a different intent than the one written (an unquoted `true` label value, a port given as a
name where a number is required).

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    enabled: true
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    enabled: "true"
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.INVALID_OBJECT_SHAPE,
    name="invalid-object-shape",
    summary="A document that is not a well-formed Kubernetes object, or a field of the wrong type.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{problem}",
    remediation=(
        "Give every object apiVersion, kind and metadata.name, and each field the type the API expects."
    ),
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=("https://kubernetes.io/docs/concepts/overview/working-with-objects/#required-fields",),
    profile=Profile.MINIMAL,
)
