"""What `missing-required-label` (KC169) and `missing-required-annotation` (KC170) share: the option type
(key -> RE2 expression, checked when the configuration is loaded) and the check itself.

Not a rule module (it defines no `RULE`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import AfterValidator

from kcheck.analyzers.objects.view import object_args
from kcheck.core.findings import Violation
from kcheck.kube.regex import compile_re2
from kcheck.model.base import K8sObject


def _valid_patterns(patterns: dict[str, str]) -> dict[str, str]:
    for key, pattern in patterns.items():
        compiled = compile_re2(pattern)
        if isinstance(compiled, str):
            raise ValueError(f"the expression for {key!r} is not a valid RE2 regular expression: {compiled}")
    return patterns


# An option: key -> the RE2 expression the whole value must match ("" accepts any value).
RequiredPatterns = Annotated[dict[str, str], AfterValidator(_valid_patterns)]

MISSING = "has no {noun} {key!r}"
MISMATCH = "has {noun} {key!r} set to {value!r}, which does not match {pattern!r}"


def required_entries(
    obj: K8sObject, field: str, noun: str, present: Mapping[str, str], required: Mapping[str, str]
) -> Iterator[Violation]:
    """A violation for each key of `required` that `present` (the object's labels or annotations, at
    `metadata.<field>`) lacks, or whose value the key's expression does not match in full."""
    args = object_args(obj)
    for key, pattern in required.items():
        path = ("metadata", field, key)
        value = present.get(key)
        if value is None:
            yield Violation(path, {**args, "problem": MISSING.format(noun=noun, key=key)})
        elif pattern and compile_re2(pattern).fullmatch(value) is None:
            problem = MISMATCH.format(noun=noun, key=key, value=value, pattern=pattern)
            yield Violation(path, {**args, "problem": problem})
