"""The Kubernetes CEL libraries against the behaviour upstream documents and tests.

The expected values come from the libraries' documentation (k8s.io/apiserver/pkg/cel/library: lists.go,
regex.go, urls.go, quantity.go, ip.go, cidr.go, format.go; cel-go ext/strings.go) and their tests
(quantity_test.go, cidr_test.go); where the upstream documentation and code disagree the code wins (noted).
"""

from __future__ import annotations

from typing import Any

import pytest
from celpy.evaluation import CELEvalError

from kcheck.analyzers.schema.crd import RULE_VARIABLES
from kcheck.cel import program as cel_program

ERROR = object()


def evaluate(expression: str) -> Any:
    program = cel_program.compile_expression(expression, RULE_VARIABLES)
    assert isinstance(program, cel_program.Program), program
    value = program.evaluate({}, cel_program.Budget(100_000))
    if isinstance(value, CELEvalError):
        return (ERROR, cel_program.describe_error(value))
    return value


def error_of(expression: str) -> str:
    result = evaluate(expression)
    assert isinstance(result, tuple) and result[0] is ERROR, result
    return str(result[1])


QUANTITY = [
    ("quantity('1Gi').isGreaterThan(quantity('500Mi'))", True),
    ("quantity('200M').compareTo(quantity('0.2G'))", 0),
    ("quantity('50M').compareTo(quantity('50Mi'))", -1),
    ("quantity('50Mi').compareTo(quantity('50M'))", 1),
    ("quantity('150Mi').isGreaterThan(quantity('100Mi'))", True),
    ("quantity('50Mi').isGreaterThan(quantity('100Mi'))", False),
    ("quantity('50M').isLessThan(quantity('100M'))", True),
    ("quantity('100M').isLessThan(quantity('50M'))", False),
    ("quantity('200M') == quantity('0.2G') && quantity('0.2G') == quantity('200M')", True),
    ("quantity('2M') == quantity('0.002G') && quantity('2000k') == quantity('2M')", True),
    ("quantity('200M') == quantity('0.3G')", False),
    ("quantity('50k').add(quantity('20')) == quantity('50.02k')", True),
    ("quantity('50k').add(20).isLessThan(quantity('50020'))", False),
    ("quantity('50k').sub(quantity('20')) == quantity('49.98k')", True),
    ("quantity('50k').sub(20) == quantity('49980')", True),
    ("quantity('50k').add(20).sub(quantity('100k')).asInteger()", -49980),
    ("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()", 20),
    ("quantity('50k').asInteger()", 50000),
    ("quantity('9999999999999999999999999999999999999G').isInteger()", False),
    ("quantity('50').isInteger()", True),
    ("quantity('50000000G').isInteger()", True),
    ("quantity('50.703k').asApproximateFloat()", 50703.0),
    ("quantity('50k').sub(20000).asApproximateFloat() == 30000.0", True),
    ("quantity('-3').sign()", -1),
    ("quantity('0').sign()", 0),
    ("quantity('1m').sign()", 1),
    ("isQuantity('1.3G') && isQuantity('1.3Gi') && isQuantity('10000k') && isQuantity('20')", True),
    ("isQuantity('1,3G') || isQuantity('200K') || isQuantity('Three') || isQuantity('Mi')", False),
    ("isQuantity('20Mo') || isQuantity('10Mm')", False),
    ("isQuantity('1e3') && isQuantity('1.5E-2') && isQuantity('.5') && isQuantity('+1')", True),
    # ParseQuantity rounds a non-zero value up to a whole number of nano units.
    ("quantity('0.1n') == quantity('1n')", True),
]


@pytest.mark.parametrize(("expression", "expected"), QUANTITY)
def test_quantity(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_quantity_errors_are_those_of_parse_quantity() -> None:
    assert error_of("quantity('10Mo')").startswith("quantities must match the regular expression")
    assert error_of("quantity('10Mm')") == "unable to parse quantity's suffix"
    assert error_of("quantity('9999999999999999999999999999999999999G').asInteger()") == (
        "cannot convert value to integer"
    )


URLS = [
    ("url('/path').getScheme()", ""),
    ("url('https://example.com/').getScheme()", "https"),
    ("url('HTTPS://example.com/').getScheme()", "https"),
    ("url('https://example.com:80/').getHost()", "example.com:80"),
    ("url('https://example.com/').getHost()", "example.com"),
    ("url('https://[::1]:80/').getHost()", "[::1]:80"),
    ("url('https://[::1]/').getHost()", "[::1]"),
    ("url('/path').getHost()", ""),
    ("url('https://example.com:80/').getHostname()", "example.com"),
    ("url('https://127.0.0.1:80/').getHostname()", "127.0.0.1"),
    ("url('https://[::1]:80/').getHostname()", "::1"),
    ("url('/path').getHostname()", ""),
    ("url('https://example.com:80/').getPort()", "80"),
    ("url('https://example.com/').getPort()", ""),
    ("url('/path').getPort()", ""),
    ("url('https://example.com/path').getEscapedPath()", "/path"),
    ("url('https://example.com/path with spaces/').getEscapedPath()", "/path%20with%20spaces/"),
    ("url('https://example.com').getEscapedPath()", ""),
    ("url('https://example.com/a%2Fb').getEscapedPath()", "/a%2Fb"),
    ("url('https://user:pass@example.com:80/path?query=val#fragment').getHost()", "example.com:80"),
    ("url('https://example.com/p#frag').getEscapedPath()", "/p"),
    ("isURL('https://user:pass@example.com:80/path?query=val#fragment')", True),
    ("isURL('/absolute-path')", True),
    ("isURL('https://a:b:c/')", False),
    ("isURL('../relative-path')", False),
    ("isURL('')", False),
    ("isURL('mailto:someone@example.com')", True),
]


@pytest.mark.parametrize(("expression", "expected"), URLS)
def test_urls(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_url_query_is_a_map_of_lists_unescaped() -> None:
    assert evaluate("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()") == {
        "k1": ["a"],
        "k2": ["b", "c"],
    }
    spaced = "url('https://example.com/path?key with spaces=value with spaces').getQuery()"
    assert evaluate(spaced) == {"key with spaces": ["value with spaces"]}
    assert evaluate("url('https://example.com/path?a=1%202&b=x+y').getQuery()") == {
        "a": ["1 2"],
        "b": ["x y"],
    }
    assert evaluate("url('https://example.com/path?').getQuery()") == {}
    assert evaluate("url('https://example.com/path').getQuery()") == {}
    assert error_of("url('../relative-path')").startswith("URL parse error during conversion from string")


IPS = [
    ("isIP('127.0.0.1') && isIP('::1')", True),
    ("isIP('127.0.0.256') || isIP(':::1')", False),
    # Leading zeros, IPv4-mapped IPv6 and zones are refused (ip.go parseIPAddr).
    ("isIP('127.0.0.01') || isIP('::ffff:1.2.3.4') || isIP('fe80::1%eth0')", False),
    ("ip.isCanonical('127.0.0.1')", True),
    ("ip.isCanonical('2001:db8::abcd')", True),
    ("ip.isCanonical('2001:DB8::ABCD')", False),
    ("ip.isCanonical('2001:db8::0:0:0:abcd')", False),
    ("ip('127.0.0.1').family()", 4),
    ("ip('::1').family() == 6", True),
    ("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()", True),
    ("ip('127.0.0.1').isUnspecified() || ip('::1').isUnspecified()", False),
    ("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()", True),
    ("ip('192.168.0.1').isLoopback() || ip('2001:db8::abcd').isLoopback()", False),
    ("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()", True),
    ("ip('224.0.1.1').isLinkLocalMulticast() || ip('fd00::1').isLinkLocalMulticast()", False),
    ("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()", True),
    ("ip('192.168.0.1').isLinkLocalUnicast() || ip('fd80::1').isLinkLocalUnicast()", False),
    # Go's IsGlobalUnicast counts private addresses, unlike Python's is_global.
    ("ip('192.168.0.1').isGlobalUnicast() && ip('2001:db8::abcd').isGlobalUnicast()", True),
    ("ip('255.255.255.255').isGlobalUnicast() || ip('ff00::1').isGlobalUnicast()", False),
    ("string(ip('2001:DB8::1'))", "2001:db8::1"),
    ("ip('10.0.0.1') == ip('10.0.0.1')", True),
]


@pytest.mark.parametrize(("expression", "expected"), IPS)
def test_ip(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


CIDRS = [
    ("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", True),
    ("cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))", False),
    ("cidr('192.168.0.0/24').containsIP('192.168.0.1')", True),
    ("cidr('192.168.0.0/24').containsIP('192.168.1.1')", False),
    ("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))", True),
    ("cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))", False),
    ("cidr('192.168.0.0/24').containsCIDR('192.168.0.0/25')", True),
    # Fixed in Kubernetes 1.33 (kubernetes/kubernetes#130450): a subnet at another address is contained.
    ("cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))", True),
    ("cidr('192.168.0.0/16').containsCIDR('192.168.0.1/32')", True),
    ("cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')", False),
    ("cidr('2001:db8::/32').containsIP('2001:db8::1')", True),
    ("cidr('2001:db8::/32').containsIP(ip('2001:dc8::1'))", False),
    ("cidr('2001:db8::/32').containsCIDR('2001:db8::/33')", True),
    ("cidr('2001:db8::/32').containsCIDR('2001:db8::/31')", False),
    ("cidr('10.0.0.0/8').containsIP('::1')", False),
    ("cidr('192.168.0.0/24').ip() == ip('192.168.0.0')", True),
    ("cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", True),
    ("cidr('::1/128').ip().family()", 6),
    ("cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')", True),
    ("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')", True),
    ("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()", False),
    ("cidr('2001:db8:1::/32').masked() == cidr('2001:db8::/32')", True),
    ("cidr('192.168.0.0/16').prefixLength()", 16),
    ("cidr('::1/128').prefixLength()", 128),
    ("string(cidr('192.168.0.0/24'))", "192.168.0.0/24"),
    ("isCIDR('192.168.0.0/16') && isCIDR('::1/128')", True),
    (
        "isCIDR('192.168.0.0/33') || isCIDR('::1/129') || isCIDR('192.168.0.0/') "
        "|| isCIDR('::ffff:1.2.3.4/24')",
        False,
    ),
]


@pytest.mark.parametrize(("expression", "expected"), CIDRS)
def test_cidr(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


STRINGS = [
    ("'hello'.charAt(4)", "o"),
    ("'hello'.charAt(5)", ""),
    ("'hello mellow'.indexOf('')", 0),
    ("'hello mellow'.indexOf('ello')", 1),
    ("'hello mellow'.indexOf('jello')", -1),
    ("'hello mellow'.indexOf('', 2)", 2),
    ("'hello mellow'.indexOf('ello', 2)", 7),
    ("'hello mellow'.lastIndexOf('')", 12),
    ("'hello mellow'.lastIndexOf('ello')", 7),
    ("'hello mellow'.lastIndexOf('jello')", -1),
    ("'hello mellow'.lastIndexOf('ello', 6)", 1),
    ("'TacoCat'.lowerAscii()", "tacocat"),
    ("'TacoCÆt Xii'.lowerAscii()", "tacocÆt xii"),
    ("'TacoCÆt Xii'.upperAscii()", "TACOCÆT XII"),
    ("'hello hello'.replace('he', 'we')", "wello wello"),
    ("'hello hello'.replace('he', 'we', -1)", "wello wello"),
    ("'hello hello'.replace('he', 'we', 1)", "wello hello"),
    ("'hello hello'.replace('he', 'we', 0)", "hello hello"),
    ("'hello hello hello'.split(' ')", ["hello", "hello", "hello"]),
    ("'hello hello hello'.split(' ', 0)", []),
    ("'hello hello hello'.split(' ', 1)", ["hello hello hello"]),
    ("'hello hello hello'.split(' ', 2)", ["hello", "hello hello"]),
    ("'hello hello hello'.split(' ', -1)", ["hello", "hello", "hello"]),
    ("'tacocat'.substring(4)", "cat"),
    ("'tacocat'.substring(0, 4)", "taco"),
    ("'  \\ttrim\\n    '.trim()", "trim"),
    ("['hello', 'mellow'].join()", "hellomellow"),
    ("['hello', 'mellow'].join(' ')", "hello mellow"),
    ("[].join('/')", ""),
    (
        "'this is a string: %s\\nand an integer: %d'.format(['str', 42])",
        "this is a string: str\nand an integer: 42",
    ),
    ("'%f'.format([3.14])", "3.140000"),
    ("'%.2f of %s'.format([2.5, true])", "2.50 of true"),
    ("'5 in binary: %b'.format([5])", "5 in binary: 101"),
    ("'26 in hex: %x, %X'.format([26, 26])", "26 in hex: 1a, 1A"),
    ("'30 in octal: %o'.format([30])", "30 in octal: 36"),
    ("'%s'.format([[1, 'a']])", '[1, "a"]'),
    ("'100%% %s'.format(['sure'])", "100% sure"),
    ("strings.quote('single-quote with \"double quote\"')", '"single-quote with \\"double quote\\""'),
    ("'ab'.charAt(-1) == ''", None),  # an error: see test_string_errors
]


@pytest.mark.parametrize(("expression", "expected"), [case for case in STRINGS if case[1] is not None])
def test_strings(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_string_errors() -> None:
    assert error_of("'hello'.charAt(-1)") == "index out of range: -1"
    assert error_of("'hello mellow'.indexOf('ello', 20)") == "index out of range: 20"
    assert error_of("'hello mellow'.lastIndexOf('ello', -1)") == "index out of range: -1"
    assert error_of("'tacocat'.substring(-1)") == "index out of range: -1"
    assert error_of("'tacocat'.substring(2, 1)") == "invalid substring range. start: 2, end: 1"
    assert error_of("'%d %d'.format([1])") == "index 1 out of range"
    assert error_of("'%d'.format(['x'])") == "decimal clause can only be used on integers"


LISTS = [
    ("[1, 2, 3].isSorted()", True),
    ("['a', 'b', 'b', 'c'].isSorted()", True),
    ("[2.0, 1.0].isSorted()", False),
    ("[1].isSorted() && [].isSorted()", True),
    ("[1, 3].sum()", 4),
    ("[1.0, 3.0].sum()", 4.0),
    ("[].sum()", 0),
    ("[1, 3].min()", 1),
    ("[1, 3].max()", 3),
    ("[1].min()", 1),
    ("['b', 'a', 'c'].max()", "c"),
    ("[1, 2, 2, 3].indexOf(2)", 1),
    ("['a', 'b', 'b', 'c'].lastIndexOf('b')", 2),
    ("[1.0].indexOf(1.1)", -1),
    ("[].indexOf('string')", -1),
    ("[1, 2, 3].map(x, x * 2).sum() == 12", True),
    ("sets.contains([1, 2, 3, 4], [2, 3])", True),
    ("sets.contains([1, 2], [3])", False),
    ("sets.equivalent([1, 2, 2], [2, 1])", True),
    ("sets.intersects([1, 2], [2, 5])", True),
    ("sets.intersects([1], [5])", False),
]


@pytest.mark.parametrize(("expression", "expected"), LISTS)
def test_lists(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_min_and_max_of_an_empty_list_are_errors() -> None:
    assert error_of("[].min()") == "min called on empty list"
    assert error_of("[].max()") == "max called on empty list"


REGEX = [
    ("'abc 123'.find('[0-9]+')", "123"),
    ("'abc 123'.find('xyz')", ""),
    # Go's FindAllString: an empty match right after a match is skipped (the doc's ['123', '456'] omits
    # the empty matches the code returns between them).
    ("'123 abc 456'.findAll('[0-9]*')", ["123", "", "", "", "", "456"]),
    ("'123 abc 456'.findAll('[0-9]+')", ["123", "456"]),
    ("'123 abc 456'.findAll('[0-9]+', 1)", ["123"]),
    ("'123 abc 456'.findAll('xyz')", []),
    ("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x)).sum() < 100", True),
    ("'kube-system'.matches('^kube-')", True),
]


@pytest.mark.parametrize(("expression", "expected"), REGEX)
def test_regex(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_an_invalid_regex_is_an_evaluation_error_not_an_exception() -> None:
    assert error_of("'a'.find('(')").startswith("Illegal regex:")
    assert error_of("'a'.matches('(?!x)')").startswith("Illegal regex:")


FORMATS = [
    ("format.dns1123Label().validate('my-label-name').hasValue()", False),
    ("format.dns1123Label().validate('My_Label').hasValue()", True),
    ("format.dns1123Subdomain().validate('apiextensions.k8s.io').hasValue()", False),
    ("format.dns1035Label().validate('1abc').hasValue()", True),
    ("format.qualifiedName().validate('apiextensions.k8s.io/v1beta1').hasValue()", False),
    ("format.dns1123LabelPrefix().validate('my-label-prefix-').hasValue()", False),
    ("format.labelValue().validate('x' + 'y').hasValue()", False),
    ("format.uri().validate('http://example.com').hasValue()", False),
    ("format.uri().validate('example').hasValue()", True),
    ("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()", False),
    ("format.byte().validate('aGVsbG8=').hasValue()", False),
    ("format.byte().validate('not base64!').hasValue()", True),
    ("format.date().validate('2021-01-01').hasValue()", False),
    ("format.date().validate('2021-02-30').hasValue()", True),
    ("format.datetime().validate('2021-01-01T00:00:00Z').hasValue()", False),
    ("format.datetime().validate('2021-01-01').hasValue()", True),
    ("format.named('dns1123Label').hasValue()", True),
    ("format.named('nope').hasValue()", False),
    ("format.named('uuid').value().validate('x').value()", ["does not match the UUID format"]),
    ("format.date().validate('x').orValue(['ok'])", ["invalid date"]),
]


@pytest.mark.parametrize(("expression", "expected"), FORMATS)
def test_named_formats(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


SEMVER = [
    ("semver('1.2.3').isLessThan(semver('2.0.0'))", True),
    ("semver('1.2.3-alpha').isLessThan(semver('1.2.3'))", True),
    ("semver('1.0.0-alpha.1').compareTo(semver('1.0.0-alpha.beta'))", -1),
    ("semver('1.0.0-beta.11').isGreaterThan(semver('1.0.0-beta.2'))", True),
    ("semver('1.2.3+build') == semver('1.2.3')", True),
    ("semver('1.2.3').major() + semver('1.2.3').minor() + semver('1.2.3').patch()", 6),
    ("isSemver('1.2.3') && !isSemver('1.2') && !isSemver('01.2.3')", True),
]


@pytest.mark.parametrize(("expression", "expected"), SEMVER)
def test_semver(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


COMPARISONS = [
    # cel.CrossTypeNumericComparisons (Kubernetes 1.28+) and heterogeneous equality.
    ("1 < 1.5", True),
    ("2 >= 1.5", True),
    ("1 == 1.0", True),
    ("1 != 2.0", True),
    ("1 == 'a'", False),
    ("[1, 'a'].indexOf('a')", 1),
]


@pytest.mark.parametrize(("expression", "expected"), COMPARISONS)
def test_comparisons(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected
