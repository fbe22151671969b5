"""## What it does
Reports a mapping key that appears twice in the same mapping, at the second occurrence. Detected by
`kcheck.source`.

## Why is this bad?
YAML forbids duplicate keys, and the API server rejects them in strict field validation (the default
for `kubectl apply` since 1.27 reports them). Tools that accept them keep the last value, so what you
read first is not what is deployed.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
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

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.DUPLICATE_KEY,
    name="duplicate-key",
    summary="A key defined twice in the same mapping.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message=(
        "key {key!r} is defined again (first at line {first_line}); the API server rejects duplicate fields"
    ),
    remediation="Keep one of the two keys.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=("https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",),
    profile=Profile.MINIMAL,
)
