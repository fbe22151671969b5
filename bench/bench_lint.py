"""Benchmark `kcheck lint` against the libyaml floor, in one run on the same files.

Usage: python bench/bench_lint.py [CORPUS_DIR] [--repeat N]

Reports, for PyYAML's C loader (libyaml, the floor: parsing alone) and for a full in-process `kcheck lint`
of the same directory (every rule on by default):

- CPU time with `--jobs 1` against the floor's CPU time (target: at most 3x);
- wall time with `--jobs 2` (worker processes) against the floor's wall time (target: at most 2x);
- the wall time of `kcheck --version` (target: 0.25 s) and of linting one 48-line manifest in a new
  process (target: 0.4 s), which is what a pre-commit hook pays per commit.

Each figure is the best of N runs (medians for new processes), because this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from kcheck.engine.pipeline import RunRequest, run
from kcheck.source.discover import discover

REPO = Path(__file__).resolve().parent.parent
SMALL_MANIFEST = REPO / "examples" / "shop" / "frontend.yaml"


def best_of(
    repeat: int, action: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        action()
        times.append(clock() - start)
    return min(times)


def libyaml_objects(datas: list[bytes]) -> int:
    objects = 0
    for data in datas:
        try:
            for document in yaml.load_all(data, Loader=yaml.CSafeLoader):
                if isinstance(document, dict) and "kind" in document:
                    items = document.get("items")
                    listed = isinstance(items, list) and str(document["kind"]).endswith("List")
                    objects += len(items) if listed and isinstance(items, list) else 1
        except yaml.YAMLError:
            pass
    return objects


def wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    files = [f.path for f in discover([str(corpus)], [], corpus) if f.path is not None]
    datas = [path.read_bytes() for path in files]

    floor_objects = libyaml_objects(datas)
    floor_cpu = best_of(args.repeat, lambda: libyaml_objects(datas), time.process_time)
    floor_wall = best_of(args.repeat, lambda: libyaml_objects(datas))
    reports = []
    alone = RunRequest(paths=[str(corpus)], cwd=corpus, fail_on=None, jobs=1)
    kcheck_cpu = best_of(args.repeat, lambda: reports.append(run(alone)), time.process_time)
    pooled = RunRequest(paths=[str(corpus)], cwd=corpus, fail_on=None, jobs=2)
    kcheck_wall = best_of(args.repeat, lambda: reports.append(run(pooled)))
    report = reports[-1]

    kcheck_bin = str(Path(sys.executable).with_name("kcheck"))
    version_wall = wall([kcheck_bin, "--version"], 5)
    small_wall = wall([kcheck_bin, "lint", str(SMALL_MANIFEST)], 5)

    print(f"corpus: {corpus} ({len(files)} files, {sum(map(len, datas)) / 1e6:.1f} MB)")
    print(
        f"libyaml floor      : {floor_objects} objects, {floor_cpu:.2f} s CPU, {floor_wall:.2f} s wall "
        f"= {floor_objects / floor_cpu:,.0f} objects/CPU-s"
    )
    print(
        f"kcheck --jobs 1    : {report.objects} objects, {kcheck_cpu:.2f} s CPU = "
        f"{report.objects / kcheck_cpu:,.0f} objects/CPU-s, {len(report.findings)} findings; "
        f"{kcheck_cpu / floor_cpu:.2f}x the floor (target <= 3x)"
    )
    print(
        f"kcheck --jobs 2    : {kcheck_wall:.2f} s wall = {report.objects / kcheck_wall:,.0f} objects/s; "
        f"{kcheck_wall / floor_wall:.2f}x the floor (target <= 2x)"
    )
    print(f"kcheck --version   : {version_wall:.3f} s wall (target <= 0.25 s)")
    lines = SMALL_MANIFEST.read_text().count(chr(10))
    print(f"lint {lines}-line file: {small_wall:.3f} s wall (target <= 0.4 s)")


if __name__ == "__main__":
    main()
