"""Benchmark `kcheck lint` against the libyaml floor, in one run on the same files.

Usage: python bench/bench_lint.py [CORPUS_DIR] [--repeat N]

Reports objects per second for PyYAML's C loader (libyaml, the floor: parsing alone) and for a full
in-process `kcheck lint` of the same directory, their ratio, and the wall time of `kcheck --version` and
of linting one small manifest in a new process (what a pre-commit hook pays). Each figure is the best of
N runs, because this machine is shared and noisy.
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


def best_of(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
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
    floor = best_of(args.repeat, lambda: libyaml_objects(datas))
    report_holder = []
    request = RunRequest(paths=[str(corpus)], cwd=corpus, fail_on=None)
    kcheck_time = best_of(args.repeat, lambda: report_holder.append(run(request)))
    report = report_holder[-1]

    kcheck_bin = str(Path(sys.executable).with_name("kcheck"))
    version_wall = wall([kcheck_bin, "--version"], 5)
    small_wall = wall([kcheck_bin, "lint", str(SMALL_MANIFEST)], 5)

    print(f"corpus: {corpus} ({len(files)} files, {sum(map(len, datas)) / 1e6:.1f} MB)")
    print(
        f"libyaml floor   : {floor_objects} objects in {floor:.2f} s = {floor_objects / floor:,.0f} objects/s"
    )
    print(
        f"kcheck lint     : {report.objects} objects in {kcheck_time:.2f} s = "
        f"{report.objects / kcheck_time:,.0f} "
        f"objects/s, {len(report.findings)} findings"
    )
    print(f"ratio           : kcheck / libyaml = {kcheck_time / floor:.2f}x  (target <= 4x)")
    print(f"kcheck --version: {version_wall:.3f} s wall (target <= 0.25 s)")
    lines = SMALL_MANIFEST.read_text().count(chr(10))
    print(f"lint {lines}-line file: {small_wall:.3f} s wall (target <= 0.5 s)")


if __name__ == "__main__":
    main()
