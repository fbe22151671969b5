"""The input family (KC0xx): problems with the input itself. Each is detected by the layer that sees it
(`source`, `model`, `inventory`, the engine's suppressions), so the family has rules and no analysis."""

from __future__ import annotations

from kcheck.analyzers.family import Family
from kcheck.analyzers.input import (
    ambiguous_yaml_scalar,
    duplicate_key,
    duplicate_object,
    empty_input,
    excessive_aliasing,
    excessive_nesting,
    invalid_object_shape,
    non_utf8_encoding,
    oversized_file,
    suppression_without_reason,
    undecodable_file,
    unrendered_helm_chart,
    unused_suppression,
    yaml_syntax_error,
)

FAMILY = Family(
    name="input",
    rules=tuple(
        module.RULE
        for module in (
            yaml_syntax_error,
            invalid_object_shape,
            unused_suppression,
            suppression_without_reason,
            duplicate_key,
            ambiguous_yaml_scalar,
            duplicate_object,
            empty_input,
            undecodable_file,
            non_utf8_encoding,
            oversized_file,
            excessive_aliasing,
            excessive_nesting,
            unrendered_helm_chart,
        )
    ),
)
