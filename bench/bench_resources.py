"""Benchmark how `kcheck resources` scales: N copies of the corpus (N = 1, 10, 100), plus one LimitRange and
one ResourceQuota for the namespace of the corpus's namespace-less objects (`default`), so every workload
there is defaulted, classified and charged. (One of each for the whole tree: N copies of them would make the
namespace hold N quotas, and the work per pod grow with N, as it does in a cluster.)

Usage: python bench/bench_resources.py [CORPUS_DIR] [--factors 1,10,100] [--runs R]

Each factor's tree is built once (hard links), then `kcheck resources -f json` runs R times in a new process
(default 3, or 1 from 100x up); the table shows median wall and CPU seconds, peak RSS, workloads per second,
and time against 1x. Target (issue 8): time at 100x at most 110x the time at 1x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import build_tree, lint_once  # a sibling script, not a package

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.1  # time at Nx at most 1.1 x N x time at 1x
HEADER = ("factor", "workloads", "wall s", "CPU s", "peak MiB", "wl/s", "time/1x")

ADMISSION = """\
apiVersion: v1
kind: LimitRange
metadata: {name: bench-defaults, namespace: default}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
      max: {memory: 8Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: bench-compute, namespace: default}
spec:
  hard: {requests.cpu: "1000", limits.memory: 10Ti, pods: "100000", count/deployments.apps: "10000"}
"""


def measure(corpus: Path, factor: int, runs: int) -> tuple[int, float, float, float]:
    with tempfile.TemporaryDirectory(prefix=f"kcheck-resources-{factor}x-") as scratch:
        tree = Path(scratch) / "tree"
        build_tree(corpus, factor, tree)
        (tree / "zz-bench-admission.yaml").write_text(ADMISSION)
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "kcheck", "resources", str(tree), "-f", "json", "-o", str(report)]
        samples = [lint_once(command, tree) for _ in range(runs)]
        workloads = sum(len(ns["workloads"]) for ns in json.loads(report.read_text())["namespaces"])
    return (
        workloads,
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    results = []
    for factor in sorted({int(f) for f in args.factors.split(",")}):
        start = time.perf_counter()
        results.append((factor, *measure(corpus, factor, args.runs or (3 if factor < 100 else 1))))
        print(f"  {factor}x: {time.perf_counter() - start:.1f} s including the copy", flush=True)
    base_factor, _, base_wall, _, _ = results[0]
    print(" ".join(f"{h:>{w}}" for h, w in zip(HEADER, (6, 9, 8, 8, 9, 8, 8), strict=True)))
    for factor, workloads, wall, cpu, peak in results:
        ratio = wall / base_wall
        verdict = ""
        if base_factor == 1 and factor > 1:
            limit = TARGET * factor
            verdict = f"{'met' if ratio <= limit else 'MISSED'} (<= {limit:g}x)"
        print(
            f"{factor:>5}x {workloads:>9,} {wall:>8.2f} {cpu:>8.2f} {peak:>9.1f} {workloads / wall:>8,.0f} "
            f"{ratio:>7.2f}x  {verdict}"
        )


if __name__ == "__main__":
    main()
