"""How the process asks the C allocator for memory, so that peak memory follows what is kept.

The main process receives every worker's outcomes as pickled buffers of a few hundred KiB to a few MiB,
decodes them and frees them. glibc raises its mmap threshold each time such a buffer is freed (the dynamic
threshold, up to 32 MiB), so later buffers are carved from the heap instead, and the heap keeps the holes
they leave between the small objects that stay: on ten copies of the corpus that was ~30 MiB of peak RSS
that held nothing. A fixed threshold keeps every large buffer in its own mapping, returned when it is
freed. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

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
