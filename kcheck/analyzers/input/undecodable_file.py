"""## What it does
Reports a file that is not text YAML can hold: invalid UTF-8 (or UTF-16/32) bytes, a NUL byte or
another control character YAML forbids — usually a binary file with a `.yaml` name, or a file damaged by
an editor. The finding points at the first offending byte. The file is not analysed further.

## Why is this bad?
Kubernetes cannot decode the file, so nothing in it can be applied.

## Example
```text
A file whose bytes are 0x61 0x3a 0x20 0xff ("a: " then an invalid UTF-8 byte).
```
Use instead:
```text
The same file saved as UTF-8.
```
"""

from kcheck.core import input_ids
from kcheck.core.rules import Category, Precision, Profile, RuleSpec
from kcheck.core.severity import Severity

RULE = RuleSpec(
    id=input_ids.UNDECODABLE_FILE,
    name="undecodable-file",
    summary="A file that is not valid YAML text (bad encoding, NUL or control bytes).",
    severity=Severity.ERROR,
    category=Category.CORRECTNESS,
    message="{problem}; the file was not analysed",
    remediation="Save the file as UTF-8 text, or exclude it if it is not a manifest.",
    docs=__doc__ or "",
    precision=Precision.VERY_HIGH,
    references=("https://yaml.org/spec/1.2.2/#51-character-set",),
    profile=Profile.MINIMAL,
)
