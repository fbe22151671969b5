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

from kcheck.engine.filestage import FileOutcome, FileStage, StagePlan
from kcheck.source.discover import InputFile
from kcheck.source.loader import SourceFile

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
    """The outcome of each file, in order; standard input (loaded by the caller) is parsed in this process."""
    done = progress or (lambda: None)
    local: FileStage | None = None

    def here(file: InputFile) -> FileOutcome:
        nonlocal local
        local = local or FileStage(plan)
        try:
            if file.path is None:
                assert stdin is not None, "standard input is loaded by the caller"
                return local.run_source(stdin)
            return local.run(file)
        except Exception:
            raise _failure(file.display_path) from None

    if jobs <= 1 or len(files) < 2:
        for file in files:
            yield here(file)
            done()
        return
    # Imported here: a pre-commit run on a few files never starts a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork shares the parent's imports and the plan without pickling; elsewhere the plan is sent once.
    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=(plan,)) as pool:
        on_disk = [file for file in files if file.path is not None]
        batches = [(batch, pool.submit(_run_in_worker, batch)) for batch in _batches(on_disk, jobs)]
        outcomes: dict[str, FileOutcome] = {}
        try:
            for file in files:
                if file.path is None:
                    yield here(file)
                    done()
                    continue
                while file.display_path not in outcomes:
                    batch, future = batches.pop(0)
                    try:
                        outcomes.update((outcome.path, outcome) for outcome in future.result())
                    except BrokenProcessPool:
                        # Which file killed it is unknown: one of this batch, whose outcomes are missing.
                        detail = f"a worker process died checking the {len(batch)} file(s) from this one on"
                        raise StageError(batch[0].display_path, detail) from None
                yield outcomes.pop(file.display_path)
                done()
        finally:
            for _, pending in batches:
                pending.cancel()
