"""Benchmark how the consistency analysis (KC2xx) scales: N copies of the corpus (N = 1, 10, 100), each in
its own directory (`copy000/`, ...), every namespace-less object in the `default` namespace of all of them.

Usage: python bench/bench_consistency.py [CORPUS_DIR] [--factors 1,10,100]

For each factor the tree is read in process with only the KC2xx rules enabled (`engine.pipeline.prepare`),
then the family's whole-input analysis runs alone, as `engine.pipeline.lint` runs it, and is timed (best of
3 runs, wall seconds): the figure is the analysis's own, not the parsing that precedes it. Target (issue
9): the time at 100x at most 110x the time at 1x. Copies share namespaces and names, so every lookup has N
candidates and the nearest-directory rule decides between them: the case that would be quadratic without
the indexes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import build_tree  # a sibling script, not a package

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.1


def measure(corpus: Path, factor: int) -> tuple[int, int, float]:
    from kcheck.analyzers.consistency.family import FAMILY
    from kcheck.engine.memory import long_lived_inventory
    from kcheck.engine.pipeline import RunRequest, prepare

    with tempfile.TemporaryDirectory(prefix=f"kcheck-consistency-{factor}x-") as scratch:
        tree = Path(scratch) / "tree"
        build_tree(corpus, factor, tree)
        prepared = prepare(RunRequest(paths=["."], cwd=tree, select=[rule.id for rule in FAMILY.rules]))
        enabled = {rule_id: rule.options for rule_id, rule in prepared.enabled.items()}
        assert FAMILY.check_inventory is not None
        best, findings = float("inf"), 0
        for _ in range(3):
            # As `engine.pipeline.lint` runs it: the inventory out of the garbage collector's sight.
            with long_lived_inventory():
                start = time.perf_counter()
                findings = sum(1 for _ in FAMILY.check_inventory(None, prepared.inventory, enabled))
                best = min(best, time.perf_counter() - start)
        return len(prepared.inventory.objects), findings, best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--factors", default="1,10,100")
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    results = []
    for factor in sorted({int(f) for f in args.factors.split(",")}):
        started = time.perf_counter()
        results.append((factor, *measure(corpus, factor)))
        print(f"  {factor}x: {time.perf_counter() - started:.1f} s including reading the tree", flush=True)
    base_factor, _, _, base = results[0]
    print(f"{'factor':>6} {'objects':>9} {'findings':>9} {'analysis s':>11} {'objects/s':>10} {'time/1x':>8}")
    for factor, objects, findings, seconds in results:
        ratio = seconds / base
        verdict = ""
        if base_factor == 1 and factor > 1:
            verdict = f"{'met' if ratio <= TARGET * factor else 'MISSED'} (<= {TARGET * factor:g}x)"
        print(
            f"{factor:>5}x {objects:>9,} {findings:>9,} {seconds:>11.3f} {objects / seconds:>10,.0f} "
            f"{ratio:>7.2f}x  {verdict}"
        )


if __name__ == "__main__":
    main()
