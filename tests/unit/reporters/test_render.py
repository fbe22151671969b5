from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from kcheck.core.errors import UsageError
from kcheck.reporters import FORMATS, ReporterOptions, render
from tests.unit.reporters.samples import SAMPLE


def test_formats() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "markdown")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("show_suppressed", [False, True])
def test_same_report_same_bytes(fmt: str, show_suppressed: bool) -> None:
    options = ReporterOptions(show_suppressed=show_suppressed)
    first = render(SAMPLE, fmt, options)
    # An equal report built anew, with its sources in another order, renders identically.
    rebuilt = replace(SAMPLE, sources=dict(reversed(list(SAMPLE.sources.items()))))
    assert render(rebuilt, fmt, options) == first
    assert first.text.endswith("\n")


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown output format 'xml'; choose one of text, json, sarif"):
        render(SAMPLE, "xml", ReporterOptions())


def test_importing_the_reporters_stays_light() -> None:
    heavy = ("rich", "jsonschema", "pydantic", "ruamel")
    code = f"import sys, kcheck.reporters; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
