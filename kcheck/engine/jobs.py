"""`--jobs`: the per-file stage over many files, in worker processes, outcomes in file order.

Each worker prepares the run's families once (`FileStage(plan)`) and then takes files one at a time; the
main process collects outcomes in the order of the files, so the output is the same whatever the number of
workers. A file whose processing raises, or a worker that dies, stops the run with `StageError` naming the
file (exit code 3, an internal error): never a hang, never a silently missing file.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from kcheck.engine.filestage import FileOutcome, FileStage, StagePlan
from kcheck.source.discover import InputFile
from kcheck.source.loader import SourceFile

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this many files a process pool costs more than it saves (starting workers, sending outcomes back).
PARALLEL_FROM_FILES = 40
_TASKS_PER_WORKER = 8


class StageError(Exception):
    """Processing one file failed: a bug in kcheck, reported with the file that triggered it."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(path, detail)
        self.path = path
        self.detail = detail

    def __str__(self) -> str:
        return f"while processing {self.path}: {self.detail}"


def default_jobs(files: int) -> int:
    """The CPUs this process may use for a large input, one for a handful of files."""
    if files < PARALLEL_FROM_FILES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cpus or 1)


def _failure(path: str) -> StageError:
    return StageError(path, traceback.format_exc().rstrip())


_worker_stage: FileStage | None = None


def _start_worker(plan: StagePlan) -> None:
    global _worker_stage  # one per worker process: the families prepared once, for every file it takes
    _worker_stage = FileStage(plan)


def _run_in_worker(files: Sequence[InputFile]) -> list[FileOutcome]:
    assert _worker_stage is not None
    outcomes = []
    for file in files:
        try:
            outcomes.append(_worker_stage.run(file))
        except Exception:
            raise _failure(file.display_path) from None
    return outcomes


def _batches(files: Sequence[InputFile], jobs: int) -> list[list[InputFile]]:
    """Consecutive runs of files of about the same size in bytes, one task each: sending small files one by
    one costs more than checking them, and several tasks per worker still share out uneven files (a
    directory of CRDs next to one of ConfigMaps)."""
    sizes = [_size(file) for file in files]
    share = max(1, sum(sizes) // (jobs * _TASKS_PER_WORKER))
    batches: list[list[InputFile]] = []
    filled = share
    for file, size in zip(files, sizes, strict=True):
        if filled >= share:
            batches.append([])
            filled = 0
        batches[-1].append(file)
        filled += size
    return batches


def _size(file: InputFile) -> int:
    try:
        return file.path.stat().st_size if file.path is not None else 0
    except OSError:
        return 0


def run_stage(
    plan: StagePlan,
    files: Sequence[InputFile],
    jobs: int,
    stdin: SourceFile | None = None,
    progress: Callable[[], None] | None = None,
) -> Iterator[FileOutcome]:
    """The outcome of each file, in order; standard input (loaded by the caller) is parsed in this process.

    With a pool, the files are handed out at once: the workers start on them while the caller does other
    work, before it asks for the first outcome."""
    local = _Local(plan, stdin)
    if jobs <= 1 or len(files) < 2:
        return _serial(local, files, progress)
    # Imported here: a pre-commit run on a few files never starts a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the parent's imports and the plan without pickling; elsewhere the plan is sent once.
    method = "fork" if sys.platform == "linux" else "spawn"
    pool = ProcessPoolExecutor(jobs, multiprocessing.get_context(method), _start_worker, (plan,))
    on_disk = [file for file in files if file.path is not None]
    batches = [(batch, pool.submit(_run_in_worker, batch)) for batch in _batches(on_disk, jobs)]
    return _collect(pool, batches, local, files, progress)


class _Local:
    """The stage in this process, for standard input and for runs without workers (prepared on first use)."""

    def __init__(self, plan: StagePlan, stdin: SourceFile | None) -> None:
        self._plan, self._stdin = plan, stdin
        self._stage: FileStage | None = None

    def run(self, file: InputFile) -> FileOutcome:
        self._stage = self._stage or FileStage(self._plan)
        try:
            if file.path is None:
                assert self._stdin is not None, "standard input is loaded by the caller"
                return self._stage.run_source(self._stdin)
            return self._stage.run(file)
        except Exception:
            raise _failure(file.display_path) from None


def _serial(
    local: _Local, files: Sequence[InputFile], progress: Callable[[], None] | None
) -> Iterator[FileOutcome]:
    for file in files:
        yield local.run(file)
        if progress is not None:
            progress()


def _collect(
    pool: ProcessPoolExecutor,
    batches: list[tuple[list[InputFile], Future[list[FileOutcome]]]],
    local: _Local,
    files: Sequence[InputFile],
    progress: Callable[[], None] | None,
) -> Iterator[FileOutcome]:
    from concurrent.futures.process import BrokenProcessPool

    outcomes: dict[str, FileOutcome] = {}
    try:
        for file in files:
            if file.path is None:
                yield local.run(file)
            else:
                while file.display_path not in outcomes:
                    batch, future = batches.pop(0)
                    try:
                        outcomes.update((outcome.path, outcome) for outcome in future.result())
                    except BrokenProcessPool:
                        # Which file killed it is unknown: one of this batch, whose outcomes are missing.
                        detail = f"a worker process died checking the {len(batch)} file(s) from this one on"
                        raise StageError(batch[0].display_path, detail) from None
                yield outcomes.pop(file.display_path)
            if progress is not None:
                progress()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
