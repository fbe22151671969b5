"""The NetworkPolicy analysis as a library: load an input, then ask for its connectivity or explain one
connection (what `kcheck netpol` does, for scripts and benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kcheck.analyzers.netpol.analysis import cluster_of
from kcheck.analyzers.netpol.cluster import Cluster
from kcheck.analyzers.netpol.connectivity import connectivity_document
from kcheck.analyzers.netpol.explain import explain as explain_pair
from kcheck.analyzers.netpol.explain import parse_endpoint, parse_port
from kcheck.analyzers.netpol.invalid_network_policy import RULE as INVALID
from kcheck.analyzers.netpol.reach import Reachability
from kcheck.core.findings import Finding
from kcheck.core.severity import Severity


def load(
    paths: Sequence[str],
    *,
    cwd: Path | None = None,
    settings: Any = None,
    config_dir: Path | None = None,
    crds: Sequence[str] = (),
    jobs: int | None = None,
) -> tuple[Cluster, list[Finding]]:
    """Read `paths` as `kcheck lint` does (with the input rules and KC301 only): the cluster model, and the
    findings about the input (unreadable files, invalid policies). `settings` defaults to kcheck's."""
    from kcheck.engine.config import Settings
    from kcheck.engine.pipeline import RunRequest, lint, prepare

    request = RunRequest(
        paths=list(paths),
        cwd=cwd or Path.cwd(),
        settings=settings if settings is not None else Settings(),
        config_dir=config_dir,
        select=["KC0", INVALID.id],
        crd_paths=tuple(crds),
        jobs=jobs,
        fail_on=Severity.ERROR,
    )
    prepared = prepare(request)
    report = lint(prepared)
    return cluster_of(prepared.inventory, prepared.context.network), list(report.active)


def load_cluster(paths: Sequence[str], **options: Any) -> Reachability:
    """The analysis of `paths`, ready for `connectivity` and `explain`."""
    cluster, _ = load(paths, **options)
    return Reachability(cluster)


def connectivity(reach: Reachability) -> dict[str, Any]:
    return connectivity_document(reach)


def explain(reach: Reachability, src: str, dst: str, port: str | None = None) -> dict[str, Any]:
    wanted = parse_port(port) if port is not None else None
    return explain_pair(reach, parse_endpoint(reach, src), parse_endpoint(reach, dst), wanted)
