"""## What it does
Reports a suppression (a `# kcheck: disable=…` comment or an `ignore.kcheck.io/…` annotation) that did
not suppress any finding in this run, including one that names a rule that does not exist. Suppressions
of rules that were not selected for the run are not judged.

## Why is this bad?
A stale suppression silently disables the check for whatever is written there next, and a misspelt rule
id in a suppression never worked in the first place.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast  # kcheck: disable=KC101 -- not a workload
```
Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.UNUSED_SUPPRESSION,
    name="unused-suppression",
    summary="A suppression comment or annotation that suppressed nothing.",
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="{directive} suppresses {rules}, but no finding matched it",
    remediation="Remove the suppression, or correct the rule id it names.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
)
