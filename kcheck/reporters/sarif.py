"""SARIF 2.1.0, shaped for GitHub code scanning: one run, every rule described, full regions,
repository-relative URIs, partial fingerprints, and suppressed results kept (GitHub shows them dismissed)."""

from __future__ import annotations

import json
from urllib.parse import quote

from kcheck.core.findings import Finding, Report, SuggestedFix, Suppression
from kcheck.core.location import Location
from kcheck.core.rules import Category, RuleSpec
from kcheck.core.severity import Severity
from kcheck.docs import doc_sections, explain
from kcheck.reporters.base import Rendered, ReporterOptions, by_severity, repository_path

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# GitHub code scanning rejects a run with more results than this.
MAX_RESULTS = 25_000
FINGERPRINT_KEY = "kcheck/v1"
# Artifact URIs are relative to the root of the repository, which GitHub (and CodeQL) call %SRCROOT%.
SOURCE_ROOT = "%SRCROOT%"

SarifObject = dict[str, object]

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Written in the manifest (comment or annotation) versus decided elsewhere (config, baseline).
_SUPPRESSION_KINDS = {
    "comment": "inSource",
    "annotation": "inSource",
    "config": "external",
    "baseline": "external",
}


def _rule(spec: RuleSpec) -> SarifObject:
    tags = list(dict.fromkeys([spec.category.value, spec.family]))
    properties: SarifObject = {"tags": tags, "precision": spec.precision.value}
    if spec.category is Category.SECURITY and spec.security_severity is not None:
        properties["security-severity"] = f"{spec.security_severity:.1f}"
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": doc_sections(spec.docs).get("What it does") or spec.summary},
        "help": {"text": explain(spec, "text"), "markdown": explain(spec, "markdown")},
        "defaultConfiguration": {"level": _LEVELS[spec.severity], "enabled": spec.default_enabled},
        "properties": properties,
    }


def _physical_location(location: Location, uri_prefix: str) -> SarifObject:
    span = location.span
    uri = quote(repository_path(location.path, uri_prefix), safe="/")
    return {
        "artifactLocation": {"uri": uri, "uriBaseId": SOURCE_ROOT},
        "region": {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        },
    }


def _suppression(suppression: Suppression) -> SarifObject:
    return {"kind": _SUPPRESSION_KINDS[suppression.kind], "justification": suppression.reason}


def _result(finding: Finding, rule_index: dict[str, int], uri_prefix: str) -> SarifObject:
    result: SarifObject = {"ruleId": finding.rule_id}
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    result["level"] = _LEVELS[finding.severity]
    result["message"] = {"text": finding.message}
    result["locations"] = [{"physicalLocation": _physical_location(finding.location, uri_prefix)}]
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical_location(related.location, uri_prefix),
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix, finding.location, uri_prefix)]
    if finding.suppression is not None:
        result["suppressions"] = [_suppression(finding.suppression)]
    return result


def _fix(fix: SuggestedFix, location: Location, uri_prefix: str) -> SarifObject:
    edit = Location(location.path, fix.edit.span)
    changed = _physical_location(edit, uri_prefix)
    replacement = {"deletedRegion": changed["region"], "insertedContent": {"text": fix.edit.text}}
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": changed["artifactLocation"], "replacements": [replacement]}],
    }


def _kept(report: Report) -> list[Finding]:
    """The results GitHub will accept: unsuppressed before suppressed, then the most severe first."""
    active = by_severity(report.active)
    suppressed = by_severity(f for f in report.findings if f.suppression is not None)
    return [*active, *suppressed][:MAX_RESULTS]


def _invocation(total: int, kept: int) -> SarifObject:
    invocation: SarifObject = {"executionSuccessful": True}
    if kept < total:
        message = (
            f"Only the {kept} most severe of {total} results are included: "
            f"GitHub code scanning accepts at most {MAX_RESULTS} results per run."
        )
        invocation["toolExecutionNotifications"] = [
            {"descriptor": {"id": "results-truncated"}, "level": "warning", "message": {"text": message}}
        ]
    return invocation


def render_sarif(report: Report, options: ReporterOptions) -> Rendered:
    rule_index = {spec.id: index for index, spec in enumerate(report.rules)}
    kept = _kept(report)
    total = len(report.findings)
    run: SarifObject = {
        "tool": {
            "driver": {
                "name": "kcheck",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": options.tool_uri,
                "rules": [_rule(spec) for spec in report.rules],
            }
        },
        "invocations": [_invocation(total, len(kept))],
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, rule_index, options.uri_prefix) for finding in kept],
        "properties": {"totalResults": total, "truncated": len(kept) < total},
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return Rendered(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
