"""Bytes to text, the way a careful YAML reader would: BOMs honoured, anything undecodable located.

YAML streams may be UTF-8, UTF-16 or UTF-32 (YAML 1.2 §5.2). Kubernetes tooling accepts UTF-16 with a
BOM, but diffs, grep and most linters do not, so a non-UTF-8 file is decoded, analysed and reported.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kcheck.core.location import Span

# (BOM, codec) in the order they must be tried: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Characters YAML does not allow in a stream (YAML 1.2 §5.1, c-printable), NUL first among them.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True, slots=True)
class DecodeError:
    span: Span
    reason: str


def _sniff_bomless(data: bytes) -> str | None:
    """YAML's own rule for a stream without a BOM: NUL bytes among the first four tell UTF-16/32."""
    head = data[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be"
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return "utf-32-le"
    if len(head) >= 2 and head[0] == 0 and head[1]:
        return "utf-16-be"
    if len(head) >= 2 and head[0] and head[1] == 0:
        return "utf-16-le"
    return None


def position_of(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def decode(data: bytes) -> Decoded | DecodeError:
    encoding = "utf-8"
    body = data
    for bom, codec in _BOMS:
        if data.startswith(bom):
            encoding, body = codec, data[len(bom) :]
            break
    else:
        encoding = _sniff_bomless(data) or "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        prefix = body[: error.start].decode(encoding, errors="replace")
        line, column = position_of(prefix, len(prefix))
        return DecodeError(
            Span.point(line, column),
            f"the file is not valid {encoding.upper()}: byte 0x{body[error.start]:02x} at offset "
            f"{error.start} cannot be decoded",
        )
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = position_of(text, bad.start())
        what = "a NUL byte" if bad.group() == "\0" else f"the control character U+{ord(bad.group()):04X}"
        return DecodeError(
            Span.point(line, column), f"the file contains {what}, which YAML does not allow (binary file?)"
        )
    return Decoded(text, "utf-8" if encoding == "utf-8" else encoding)
