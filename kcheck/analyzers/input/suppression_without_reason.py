"""## What it does
Reports a suppression that gives no reason: a `# kcheck: disable=KC101` comment without `-- reason`, or an
`ignore.kcheck.io/KC101` annotation whose value is empty. The suppression still applies.

## Why is this bad?
A reviewer cannot tell an accepted risk from a silenced warning. Requiring the reason where the
suppression is written keeps the decision reviewable in the pull request that makes it.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: node-debugger
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: debug
      image: busybox:1.36
      resources:
        requests: {cpu: 10m, memory: 16Mi}
        limits: {cpu: 100m, memory: 64Mi}
      securityContext:
        readOnlyRootFilesystem: true
        privileged: true  # kcheck: disable=KC101
```
Use instead:
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: node-debugger
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: debug
      image: busybox:1.36
      resources:
        requests: {cpu: 10m, memory: 16Mi}
        limits: {cpu: 100m, memory: 64Mi}
      securityContext:
        readOnlyRootFilesystem: true
        privileged: true  # kcheck: disable=KC101 -- reads host devices; runs only on the debug node pool
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.SUPPRESSION_WITHOUT_REASON,
    name="suppression-without-reason",
    summary="A suppression that does not say why the finding does not apply.",
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="{directive} gives no reason; say why the finding does not apply",
    remediation="Write the reason after `--` in the comment, or as the annotation's value.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
)
