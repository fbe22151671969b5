"""`kcheck resources`: QoS classes, LimitRange defaults and ResourceQuota usage per namespace.

Exit 0: every pod is admitted and every quota fits at declared replicas; 1: a pod is rejected, a quota is
exceeded, or the input has an error (a file that cannot be read, an object defined twice, which would be
counted twice: the finding is listed); 2: usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kcheck.cli.lint import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    ConfigOption,
    CrdOption,
    KubernetesVersionOption,
    PathsArgument,
)
from kcheck.core.errors import KcheckError, UsageError
from kcheck.core.severity import Severity

FORMATS = ("text", "json", "markdown")


def resources_command(
    paths: PathsArgument = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    nodes: Annotated[
        int | None,
        typer.Option(
            "--nodes", min=0, help="Nodes a DaemonSet runs on (default: KC704's option `nodes`, else 1)."
        ),
    ] = None,
    namespaces: Annotated[
        list[str] | None,
        typer.Option("--namespace", "-n", help="Show only this namespace (repeatable); findings stay whole."),
    ] = None,
    config: ConfigOption = None,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = None,
) -> None:
    """Per namespace: each ResourceQuota's hard limits against the usage of the input's workloads (at
    declared replicas and at HPA maxReplicas); per workload: QoS class, effective requests and limits after
    LimitRange defaults, and whether admission rejects its pods."""
    try:
        if output_format not in FORMATS:
            raise UsageError(f"--format {output_format!r}: choose {', '.join(FORMATS)}")
        document, failed = _report(paths, config, kubernetes_version, crds, jobs, nodes)
        if namespaces:
            document["namespaces"] = [ns for ns in document["namespaces"] if ns["name"] in namespaces]
    except KcheckError as error:
        typer.echo(f"kcheck: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if output_format == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_text(document, markdown=output_format == "markdown")
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    raise typer.Exit(EXIT_FINDINGS if failed else 0)


def _report(
    paths: list[str] | None,
    config: Path | None,
    kubernetes_version: str | None,
    crds: list[str] | None,
    jobs: int | None,
    nodes: int | None,
) -> tuple[dict[str, Any], bool]:
    from kcheck.analyzers.resources.analysis import analyse
    from kcheck.analyzers.resources.family import FAMILY, settings_for
    from kcheck.analyzers.resources.report import build_report
    from kcheck.engine.config import load_settings
    from kcheck.engine.pipeline import RunRequest, lint, prepare

    cwd = Path.cwd()
    settings, config_path = load_settings(config, cwd)
    if kubernetes_version is not None:
        settings = settings.model_copy(update={"kubernetes_version": kubernetes_version})
    # The input rules (unreadable files are reported, not skipped) and this family's, with the config's
    # options for them.
    request = RunRequest(
        paths=paths or ["."],
        cwd=cwd,
        settings=settings,
        config_dir=config_path.parent if config_path else None,
        select=["KC0", *(rule.id for rule in FAMILY.rules)],
        crd_paths=crds or (),
        jobs=jobs,
        fail_on=Severity.ERROR,
    )
    prepared = prepare(request)
    enabled = {rule_id: rule.options for rule_id, rule in prepared.enabled.items()}
    analysis_settings = settings_for(prepared.context, enabled)
    if nodes is not None:
        analysis_settings = type(analysis_settings)(nodes, analysis_settings.pod_level_resources)
    report = lint(prepared)
    namespaces = analyse(prepared.inventory, analysis_settings)
    document = build_report(namespaces, analysis_settings, prepared.context.kubernetes_version)
    document["findings"] = [
        {
            "ruleId": finding.rule_id,
            "severity": finding.severity.value,
            "message": finding.message,
            "location": {
                "path": finding.location.path,
                "line": finding.location.span.line,
                "column": finding.location.span.column,
            },
        }
        for finding in report.active
    ]
    failed = any(f.severity is Severity.ERROR for f in report.active)
    return document, failed


def render_text(document: dict[str, Any], markdown: bool = False) -> str:
    """The report as plain text or Markdown tables."""
    lines: list[str] = []

    def table(header: list[str], rows: list[list[str]]) -> None:
        if markdown:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines.extend("| " + " | ".join(row) + " |" for row in rows)
        else:
            widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
            for row in (header, *rows):
                lines.append(
                    "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
                )
        lines.append("")

    for namespace in document["namespaces"]:
        lines.append(f"## Namespace {namespace['name']}" if markdown else f"Namespace {namespace['name']}")
        lines.append("")
        if namespace["limitRanges"]:
            lines.append(f"LimitRanges: {', '.join(namespace['limitRanges'])}")
            lines.append("")
        for quota in namespace["quotas"]:
            scopes = ", ".join(s["scopeName"] for s in quota["scopes"]) or "none"
            lines.append(f"ResourceQuota {quota['name']} (scopes: {scopes})")
            rows = [
                [
                    r["resource"],
                    r["hard"],
                    r["used"] + (" EXCEEDED" if r["exceeded"] else ""),
                    r["usedAtMaxReplicas"] + (" EXCEEDED" if r["exceededAtMaxReplicas"] else ""),
                ]
                for r in quota["resources"]
            ]
            table(["resource", "hard", "used", "used at max replicas"], rows)
        if namespace["workloads"]:
            rows = []
            for workload in namespace["workloads"]:
                pod = workload["pod"]
                replicas = str(workload["replicas"])
                if workload["maxReplicas"] != workload["replicas"]:
                    replicas += f" (max {workload['maxReplicas']})"
                rows.append(
                    [
                        f"{workload['kind']} {workload['name']}",
                        workload["qosClass"],
                        replicas,
                        _pairs(pod["requests"]),
                        _pairs(pod["limits"]),
                        "rejected" if workload["admission"]["rejected"] else "admitted",
                    ]
                )
            table(["workload", "QoS", "replicas", "pod requests", "pod limits", "admission"], rows)
            for workload in namespace["workloads"]:
                for reason in workload["admission"]["reasons"]:
                    lines.append(f"- {workload['kind']} {workload['name']}: {reason}")
            if any(w["admission"]["reasons"] for w in namespace["workloads"]):
                lines.append("")
        for invalid in namespace["invalidQuantities"]:
            lines.append(
                f"- {invalid['path']}:{invalid['line']}:{invalid['column']}: {invalid['object']}: "
                f"invalid quantity {invalid['value']!r} ({invalid['error']}); left out of the figures"
            )
    if document["findings"]:
        lines.append("## Findings" if markdown else "Findings")
        lines.append("")
        for finding in document["findings"]:
            where = finding["location"]
            lines.append(
                f"- {where['path']}:{where['line']}:{where['column']}: {finding['ruleId']} "
                f"[{finding['severity']}] {finding['message']}"
            )
        lines.append("")
    if not document["namespaces"]:
        lines.append("No workloads, claims, LimitRanges or ResourceQuotas in the input.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _pairs(values: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items()) or "-"
