"""The shared Kubernetes semantics: quantities, int-or-string percentages, IP/CIDR parsing, RE2."""

from __future__ import annotations

import pytest

from kcheck.kube.intstr import scaled_value
from kcheck.kube.net import CIDR, parse_cidr, parse_ip
from kcheck.kube.quantity import Quantity
from kcheck.kube.regex import compile_re2


def q(text: str) -> Quantity:
    parsed = Quantity.parse(text)
    assert isinstance(parsed, Quantity), parsed
    return parsed


def test_quantities_compare_and_add_exactly() -> None:
    assert q("1Gi") == q("1073741824") == q("1024Mi")
    assert q("100m") < q("1") <= q("1000m") < q("1k")
    assert q("500Mi") + q("524Mi") == q("1Gi") - q("0")
    assert q("0.1") + q("0.2") == q("300m")  # no binary floating point
    assert q("250m") * 4 == q("1")
    assert q("1.5") > q("1500m") - q("1m")
    # ParseQuantity rounds up to whole nano units and caps binary-SI values at 2^63-1.
    assert q("0.0000000001") == q("1n")
    assert q("16Ei") == q("9223372036854775807")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "quantities must match the regular expression"),
        ("1GB", "quantities must match the regular expression"),
        ("1Mk", "unable to parse quantity's suffix"),
        ("..", "unable to parse quantity's numeric part"),
    ],
)
def test_unparsable_quantities_say_why(text: str, error: str) -> None:
    parsed = Quantity.parse(text)
    assert isinstance(parsed, str) and parsed.startswith(error)


@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [
        (3, 10, False, 3),
        ("25%", 10, True, 3),
        ("25%", 10, False, 2),
        ("0%", 7, True, 0),
        ("100%", 3, False, 3),
    ],
)
def test_int_or_string_percentages_scale_like_the_controllers(
    value: int | str, total: int, round_up: bool, expected: int
) -> None:
    assert scaled_value(value, total, round_up) == expected


def test_a_string_that_is_not_a_percentage_is_an_error() -> None:
    assert isinstance(scaled_value("3", 10, True), str)
    assert isinstance(scaled_value("25 %", 10, True), str)


def test_ips_and_cidrs_parse_as_netip_does() -> None:
    assert str(parse_ip("2001:db8::1")) == "2001:db8::1"
    assert isinstance(parse_ip("fe80::1%eth0"), str)  # zones are refused
    assert isinstance(parse_ip("::ffff:10.0.0.1"), str)  # IPv4-mapped IPv6 is refused
    prefix = parse_cidr("10.1.2.3/8")
    assert isinstance(prefix, CIDR) and str(prefix) == "10.1.2.3/8"  # host bits kept as written
    assert str(prefix.network()) == "10.0.0.0/8"
    assert isinstance(parse_cidr("10.0.0.0/33"), str)
    assert isinstance(parse_cidr("10.0.0.0/08"), str)


def test_re2_refuses_what_go_refuses() -> None:
    assert not isinstance(compile_re2("^[a-z]+$"), str)
    assert "invalid perl operator" in str(compile_re2("(?=x)"))
