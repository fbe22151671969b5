"""Where things are: object paths inside a document, and spans inside a file.

Lines and columns are 1-based. Columns count Unicode code points (SARIF `columnKind: unicodeCodePoints`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# A path from an object's root to one of its keys or values, e.g. ("spec", "containers", 0, "image").
ObjectPath = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")


def format_path(path: ObjectPath) -> str:
    """`spec.containers[0].image`; keys that are not identifiers are quoted: `metadata.labels["app.io/x"]`."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(parts)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a file: from (line, column) up to, not including, (end_line, end_column)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


FILE_START = Span(1, 1, 1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A span in a file. `path` is as the user named it: relative to the working directory, `/` separated."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text of `span` (empty for an insertion) with `text`."""

    span: Span
    text: str
