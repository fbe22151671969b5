"""Parsing `# kcheck:` comments."""

from __future__ import annotations

import pytest

from kcheck.core.location import Span
from kcheck.source.directives import Directive, MalformedDirective, comment_start, parse_directives


def test_trailing_directive_applies_to_its_own_line() -> None:
    text = "spec:\n  image: nginx:latest  # kcheck: disable=KC102 -- pinned by the pipeline\n"
    assert parse_directives(text).directives == (
        Directive("disable", ("KC102",), "pinned by the pipeline", Span(2, 24, 2, 73), 2),
    )


def test_standalone_directive_applies_to_the_next_content_line() -> None:
    text = "a: 1\n  # kcheck: disable=KC1, privileged-container\n\n  # another comment\n  b: 2\n"
    (directive,) = parse_directives(text).directives
    assert directive == Directive("disable", ("KC1", "privileged-container"), None, Span(2, 3, 2, 46), 5)


def test_standalone_directive_at_the_end_applies_to_nothing() -> None:
    (directive,) = parse_directives("a: 1\n# kcheck: disable=KC101 -- gone\n").directives
    assert directive.applies_to_line is None


def test_file_directive() -> None:
    (directive,) = parse_directives("# kcheck: disable-file=KC2 -- vendored\na: 1\n").directives
    assert directive == Directive("disable-file", ("KC2",), "vendored", Span(1, 1, 1, 39), None)


def test_empty_reason_is_no_reason() -> None:
    (directive,) = parse_directives("a: 1  # kcheck: disable=KC101 --   \n").directives
    assert directive.reason is None
    assert directive.span == Span(1, 7, 1, 33)


def test_spaces_are_tolerated_and_columns_count_code_points() -> None:
    (directive,) = parse_directives("é: ü  #kcheck :disable = KC101 ,KC102 --why\n").directives
    assert (directive.selectors, directive.reason, directive.span) == (
        ("KC101", "KC102"),
        "why",
        Span(1, 7, 1, 44),
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("# kcheck: disabel=KC101", "unknown action 'disabel'; expected `disable` or `disable-file`"),
        ("# kcheck: disable", "expected `disable=RULES` or `disable-file=RULES`, then ` -- reason`"),
        (
            "# kcheck: disable=KC101 because",
            "expected `disable=RULE,RULE -- reason` (the reason follows ` -- `)",
        ),
        ("# kcheck: disable=", "expected `disable=RULE,RULE -- reason` (the reason follows ` -- `)"),
        ("# kcheck: disable=KC_101", "'KC_101' is not a rule id, prefix or name"),
    ],
)
def test_malformed_directives_are_reported(line: str, problem: str) -> None:
    parsed = parse_directives(f"a: 1\n{line}\n")
    assert parsed.directives == ()
    assert parsed.malformed == (MalformedDirective(line, problem, Span(2, 1, 2, len(line) + 1)),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a: 1 # c", 5),
        ("# c", 0),
        ("a: b#c", None),
        ('a: "x # y"', None),
        ('a: "x \\" # y"  # z', 15),
        ("a: 'it''s # y'  # z", 16),
        ("a: it's # y", 8),
        ("- ['a # b', \"c # d\"] # e", 21),
        ("key: |", None),
    ],
)
def test_comment_start_follows_yaml_rules(line: str, expected: int | None) -> None:
    assert comment_start(line) == expected


def test_directive_text_inside_a_quoted_scalar_is_not_a_directive() -> None:
    assert parse_directives('a: "# kcheck: disable=KC101"\n') == parse_directives("")


def test_other_comments_mentioning_kcheck_are_ignored() -> None:
    parsed = parse_directives("# run kcheck: it helps\na: 1  # see kcheck docs\n")
    assert (parsed.directives, parsed.malformed) == ((), ())
