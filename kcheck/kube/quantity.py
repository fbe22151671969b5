"""resource.Quantity (k8s.io/apimachinery/pkg/api/resource): the grammar, exact values, canonical comparison.

A quantity is a signed decimal number with an optional suffix: binary SI (Ki..Ei), decimal SI (n, u, m, k,
M, G, T, P, E) or an integer exponent (e3). Values are kept as exact fractions, so `1Gi` and `1073741824`
compare equal and arithmetic never rounds; the API server's own rounding to nano-units is applied where it
matters (`Quantity.parse`).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

# resource.Quantity's grammar (apimachinery/pkg/api/resource/quantity.go): a signed decimal number and an
# optional suffix: binary SI (Ki..Ei), decimal SI (n, u, m, k, M, G, T, P, E) or an integer exponent (e3).
QUANTITY = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?\Z")


def is_quantity(value: object) -> bool:
    """What resource.Quantity unmarshals: a number, or a string in its grammar (spaces trimmed)."""
    if isinstance(value, str):
        return QUANTITY.match(value.strip()) is not None
    return type(value) is int or (type(value) is float and math.isfinite(value))


# resource.ParseQuantity first matches this (its ErrFormatWrong names it).
_QUANTITY_SHAPE = re.compile(r"([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)\Z")
_QUANTITY_NUMBER = re.compile(r"[+-]?(?:[0-9]*)(?:\.[0-9]*)?\Z")
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_EXPONENT = re.compile(r"[eE]([+-]?[0-9]+)\Z")
INT64_MAX = 2**63 - 1
_NANO = Fraction(1, 10**9)


class Quantity:
    """A resource.Quantity: an exact value. Parsing rounds a non-zero value up (away from zero) to a whole
    number of nano units, and caps binary-SI values at 2^63-1, as ParseQuantity does."""

    __slots__ = ("value",)

    def __init__(self, value: Fraction) -> None:
        self.value = value

    @classmethod
    def parse(cls, text: str) -> Quantity | str:
        """The quantity, or the error text of ParseQuantity."""
        shape = _QUANTITY_SHAPE.match(text)
        if not text or shape is None:
            return (
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        number, suffix = shape.group(1), shape.group(2)
        if not _QUANTITY_NUMBER.match(number) or number.strip("+-.") == "":
            return "unable to parse quantity's numeric part"
        binary = suffix in _BINARY_SUFFIXES
        if binary:
            factor = Fraction(2 ** _BINARY_SUFFIXES[suffix])
        elif suffix in _DECIMAL_SUFFIXES:
            factor = Fraction(10) ** _DECIMAL_SUFFIXES[suffix]
        elif (exponent := _EXPONENT.match(suffix)) is not None and len(exponent.group(1).lstrip("+-")) <= 4:
            factor = Fraction(10) ** int(exponent.group(1))
        else:
            return "unable to parse quantity's suffix"
        magnitude = Fraction(number.lstrip("+-") or "0") * factor
        if magnitude:
            magnitude = math.ceil(magnitude / _NANO) * _NANO
        if binary and magnitude > INT64_MAX:
            magnitude = Fraction(INT64_MAX)
        return cls(-magnitude if number.startswith("-") else magnitude)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    # Canonical comparison and exact arithmetic: `100m` < `1`, `1Gi` == `1073741824`, `500Mi` + `524Mi` is
    # exactly `1Ti` / 1024 (Quantity.Cmp, Add and Sub compare and add the exact values).
    def __lt__(self, other: Quantity) -> bool:
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        return self.value <= other.value

    def __gt__(self, other: Quantity) -> bool:
        return self.value > other.value

    def __ge__(self, other: Quantity) -> bool:
        return self.value >= other.value

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(self.value - other.value)

    def __mul__(self, factor: int) -> Quantity:
        return Quantity(self.value * factor)

    def __repr__(self) -> str:
        return f"Quantity({self.value})"


_DECIMAL_BY_EXPONENT = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
# Resources measured in bytes: only these are shown in binary units.
_BYTES = ("memory", "storage", "ephemeral-storage")


def format_quantity(value: Fraction, resource: str = "") -> str:
    """A value as Quantity.String() would write it in canonical form: binary suffixes (Ki..Ei) for byte
    counts (memory, storage, hugepages; any value when no resource is named) that are exact multiples of
    1024, else the largest decimal suffix (n..E) that keeps the value an integer (`1500m`, `2`, `3G`); a
    value finer than a nano unit is rounded up to one, as parsing does."""
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    name = resource.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    in_bytes = name in _BYTES or name.startswith("hugepages-") or not resource
    if (
        magnitude >= 10**24
    ):  # far beyond the largest suffix: an exponent form (6 digits), not a wall of digits
        exponent = math.floor(math.log10(magnitude.numerator) - math.log10(magnitude.denominator))
        while Fraction(10) ** exponent > magnitude:
            exponent -= 1
        while Fraction(10) ** (exponent + 1) <= magnitude:
            exponent += 1
        return f"{sign}{float(magnitude / Fraction(10) ** exponent):.6g}e{exponent}"
    if in_bytes and magnitude.denominator == 1 and magnitude >= 1024:
        for suffix, bits in reversed(_BINARY_SUFFIXES.items()):
            if magnitude.numerator % (1 << bits) == 0:
                return f"{sign}{magnitude.numerator >> bits}{suffix}"
    if magnitude == 0:
        return "0"
    for exponent in range(18, -10, -3):
        scaled = magnitude / Fraction(10) ** exponent
        if scaled.denominator == 1 and (scaled.numerator % 1000 != 0 or exponent == 18):
            return f"{sign}{scaled.numerator}{_DECIMAL_BY_EXPONENT[exponent]}"
    return f"{sign}{math.ceil(magnitude / _NANO)}n"
