"""## What it does
Reports a file larger than `max-file-size` (16 MiB by default) and skips it.

## Why is this bad?
No hand-written manifest comes near that size; such a file is usually generated output or data checked
in by mistake, and parsing it would stall every pre-commit run. Raise `max-file-size` in the
configuration if the file really is a manifest.

## Example
```text
A 100 MB bundle of generated CRDs committed under deploy/.
```
Use instead:
```text
Generate it in CI instead, or exclude the directory, or raise max-file-size.
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.OVERSIZED_FILE,
    name="oversized-file",
    summary="A file over the size limit, which was not analysed.",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="the file is {size:,} bytes, over the limit of {limit:,} (max-file-size); it was not analysed",
    remediation="Exclude the file, or raise max-file-size in the configuration.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    profile=Profile.MINIMAL,
)
