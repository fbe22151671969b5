"""Wall time and peak memory of `kcheck lint` on each hostile input (targets: 5 s, 500 MB).

Usage (from the repository root): python bench/bench_hostile.py

Each case is the hostile file beside a valid manifest, linted in a new process, as in
tests/robustness/test_hostile_inputs.py (which enforces the memory bound and the findings).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.robustness.test_hostile_inputs import HOSTILE, VALID_PRIVILEGED_POD

KCHECK = str(Path(sys.executable).with_name("kcheck"))


def hundred_megabytes() -> bytes:
    chunk = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" * 20_000
    return chunk * (100 * 1024 * 1024 // len(chunk) + 1)


def measure(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "hostile.yaml").write_bytes(data)
        Path(directory, "neighbour.yaml").write_text(VALID_PRIVILEGED_POD)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        command = [KCHECK, "lint", "."]
        result = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = result.stdout.splitlines()
    rules = sorted({line.split()[1] for line in lines if line.startswith("hostile.yaml:")})
    memory = f"{peak / 1024:.0f} MB" if peak > before else f"<= {before / 1024:.0f} MB"
    findings = ",".join(rules)
    print(f"{name:18} exit {result.returncode}  {elapsed:5.2f} s  peak RSS {memory:>9}  findings {findings}")


def main() -> None:
    for name, data in sorted(HOSTILE.items()):
        measure(name, data)
    measure("100-megabyte-file", hundred_megabytes())


if __name__ == "__main__":
    main()
