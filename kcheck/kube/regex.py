"""Regular expressions with Kubernetes' syntax: RE2, as Go's regexp (the API server's `pattern` keyword and
the CEL `matches`, `find` and `findAll` functions). Python's `re` accepts patterns RE2 refuses (lookaround,
backreferences) and runs some in exponential time; RE2 does neither.

RE2 is imported on first use: most runs never compile a pattern.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=1024)
def compile_re2(pattern: str) -> Any:
    """The compiled pattern, or the text of RE2's error (Go words it the same way) as a `str`."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print each bad pattern on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as problem:
        reason = problem.args[0] if problem.args else ""
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
