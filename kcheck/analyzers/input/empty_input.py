"""## What it does
Reports a run that found no Kubernetes object at all: no manifest files under the given paths, or only
empty or broken documents.

## Why is this bad?
A CI step that checks nothing must not pass silently: a wrong path, a renamed directory or an exclude
pattern that matches everything would otherwise turn the check off unnoticed.

## Example
```yaml
# The manifests moved to deploy/, but CI still lints this file.
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
    id=input_ids.EMPTY_INPUT,
    name="empty-input",
    summary="The input holds no Kubernetes object at all.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="no Kubernetes object was found in {what}",
    remediation="Point kcheck at the directories or files that hold your manifests.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
)
