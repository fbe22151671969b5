"""IP addresses and CIDR prefixes as Kubernetes parses them (Go's net/netip, as the API server's CEL `ip` and
`cidr` libraries and NetworkPolicy `ipBlock` validation use it): no zones, no IPv4-mapped IPv6 addresses, a
prefix keeps the address as written (host bits included).
"""

from __future__ import annotations

import ipaddress


class CIDR:
    """A prefix as netip.ParsePrefix keeps it: the address as written (host bits included) and a length."""

    __slots__ = ("address", "length")

    def __init__(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address, length: int) -> None:
        self.address, self.length = address, length

    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network((self.address, self.length), strict=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CIDR) and (self.address, self.length) == (other.address, other.length)

    def __hash__(self) -> int:
        return hash((self.address, self.length))

    def __str__(self) -> str:
        return f"{self.address}/{self.length}"


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | str:
    """netip.ParseAddr without zones and IPv4-mapped IPv6 addresses (ip.go parseIPAddr)."""
    if "%" in text:
        return f"IP address {text!r} with zone value is not allowed"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return f"IP Address {text!r} parse error during conversion from string"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"IPv4-mapped IPv6 address {text!r} is not allowed"
    return address


def parse_cidr(text: str) -> CIDR | str:
    address_text, slash, bits = text.partition("/")
    if not slash or not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
        return f"network address parse error during conversion from string: {text!r}: bad bits after slash"
    address = parse_ip(address_text)
    if isinstance(address, str):
        return f"network address parse error during conversion from string: {address}"
    if int(bits) > address.max_prefixlen:
        return (
            f"network address parse error during conversion from string: {text!r}: prefix length out of range"
        )
    return CIDR(address, int(bits))
