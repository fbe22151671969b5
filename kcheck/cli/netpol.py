"""`kcheck netpol`: NetworkPolicy reachability between the input's workloads, external address ranges and
entry points.

- `connectivity`: every allowed connection. Exit 0, or 1 when the input has an error finding (an unreadable
  file, an invalid NetworkPolicy: the picture may be incomplete); the findings go to stderr.
- `explain`: the verdict for one source and destination (and port), with the deciding rules. Exit 0 when the
  connection is allowed, 1 when it is not (or the input has an error finding).
- `diff BASE HEAD`: connections added, removed and changed. Exit 0 when HEAD allows nothing BASE did not,
  1 when it does (or an input has an error finding).
Exit 2 on usage or configuration errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from kcheck.analyzers.netpol.cluster import Cluster
from kcheck.core.findings import Finding
from kcheck.core.severity import Severity

app = typer.Typer(help="NetworkPolicy reachability: who can talk to whom, and why.", no_args_is_help=True)

CONNECTIVITY_FORMATS = ("text", "json", "csv", "md", "dot", "mermaid")
EXPLAIN_FORMATS = ("text", "json")
DIFF_FORMATS = ("text", "json", "md", "sarif", "github")

HostNetworkOption = Annotated[
    str | None,
    typer.Option(
        "--host-network-pods",
        metavar="unselected|selected",
        help="Whether selectors select hostNetwork pods (default: setting network.host-network-pods, "
        "else unselected).",
    ),
]
PodCidrOption = Annotated[
    list[str] | None,
    typer.Option(
        "--pod-cidr",
        metavar="CIDR",
        help="The pod network (repeatable): an ipBlock covering all of it also admits every pod.",
    ),
]
JobsOption = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]


def _choose(value: str, formats: tuple[str, ...]) -> str:
    if value not in formats:
        raise UsageError(f"--format {value!r}: choose {', '.join(formats)}")
    return value


def _load(
    paths: list[str] | None,
    config: Path | None,
    kubernetes_version: str | None,
    crds: list[str] | None,
    jobs: int | None,
    host_network: str | None,
    pod_cidrs: list[str] | None,
) -> tuple[Cluster, list[Finding]]:
    from kcheck.api.netpol import load
    from kcheck.engine.config import NetworkSettings, load_settings

    cwd = Path.cwd()
    settings, config_path = load_settings(config, cwd)
    if kubernetes_version is not None:
        settings = settings.model_copy(update={"kubernetes_version": kubernetes_version})
    network = settings.network
    if host_network is not None or pod_cidrs:
        try:
            network = NetworkSettings.model_validate(
                {
                    "host_network_pods": host_network or network.host_network_pods,
                    "pod_cidrs": pod_cidrs or network.pod_cidrs,
                }
            )
        except ValueError as error:
            raise UsageError(f"--host-network-pods/--pod-cidr: {_first_error(error)}") from None
        settings = settings.model_copy(update={"network": network})
    return load(
        paths or ["."],
        cwd=cwd,
        settings=settings,
        config_dir=config_path.parent if config_path else None,
        crds=crds or (),
        jobs=jobs,
    )


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        details = errors()
        if details:
            return str(details[0].get("msg", error))
    return str(error)


def _report_findings(findings: list[Finding]) -> None:
    """The input's errors (files not read, policies the API server rejects): the analysis lacks them. The
    rest of the input rules' findings are `kcheck lint`'s."""
    for finding in findings:
        if finding.severity is not Severity.ERROR:
            continue
        where = finding.location
        typer.echo(
            f"{where.path}:{where.span.line}:{where.span.column}: {finding.severity.value}: "
            f"{finding.rule_id} {finding.message}",
            err=True,
        )


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _usage_error(error: KcheckError) -> typer.Exit:
    typer.echo(f"kcheck: error: {error}", err=True)
    return typer.Exit(EXIT_USAGE)


@app.command("connectivity")
def connectivity_command(
    paths: PathsArgument = None,
    focus: Annotated[
        str | None,
        typer.Option("--focus", metavar="WORKLOAD", help="Only connections from or to this workload."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(CONNECTIVITY_FORMATS)}.")
    ] = "text",
    output: OutputOption = None,
    config: ConfigOption = None,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
    jobs: JobsOption = None,
    host_network: HostNetworkOption = None,
    pod_cidrs: PodCidrOption = None,
) -> None:
    """Every connection the NetworkPolicies allow between workloads, external address ranges and entry
    points (the ingress controller, the outside world)."""
    from kcheck.analyzers.netpol.cluster import Workload
    from kcheck.analyzers.netpol.connectivity import connectivity_document, write_json
    from kcheck.analyzers.netpol.explain import parse_endpoint
    from kcheck.analyzers.netpol.reach import Reachability
    from kcheck.analyzers.netpol.render import render

    try:
        chosen = _choose(output_format, CONNECTIVITY_FORMATS)
        cluster, findings = _load(paths, config, kubernetes_version, crds, jobs, host_network, pod_cidrs)
        reach = Reachability(cluster)
        focused = None
        if focus is not None:
            endpoint = parse_endpoint(reach, focus)
            if not isinstance(endpoint, Workload):
                raise UsageError(f"--focus {focus!r}: name a workload (namespace/name[Kind])")
            focused = endpoint
    except KcheckError as error:
        raise _usage_error(error) from None
    _report_findings(findings)
    if chosen == "json":
        if output is None:
            write_json(reach, sys.stdout, focused)
        else:
            with output.open("w", encoding="utf-8") as stream:
                write_json(reach, stream, focused)
    else:
        _write(render(connectivity_document(reach, focused), chosen), output)
    raise typer.Exit(EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else 0)


@app.command("explain")
def explain_command(
    paths: PathsArgument = None,
    source: Annotated[
        str,
        typer.Option(
            "--src",
            metavar="ENDPOINT",
            help="namespace/name[Kind], an IP address, ingress-controller or external.",
        ),
    ] = "",
    destination: Annotated[
        str, typer.Option("--dst", metavar="ENDPOINT", help="namespace/name[Kind] or an IP address.")
    ] = "",
    port: Annotated[
        str | None, typer.Option("--port", metavar="N[/PROTO]", help="One port, e.g. 5432/TCP or 53/UDP.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(EXPLAIN_FORMATS)}.")
    ] = "text",
    output: OutputOption = None,
    config: ConfigOption = None,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
    jobs: JobsOption = None,
    host_network: HostNetworkOption = None,
    pod_cidrs: PodCidrOption = None,
) -> None:
    """Whether SRC can connect to DST (on PORT), which policies and rules decide it (file:line), and for
    each rule that does not match, which selector term, namespace label, named port or protocol fails."""
    from kcheck.analyzers.netpol.explain import explain, parse_endpoint, parse_port, render_explanation
    from kcheck.analyzers.netpol.reach import Reachability

    try:
        chosen = _choose(output_format, EXPLAIN_FORMATS)
        if not source or not destination:
            raise UsageError("--src and --dst are required")
        wanted = parse_port(port) if port is not None else None
        cluster, findings = _load(paths, config, kubernetes_version, crds, jobs, host_network, pod_cidrs)
        reach = Reachability(cluster)
        document = explain(reach, parse_endpoint(reach, source), parse_endpoint(reach, destination), wanted)
    except KcheckError as error:
        raise _usage_error(error) from None
    _report_findings(findings)
    if chosen == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_explanation(document)
    _write(text, output)
    failed = any(f.severity is Severity.ERROR for f in findings)
    raise typer.Exit(0 if document["allowed"] and not failed else EXIT_FINDINGS)


@app.command("diff")
def diff_command(
    base: Annotated[str, typer.Argument(help="The input before the change (file or directory).")],
    head: Annotated[str, typer.Argument(help="The input after the change.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(DIFF_FORMATS)}.")
    ] = "text",
    output: OutputOption = None,
    config: ConfigOption = None,
    kubernetes_version: KubernetesVersionOption = None,
    crds: CrdOption = None,
    jobs: JobsOption = None,
    host_network: HostNetworkOption = None,
    pod_cidrs: PodCidrOption = None,
) -> None:
    """The connections HEAD adds, removes and changes compared with BASE; with --format sarif (or github),
    each newly allowed connection is a finding at the rule of HEAD that allows it."""
    from kcheck.analyzers.netpol.diff import (
        analyse_pair,
        changes,
        diff_document,
        newly_allowed_findings,
        render_diff,
    )

    try:
        chosen = _choose(output_format, DIFF_FORMATS)
        base_cluster, base_findings = _load(
            [base], config, kubernetes_version, crds, jobs, host_network, pod_cidrs
        )
        head_cluster, head_findings = _load(
            [head], config, kubernetes_version, crds, jobs, host_network, pod_cidrs
        )
    except KcheckError as error:
        raise _usage_error(error) from None
    findings = [*base_findings, *head_findings]
    _report_findings(findings)
    base_reach, head_reach = analyse_pair(base_cluster, head_cluster)
    found = changes(base_reach, head_reach)
    widened = list(newly_allowed_findings(head_reach, found))
    document = diff_document(found)
    if chosen in ("sarif", "github"):
        text = _render_findings(widened, chosen)
    elif chosen == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_diff(document, markdown=chosen == "md")
    _write(text, output)
    failed = any(f.severity is Severity.ERROR for f in findings)
    raise typer.Exit(EXIT_FINDINGS if widened or failed else 0)


def _render_findings(findings: list[Finding], output_format: str) -> str:
    import kcheck
    from kcheck.analyzers.netpol.diff import NEWLY_ALLOWED
    from kcheck.core.findings import Report
    from kcheck.core.fingerprint import with_fingerprints
    from kcheck.reporters import ReporterOptions, render

    sources: dict[str, str] = {}
    for finding in findings:
        path = finding.location.path
        if path not in sources:
            try:
                sources[path] = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                sources[path] = ""
    ordered = sorted(with_fingerprints(findings, sources), key=Finding.sort_key)
    report = Report(
        tuple(ordered),
        (NEWLY_ALLOWED,),
        len(sources),
        len(findings),
        kcheck.__version__,
        Severity.WARNING,
        sources,
    )
    from kcheck.cli.lint import _repository_prefix

    return render(report, output_format, ReporterOptions(uri_prefix=_repository_prefix(Path.cwd()))).text
