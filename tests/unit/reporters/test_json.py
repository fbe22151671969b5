from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from kcheck.core.findings import Report
from kcheck.core.severity import Severity
from kcheck.reporters import ReporterOptions, render
from tests.unit.reporters.samples import DANGLING_FINDING, LATEST_FINDING, SAMPLE, report_of

SCHEMA = json.loads(files("kcheck.reporters").joinpath("report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_json(report: Report, show_suppressed: bool = False) -> Any:
    return json.loads(render(report, "json", ReporterOptions(show_suppressed=show_suppressed)).text)


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_output_matches_the_schema(show_suppressed: bool) -> None:
    VALIDATOR.validate(as_json(SAMPLE, show_suppressed))
    VALIDATOR.validate(as_json(report_of([])))


def test_the_schema_rejects_what_it_does_not_describe() -> None:
    document = as_json(SAMPLE)
    del document["findings"][0]["fingerprint"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)
    document = as_json(SAMPLE)
    document["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)


def test_one_finding_exactly() -> None:
    assert as_json(report_of([DANGLING_FINDING])) == {
        "version": 1,
        "tool": {"name": "kcheck", "version": "0.1.0"},
        "findings": [
            {
                "ruleId": "KC201",
                "ruleName": "dangling-service",
                "severity": "warning",
                "message": "Service 'web' selects no pods",
                "object": {"apiVersion": "v1", "kind": "Service", "namespace": "default", "name": "web"},
                "location": {"path": "svc.yaml", "line": 7, "column": 5, "endLine": 7, "endColumn": 13},
                "objectPath": "spec.selector",
                "related": [
                    {
                        "location": {
                            "path": "deploy.yaml",
                            "line": 4,
                            "column": 3,
                            "endLine": 4,
                            "endColumn": 12,
                        },
                        "message": "Deployment web is labelled app=web",
                        "object": {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "namespace": "default",
                            "name": "web",
                        },
                    }
                ],
                "fingerprint": "fp-dangling",
                "suppression": None,
                "helmSource": None,
                "fix": None,
            }
        ],
        "summary": {
            "errors": 0,
            "warnings": 1,
            "infos": 0,
            "suppressed": 0,
            "filesWithFindings": 1,
            "filesChecked": 5,
            "objectsChecked": 12,
            "failOn": "warning",
            "failed": True,
        },
    }


def test_suppressed_findings_only_on_request() -> None:
    assert [f["ruleId"] for f in as_json(SAMPLE)["findings"]] == ["KC103", "KC101", "KC201"]
    shown = as_json(SAMPLE, show_suppressed=True)["findings"]
    assert [f["ruleId"] for f in shown] == ["KC103", "KC102", "KC101", "KC201"]
    assert shown[1]["suppression"] == {
        "kind": "annotation",
        "reason": "pinned by digest upstream",
        "location": {"path": "deploy.yaml", "line": 6, "column": 5, "endLine": 6, "endColumn": 56},
    }
    assert shown[1]["objectPath"] == "spec.template.spec.containers[0].image"
    assert as_json(SAMPLE)["summary"]["suppressed"] == 1


def test_file_level_findings_and_helm_sources() -> None:
    no_object = replace(
        LATEST_FINDING, object=None, object_path=None, suppression=None, helm_source="web/templates/d.yaml"
    )
    finding = as_json(replace(report_of([no_object]), fail_on=None))
    VALIDATOR.validate(finding)
    assert finding["findings"][0]["object"] is None
    assert finding["findings"][0]["objectPath"] is None
    assert finding["findings"][0]["helmSource"] == "web/templates/d.yaml"
    assert finding["summary"]["failOn"] is None
    assert finding["summary"]["failed"] is False


def test_unicode_is_written_as_is() -> None:
    report = report_of([replace(DANGLING_FINDING, message="Service 'wéb' selects no pods")])
    assert "'wéb'" in render(report, "json", ReporterOptions()).text


def test_failed_follows_fail_on() -> None:
    report = replace(report_of([DANGLING_FINDING]), fail_on=Severity.ERROR)
    assert as_json(report)["summary"]["failed"] is False
