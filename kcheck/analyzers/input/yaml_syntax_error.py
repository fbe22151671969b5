"""## What it does
Reports YAML that cannot be parsed, or that Kubernetes cannot decode (a non-scalar mapping key, a merge
key without a mapping, a value that does not fit its explicit tag such as `!!int abc`). Detected by
`kcheck.source`.

## Why is this bad?
`kubectl apply` and the API server reject the whole file or document, so nothing in it is deployed. A
parse error in the middle of a stream hides every document after it from most tools; kcheck parses the
other documents of the file on their own and keeps checking them.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: defaults
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: [fast
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: defaults
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: "[fast"
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.YAML_SYNTAX_ERROR,
    name="yaml-syntax-error",
    summary="YAML that cannot be parsed or that Kubernetes cannot decode.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{problem}",
    remediation="Fix the YAML at the reported position; quote scalars that contain flow indicators.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=("https://yaml.org/spec/1.2.2/",),
    profile=Profile.MINIMAL,
)
