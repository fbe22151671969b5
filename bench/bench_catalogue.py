"""Benchmark what the workload catalogue (KC1xx) costs: `kcheck lint` with every rule against the rules that
existed before it, in one run on the same files.

Usage: python bench/bench_catalogue.py [CORPUS_DIR] [--repeat N]

Three in-process runs over the corpus with `--jobs 1`, each the best CPU time of N:

- before the catalogue: the input rules, KC101-KC108 and the schema rules (what `kcheck lint` ran
  before the catalogue landed), selected by id;
- every rule kcheck has, selected by id (every profile, the Pod Security Standards controls included);
- the `default` profile, as a user runs it.

Target: every rule costs at most 1.3x the rules before the catalogue (the rules share one effective-
container view per pod template, `analyzers/objects/view.py`).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kcheck.core.findings import Report
from kcheck.engine.pipeline import RunRequest, run
from kcheck.engine.registry import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.3
BEFORE = [
    *(f"KC{n:03d}" for n in range(1, 14)),
    *(f"KC{n:03d}" for n in range(101, 109)),
    *(f"KC{n:03d}" for n in range(501, 511)),
]


def lint(corpus: Path, select: list[str] | None) -> Report:
    return run(RunRequest(paths=[str(corpus)], cwd=corpus, select=select, jobs=1))


def best_cpu(repeat: int, corpus: Path, select: list[str] | None) -> tuple[float, Report]:
    best, report = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        report = lint(corpus, select)
        best = min(best, time.process_time() - start)
    assert report is not None
    return best, report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    lint(corpus, BEFORE)  # warm the caches every run shares (schemas, compiled CEL), as a warm-up run
    every = [spec.id for spec in ALL_RULES]
    rows = [
        ("before the catalogue", BEFORE),
        ("every rule", every),
        ("default profile", None),
    ]
    results = [
        (name, len(select) if select else 0, *best_cpu(args.repeat, corpus, select)) for name, select in rows
    ]
    base = results[0][2]
    print(f"corpus: {corpus}; kcheck lint --jobs 1, best CPU time of {args.repeat}")
    print(f"{'rules':<22} {'ids':>5} {'CPU s':>8} {'objects/s':>10} {'findings':>9} {'ratio':>7}")
    for name, ids, cpu, report in results:
        print(
            f"{name:<22} {ids or '':>5} {cpu:>8.2f} {report.objects / cpu:>10,.0f} "
            f"{len(report.active):>9,} {cpu / base:>6.2f}x"
        )
    ratio = results[1][2] / base
    print(
        f"every rule / before the catalogue: {ratio:.2f}x "
        f"({'met' if ratio <= TARGET else 'MISSED'}, <= {TARGET}x)"
    )


if __name__ == "__main__":
    main()
