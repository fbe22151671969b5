"""The text of every input file, without keeping every file in memory.

Suppression comments, fingerprints and excerpts need a file's text after the per-file stage has released
it. A repository ten times larger must not hold ten times the text, so `FileTexts` reads a file again
(decoded as the source layer decodes it) when its text is asked for, keeping only the last few. Standard
input cannot be read twice, and a file that could not be read has no text: those are kept as they were.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from kcheck.source.decode import Decoded, decode

# Findings are handled file after file: a few recent files cover the lookups that come together.
_RECENT = 8


class FileTexts(Mapping[str, str]):
    def __init__(self) -> None:
        self._paths: dict[str, Path | None] = {}  # display path -> file on disk (None: kept below)
        self._kept: dict[str, str] = {}
        self._recent: OrderedDict[str, str] = OrderedDict()

    def add(self, display_path: str, path: Path | None, text: str) -> None:
        if display_path in self._paths:
            return
        self._paths[display_path] = None if path is None or not text else path
        if path is None or not text:
            self._kept[display_path] = text

    def subset(self, display_paths: Iterable[str]) -> FileTexts:
        """The same texts, for some of the files only (in this mapping's order)."""
        wanted = set(display_paths)
        subset = FileTexts()
        for display_path, path in self._paths.items():
            if display_path in wanted:
                subset._paths[display_path] = path
                if path is None:
                    subset._kept[display_path] = self._kept[display_path]
        return subset

    def __getitem__(self, display_path: str) -> str:
        path = self._paths[display_path]
        if path is None:
            return self._kept[display_path]
        text = self._recent.get(display_path)
        if text is None:
            text = _read(path)
            self._recent[display_path] = text
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(display_path)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _read(path: Path) -> str:
    try:
        decoded = decode(path.read_bytes())
    except OSError:  # gone since it was linted: excerpts and fingerprints go without its text
        return ""
    return decoded.text if isinstance(decoded, Decoded) else ""
