"""## What it does
Reports an object defined twice in the input: the same API group and kind (any version), namespace and
name. The finding is on the second definition, in file order, with the first as a related location.
Objects without a namespace count as being in the default namespace (`default`, or the configured
`default-namespace`); objects named by `generateName` are never duplicates. Detected by
`kcheck.inventory`.

## Why is this bad?
Applying both definitions leaves whichever was applied last, so the outcome depends on file order; it is
usually a copy-paste or a merge mistake.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
```
"""

from kcheck.core.findings import Severity
from kcheck.core.input_rules import ids
from kcheck.core.rules import Category, Precision, RuleSpec

RULE = RuleSpec(
    id=ids.DUPLICATE_OBJECT,
    name="duplicate-object",
    summary="The same object (group, kind, namespace, name) defined twice.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{object} is defined again; the first definition is at {first}",
    remediation="Remove one of the definitions, or give them different names or namespaces.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
)
