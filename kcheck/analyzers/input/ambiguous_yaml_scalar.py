"""## What it does
Reports unquoted scalars that Kubernetes reads differently from a YAML 1.2 reader. Kubernetes decodes
YAML with go-yaml v2 (through sigs.k8s.io/yaml), which follows YAML 1.1: `yes`, `no`, `on`, `off`, `y`
and `n` (any case variant) are booleans, `0755` is the octal number 493, `0b101` is 5 and `1_000` is
1000. Editors, yq, Helm's and most linters' YAML 1.2 parsers read the same text as strings or as
decimal numbers. Mapping keys are included: the key `on:` becomes `"true"` in the API object.

## Why is this bad?
The object the cluster stores is not the one the author (or another tool) sees: a ConfigMap value
`country: NO` arrives as `false`, an environment variable `value: on` fails to decode because it must be
a string, and `mode: 0644` arrives as 420.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
immutable: yes
data:
  on: "weekdays"
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
immutable: true
data:
  "on": "weekdays"
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.AMBIGUOUS_YAML_SCALAR,
    name="ambiguous-yaml-scalar",
    summary="An unquoted scalar that Kubernetes (YAML 1.1) and YAML 1.2 tools read differently.",
    severity=Severity.WARNING,
    category=Category.CORRECTNESS,
    message="unquoted {text} is {kubernetes} to Kubernetes (YAML 1.1) but {yaml12} to YAML 1.2 tools",
    remediation=(
        "Quote the value if it is a string, or write the number or boolean unambiguously (true, 493, 0o755)."
    ),
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=("https://yaml.org/type/bool.html", "https://github.com/kubernetes-sigs/yaml"),
)
