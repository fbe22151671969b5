"""The JSON format (version 1), documented by `report.schema.json` beside this module."""

from __future__ import annotations

import json

from kcheck.core.findings import Finding, ObjectRef, RelatedLocation, Report, SuggestedFix, Suppression
from kcheck.core.location import Location, format_path
from kcheck.core.severity import Severity
from kcheck.reporters.base import Rendered, ReporterOptions, shown

FORMAT_VERSION = 1

JSONObject = dict[str, object]


def _object(ref: ObjectRef | None) -> JSONObject | None:
    if ref is None:
        return None
    return {"apiVersion": ref.api_version, "kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


def _location(location: Location) -> JSONObject:
    span = location.span
    return {
        "path": location.path,
        "line": span.line,
        "column": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _related(related: RelatedLocation) -> JSONObject:
    return {
        "location": _location(related.location),
        "message": related.message,
        "object": _object(related.object),
    }


def _suppression(suppression: Suppression | None) -> JSONObject | None:
    if suppression is None:
        return None
    return {
        "kind": suppression.kind,
        "reason": suppression.reason,
        "location": _location(suppression.location) if suppression.location else None,
    }


def _finding(finding: Finding) -> JSONObject:
    return {
        "ruleId": finding.rule_id,
        "ruleName": finding.rule_name,
        "severity": finding.severity.value,
        "message": finding.message,
        "object": _object(finding.object),
        "location": _location(finding.location),
        "objectPath": format_path(finding.object_path) if finding.object_path is not None else None,
        "related": [_related(related) for related in finding.related],
        "fingerprint": finding.fingerprint,
        "suppression": _suppression(finding.suppression),
        "helmSource": finding.helm_source,
        "fix": _fix(finding.fix),
    }


def _fix(fix: SuggestedFix | None) -> JSONObject | None:
    if fix is None:
        return None
    span = fix.edit.span
    region = {
        "line": span.line,
        "column": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }
    return {"description": fix.description, "region": region, "text": fix.edit.text}


def _summary(report: Report) -> JSONObject:
    active = report.active
    return {
        "errors": sum(1 for f in active if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in active if f.severity is Severity.WARNING),
        "infos": sum(1 for f in active if f.severity is Severity.INFO),
        "suppressed": len(report.findings) - len(active),
        "filesWithFindings": len({f.location.path for f in active}),
        "filesChecked": report.files,
        "objectsChecked": report.objects,
        "failOn": report.fail_on.value if report.fail_on else None,
        "failed": report.failed,
    }


def render_json(report: Report, options: ReporterOptions) -> Rendered:
    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "kcheck", "version": report.tool_version},
        "findings": [],
        "summary": _summary(report),
    }
    head, _, tail = json.dumps(document, indent=2, ensure_ascii=False).partition('"findings": []')
    # Each finding is encoded on its own and indented into place: the same text as encoding the whole
    # document at once, without holding every finding's dict and the indenting encoder's millions of small
    # pieces at the same time (a hundred megabytes for 30,000 findings).
    parts = [head, '"findings": [']
    for index, finding in enumerate(shown(report, options)):
        encoded = json.dumps(_finding(finding), indent=2, ensure_ascii=False).replace("\n", "\n    ")
        parts += (",\n    " if index else "\n    "), encoded
    parts += ("\n  ]" if len(parts) > 2 else "]"), tail, "\n"
    return Rendered("".join(parts))
