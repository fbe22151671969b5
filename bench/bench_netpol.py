"""Benchmark NetworkPolicy reachability (`kcheck netpol`) and the netpol lint rules (KC3xx) on a synthetic
cluster, against the parsing floor measured in the same run.

Usage: python bench/bench_netpol.py [--scale 1.0] [--repeat 3] [--seed 0]

The input is written by `netpol_cluster.py` (seeded: the same files on every run) to a temporary directory,
removed afterwards: BASE, 500 namespaces, 2,000 workloads (10,000 pods), 2,000 NetworkPolicies at
`--scale 1` (`--scale 0.1`: ten times fewer of each), and HEAD, the same cluster with about 2% of the
policies changed, as a pull request would.

Each command runs N times (`--repeat`, 3 by default) in a new process (the `kcheck` executable beside this
Python), started in the temporary directory so that no configuration file of the caller's applies. The
figures are the best and the median wall time, the median CPU time (user + sys, worker processes included)
and the highest peak RSS (each run's own, from `os.wait4`; for a command with worker processes, the largest
process's):

- floor: `kcheck lint BASE --select KC001 -q`, reading and parsing alone;
- `kcheck netpol connectivity BASE --format json -o /dev/null`: objects per second, ratio to the floor;
- `kcheck lint BASE --select KC3 -q`, the netpol lint rules: ratio to the floor;
- `kcheck netpol diff BASE HEAD --format json -o /dev/null`: ratio to connectivity (target: at most 2x);
- connectivity plus lint (medians) against the target of 10 s, the higher peak of the two against 1 GB;
- point queries, in this process: `load_cluster([BASE])` once, then `explain` for 50 (src, dst, port)
  triples of random workloads (seeded; a quarter from the destination's namespace, a quarter to CoreDNS;
  a port of the destination's containers, or none for one in five): median and slowest query against the
  target of 0.2 s.

Ratios are of the median wall times, and in parentheses of the median CPU times (this machine is shared,
and a busy neighbour stretches wall times).

A command kcheck does not have yet (`No such command`, or `--select` matching no rule) shows as not
available. Exit 1 is expected of `lint` (findings) and of `diff` (HEAD allows connections BASE did not);
`connectivity` exits 1 only when the input has an error finding, which the generated input must not have.
Any other non-zero exit, or a traceback on stderr, is a failure: its stderr is printed, and the benchmark
exits non-zero after the other figures.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from netpol_cluster import Workload, build_cluster, write, write_cluster  # a sibling script, not a package

SIZE = {"namespaces": 500, "workloads": 2000, "policies": 2000}  # at --scale 1, as the issue states
TOTAL_TARGET = 10.0  # seconds, connectivity plus lint
MEMORY_TARGET = 1000.0  # MB (10^6 bytes), the peak of either
QUERY_TARGET = 0.2  # seconds, one explain after loading
DIFF_TARGET = 2.0  # diff at most 2x connectivity
QUERIES = 50
FLOOR, CONNECTIVITY, LINT, DIFF = "floor: lint KC001", "netpol connectivity", "lint KC3", "netpol diff"
UNAVAILABLE = ("No such command", "matches no rule")  # kcheck's usage errors for what it does not have
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Figure:
    label: str
    samples: list[Sample] = field(default_factory=list)
    problem: str = ""  # empty when measured

    @property
    def best(self) -> float:
        return min(s.wall for s in self.samples)

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


def kcheck_command() -> list[str]:
    executable = Path(sys.executable).with_name("kcheck")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "kcheck"]


def run_once(command: list[str], cwd: Path) -> tuple[Sample, int, str]:
    """One run in a new process: its wall and CPU seconds and peak RSS, its exit code and its stderr."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    with child.stderr:
        stderr = child.stderr.read()  # drained before waiting, so a chatty child cannot block on a full pipe
    _, status, usage = os.wait4(child.pid, 0)  # this child's own usage (and its waited-for children's)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # stops Popen from reaping the pid a second time
    peak_mb = usage.ru_maxrss * 1024 / 1e6  # ru_maxrss is KiB on Linux
    return (
        Sample(wall, usage.ru_utime + usage.ru_stime, peak_mb),
        child.returncode,
        stderr.decode(errors="replace"),
    )


def measure(label: str, command: list[str], cwd: Path, repeat: int, allowed: Sequence[int] = (0,)) -> Figure:
    figure = Figure(label)
    print(f"  {label}: {shlex.join(command)}", flush=True)
    for _ in range(repeat):
        sample, code, stderr = run_once(command, cwd)
        if code == 2 and any(marker in stderr for marker in UNAVAILABLE):
            reason = next(line for line in stderr.splitlines() if any(m in line for m in UNAVAILABLE))
            figure.problem = f"not available ({reason.strip(' │')})"
            return figure
        if code not in allowed or TRACEBACK in stderr:
            sys.stderr.write(stderr[-5000:])
            print(f"  {label}: FAILED, exit {code}: {shlex.join(command)}", file=sys.stderr, flush=True)
            figure.problem = f"FAILED (exit {code})"
            return figure
        figure.samples.append(sample)
    return figure


@dataclass
class PointQueries:
    load: float = 0.0
    times: list[float] = field(default_factory=list)
    allowed: int = 0  # queries whose answer is "allowed"
    problem: str = ""


def point_queries(root: Path, workloads: list[Workload], count: int, seed: int) -> PointQueries:
    """`explain` for `count` random (src, dst, port) triples, in this process, after one `load_cluster` of
    `root/base` (from `root`, as the commands run)."""
    result = PointQueries()
    try:
        api = importlib.import_module("kcheck.api.netpol")
    except ModuleNotFoundError as error:
        if error.name not in ("kcheck.analyzers.netpol", "kcheck.api.netpol"):
            raise  # the module exists and imports something missing: a bug, not a feature yet to come
        result.problem = "not available (no kcheck.api.netpol)"
        return result
    rng = random.Random(seed)
    by_namespace: dict[str, list[Workload]] = {}
    for workload in workloads:
        by_namespace.setdefault(workload.namespace, []).append(workload)
    dns = next(w for w in workloads if w.labels.get("k8s-app") == "kube-dns")
    queries = []
    for _ in range(count):
        # Most random pairs are denied (most namespaces deny by default): a quarter each are from the same
        # namespace and to the cluster DNS, which more policies allow.
        source, destination = rng.choice(workloads), rng.choice(workloads)
        pair = rng.choice(("random", "random", "same namespace", "dns"))
        if pair == "same namespace":
            source = rng.choice(by_namespace[destination.namespace])
        elif pair == "dns":
            destination = dns
        port = None
        if rng.random() >= 0.2:
            chosen = rng.choice(destination.ports)
            port = f"{chosen.number}/{chosen.protocol}"
        queries.append((source.reference, destination.reference, port))
    query: tuple[str, str, str | None] | None = None
    caller = Path.cwd()
    os.chdir(root)
    try:
        start = time.perf_counter()
        cluster = api.load_cluster(["base"])
        result.load = time.perf_counter() - start
        for query in queries:
            start = time.perf_counter()
            document = api.explain(cluster, *query)
            result.times.append(time.perf_counter() - start)
            result.allowed += bool(document["allowed"])
    except Exception:
        traceback.print_exc()
        print(f"  explain: FAILED on {query}" if query else "  load_cluster: FAILED", file=sys.stderr)
        result.problem = "FAILED"
    finally:
        os.chdir(caller)
    return result


def verdict(value: float, target: float, unit: str) -> str:
    return f"{'met' if value <= target else 'MISSED'} (<= {target:g}{unit})"


def print_figures(figures: list[Figure], objects: dict[str, int]) -> None:
    print(f"{'':<22} {'best s':>8} {'median s':>9} {'CPU s':>8} {'peak MB':>8} {'objects/s':>10}  ratio")
    by_label = {figure.label: figure for figure in figures}
    against = {CONNECTIVITY: FLOOR, LINT: FLOOR, DIFF: CONNECTIVITY}
    for figure in figures:
        if figure.problem:
            print(f"{figure.label:<22} {figure.problem}")
            continue
        ratio = ""
        reference = by_label.get(against.get(figure.label, ""))
        if reference is not None and not reference.problem:
            wall, cpu = figure.median / reference.median, figure.cpu / reference.cpu
            ratio = f"{wall:.2f}x {reference.label} (CPU {cpu:.2f}x)"
        print(
            f"{figure.label:<22} {figure.best:>8.2f} {figure.median:>9.2f} {figure.cpu:>8.2f} "
            f"{figure.peak_mb:>8.1f} {objects[figure.label] / figure.median:>10,.0f}  {ratio}"
        )


def print_targets(figures: dict[str, Figure], queries: PointQueries, scale: float) -> None:
    note = "" if scale == 1 else f"  (the targets are stated for --scale 1; this is --scale {scale:g})"
    print(f"targets{note}")
    connectivity, lint, diff = figures[CONNECTIVITY], figures[LINT], figures[DIFF]
    if connectivity.problem or lint.problem:
        print("  connectivity + lint: not measured")
    else:
        total = connectivity.median + lint.median
        peak = max(connectivity.peak_mb, lint.peak_mb)
        print(f"  connectivity + lint: {total:.2f} s, {verdict(total, TOTAL_TARGET, ' s')}")
        print(f"  peak RSS of either: {peak:.1f} MB, {verdict(peak, MEMORY_TARGET, ' MB')}")
    if queries.problem:
        print(f"  point query (explain): {queries.problem}")
    else:
        median, slowest = statistics.median(queries.times), max(queries.times)
        print(
            f"  point query (explain), {len(queries.times)} after load_cluster ({queries.load:.2f} s; "
            f"{queries.allowed} allowed): "
            f"median {median * 1000:.1f} ms, slowest {slowest * 1000:.1f} ms, "
            f"{verdict(slowest, QUERY_TARGET, ' s')}"
        )
    if diff.problem or connectivity.problem:
        print("  diff / connectivity: not measured")
    else:
        ratio = diff.median / connectivity.median
        print(f"  diff / connectivity: {ratio:.2f}x, {verdict(ratio, DIFF_TARGET, 'x')}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="size of the cluster against the issue's")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default: 3)")
    parser.add_argument("--seed", type=int, default=0, help="of the cluster and of the point queries")
    args = parser.parse_args()
    namespaces = max(4, round(SIZE["namespaces"] * args.scale))
    size = {
        "namespaces": namespaces,
        "workloads": max(namespaces + 2, round(SIZE["workloads"] * args.scale)),
        "policies": round(SIZE["policies"] * args.scale),
    }
    kcheck = kcheck_command()
    with tempfile.TemporaryDirectory(prefix="kcheck-netpol-") as scratch:
        root = Path(scratch)
        start = time.perf_counter()
        cluster = build_cluster(**size, seed=args.seed)
        counts = write(cluster, root / "base")
        head = write_cluster(root / "head", **size, seed=args.seed, variant=1)
        print(
            f"BASE: {counts['namespaces']:,} namespaces ({counts['namespaces_implied']:,} implied), "
            f"{counts['workloads']:,} workloads, {counts['pods']:,} pods, {counts['services']:,} Services, "
            f"{counts['networkpolicies']:,} NetworkPolicies: {counts['objects']:,} objects in "
            f"{counts['files']:,} files; HEAD: {head['networkpolicies']:,} NetworkPolicies, "
            f"{head['objects']:,} objects (written in {time.perf_counter() - start:.1f} s)",
            flush=True,
        )
        print(f"{args.repeat} run(s) of each, in {root}:", flush=True)
        results = (0, 1)  # 1: lint has findings, diff's HEAD allows a connection BASE did not
        figures = [
            measure(FLOOR, [*kcheck, "lint", "base", "--select", "KC001", "-q"], root, args.repeat, results),
            measure(
                CONNECTIVITY,
                [*kcheck, "netpol", "connectivity", "base", "--format", "json", "-o", os.devnull],
                root,
                args.repeat,
            ),
            measure(LINT, [*kcheck, "lint", "base", "--select", "KC3", "-q"], root, args.repeat, results),
            measure(
                DIFF,
                [*kcheck, "netpol", "diff", "base", "head", "--format", "json", "-o", os.devnull],
                root,
                args.repeat,
                results,
            ),
        ]
        print(f"  explain: {QUERIES} queries in process", flush=True)
        queries = point_queries(root, cluster.workloads, QUERIES, args.seed)
    objects = dict.fromkeys((FLOOR, CONNECTIVITY, LINT), counts["objects"])
    objects[DIFF] = counts["objects"] + head["objects"]
    print_figures(figures, objects)
    print_targets({figure.label: figure for figure in figures}, queries, args.scale)
    failed = [figure.label for figure in figures if figure.problem.startswith("FAILED")]
    failed += ["explain"] if queries.problem.startswith("FAILED") else []
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
