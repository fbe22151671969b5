"""## What it does
Reports a file encoded as UTF-16 or UTF-32 (detected from its byte-order mark or its first bytes, as
YAML specifies). kcheck decodes and analyses it anyway.

## Why is this bad?
YAML allows these encodings, but Git shows such files as binary in diffs and pull requests, grep and
most editors' search skip them, and several Kubernetes tools (kustomize, Helm, many linters) fail on them.

## Example
```text
A manifest saved as "UTF-16 LE" (the default of some Windows editors and PowerShell's Out-File).
```
Use instead:
```text
The same manifest saved as UTF-8.
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.NON_UTF8_ENCODING,
    name="non-utf8-encoding",
    summary="A manifest encoded as UTF-16 or UTF-32 instead of UTF-8.",
    severity=Severity.WARNING,
    category=Category.HYGIENE,
    message="the file is encoded as {encoding}, not UTF-8: Git diffs, grep and many tools treat it as binary",
    remediation="Save the file as UTF-8.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
)
