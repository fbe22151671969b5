"""IP address ranges of NetworkPolicy `ipBlock`s (and admin policies' `networks`), and the partition of the
address space outside the cluster into disjoint ranges cut at every CIDR boundary of the input: each such
range is one endpoint of the graph, since every policy treats all its addresses alike."""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kcheck.kube.net import parse_cidr

_BITS = {4: 32, 6: 128}


@dataclass(frozen=True, slots=True, order=True)
class AddressRange:
    """The inclusive range `first`..`last` of IP version `version`."""

    version: int
    first: int
    last: int

    def __str__(self) -> str:
        make = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        return f"{make(self.first)}-{make(self.last)}"

    def contains(self, other: AddressRange) -> bool:
        return self.version == other.version and self.first <= other.first and other.last <= self.last

    @classmethod
    def whole(cls, version: int) -> AddressRange:
        return cls(version, 0, 2 ** _BITS[version] - 1)


def cidr_range(text: str) -> AddressRange | str:
    """The addresses of a CIDR (host bits ignored, as the network is), or why it does not parse."""
    parsed = parse_cidr(text)
    if isinstance(parsed, str):
        return parsed
    network = parsed.network()
    return AddressRange(network.version, int(network.network_address), int(network.broadcast_address))


def subtract(ranges: Iterable[AddressRange], removed: Iterable[AddressRange]) -> tuple[AddressRange, ...]:
    """`ranges` without the addresses of `removed` (ipBlock `cidr` minus its `except` entries)."""
    current = sorted(ranges)
    for cut in removed:
        kept: list[AddressRange] = []
        for piece in current:
            if piece.version != cut.version or cut.last < piece.first or cut.first > piece.last:
                kept.append(piece)
                continue
            if cut.first > piece.first:
                kept.append(AddressRange(piece.version, piece.first, cut.first - 1))
            if cut.last < piece.last:
                kept.append(AddressRange(piece.version, cut.last + 1, piece.last))
        current = kept
    return tuple(current)


def partition(ranges: Iterable[AddressRange], versions: Iterable[int] = (4,)) -> list[AddressRange]:
    """The whole address space of each version in `versions` (and of any version `ranges` use), cut at
    every boundary of `ranges`: disjoint ranges, in order, each inside or outside every given range."""
    cuts: dict[int, set[int]] = {version: {0} for version in versions}
    for piece in ranges:
        points = cuts.setdefault(piece.version, {0})
        points.add(piece.first)
        if piece.last + 1 < 2 ** _BITS[piece.version]:
            points.add(piece.last + 1)
    atoms: list[AddressRange] = []
    for version in sorted(cuts):
        starts = sorted(cuts[version])
        ends = [start - 1 for start in starts[1:]] + [2 ** _BITS[version] - 1]
        atoms.extend(AddressRange(version, start, end) for start, end in zip(starts, ends, strict=True))
    return atoms


def atoms_within(atoms: Sequence[AddressRange], ranges: Iterable[AddressRange]) -> list[int]:
    """The indexes of `atoms` (a `partition` cut at every boundary of `ranges`) that `ranges` cover."""
    firsts = [(atom.version, atom.first) for atom in atoms]
    found: list[int] = []
    for piece in ranges:
        index = bisect.bisect_left(firsts, (piece.version, piece.first))
        while (
            index < len(atoms) and atoms[index].version == piece.version and atoms[index].last <= piece.last
        ):
            found.append(index)
            index += 1
    return sorted(set(found))
