"""The shared corpus of ~2,800 real-world objects: every file lints without an internal error, and files
that libyaml parses give no input-level error (no false KC001 or decoding findings on real manifests)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kcheck.core.findings import Report
from kcheck.reporters import render
from tests.lint_helpers import lint_paths

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
INPUT_ERRORS = {"KC001", "KC009", "KC010", "KC011", "KC012", "KC013"}


@pytest.fixture(scope="module")
def corpus_report() -> Report:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return lint_paths(["."], CORPUS, fail_on=None, jobs=2)


def test_every_object_is_read(corpus_report: Report) -> None:
    # SOURCES.md: 1348 manifest files, 2844 objects with typed List items expanded.
    assert corpus_report.files == 1348
    assert corpus_report.objects == 2844


def test_no_input_level_errors_on_real_manifests(corpus_report: Report) -> None:
    wrong = [f for f in corpus_report.findings if f.rule_id in INPUT_ERRORS]
    assert wrong == []


def test_findings_are_located_inside_their_files(corpus_report: Report) -> None:
    lines = {path: text.count("\n") + 1 for path, text in corpus_report.sources.items()}
    for finding in corpus_report.findings:
        span = finding.location.span
        assert 1 <= span.line <= span.end_line <= lines[finding.location.path]
        assert span.column >= 1


def test_rule_counts_are_plausible(corpus_report: Report) -> None:
    counts = Counter(f.rule_id for f in corpus_report.findings)
    # Every workload rule fires somewhere in 2,844 real objects, and the input rules stay rare.
    assert {"KC101", "KC102", "KC103", "KC104", "KC105", "KC106", "KC107", "KC108"} <= set(counts)
    assert counts["KC002"] < 20


def test_the_output_is_the_same_whatever_the_number_of_workers(corpus_report: Report) -> None:
    # Two worker processes (the fixture) and none: byte for byte the same JSON and SARIF.
    alone = lint_paths(["."], CORPUS, fail_on=None, jobs=1)
    for fmt in ("json", "sarif"):
        assert render(alone, fmt).text == render(corpus_report, fmt).text
