"""## What it does
Reports a document nested deeper than 256 levels and skips it.

## Why is this bad?
No Kubernetes object comes close (the deepest CRD schemas in common use stay under 60 levels); such
depth is a generated or hostile input meant to exhaust a parser's stack.

## Example
```text
value: [[[[[[ … 300 levels … ]]]]]]
```
Use instead:
```text
A flatter structure.
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.EXCESSIVE_NESTING,
    name="excessive-nesting",
    summary="A document nested deeper than kcheck analyses.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="the document is nested more than {limit} levels deep; it was not analysed",
    remediation="Flatten the document.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
)
