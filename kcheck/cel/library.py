"""The Kubernetes CEL libraries, as custom functions for cel-python (`celpy`).

Kubernetes evaluates CEL (CRD validation rules, admission policies) in an environment of the CEL
standard library plus the extended strings library (cel-go `ext.Strings`, version 2), the sets library
(`ext.Sets`) and its own libraries (k8s.io/apiserver/pkg/cel/library): lists, regex, URLs, quantity, IP
and CIDR, named formats. The base
environment (k8s.io/apiserver/pkg/cel/environment/base.go) also enables cross-type numeric comparisons
(`1 < 1.5`) and optional values. This module implements those functions with the behaviour the upstream
documentation and tests give them; the reference for each is named where it matters.

celpy calls a function by name, whatever the receiver, so a method shared by several types
(`indexOf` of strings and lists, `isLessThan` of quantities and semvers) dispatches on its receiver here.
A function receives celpy values (`celtypes.StringType`, `IntType`, `ListType`, ...) and returns one, or
returns a `CELEvalError` for an error CEL defines (an index out of range, an unparsable quantity); a wrong
argument type raises `TypeError`, which celpy turns into "no such overload".

Imported by `kcheck.cel.program` and `kcheck.cel.values`, themselves imported when an expression is compiled.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import itertools
import math
import re
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, ClassVar

from celpy import celtypes
from celpy.evaluation import CELEvalError, base_functions

from kcheck.kube.net import CIDR, parse_cidr, parse_ip
from kcheck.kube.quantity import INT64_MAX, Quantity
from kcheck.kube.regex import compile_re2

Function = Callable[..., Any]

_NUMERIC = (celtypes.IntType, celtypes.UintType, celtypes.DoubleType)


def error(message: str) -> CELEvalError:
    """A CEL evaluation error whose text is `message` (the rule fails with it, as in Kubernetes)."""
    return CELEvalError(message)


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _int(value: object) -> int:
    if not isinstance(value, celtypes.IntType):
        raise TypeError(f"expected an int, got {type(value).__name__}")
    return int(value)


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


# --- operators ------------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, _NUMERIC) and not isinstance(value, celtypes.BoolType)


def _numbers_differ_in_type(left: object, right: object) -> bool:
    return _is_number(left) and _is_number(right) and type(left) is not type(right)


def _native(number: Any) -> int | float:
    # celtypes refuse to compare an int with a double; Python compares int and float exactly.
    return float(number) if isinstance(number, celtypes.DoubleType) else int(number)


def _relation(name: str, compare: Callable[[Any, Any], bool]) -> Function:
    base = base_functions[name]

    def relation(left: Any, right: Any) -> Any:
        # Kubernetes enables cel.CrossTypeNumericComparisons (1.28+): `1 < 1.5` compares the values.
        if _numbers_differ_in_type(left, right):
            return celtypes.BoolType(compare(_native(left), _native(right)))
        return base(left, right)

    return relation


def equals(left: Any, right: Any) -> bool:
    """CEL's heterogeneous equality (cel-go's runtime): numbers compare by value across int, uint and
    double; values of different types are unequal rather than an error."""
    if _numbers_differ_in_type(left, right):
        return _native(left) == _native(right)
    try:
        result = base_functions["_==_"](left, right)
    except TypeError:
        return False
    if isinstance(result, CELEvalError):
        return False
    return bool(result)


def _equal(left: Any, right: Any) -> Any:
    if isinstance(left, CELEvalError):
        return left
    if isinstance(right, CELEvalError):
        return right
    return celtypes.BoolType(equals(left, right))


def _not_equal(left: Any, right: Any) -> Any:
    result = _equal(left, right)
    return result if isinstance(result, CELEvalError) else celtypes.BoolType(not result)


# --- lists (k8s.io/apiserver/pkg/cel/library/lists.go) ----------------------------------------------------


def _compare(left: Any, right: Any) -> int:
    if _numbers_differ_in_type(left, right):
        left, right = _native(left), _native(right)
    if (
        _numbers_differ_in_type(left, right)
        or type(left) is type(right)
        or (isinstance(left, str) and isinstance(right, str))
        or (isinstance(left, (int, float)) and isinstance(right, (int, float)))
    ):
        return int((left > right) - (left < right))
    raise TypeError(f"cannot compare {type(left).__name__} with {type(right).__name__}")


def is_sorted(items: Any) -> Any:
    values = _list(items)
    return celtypes.BoolType(all(_compare(a, b) <= 0 for a, b in itertools.pairwise(values)))


def list_sum(items: Any) -> Any:
    values = _list(items)
    if not values:
        return celtypes.IntType(0)  # `[].sum()` is 0 (an empty list of unknown type sums as int)
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _extreme(name: str, prefer: int) -> Function:
    def extreme(items: Any) -> Any:
        values = _list(items)
        if not values:
            return error(f"{name} called on empty list")
        result = values[0]
        for value in values[1:]:
            # The first of equal values wins, as in lists.go's cmp().
            if _compare(result, value) == prefer:
                result = value
        return result

    return extreme


def _list_index_of(values: list[Any], item: Any, last: bool) -> Any:
    indexes = range(len(values) - 1, -1, -1) if last else range(len(values))
    for index in indexes:
        if equals(values[index], item):
            return celtypes.IntType(index)
    return celtypes.IntType(-1)


# --- strings (cel-go ext/strings.go, version 2): indexes count code points ----------------------------------


def char_at(text: Any, index: Any) -> Any:
    value, position = _string(text), _int(index)
    if position < 0 or position > len(value):
        return error(f"index out of range: {position}")
    return celtypes.StringType(value[position] if position < len(value) else "")


def _string_index_of(text: str, search: str, offset: int | None) -> Any:
    start = 0 if offset is None else offset
    if search == "":
        return celtypes.IntType(start)
    if start < 0 or start >= len(text):
        return error(f"index out of range: {start}")
    return celtypes.IntType(text.find(search, start))


def _string_last_index_of(text: str, search: str, offset: int | None) -> Any:
    if search == "":
        return celtypes.IntType(len(text) if offset is None else offset)
    start = len(text) - 1 if offset is None else offset
    if start < 0 or start >= len(text):
        return error(f"index out of range: {start}")
    # The match may begin at `start` at the latest.
    return celtypes.IntType(text.rfind(search, 0, start + len(search)))


def index_of(receiver: Any, item: Any, offset: Any = None) -> Any:
    if isinstance(receiver, list) and offset is None:
        return _list_index_of(receiver, item, last=False)
    return _string_index_of(_string(receiver), _string(item), None if offset is None else _int(offset))


def last_index_of(receiver: Any, item: Any, offset: Any = None) -> Any:
    if isinstance(receiver, list) and offset is None:
        return _list_index_of(receiver, item, last=True)
    return _string_last_index_of(_string(receiver), _string(item), None if offset is None else _int(offset))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def lower_ascii(text: Any) -> Any:
    return celtypes.StringType(_string(text).translate(_ASCII_LOWER))


def upper_ascii(text: Any) -> Any:
    return celtypes.StringType(_string(text).translate(_ASCII_UPPER))


def replace(text: Any, old: Any, new: Any, count: Any = None) -> Any:
    limit = -1 if count is None else _int(count)  # Go's strings.Replace: a negative limit replaces all
    return celtypes.StringType(_string(text).replace(_string(old), _string(new), limit))


def split(text: Any, separator: Any, count: Any = None) -> Any:
    value, sep = _string(text), _string(separator)
    limit = -1 if count is None else _int(count)
    # Go's strings.SplitN: 0 gives no pieces; an empty separator splits into code points.
    if limit == 0:
        return celtypes.ListType([])
    if sep == "":
        pieces = (
            list(value) if limit < 0 or limit >= len(value) else [*value[: limit - 1], value[limit - 1 :]]
        )
    else:
        pieces = value.split(sep) if limit < 0 else value.split(sep, limit - 1)
    return celtypes.ListType([celtypes.StringType(piece) for piece in pieces])


def substring(text: Any, start: Any, end: Any = None) -> Any:
    value, first = _string(text), _int(start)
    last = len(value) if end is None else _int(end)
    if end is not None and first > last:
        return error(f"invalid substring range. start: {first}, end: {last}")
    for position in (first, last):
        if position < 0 or position > len(value):
            return error(f"index out of range: {position}")
    return celtypes.StringType(value[first:last])


# Go's strings.TrimSpace trims Unicode White_Space; Python's str.strip() also trims the separators
# \x1c-\x1f, which are not White_Space.
_WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def trim(text: Any) -> Any:
    return celtypes.StringType(_string(text).strip(_WHITE_SPACE))


def join(items: Any, separator: Any = None) -> Any:
    values = _list(items)
    return celtypes.StringType(
        ("" if separator is None else _string(separator)).join(_string(v) for v in values)
    )


def quote(text: Any) -> Any:
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    escapes |= {"\\": "\\\\", '"': '\\"'}
    return celtypes.StringType('"' + "".join(escapes.get(c, c) for c in _string(text)) + '"')


_FORMAT_CLAUSE = re.compile(r"%(?:\.(\d+))?([sdfeExXob%])")


def string_format(template: Any, arguments: Any) -> Any:
    """`"%s of %d".format([a, b])` (ext/strings.go, version 1+): %s %d %f %e %b %x %X %o, precision `%.2f`."""
    text, values = _string(template), _list(arguments)
    result: list[str] = []
    position = used = 0
    for clause in _FORMAT_CLAUSE.finditer(text):
        result.append(text[position : clause.start()])
        position = clause.end()
        precision, verb = clause.group(1), clause.group(2)
        if verb == "%":
            result.append("%")
            continue
        if used >= len(values):
            return error(f"index {used} out of range")
        formatted = _format_value(values[used], verb, None if precision is None else int(precision))
        if isinstance(formatted, CELEvalError):
            return formatted
        result.append(formatted)
        used += 1
    if "%" in text[position:]:
        return error("could not parse formatting clause: unrecognized formatting clause")
    result.append(text[position:])
    return celtypes.StringType("".join(result))


def _format_value(value: Any, verb: str, precision: int | None) -> str | CELEvalError:
    if verb == "s":
        return _format_string(value)
    if verb == "d":
        if not _is_number(value) or isinstance(value, celtypes.DoubleType):
            return error("decimal clause can only be used on integers")
        return str(int(value))
    if verb in "fe":
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return str(value)
        if not isinstance(value, celtypes.DoubleType):
            return error(f"fixed-point clause can only be used on doubles, was given {_type_name(value)}")
        digits = 6 if precision is None else precision
        return f"{float(value):.{digits}{verb}}"
    if isinstance(value, celtypes.BoolType):
        value = celtypes.IntType(int(value))
    if verb in "xX" and isinstance(value, (str, bytes)):
        data = value.encode() if isinstance(value, str) else bytes(value)
        hexed = data.hex()
        return hexed.upper() if verb == "X" else hexed
    if not isinstance(value, (celtypes.IntType, celtypes.UintType)):
        return error(f"clause %{verb} can only be used on integers, was given {_type_name(value)}")
    number = int(value)
    prefix, magnitude = ("-", -number) if number < 0 else ("", number)
    return prefix + format(magnitude, verb)


def _format_string(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, celtypes.BoolType):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_quote_for_cel(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = sorted((_quote_for_cel(k), _quote_for_cel(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}:{v}" for k, v in pairs) + "}"
    if isinstance(value, celtypes.DoubleType):
        return _double_text(float(value))
    if isinstance(value, bytes):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _double_text(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number).removesuffix(".0") if number.is_integer() and abs(number) < 1e21 else repr(number)


def _quote_for_cel(value: Any) -> str:
    text = _format_string(value)
    if isinstance(value, str):
        return str(quote(text))
    if isinstance(value, bytes):
        return "b" + str(quote(text))
    return text


def _type_name(value: object) -> str:
    names = {
        celtypes.BoolType: "bool",
        celtypes.IntType: "int",
        celtypes.UintType: "uint",
        celtypes.DoubleType: "double",
        celtypes.StringType: "string",
        celtypes.BytesType: "bytes",
        celtypes.ListType: "list",
        celtypes.MapType: "map",
    }
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


# --- regex (k8s.io/apiserver/pkg/cel/library/regex.go): RE2 syntax, Go's FindAllString ------------------


def _compiled(pattern: str) -> Any:
    compiled = compile_re2(pattern)
    return error(f"Illegal regex: {compiled}") if isinstance(compiled, str) else compiled


def _regex(pattern: Any) -> Any:
    return _compiled(str(_string(pattern)))


def matches(text: Any, pattern: Any) -> Any:
    """The standard `matches` (RE2, unanchored), with compiled patterns cached."""
    compiled = _regex(pattern)
    if isinstance(compiled, CELEvalError):
        return compiled
    return celtypes.BoolType(compiled.search(_string(text)) is not None)


def find(text: Any, pattern: Any) -> Any:
    compiled = _regex(pattern)
    if isinstance(compiled, CELEvalError):
        return compiled
    match = compiled.search(_string(text))
    return celtypes.StringType(match.group(0) if match else "")


def find_all(text: Any, pattern: Any, limit: Any = None) -> Any:
    compiled = _regex(pattern)
    if isinstance(compiled, CELEvalError):
        return compiled
    value, count = _string(text), (-1 if limit is None else _int(limit))
    found: list[celtypes.StringType] = []
    # Go's regexp.FindAllString: successive non-overlapping matches; an empty match right after the
    # previous match is skipped (Python's re.findall keeps it).
    position, previous_end = 0, -1
    while position <= len(value) and (count < 0 or len(found) < count):
        match = compiled.search(value, position)
        if match is None:
            break
        start, end = match.span()
        if end == start:
            if start != previous_end:
                found.append(celtypes.StringType(""))
            position = end + 1
        else:
            found.append(celtypes.StringType(match.group(0)))
            position = end
        previous_end = end
    return celtypes.ListType(found)


# --- quantity (k8s.io/apiserver/pkg/cel/library/quantity.go; apimachinery resource.Quantity) -------------


def _quantity(value: object) -> Quantity:
    if not isinstance(value, Quantity):
        raise TypeError(f"expected a quantity, got {type(value).__name__}")
    return value


def quantity(text: Any) -> Any:
    parsed = Quantity.parse(_string(text))
    return error(parsed) if isinstance(parsed, str) else parsed


def is_quantity(text: Any) -> Any:
    return celtypes.BoolType(isinstance(Quantity.parse(_string(text)), Quantity))


def _quantity_integer(value: Quantity) -> int | None:
    number = value.value
    if number.denominator != 1 or not -(2**63) <= number.numerator <= INT64_MAX:
        return None
    return number.numerator


def _operand(value: Any) -> Fraction:
    if isinstance(value, Quantity):
        return value.value
    return Fraction(_int(value))


# --- semver (k8s.io/apiserver/pkg/cel/library/semverlib.go, Kubernetes 1.33+) -----------------------------

_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\Z"
)


class Semver:
    """A semantic version (semver 2.0.0): ordered by major, minor, patch, then pre-release."""

    __slots__ = ("major", "minor", "patch", "pre")

    def __init__(self, major: int, minor: int, patch: int, pre: tuple[str, ...]) -> None:
        self.major, self.minor, self.patch, self.pre = major, minor, patch, pre

    @classmethod
    def parse(cls, text: str) -> Semver | None:
        match = _SEMVER.match(text)
        if match is None:
            return None
        pre = tuple(match.group(4).split(".")) if match.group(4) else ()
        return cls(int(match.group(1)), int(match.group(2)), int(match.group(3)), pre)

    def compare(self, other: Semver) -> int:
        core = (self.major, self.minor, self.patch)
        other_core = (other.major, other.minor, other.patch)
        if core != other_core:
            return -1 if core < other_core else 1
        if self.pre == other.pre:
            return 0
        # A version without pre-release identifiers ranks above one with them.
        if not self.pre or not other.pre:
            return 1 if not self.pre else -1
        for mine, theirs in zip(self.pre, other.pre, strict=False):
            if mine == theirs:
                continue
            mine_numeric, theirs_numeric = mine.isdigit(), theirs.isdigit()
            if mine_numeric and theirs_numeric:
                return -1 if int(mine) < int(theirs) else 1
            if mine_numeric != theirs_numeric:
                return -1 if mine_numeric else 1
            return -1 if mine < theirs else 1
        return -1 if len(self.pre) < len(other.pre) else 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Semver) and self.compare(other) == 0

    def __hash__(self) -> int:
        return hash((self.major, self.minor, self.patch, self.pre))


def semver(text: Any) -> Any:
    parsed = Semver.parse(_string(text))
    return error(f"invalid semver: {text}") if parsed is None else parsed


def is_semver(text: Any) -> Any:
    return celtypes.BoolType(Semver.parse(_string(text)) is not None)


def _semver(value: object) -> Semver:
    if not isinstance(value, Semver):
        raise TypeError(f"expected a semver, got {type(value).__name__}")
    return value


def _cmp(receiver: Any, other: Any) -> int:
    if isinstance(receiver, Quantity):
        left, right = receiver.value, _quantity(other).value
        return (left > right) - (left < right)
    return _semver(receiver).compare(_semver(other))


def compare_to(receiver: Any, other: Any) -> Any:
    return celtypes.IntType(_cmp(receiver, other))


def is_greater_than(receiver: Any, other: Any) -> Any:
    return celtypes.BoolType(_cmp(receiver, other) == 1)


def is_less_than(receiver: Any, other: Any) -> Any:
    return celtypes.BoolType(_cmp(receiver, other) == -1)


def _add(receiver: Any, other: Any) -> Any:
    return Quantity(_quantity(receiver).value + _operand(other))


def _sub(receiver: Any, other: Any) -> Any:
    return Quantity(_quantity(receiver).value - _operand(other))


def sign(receiver: Any) -> Any:
    number = _quantity(receiver).value
    return celtypes.IntType((number > 0) - (number < 0))


def is_integer(receiver: Any) -> Any:
    return celtypes.BoolType(_quantity_integer(_quantity(receiver)) is not None)


def as_integer(receiver: Any) -> Any:
    number = _quantity_integer(_quantity(receiver))
    return error("cannot convert value to integer") if number is None else celtypes.IntType(number)


def as_approximate_float(receiver: Any) -> Any:
    number = _quantity(receiver).value
    try:
        return celtypes.DoubleType(float(number))
    except OverflowError:
        return celtypes.DoubleType(math.inf if number > 0 else -math.inf)


def _semver_part(index: int) -> Function:
    def part(receiver: Any) -> Any:
        version = _semver(receiver)
        return celtypes.IntType((version.major, version.minor, version.patch)[index])

    return part


# --- URLs (k8s.io/apiserver/pkg/cel/library/urls.go; Go's net/url) --------------------------------------

_UNRESERVED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
_PATH_KEPT = _UNRESERVED | frozenset("$&+,/:;=@")  # net/url shouldEscape(c, encodePath) is false
_PATH_VALID = _PATH_KEPT | frozenset("!'()*[]%")  # net/url validEncoded(s, encodePath)
_HOST_CHARS = _UNRESERVED | frozenset("!$&'()*+,;=:[]<>\"%")  # net/url unescape(s, encodeHost) accepts
_SCHEME_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_REST = _SCHEME_FIRST | frozenset("0123456789+-.")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class URL:
    """A URL as Go's url.Parse splits it (after url.ParseRequestURI accepted the string)."""

    __slots__ = ("host", "path", "query", "raw_path", "scheme")

    def __init__(self, scheme: str, host: str, path: str, raw_path: str, query: str) -> None:
        self.scheme, self.host, self.path, self.raw_path, self.query = scheme, host, path, raw_path, query

    @staticmethod
    def _split_scheme(text: str) -> tuple[str, str] | str:
        for index, char in enumerate(text):
            if char == ":":
                return "missing protocol scheme" if index == 0 else (text[:index].lower(), text[index + 1 :])
            if char not in _SCHEME_REST or (index == 0 and char not in _SCHEME_FIRST):
                return "", text
        return "", text

    @classmethod
    def parse(cls, text: str, request: bool) -> URL | str:
        """net/url's parse(rawURL, viaRequest): the URL, or the error text."""
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
            return "net/url: invalid control character in URL"
        if request and text == "":
            return "empty url"
        if not request:
            text = text.partition("#")[0]
        split = cls._split_scheme(text)
        if isinstance(split, str):
            return split
        scheme, rest = split
        if rest.endswith("?") and rest.count("?") == 1:
            rest, query = rest[:-1], ""
        else:
            rest, _, query = rest.partition("?")
        if not rest.startswith("/"):
            if scheme:
                return cls(scheme, "", "", "", query)  # an opaque URL (`mailto:x`)
            return "invalid URI for request" if request else cls("", "", rest, rest, query)
        host = ""
        if scheme and rest.startswith("//"):
            authority, slash, path = rest[2:].partition("/")
            rest = slash + path
            parsed_host = _parse_host(authority.rpartition("@")[2])
            if parsed_host is None:
                return f"parse {text!r}: invalid host or port"
            host = parsed_host
        if _PERCENT.search(rest):
            return f"parse {text!r}: invalid URL escape"
        return cls(scheme, host, _unescape(rest), rest, query)

    def hostname_and_port(self) -> tuple[str, str]:
        host, port = self.host, ""
        colon = host.rfind(":")
        if colon != -1 and _valid_port(host[colon:]):
            host, port = host[:colon], host[colon + 1 :]
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return host, port

    def escaped_path(self) -> str:
        if self.raw_path and all(c in _PATH_VALID for c in self.raw_path):
            return self.raw_path
        return "".join(c if c in _PATH_KEPT else "".join(f"%{b:02X}" for b in c.encode()) for c in self.path)


def _valid_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _parse_host(host: str) -> str | None:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0 or not _valid_port(host[end + 1 :]):
            return None
    elif (colon := host.rfind(":")) != -1 and not _valid_port(host[colon:]):
        return None
    if _PERCENT.search(host) or any(c not in _HOST_CHARS and ord(c) < 0x80 for c in host):
        return None
    return _unescape(host)


def _unescape(text: str, plus_is_space: bool = False) -> str:
    if plus_is_space:
        text = text.replace("+", " ")
    data = bytearray()
    index = 0
    while index < len(text):
        if text[index] == "%":
            data.append(int(text[index + 1 : index + 3], 16))
            index += 3
        else:
            data.extend(text[index].encode())
            index += 1
    return data.decode("utf-8", "replace")


def _url(value: object) -> URL:
    if not isinstance(value, URL):
        raise TypeError(f"expected a URL, got {type(value).__name__}")
    return value


def url(text: Any) -> Any:
    value = _string(text)
    # ParseRequestURI decides validity (an absolute URI or an absolute path); Parse gives the parts, because
    # ParseRequestURI keeps a fragment in the path or query.
    checked = URL.parse(value, request=True)
    if isinstance(checked, str):
        return error(f"URL parse error during conversion from string: {checked}")
    parsed = URL.parse(value, request=False)
    return (
        error(f"URL parse error during conversion from string: {parsed}")
        if isinstance(parsed, str)
        else parsed
    )


def is_url(text: Any) -> Any:
    return celtypes.BoolType(isinstance(URL.parse(_string(text), request=True), URL))


def get_query(receiver: Any) -> Any:
    result: dict[celtypes.StringType, list[celtypes.StringType]] = {}
    # Go's url.ParseQuery: `&`-separated pairs; a pair with `;` or a bad escape is skipped.
    for pair in _url(receiver).query.split("&"):
        if pair == "" or ";" in pair:
            continue
        key, _, value = pair.partition("=")
        if _PERCENT.search(key) or _PERCENT.search(value):
            continue
        values = result.setdefault(celtypes.StringType(_unescape(key, True)), [])
        values.append(celtypes.StringType(_unescape(value, True)))
    return celtypes.MapType({key: celtypes.ListType(values) for key, values in result.items()})


# --- IP and CIDR (k8s.io/apiserver/pkg/cel/library/ip.go, cidr.go; Go's net/netip) ---------------------


class IP:
    """An IP address; `string(ip)` is its canonical text (celpy's string() applies str())."""

    __slots__ = ("address",)

    def __init__(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
        self.address = address

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IP) and self.address == other.address

    def __hash__(self) -> int:
        return hash(self.address)

    def __str__(self) -> str:
        return str(self.address)


def ip(value: Any) -> Any:
    if isinstance(value, CIDR):  # <CIDR>.ip(): the address as written
        return IP(value.address)
    parsed = parse_ip(_string(value))
    return error(parsed) if isinstance(parsed, str) else IP(parsed)


def is_ip(text: Any) -> Any:
    return celtypes.BoolType(not isinstance(parse_ip(_string(text)), str))


def ip_is_canonical(text: Any) -> Any:
    parsed = parse_ip(_string(text))
    # The canonical form is netip.Addr.String(): RFC 5952 for IPv6, as Python's `compressed`.
    return error(parsed) if isinstance(parsed, str) else celtypes.BoolType(parsed.compressed == text)


def _ip(value: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if not isinstance(value, IP):
        raise TypeError(f"expected an IP address, got {type(value).__name__}")
    return value.address


def family(receiver: Any) -> Any:
    return celtypes.IntType(_ip(receiver).version)


def is_unspecified(receiver: Any) -> Any:
    return celtypes.BoolType(_ip(receiver).is_unspecified)


def is_loopback(receiver: Any) -> Any:
    address = _ip(receiver)
    # netip: 127.0.0.0/8 and ::1 only.
    return celtypes.BoolType(address.is_loopback)


def _is_link_local_unicast(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_link_local  # 169.254.0.0/16, fe80::/10


def is_link_local_multicast(receiver: Any) -> Any:
    address = _ip(receiver)
    if address.version == 4:
        return celtypes.BoolType(address in ipaddress.ip_network("224.0.0.0/24"))
    # netip.Addr.IsLinkLocalMulticast: ffx2::/16 (any flags, link-local scope).
    return celtypes.BoolType(int(address) >> 112 & 0xFF0F == 0xFF02)


def is_link_local_unicast(receiver: Any) -> Any:
    return celtypes.BoolType(_is_link_local_unicast(_ip(receiver)))


def is_global_unicast(receiver: Any) -> Any:
    address = _ip(receiver)
    # netip.Addr.IsGlobalUnicast: private and ULA addresses count as global unicast (unlike Python's
    # is_global); the unspecified, broadcast, loopback, multicast and link-local unicast addresses do not.
    if address.version == 4 and int(address) in (0, 0xFFFFFFFF):
        return celtypes.BoolType(False)
    return celtypes.BoolType(
        not address.is_unspecified
        and not address.is_loopback
        and not address.is_multicast
        and not _is_link_local_unicast(address)
    )


def cidr(text: Any) -> Any:
    parsed = parse_cidr(_string(text))
    return error(parsed) if isinstance(parsed, str) else parsed


def is_cidr(text: Any) -> Any:
    return celtypes.BoolType(isinstance(parse_cidr(_string(text)), CIDR))


def _cidr(value: object) -> CIDR:
    if not isinstance(value, CIDR):
        raise TypeError(f"expected a CIDR, got {type(value).__name__}")
    return value


def contains_ip(receiver: Any, other: Any) -> Any:
    prefix = _cidr(receiver)
    address = ip(other) if isinstance(other, str) else other
    if isinstance(address, CELEvalError):
        return address
    target = _ip(address)
    return celtypes.BoolType(target.version == prefix.address.version and target in prefix.network())


def contains_cidr(receiver: Any, other: Any) -> Any:
    prefix = _cidr(receiver)
    inner = cidr(other) if isinstance(other, str) else other
    if isinstance(inner, CELEvalError):
        return inner
    candidate = _cidr(inner)
    # cidr.go, fixed in Kubernetes 1.33 (kubernetes/kubernetes#130450): the other prefix's address, masked to
    # this prefix's length, is this network, and it is at least as long.
    if candidate.address.version != prefix.address.version or candidate.length < prefix.length:
        return celtypes.BoolType(False)
    return celtypes.BoolType(candidate.address in prefix.network())


def prefix_length(receiver: Any) -> Any:
    return celtypes.IntType(_cidr(receiver).length)


def masked(receiver: Any) -> Any:
    prefix = _cidr(receiver)
    return CIDR(prefix.network().network_address, prefix.length)


# --- named formats (k8s.io/apiserver/pkg/cel/library/format.go, Kubernetes 1.31+) ---------------------------


class Optional:
    """A CEL optional value (cel-go OptionalTypes): `format....validate()` returns one."""

    __slots__ = ("value",)
    NONE: ClassVar[Optional]

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Optional) and equals(self.value, other.value)

    def __hash__(self) -> int:
        return 0


Optional.NONE = Optional(None)


def optional_of(value: Any) -> Any:
    return Optional(value)


def optional_none() -> Any:
    return Optional.NONE


def _optional(value: object) -> Optional:
    if not isinstance(value, Optional):
        raise TypeError(f"expected an optional, got {type(value).__name__}")
    return value


def has_value(receiver: Any) -> Any:
    return celtypes.BoolType(_optional(receiver) is not Optional.NONE)


def optional_value(receiver: Any) -> Any:
    option = _optional(receiver)
    return error("optional.none() dereference") if option is Optional.NONE else option.value


def or_value(receiver: Any, default: Any) -> Any:
    option = _optional(receiver)
    return default if option is Optional.NONE else option.value


Validator = Callable[[str], list[str]]


class Format:
    __slots__ = ("check", "name")

    def __init__(self, name: str, check: Validator) -> None:
        self.name, self.check = name, check


def _uuid(text: str) -> list[str]:
    # The CRD `uuid` format (apiextensions JSONSchemaProps.format): hex groups, dashes optional, any case.
    pattern = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\Z", re.IGNORECASE)
    return [] if pattern.match(text) else ["does not match the UUID format"]


def _byte(text: str) -> list[str]:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return ["invalid base64"]
    return []


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


def _valid_date(year: str, month: str, day: str) -> bool:
    import datetime

    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _date(text: str) -> list[str]:
    match = _DATE.match(text)
    return [] if match and _valid_date(*match.groups()) else ["invalid date"]


def _datetime(text: str) -> list[str]:
    match = _DATETIME.match(text)
    if match is None or not _valid_date(*match.groups()[:3]):
        return ["invalid datetime"]
    hour, minute, second = (int(part) for part in match.groups()[3:6])
    return [] if hour < 24 and minute < 60 and second < 61 else ["invalid datetime"]


def _uri(text: str) -> list[str]:
    parsed = URL.parse(text, request=True)
    return [parsed] if isinstance(parsed, str) else []


def named_formats() -> dict[str, Format]:
    """The formats of format.named() and format.<name>(); the name rules are those the API server uses."""
    from kcheck.kube import names

    def prefix(check: Validator) -> Validator:
        # NameIsDNSLabel(s, prefix=true) checks a generateName prefix: the name with a character appended.
        return lambda text: check(text + "a")

    return {
        "dns1123Label": Format("DNS1123Label", names.dns1123_label),
        "dns1123Subdomain": Format("DNS1123Subdomain", names.dns1123_subdomain),
        "dns1035Label": Format("DNS1035Label", names.dns1035_label),
        "qualifiedName": Format("QualifiedName", names.qualified_name),
        "dns1123LabelPrefix": Format("DNS1123LabelPrefix", prefix(names.dns1123_label)),
        "dns1123SubdomainPrefix": Format("DNS1123SubdomainPrefix", prefix(names.dns1123_subdomain)),
        "dns1035LabelPrefix": Format("DNS1035LabelPrefix", prefix(names.dns1035_label)),
        "labelValue": Format("LabelValue", names.label_value),
        "uri": Format("URI", _uri),
        "uuid": Format("uuid", _uuid),
        "byte": Format("byte", _byte),
        "date": Format("date", _date),
        "datetime": Format("datetime", _datetime),
    }


def _validate(receiver: Any, text: Any) -> Any:
    if not isinstance(receiver, Format):
        raise TypeError(f"expected a format, got {type(receiver).__name__}")
    problems = receiver.check(_string(text))
    if not problems:
        return Optional.NONE
    return Optional(celtypes.ListType([celtypes.StringType(p) for p in problems]))


def _constant_format(value: Format) -> Function:
    return lambda: value


def _format_named(formats: dict[str, Format]) -> Function:
    def named(name: Any) -> Any:
        found = formats.get(_string(name))
        return Optional.NONE if found is None else Optional(found)

    return named


# --- sets (cel-go ext/sets.go) ----------------------------------------------------------------------------


def _contains_all(items: Iterable[Any], within: list[Any]) -> bool:
    return all(any(equals(item, other) for other in within) for item in items)


def sets_contains(items: Any, subset: Any) -> Any:
    return celtypes.BoolType(_contains_all(_list(subset), _list(items)))


def sets_equivalent(left: Any, right: Any) -> Any:
    first, second = _list(left), _list(right)
    return celtypes.BoolType(_contains_all(first, second) and _contains_all(second, first))


def sets_intersects(left: Any, right: Any) -> Any:
    second = _list(right)
    return celtypes.BoolType(any(any(equals(a, b) for b in second) for a in _list(left)))


def functions() -> dict[str, Function]:
    """Every function of the libraries, by the name celpy calls it with (a namespaced function keeps its
    dots: `ip.isCanonical`; `cel.rewrite_namespaces` turns such calls into plain calls)."""
    formats = named_formats()
    library: dict[str, Function] = {
        "_<_": _relation("_<_", lambda a, b: a < b),
        "_<=_": _relation("_<=_", lambda a, b: a <= b),
        "_>_": _relation("_>_", lambda a, b: a > b),
        "_>=_": _relation("_>=_", lambda a, b: a >= b),
        "_==_": _equal,
        "_!=_": _not_equal,
        # lists
        "isSorted": is_sorted,
        "sum": list_sum,
        "kubernetesMin": _extreme("min", 1),  # `list.min()`, renamed by cel.compile_expression
        "max": _extreme("max", -1),
        "indexOf": index_of,
        "lastIndexOf": last_index_of,
        # strings
        "charAt": char_at,
        "lowerAscii": lower_ascii,
        "upperAscii": upper_ascii,
        "replace": replace,
        "split": split,
        "substring": substring,
        "trim": trim,
        "join": join,
        "format": string_format,
        "strings.quote": quote,
        # regex
        "matches": matches,
        "find": find,
        "findAll": find_all,
        # quantity
        "quantity": quantity,
        "isQuantity": is_quantity,
        "sign": sign,
        "isInteger": is_integer,
        "asInteger": as_integer,
        "asApproximateFloat": as_approximate_float,
        "add": _add,
        "sub": _sub,
        "compareTo": compare_to,
        "isGreaterThan": is_greater_than,
        "isLessThan": is_less_than,
        # semver
        "semver": semver,
        "isSemver": is_semver,
        "major": _semver_part(0),
        "minor": _semver_part(1),
        "patch": _semver_part(2),
        # URLs
        "url": url,
        "isURL": is_url,
        "getScheme": lambda u: celtypes.StringType(_url(u).scheme),
        "getHost": lambda u: celtypes.StringType(_url(u).host),
        "getHostname": lambda u: celtypes.StringType(_url(u).hostname_and_port()[0]),
        "getPort": lambda u: celtypes.StringType(_url(u).hostname_and_port()[1]),
        "getEscapedPath": lambda u: celtypes.StringType(_url(u).escaped_path()),
        "getQuery": get_query,
        # IP and CIDR
        "ip": ip,
        "isIP": is_ip,
        "ip.isCanonical": ip_is_canonical,
        "family": family,
        "isUnspecified": is_unspecified,
        "isLoopback": is_loopback,
        "isLinkLocalMulticast": is_link_local_multicast,
        "isLinkLocalUnicast": is_link_local_unicast,
        "isGlobalUnicast": is_global_unicast,
        "cidr": cidr,
        "isCIDR": is_cidr,
        "containsIP": contains_ip,
        "containsCIDR": contains_cidr,
        "prefixLength": prefix_length,
        "masked": masked,
        # optional values and named formats
        "optional.of": optional_of,
        "optional.none": optional_none,
        "hasValue": has_value,
        "value": optional_value,
        "orValue": or_value,
        "validate": _validate,
        "format.named": _format_named(formats),
        # sets
        "sets.contains": sets_contains,
        "sets.equivalent": sets_equivalent,
        "sets.intersects": sets_intersects,
    }
    for name, value in formats.items():
        library[f"format.{name}"] = _constant_format(value)
    return library


# The namespaces of namespaced functions (`ip.isCanonical(...)`, `format.dns1123Label()`).
NAMESPACES = frozenset({"ip", "format", "sets", "strings", "optional"})
