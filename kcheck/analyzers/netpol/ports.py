"""Sets of connections: for each L4 protocol NetworkPolicy defines (TCP, UDP, SCTP), the ports as sorted,
disjoint, non-adjacent inclusive ranges. Values are immutable and canonical, so equal sets compare and hash
equal (the reachability analysis groups endpoints by the set they are allowed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PROTOCOLS = ("TCP", "UDP", "SCTP")
MIN_PORT, MAX_PORT = 1, 65535

Ranges = tuple[tuple[int, int], ...]
_FULL: Ranges = ((MIN_PORT, MAX_PORT),)


def _normalise(ranges: Iterable[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return tuple(merged)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low <= high:
            out.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _subtract(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in a:
        for b_low, b_high in b:
            if b_high < low or b_low > high:
                continue
            if b_low > low:
                out.append((low, b_low - 1))
            low = b_high + 1
            if low > high:
                break
        if low <= high:
            out.append((low, high))
    return tuple(out)


class PortSet:
    """Ports per protocol. `PortSet.ALL` is every connection, `PortSet.NONE` none."""

    __slots__ = ("_by_protocol", "_hash")
    ALL: PortSet
    NONE: PortSet

    def __init__(self, by_protocol: Mapping[str, Iterable[tuple[int, int]]] | None = None) -> None:
        normalised = {}
        for protocol in PROTOCOLS:
            ranges = _normalise((by_protocol or {}).get(protocol, ()))
            if ranges:
                normalised[protocol] = ranges
        self._by_protocol: dict[str, Ranges] = normalised
        self._hash = hash(tuple(normalised.items()))

    @classmethod
    def of(cls, protocol: str, low: int = MIN_PORT, high: int = MAX_PORT) -> PortSet:
        return cls({protocol: ((low, high),)})

    def ranges(self, protocol: str) -> Ranges:
        return self._by_protocol.get(protocol, ())

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(self._by_protocol)

    def __bool__(self) -> bool:
        return bool(self._by_protocol)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortSet) and self._by_protocol == other._by_protocol

    def __hash__(self) -> int:
        return self._hash

    def __or__(self, other: PortSet) -> PortSet:
        if not other or self is other:
            return self
        if not self:
            return other
        return PortSet({p: (*self.ranges(p), *other.ranges(p)) for p in PROTOCOLS})

    def __and__(self, other: PortSet) -> PortSet:
        if self is other or other.is_all:
            return self
        if self.is_all:
            return other
        return PortSet({p: _intersect(self.ranges(p), other.ranges(p)) for p in PROTOCOLS})

    def __sub__(self, other: PortSet) -> PortSet:
        if not other:
            return self
        return PortSet({p: _subtract(self.ranges(p), other.ranges(p)) for p in PROTOCOLS})

    def __le__(self, other: PortSet) -> bool:
        return not (self - other)

    @property
    def is_all(self) -> bool:
        return len(self._by_protocol) == len(PROTOCOLS) and all(
            ranges == _FULL for ranges in self._by_protocol.values()
        )

    def contains(self, protocol: str, port: int) -> bool:
        return any(low <= port <= high for low, high in self.ranges(protocol))

    def to_json(self) -> dict[str, list[list[int]]]:
        """`{"TCP": [[80, 80], [8080, 8090]], ...}`: the `conn` of the connectivity document."""
        return {p: [[low, high] for low, high in r] for p, r in self._by_protocol.items()}

    def __str__(self) -> str:
        if self.is_all:
            return "all connections"
        if not self:
            return "no connections"
        parts = []
        for protocol, ranges in self._by_protocol.items():
            if ranges == _FULL:
                parts.append(f"{protocol} all ports")
            else:
                text = ",".join(f"{low}" if low == high else f"{low}-{high}" for low, high in ranges)
                parts.append(f"{protocol} {text}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        return f"PortSet({self})"


PortSet.ALL = PortSet(dict.fromkeys(PROTOCOLS, _FULL))
PortSet.NONE = PortSet()
