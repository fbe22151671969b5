"""Hostile inputs: each gives located findings and exit code 1, within bounded memory, and the valid
manifest beside it is still analysed.

Memory is bounded for real (the address-space limit of the child process); time is only guarded against
hangs here, because timings on shared CI machines are noisy: `bench/hostile.py` measures the 5 s target.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

KCHECK = str(Path(sys.executable).with_name("kcheck"))
MEMORY_LIMIT = 500 * 1024 * 1024
HANG_GUARD_SECONDS = 120

VALID_PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: neighbour
spec:
  containers:
    - name: app
      image: busybox:1.36
      securityContext:
        privileged: true
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _bomb() -> bytes:
    lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: lol",
        "data:",
        '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _json_style_bomb() -> bytes:
    # Aliases right after a JSON-style key (`{"k":*a}`, no space after the colon) expand the same way.
    lines = [
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"lol"},"data":{',
        '"a":&a ["lol","lol"]',
    ]
    for previous, name in zip("abcdefghijklmnopq", "bcdefghijklmnopqr", strict=True):
        lines.append(f',"{name}":&{name} {{"x":*{previous},"y":*{previous},"z":*{previous}}}')
    return ("\n".join(lines) + "}}\n").encode()


def test_aliases_after_json_style_keys_are_counted(tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_bytes(_json_style_bomb())
    result = _run(tmp_path)
    assert "hostile.yaml:" in result.stdout and "KC012" in result.stdout, result.stdout + result.stderr


def _every_field_wrong() -> bytes:
    return b"""\
apiVersion: 1
kind: [Deployment]
metadata:
  name: {x: 1}
  namespace: 5
  labels: [a, b]
  annotations: "none"
spec:
  replicas: "three"
  selector: 7
  template:
    metadata: []
    spec:
      hostNetwork: "yes"
      containers:
        - name: 5
          image: {repo: nginx}
          securityContext: "privileged"
          resources: {limits: [1, 2]}
"""


HOSTILE: dict[str, bytes] = {
    "alias-bomb": _bomb(),
    "deep-nesting": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: "
    + b"[" * 10_000
    + b"]" * 10_000
    + b"\n",
    "binary": bytes(range(256)) * 64,
    "utf16": VALID_PRIVILEGED_POD.encode("utf-16"),
    "invalid-utf8": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xc3\x28\n",
    "nul-bytes": b"apiVersion: v1\nkind: ConfigMap\x00\nmetadata: {name: x}\n",
    "duplicate-keys": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    "every-field-wrong": _every_field_wrong(),
    "invalid-yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n",
}


def _run(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KCHECK, "lint", "--format", "text", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_located_finding_and_neighbours_are_checked(name: str, tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_bytes(HOSTILE[name])
    (tmp_path / "neighbour.yaml").write_text(VALID_PRIVILEGED_POD)
    result = _run(tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    hostile_lines = [line for line in result.stdout.splitlines() if line.startswith("hostile.yaml:")]
    assert hostile_lines, f"no located finding for {name}: {result.stdout}"
    assert "neighbour.yaml:10:9: KC101" in result.stdout


def test_hundred_megabyte_file(tmp_path: Path) -> None:
    with (tmp_path / "hostile.yaml").open("wb") as handle:
        chunk = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" * 20_000
        for _ in range(100 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
    (tmp_path / "neighbour.yaml").write_text(VALID_PRIVILEGED_POD)
    result = _run(tmp_path)
    assert result.returncode == 1, result.stderr
    assert "hostile.yaml:1:1: KC011" in result.stdout
    assert "neighbour.yaml:10:9: KC101" in result.stdout
