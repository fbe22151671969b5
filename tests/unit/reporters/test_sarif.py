from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kcheck.core.findings import Finding, Report, Suppression
from kcheck.core.location import Location, Span
from kcheck.docs import explain
from kcheck.reporters import ReporterOptions, render
from kcheck.reporters.sarif import MAX_RESULTS
from tests.lint_helpers import lint_text
from tests.unit.reporters.samples import (
    DANGLING,
    DANGLING_FINDING,
    LATEST_TAG,
    NO_PROBE,
    PRIVILEGED,
    PRIVILEGED_FINDING,
    SAMPLE,
    finding,
    report_of,
)

# The official schema, kept in the team's shared reference folder.
SARIF_SCHEMA = Path("/work/shared/reference/sarif/sarif-schema-2.1.0.json")


def as_sarif(report: Report, options: ReporterOptions | None = None) -> Any:
    return json.loads(render(report, "sarif", options or ReporterOptions()).text)


def run_of(report: Report, options: ReporterOptions | None = None) -> Any:
    document = as_sarif(report, options)
    assert len(document["runs"]) == 1
    return document["runs"][0]


def test_valid_against_the_official_schema() -> None:
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    validator.validate(as_sarif(SAMPLE))
    validator.validate(as_sarif(report_of([])))


def test_what_github_code_scanning_requires() -> None:
    document = as_sarif(SAMPLE)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = document["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kcheck"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [spec.id for spec in SAMPLE.rules]
    for rule in driver["rules"]:
        assert rule["name"]
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert rule["properties"]["tags"]
        assert rule["properties"]["precision"] == "high"
    assert len(run["results"]) == len(SAMPLE.findings)
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/")
        assert "://" not in uri
        assert "\\" not in uri
        assert set(location["physicalLocation"]["region"]) == {
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
        }
        assert set(result["partialFingerprints"]) == {"kcheck/v1"}


def test_rule_descriptor_exactly() -> None:
    privileged, latest, no_probe, _ = run_of(SAMPLE)["tool"]["driver"]["rules"]
    assert privileged == {
        "id": "KC101",
        "name": "privileged-container",
        "shortDescription": {"text": "Summary of privileged-container."},
        "fullDescription": {"text": "Checks for containers whose `securityContext` sets `privileged: true`."},
        "help": {"text": explain(PRIVILEGED, "text"), "markdown": explain(PRIVILEGED, "markdown")},
        "defaultConfiguration": {"level": "error", "enabled": True},
        "properties": {"tags": ["security", "objects"], "precision": "high", "security-severity": "8.0"},
    }
    assert latest["properties"] == {"tags": ["reliability", "objects"], "precision": "high"}
    assert latest["defaultConfiguration"]["level"] == "warning"
    assert no_probe["defaultConfiguration"]["level"] == "note"


def test_result_exactly() -> None:
    (result,) = run_of(report_of([DANGLING_FINDING]))["results"]
    assert result == {
        "ruleId": "KC201",
        "ruleIndex": 3,
        "level": "warning",
        "message": {"text": "Service 'web' selects no pods"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "svc.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 13},
                }
            }
        ],
        "partialFingerprints": {"kcheck/v1": "fp-dangling"},
        "relatedLocations": [
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": "deploy.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 12},
                },
                "message": {"text": "Deployment web is labelled app=web"},
            }
        ],
    }


@pytest.mark.parametrize(
    ("kind", "sarif_kind"),
    [("comment", "inSource"), ("annotation", "inSource"), ("config", "external"), ("baseline", "external")],
)
def test_suppressed_results_are_kept_and_marked(kind: str, sarif_kind: str) -> None:
    suppressed = replace(PRIVILEGED_FINDING, suppression=Suppression(kind, "accepted risk"))  # type: ignore[arg-type]
    (result,) = run_of(report_of([suppressed]))["results"]
    assert result["suppressions"] == [{"kind": sarif_kind, "justification": "accepted risk"}]


def test_uris_are_repository_relative_and_percent_encoded() -> None:
    moved = replace(DANGLING_FINDING, location=Location("my charts/ünï#1.yaml", Span(1, 1, 1, 2)), related=())
    (result,) = run_of(report_of([moved]), ReporterOptions(uri_prefix="deploy/prod/"))["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/prod/my%20charts/%C3%BCn%C3%AF%231.yaml"
    above = replace(DANGLING_FINDING, location=Location("../base/svc.yaml", Span(1, 1, 1, 2)), related=())
    (result,) = run_of(report_of([above]), ReporterOptions(uri_prefix="deploy/prod"))["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/base/svc.yaml"


def test_tool_uri_is_configurable() -> None:
    driver = run_of(SAMPLE, ReporterOptions(tool_uri="https://example.com/kcheck"))["tool"]["driver"]
    assert driver["informationUri"] == "https://example.com/kcheck"


def test_result_for_a_rule_outside_the_report_has_no_index() -> None:
    report = replace(report_of([DANGLING_FINDING]), rules=(PRIVILEGED,))
    (result,) = run_of(report)["results"]
    assert "ruleIndex" not in result
    assert result["ruleId"] == "KC201"


def test_at_most_25000_results_keeping_the_most_severe() -> None:
    warnings = [
        finding(LATEST_TAG, "w", "a.yaml", Span(line, 1, line, 2)) for line in range(1, MAX_RESULTS + 1)
    ]
    error = finding(PRIVILEGED, "e", "z.yaml", Span(1, 1, 1, 2))
    info = finding(NO_PROBE, "i", "b.yaml", Span(1, 1, 1, 2))
    suppressed = finding(
        DANGLING, "s", "a.yaml", Span(1, 1, 1, 2), suppression=Suppression("config", "legacy")
    )
    run = run_of(report_of([*warnings, error, info, suppressed]))
    results = run["results"]
    assert len(results) == MAX_RESULTS == 25_000
    assert results[0]["ruleId"] == "KC101"
    assert {r["ruleId"] for r in results[1:]} == {"KC102"}
    assert results[-1]["locations"][0]["physicalLocation"]["region"]["startLine"] == MAX_RESULTS - 1
    assert run["properties"] == {"totalResults": MAX_RESULTS + 3, "truncated": True}
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "descriptor": {"id": "results-truncated"},
                    "level": "warning",
                    "message": {
                        "text": "Only the 25000 most severe of 25003 results are included: "
                        "GitHub code scanning accepts at most 25000 results per run."
                    },
                }
            ],
        }
    ]


def test_untruncated_run_says_so() -> None:
    assert run_of(SAMPLE)["properties"] == {"totalResults": 4, "truncated": False}


def test_severity_is_written_as_a_string_with_one_decimal() -> None:
    spec = replace(PRIVILEGED, security_severity=9)
    (rule,) = run_of(replace(SAMPLE, findings=(), rules=(spec,)))["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "9.0"


def test_results_of_a_finding_without_fingerprint_omit_it() -> None:
    (result,) = run_of(report_of([replace(PRIVILEGED_FINDING, fingerprint="")]))["results"]
    assert "partialFingerprints" not in result


def test_zero_width_and_multiline_regions_are_kept() -> None:
    spans = [Span(1, 1, 1, 1), Span(2, 3, 5, 1)]
    findings: list[Finding] = [
        replace(PRIVILEGED_FINDING, location=Location("a.yaml", span)) for span in spans
    ]
    regions = [
        r["locations"][0]["physicalLocation"]["region"] for r in run_of(report_of(findings))["results"]
    ]
    assert regions == [
        {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
        {"startLine": 2, "startColumn": 3, "endLine": 5, "endColumn": 1},
    ]


def test_a_mechanical_remedy_is_a_fix_with_the_exact_replacement_region(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostPID: true\n"
        "  containers:\n    - name: app\n      image: app:1\n"
        "      securityContext:\n        privileged: true\n"
    )
    report = lint_text(text, tmp_path, select=["KC101", "KC106"])
    document = as_sarif(report)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(document)
    fixes = {r["ruleId"]: r["fixes"] for r in document["runs"][0]["results"]}
    assert fixes["KC106"] == [
        {
            "description": {"text": "Set `hostPID: false`"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "manifest.yaml", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 5,
                                "startColumn": 12,
                                "endLine": 5,
                                "endColumn": 16,
                            },
                            "insertedContent": {"text": "false"},
                        }
                    ],
                }
            ],
        }
    ]
    [replacement] = fixes["KC101"][0]["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"] == {
        "startLine": 10,
        "startColumn": 21,
        "endLine": 10,
        "endColumn": 25,
    }
