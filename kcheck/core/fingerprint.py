"""Fingerprints: a finding's identity that survives edits elsewhere in its file.

A fingerprint hashes what the finding is about, not where it is: the rule, the file, the object (API group
without its version, kind, namespace, name) and the path inside the object. Moving a document, adding lines
above it or upgrading `apps/v1beta2` to `apps/v1` keeps it. A finding without an object (a YAML error)
uses the text of its line instead of the line number. Baselines and SARIF `partialFingerprints` use it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from kcheck.core.findings import Finding
from kcheck.core.location import format_path

_LENGTH = 32  # hex digits: 128 bits, plenty to keep apart the findings of a repository


def fingerprint(finding: Finding, line_text: str) -> str:
    """The fingerprint of `finding`; `line_text` is the text of its first line (used without an object)."""
    parts: list[str | None] = [finding.rule_id, finding.location.path]
    ref = finding.object
    if ref is not None:
        group = ref.api_version.rpartition("/")[0] if ref.api_version else None
        parts += [group, ref.kind, ref.namespace, ref.name, format_path(finding.object_path or ())]
    else:
        parts.append(line_text.strip())
    encoded = json.dumps(parts, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:_LENGTH]


def base_fingerprint(numbered: str) -> str:
    """The fingerprint without the `:N` that `number_duplicates` adds."""
    return numbered.partition(":")[0]


def number_duplicates(findings: Sequence[Finding]) -> list[Finding]:
    """The findings, in the same order, with `:2`, `:3`... added to repeated fingerprints (in sort order)."""
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        groups[finding.fingerprint].append(index)
    result = list(findings)
    for fingerprint_, indexes in groups.items():
        if len(indexes) < 2:
            continue
        for number, index in enumerate(sorted(indexes, key=lambda i: findings[i].sort_key())[1:], start=2):
            result[index] = replace(findings[index], fingerprint=f"{fingerprint_}:{number}")
    return result


def with_fingerprints(findings: Sequence[Finding], sources: Mapping[str, str]) -> list[Finding]:
    """`findings` with their fingerprints set and numbered; `sources` maps a path to its file's text."""
    lines: dict[str, list[str]] = {}

    def line_text(finding: Finding) -> str:
        if finding.object is not None:
            return ""  # not used: the object identifies the finding
        path = finding.location.path
        if path not in lines:
            lines[path] = sources.get(path, "").split("\n")
        file_lines, number = lines[path], finding.location.span.line
        return file_lines[number - 1] if 0 < number <= len(file_lines) else ""

    return number_duplicates([replace(f, fingerprint=fingerprint(f, line_text(f))) for f in findings])
