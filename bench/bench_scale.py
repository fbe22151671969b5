"""Benchmark how `kcheck lint` scales with the size of the tree: N copies of the corpus, N = 1, 10, ...

Usage: python bench/bench_scale.py [CORPUS_DIR] [--factors 1,10,100] [--runs R] [--jobs J] [--extra-args S]

For each factor N it builds a temporary tree of N copies of the corpus (`copy000/`, `copy001/`, ...; each in
its own folder, because duplicate objects (KC007) are reported per directory) and lints it in a new process,
measuring wall time, the child's CPU time (user + sys) and its peak RSS. Each factor runs R times (default 3,
or 1 from 100x up); the table shows the median wall and CPU time and the highest peak RSS, and compares 10x
with 1x against the targets: time at most 11x, peak memory at most 2.5x.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME_TARGET = 11.0  # 10x the files may cost at most 11x the time of 1x
MEMORY_TARGET = 2.5  # and at most 2.5x its peak RSS


@dataclass(frozen=True)
class Measurement:
    factor: int
    files: int
    objects: int
    wall: float
    cpu: float
    peak_mib: float


def link_or_copy(source: str, destination: str) -> None:
    """A hard link is instant and costs no space, and the benchmark never writes to the files."""
    try:
        os.link(source, destination)
    except OSError:  # another filesystem, or links not allowed there
        shutil.copy2(source, destination)


def build_tree(corpus: Path, factor: int, root: Path) -> None:
    for copy in range(factor):
        shutil.copytree(corpus, root / f"copy{copy:03d}", copy_function=link_or_copy)


def lint_once(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run one lint in a new process; return wall seconds, CPU seconds and peak RSS in MiB of the child."""
    start = time.perf_counter()
    # Run inside the tree, so no configuration file found from the caller's directory changes the work.
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    with child.stderr:
        stderr = child.stderr.read()  # drained before waiting, so a chatty child cannot block on a full pipe
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # stops Popen from reaping the pid a second time
    if child.returncode not in (0, 1):  # 1 means findings, which the corpus has
        sys.stderr.write(stderr.decode(errors="replace"))
        sys.exit(f"kcheck exited with {child.returncode}: {shlex.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def measure(corpus: Path, factor: int, runs: int, kcheck_args: list[str]) -> Measurement:
    with tempfile.TemporaryDirectory(prefix=f"kcheck-scale-{factor}x-") as scratch:
        tree = Path(scratch) / "tree"
        build_tree(corpus, factor, tree)
        report_path = Path(scratch) / "report.json"  # beside the tree, so it is never linted itself
        command = [sys.executable, "-m", "kcheck", "lint", str(tree), "-f", "json", "-o", str(report_path)]
        samples = [lint_once(command + kcheck_args, tree) for _ in range(runs)]
        summary = json.loads(report_path.read_text())["summary"]
    return Measurement(
        factor=factor,
        files=int(summary["filesChecked"]),
        objects=int(summary["objectsChecked"]),
        wall=statistics.median(wall for wall, _, _ in samples),
        cpu=statistics.median(cpu for _, cpu, _ in samples),
        peak_mib=max(peak for _, _, peak in samples),
    )


def verdict(ratio: float, target: float) -> str:
    return f"{'met' if ratio <= target else 'MISSED'} (<= {target:g}x)"


def print_table(results: list[Measurement]) -> None:
    base = results[0]
    print(
        f"{'factor':>6} {'files':>7} {'objects':>8} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} "
        f"{'objects/s':>10} {'time/1x':>8} {'mem/1x':>7}  targets"
    )
    for m in results:
        time_ratio, memory_ratio = m.wall / base.wall, m.peak_mib / base.peak_mib
        # The targets are stated for 10x against 1x; other factors show their ratios for reference.
        targets = ""
        if base.factor == 1 and m.factor == 10:
            targets = (
                f"time {verdict(time_ratio, TIME_TARGET)}, memory {verdict(memory_ratio, MEMORY_TARGET)}"
            )
        print(
            f"{m.factor:>5}x {m.files:>7,} {m.objects:>8,} {m.wall:>8.2f} {m.cpu:>8.2f} {m.peak_mib:>9.1f} "
            f"{m.objects / m.wall:>10,.0f} {time_ratio:>7.2f}x {memory_ratio:>6.2f}x  {targets}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--factors", default="1,10", help="comma-separated copy counts (default: 1,10)")
    parser.add_argument("--runs", type=int, help="runs per factor (default: 3, or 1 from 100x up)")
    parser.add_argument("--jobs", type=int, help="passed to `kcheck lint --jobs` only when given")
    parser.add_argument("--extra-args", default="", help="more `kcheck lint` arguments, shell-quoted")
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    factors = sorted({int(factor) for factor in args.factors.split(",")})
    kcheck_args = shlex.split(args.extra_args)
    if args.jobs is not None:
        kcheck_args += ["--jobs", str(args.jobs)]

    print(f"corpus: {corpus}; kcheck lint {shlex.join(kcheck_args) or '(no extra arguments)'}", flush=True)
    results = []
    for factor in factors:
        runs = args.runs or (3 if factor < 100 else 1)
        start = time.perf_counter()
        results.append(measure(corpus, factor, runs, kcheck_args))
        print(
            f"  {factor}x: {runs} run(s), {time.perf_counter() - start:.1f} s including the copy", flush=True
        )
    print_table(results)


if __name__ == "__main__":
    main()
