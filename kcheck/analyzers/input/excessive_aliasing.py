"""## What it does
Reports a document whose YAML aliases expand it far beyond its written size (a "billion laughs" attack)
or refer to their own anchor, and skips it. The limit is go-yaml v2's, which Kubernetes uses: once over
100 aliases and 1,000 nodes, expanded aliases may make up at most 99% of a document of up to 400,000
nodes, falling to 10% at 4,000,000.

## Why is this bad?
The API server rejects such a document ("excessive aliasing"), and tools without a limit exhaust their
memory on a few hundred bytes of input: a denial of service through a pull request.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: loop
data: &loop
  self: *loop
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.EXCESSIVE_ALIASING,
    name="excessive-aliasing",
    summary="A document whose YAML aliases expand without reasonable bound.",
    severity=Severity.ERROR,
    category=Category.SECURITY,
    message=(
        "YAML aliases expand this document beyond what Kubernetes accepts ({detail}); it was not analysed"
    ),
    remediation="Write the repeated values out, or use fewer nested aliases.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    security_severity=5.0,
    references=("https://en.wikipedia.org/wiki/Billion_laughs_attack",),
    profile=Profile.MINIMAL,
)
