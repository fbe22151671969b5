"""`# kcheck:` comments in a file's text: the suppression directives.

    image: nginx:latest  # kcheck: disable=KC102 -- pinned by the deploy pipeline
    # kcheck: disable=privileged-container,KC103 -- the CNI agent needs the host network
    - name: cni
    # kcheck: disable-file=KC1 -- vendored chart, reviewed upstream

`disable` after content applies to findings on its own line; alone on its line it applies to the next
line that is neither blank nor a comment. `disable-file` applies to the whole file. Rules are named by id,
id prefix or name, separated by commas; the reason follows ` -- `. Any comment that starts with
`kcheck:` is a directive, so a misspelt one is reported instead of silently suppressing nothing.

A comment is a `#` at the start of a line or after whitespace (YAML's rule) and outside a quoted scalar
that starts on the same line. Limit: the text is read line by line, so a line inside a block scalar
(`|`, `>`) or a multi-line quoted scalar that looks like a directive is read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kcheck.core.location import Span

DirectiveKind = Literal["disable", "disable-file"]

_DIRECTIVE = re.compile(r"kcheck\s*:", re.IGNORECASE)
_BODY = re.compile(
    r"(?P<kind>[A-Za-z-]+)\s*=\s*(?P<selectors>[^\s,]+(?:\s*,\s*[^\s,]+)*)\s*(?:(?<=\s)--(?P<reason>.*))?\Z"
)
_SELECTOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
_KINDS: tuple[DirectiveKind, ...] = ("disable", "disable-file")
# Characters after which a quote opens a quoted scalar (elsewhere, as in `it's`, it is part of the text).
_QUOTE_OPENERS = frozenset(" \t[{,:-?")


@dataclass(frozen=True, slots=True)
class Directive:
    kind: DirectiveKind
    selectors: tuple[str, ...]
    reason: str | None  # None when the directive gives none (or only whitespace)
    span: Span  # of the comment, from `#` to its last non-blank character
    applies_to_line: int | None  # the line whose findings it suppresses; None for disable-file or at the end

    def text(self) -> str:
        return f"# kcheck: {self.kind}={','.join(self.selectors)}"


@dataclass(frozen=True, slots=True)
class MalformedDirective:
    """A `# kcheck:` comment kcheck cannot read; it suppresses nothing."""

    comment: str
    problem: str
    span: Span


@dataclass(frozen=True, slots=True)
class Directives:
    directives: tuple[Directive, ...]
    malformed: tuple[MalformedDirective, ...]


def comment_start(line: str) -> int | None:
    """Index of the `#` that starts the line's comment, or None when it has none."""
    quote: str | None = None
    index, length = 0, len(line)
    while index < length:
        char = line[index]
        if quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = None
        elif quote == "'":
            if char == "'":
                if index + 1 < length and line[index + 1] == "'":
                    index += 1  # '' is a quote inside a single-quoted scalar
                else:
                    quote = None
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        elif char in "'\"" and (index == 0 or line[index - 1] in _QUOTE_OPENERS):
            quote = char
        index += 1
    return None


def _parse(body: str) -> tuple[DirectiveKind, tuple[str, ...], str | None] | str:
    """(kind, selectors, reason) of a directive's text after `kcheck:`, or what is wrong with it."""
    match = _BODY.match(body.strip())
    if match is None:
        if "=" not in body:
            return "expected `disable=RULES` or `disable-file=RULES`, then ` -- reason`"
        return "expected `disable=RULE,RULE -- reason` (the reason follows ` -- `)"
    kind = match["kind"]
    if kind not in _KINDS:
        return f"unknown action {kind!r}; expected `disable` or `disable-file`"
    selectors = tuple(s.strip() for s in match["selectors"].split(","))
    bad = [s for s in selectors if not _SELECTOR.match(s)]
    if bad:
        return f"{bad[0]!r} is not a rule id, prefix or name"
    reason = (match["reason"] or "").strip() or None
    return ("disable" if kind == "disable" else "disable-file"), selectors, reason


def parse_directives(text: str) -> Directives:
    """Every `# kcheck:` directive of a file, and the comments that look like one but cannot be read."""
    if "kcheck" not in text.lower():
        return Directives((), ())
    lines = text.split("\n")
    directives: list[Directive] = []
    malformed: list[MalformedDirective] = []
    for number, line in enumerate(lines, start=1):
        if "kcheck" not in line.lower():
            continue
        start = comment_start(line)
        if start is None:
            continue
        comment = line[start:].rstrip()
        body = comment[1:].lstrip()
        found = _DIRECTIVE.match(body)
        if found is None:
            continue
        span = Span(number, start + 1, number, start + len(comment) + 1)
        parsed = _parse(body[found.end() :])
        if isinstance(parsed, str):
            malformed.append(MalformedDirective(comment, parsed, span))
            continue
        kind, selectors, reason = parsed
        target: int | None = None
        if kind == "disable":
            target = number if line[:start].strip() else _next_content_line(lines, number)
        directives.append(Directive(kind, selectors, reason, span, target))
    return Directives(tuple(directives), tuple(malformed))


def _next_content_line(lines: list[str], after: int) -> int | None:
    """The number of the first line after line `after` that is neither blank nor only a comment."""
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None
