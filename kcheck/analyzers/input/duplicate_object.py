"""## What it does
Reports an object defined twice: the same API group and kind (any version), namespace and name. The
finding is on the second definition, in file order, with the first as a related location. By default
only files in the same directory are compared, because a directory is what `kubectl apply -f dir/`
applies together, while a repository often holds alternative installs or unrelated apps in different
directories; the `scope` option widens (`input`) or narrows (`file`) that.
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

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: Literal["file", "directory", "input"] = Field(
        default="directory",
        description="Which files are compared: each file alone, the files of one directory, or all input.",
    )


RULE = RuleSpec(
    id=input_ids.DUPLICATE_OBJECT,
    name="duplicate-object",
    summary="The same object (group, kind, namespace, name) defined twice.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{object} is defined again; the first definition is at {first}",
    remediation="Remove one of the definitions, or give them different names or namespaces.",
    docs=__doc__ or "",
    precision=Precision.HIGH,
    options=Options,
    profile=Profile.MINIMAL,
)
