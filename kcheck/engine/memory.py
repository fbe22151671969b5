"""How the process uses memory: the C allocator's mmap threshold, so that peak memory follows what is kept,
and the garbage collector during the whole-input analyses.

The main process receives every worker's outcomes as pickled buffers of a few hundred KiB to a few MiB,
decodes them and frees them. glibc raises its mmap threshold each time such a buffer is freed (the dynamic
threshold, up to 32 MiB), so later buffers are carved from the heap instead, and the heap keeps the holes
they leave between the small objects that stay: on ten copies of the corpus that was ~30 MiB of peak RSS
that held nothing. A fixed threshold keeps every large buffer in its own mapping, returned when it is
freed. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Iterator

_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
_THRESHOLD = 128 * 1024  # glibc's initial value: only the dynamic raising is turned off


def fix_mmap_threshold() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)


@contextlib.contextmanager
def long_lived_inventory() -> Iterator[None]:
    """Run the whole-input analyses with everything allocated so far (the inventory, its objects and facts)
    out of the cyclic garbage collector's sight. Those objects live until the run ends, yet each full
    collection would traverse all of them: with the analyses allocating as they go, collection time grew
    with the square of the input (100 copies of the corpus: 147x the time of one, against 9.7x for 10).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
