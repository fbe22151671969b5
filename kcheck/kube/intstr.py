"""intstr.IntOrString (k8s.io/apimachinery/pkg/util/intstr): ports and replica counts written as an
integer or a string, and the percentages of `maxUnavailable`, `maxSurge`, `minAvailable`."""

from __future__ import annotations

import math
import re

# intstr.IntOrString holds an int32.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# strconv.Atoi of the part before '%': an optional sign and decimal digits.
_PERCENT = re.compile(r"([+-]?[0-9]+)%\Z")


def scaled_value(value: int | str, total: int, round_up: bool) -> int | str:
    """GetScaledValueFromIntOrPercent: an integer as it is; `"25%"` of `total`, rounded up (maxSurge,
    minAvailable) or down (maxUnavailable); or the error text for any other string."""
    if isinstance(value, int):
        return value
    match = _PERCENT.match(value)
    if match is None:
        return f"invalid value for IntOrString: invalid type: string is not a percentage: {value!r}"
    scaled = int(match.group(1)) * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)
