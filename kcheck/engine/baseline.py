"""Baselines: record today's findings so that later runs report only new ones.

A baseline file maps each fingerprint (without its `:N` duplicate number) to the rule, the path and how
many findings had it. Matching counts: if the baseline holds 2 findings with a fingerprint and a run finds
3, the one last in sort order is new.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kcheck.core.errors import ConfigError
from kcheck.core.findings import Finding, Suppression
from kcheck.core.fingerprint import base_fingerprint

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    rule: str
    path: str
    count: int


@dataclass(frozen=True, slots=True)
class Baseline:
    path: Path
    entries: Mapping[str, BaselineEntry]  # base fingerprint -> entry


def _recorded(finding: Finding) -> bool:
    # Findings suppressed in the source or the config need no baseline; those baselined before stay in it.
    return finding.suppression is None or finding.suppression.kind == "baseline"


def write_baseline(findings: Sequence[Finding]) -> str:
    """The baseline file (JSON) of `findings`, which must have fingerprints; deterministic."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for finding in findings:
        if not _recorded(finding):
            continue
        if not finding.fingerprint:
            raise ValueError(f"finding without a fingerprint: {finding.rule_id} at {finding.location}")
        key = base_fingerprint(finding.fingerprint)
        counts[key] += 1
        first.setdefault(key, finding)
    entries = {
        key: {"rule": first[key].rule_id, "path": first[key].location.path, "count": counts[key]}
        for key in sorted(counts)
    }
    document = {"version": FORMAT_VERSION, "tool": "kcheck", "fingerprints": entries}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _invalid(path: Path, problem: str) -> ConfigError:
    return ConfigError(f"{path}: not a kcheck baseline: {problem}")


def _entry(path: Path, key: str, value: object) -> BaselineEntry:
    if not isinstance(value, dict):
        raise _invalid(path, f"fingerprints.{key} must be an object")
    rule, file_path, count = value.get("rule"), value.get("path"), value.get("count")
    if not isinstance(rule, str) or not isinstance(file_path, str):
        raise _invalid(path, f"fingerprints.{key} needs string `rule` and `path`")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise _invalid(path, f"fingerprints.{key}.count must be a positive integer")
    return BaselineEntry(rule, file_path, count)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; a missing or invalid one is a ConfigError naming the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such baseline file (create one with `kcheck baseline -o {path}`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the baseline: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _invalid(path, f"invalid JSON at {error.lineno}:{error.colno}: {error.msg}") from None
    if not isinstance(document, dict) or document.get("tool") != "kcheck":
        raise _invalid(path, 'expected a JSON object with "tool": "kcheck"')
    if document.get("version") != FORMAT_VERSION:
        raise _invalid(
            path, f"unsupported version {document.get('version')!r} (this kcheck reads {FORMAT_VERSION})"
        )
    fingerprints = document.get("fingerprints")
    if not isinstance(fingerprints, dict):
        raise _invalid(path, "fingerprints must be an object")
    return Baseline(path, {key: _entry(path, key, value) for key, value in fingerprints.items()})


def apply_baseline(findings: Sequence[Finding], baseline: Baseline) -> list[Finding]:
    """`findings` with those the baseline holds marked as suppressed (kind "baseline"), in the same order."""
    suppression = Suppression(kind="baseline", reason=f"in baseline {baseline.path}")
    by_fingerprint: defaultdict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        if finding.suppression is None and finding.fingerprint:
            by_fingerprint[base_fingerprint(finding.fingerprint)].append(index)
    result = list(findings)
    for key, indexes in by_fingerprint.items():
        entry = baseline.entries.get(key)
        if entry is None:
            continue
        for index in sorted(indexes, key=lambda i: findings[i].sort_key())[: entry.count]:
            result[index] = replace(findings[index], suppression=suppression)
    return result
