"""`--jobs`: the same findings with any number of workers, and a failure in a worker is exit 3 naming the
file, never a hang. (Byte-identical output on the whole corpus: tests/robustness/test_corpus.py.)"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kcheck.cli.main import main
from kcheck.engine.filestage import FileStage
from kcheck.engine.jobs import PARALLEL_FROM_FILES, default_jobs
from kcheck.source.loader import SourceFile
from tests.lint_helpers import found, lint_paths

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n"
PRIVILEGED = """\
apiVersion: v1
kind: Pod
metadata: {name: p%d}
spec:
  containers:
    - name: app
      image: app:1.0
      securityContext: {privileged: true}
"""


def _tree(root: Path, count: int) -> None:
    for index in range(count):
        (root / f"app{index:02}.yaml").write_text((PRIVILEGED if index % 3 == 0 else CONFIG_MAP) % index)


def _exit_code(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["kcheck", *argv])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0)


def test_findings_are_the_same_with_one_or_two_workers(tmp_path: Path) -> None:
    _tree(tmp_path, 12)
    alone = lint_paths(["."], tmp_path, jobs=1)
    pooled = lint_paths(["."], tmp_path, jobs=2)
    assert found(alone) == found(pooled)
    assert [f.fingerprint for f in alone.findings] == [f.fingerprint for f in pooled.findings]
    assert ("KC101", 8, 25) in found(pooled)


def test_the_default_is_one_process_for_a_handful_of_files() -> None:
    assert default_jobs(PARALLEL_FROM_FILES - 1) == 1
    assert default_jobs(PARALLEL_FROM_FILES) == len(os.sched_getaffinity(0))


def test_a_file_that_fails_in_a_worker_is_exit_3_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path, 6)
    (tmp_path / "boom.yaml").write_text(CONFIG_MAP % 99)
    original = FileStage.run_source

    def exploding(self: FileStage, source: SourceFile) -> object:
        if source.path == "boom.yaml":
            raise RuntimeError("kaboom")
        return original(self, source)

    monkeypatch.setattr(FileStage, "run_source", exploding)  # inherited by the forked workers
    monkeypatch.chdir(tmp_path)
    assert _exit_code(["lint", ".", "--jobs", "2"], monkeypatch) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "while processing boom.yaml" in err and "kaboom" in err


def test_a_worker_that_dies_is_exit_3_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path, 6)
    (tmp_path / "boom.yaml").write_text(CONFIG_MAP % 99)
    original = FileStage.run_source
    parent = os.getpid()

    def dying(self: FileStage, source: SourceFile) -> object:
        if source.path == "boom.yaml" and os.getpid() != parent:
            os._exit(9)
        return original(self, source)

    monkeypatch.setattr(FileStage, "run_source", dying)
    monkeypatch.chdir(tmp_path)
    assert _exit_code(["lint", ".", "--jobs", "2"], monkeypatch) == 3
    assert "a worker process died" in capsys.readouterr().err
