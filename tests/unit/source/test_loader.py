"""The source layer: decoding as Kubernetes does, exact spans, and every broken input located."""

from __future__ import annotations

import math

import pytest

from kcheck.core.location import Span
from kcheck.source.loader import SourceFile, load_bytes
from kcheck.source.values import resolve_plain


def problems(source: SourceFile) -> list[tuple[str, int, int]]:
    return [(p.rule_id, p.span.line, p.span.column) for p in source.problems]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("on", True),
        ("OFF", False),
        ("n", False),
        ("true", True),
        ("~", None),
        ("null", None),
        ("0755", 493),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000", 1000),
        ("-12", -12),
        ("+3", 3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("08", 8.0),
        ("2024-01-02", "2024-01-02"),
        ("1:20", "1:20"),
        ("nginx", "nginx"),
        ("9223372036854775808", 9223372036854775808),
        ("99999999999999999999", 1e20),
        ("=", "="),
        ("0.0.1", "0.0.1"),
        ("-", "-"),
        ("+", "+"),
        (".", "."),
    ],
)
def test_plain_scalars_resolve_as_go_yaml_v2(text: str, value: object) -> None:
    resolved = resolve_plain(text)
    assert resolved == value
    assert type(resolved) is type(value)


def test_nan_and_infinity() -> None:
    assert math.isnan(resolve_plain(".nan"))  # type: ignore[arg-type]
    assert resolve_plain("-.Inf") == -math.inf


def test_values_and_keys_are_decoded_like_kubernetes() -> None:
    source = load_bytes("m.yaml", b"on: 1\nq: 'yes'\nb: |\n  text\n1: x\n~: n\n")
    assert source.documents[0].value == {"true": 1, "q": "yes", "b": "text\n", "1": "x", "null": False}


def test_ambiguous_scalars_are_located() -> None:
    source = load_bytes(
        "m.yaml", b"data:\n  country: NO\n  mode: 0644\n  size: 1_000\n  ok: true\n  s: '0644'\n"
    )
    assert problems(source) == [("KC006", 2, 12), ("KC006", 3, 9), ("KC006", 4, 9)]
    assert source.problems[0].args == {
        "text": "NO",
        "kubernetes": "the boolean false",
        "yaml12": "the string 'NO'",
    }


def test_duplicate_key_reported_at_second_occurrence_and_last_value_kept() -> None:
    source = load_bytes("m.yaml", b"a: 1\nb:\n  c: 1\n  c: 2\n")
    assert problems(source) == [("KC005", 4, 3)]
    assert source.problems[0].args == {"key": "c", "first_line": 3}
    assert source.documents[0].value == {"a": 1, "b": {"c": 2}}


def test_merge_keys_follow_yaml_1_1() -> None:
    source = load_bytes("m.yaml", b"base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3\n")
    assert source.documents[0].value["d"] == {"x": 1, "z": 3}
    assert source.documents[0].span_of(("d", "x")) == Span(1, 11, 1, 15)


def test_syntax_error_does_not_hide_other_documents() -> None:
    source = load_bytes("m.yaml", b"kind: A\n---\nkind: [B\n---\nkind: C\n")
    assert [d.value for d in source.documents] == [{"kind": "A"}, {"kind": "C"}]
    assert problems(source) == [("KC001", 4, 1)]
    assert [d.index for d in source.documents] == [0, 1]


def test_spans_of_keys_values_items_and_missing_paths() -> None:
    text = (
        b"spec:\n"
        b"  containers:\n"
        b"  - name: app\n"
        b"    securityContext:\n"
        b"      privileged: true\n"
        b"  - name: sidecar\n"
        b"note: |\n"
        b"  one\n"
        b"  two\n"
    )
    document = load_bytes("m.yaml", text).documents[0]
    assert document.span_of(("spec", "containers", 0, "securityContext", "privileged")) == Span(5, 7, 5, 23)
    assert document.span_of(("spec", "containers", 0, "securityContext")) == Span(4, 5, 4, 20)
    assert document.span_of(("spec", "containers", 1)) == Span(6, 5, 6, 18)
    # Missing: the nearest existing parent.
    assert document.span_of(("spec", "containers", 1, "resources", "limits")) == Span(6, 5, 6, 18)
    assert document.span_of(("nope",)) == Span(1, 1, 1, 5)
    # A block scalar ends at the end of its last line, not at the start of the next one.
    assert document.span_of(("note",)) == Span(7, 1, 9, 6)


def test_columns_count_code_points() -> None:
    document = load_bytes("m.yaml", 'a: "é€😀"\nb: x\n'.encode()).documents[0]
    assert document.span_of(("a",)) == Span(1, 1, 1, 9)


def test_helm_template_sources_are_recorded() -> None:
    text = (
        b"---\n# Source: chart/templates/a.yaml\nkind: A\n"
        b"---\n# Source: chart/templates/b.yaml\nkind: B\n---\nkind: C\n"
    )
    assert [d.helm_source for d in load_bytes("m.yaml", text).documents] == [
        "chart/templates/a.yaml",
        "chart/templates/b.yaml",
        None,
    ]


def test_empty_documents_are_ignored() -> None:
    source = load_bytes("m.yaml", b"---\n---\n# only a comment\n---\n~\n---\nkind: A\n...\n")
    assert [d.value for d in source.documents] == [{"kind": "A"}]
    assert source.problems == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: 1\nb: \xff\n", [("KC009", 2, 4)]),
        (b"a: 1\x00b: 2\n", [("KC009", 1, 5)]),
        (b"a: 1\nb: \x07\n", [("KC009", 2, 4)]),
        (b"a: [1\n", [("KC001", 2, 1)]),
        (b"\tkey: 1\n", [("KC001", 1, 1)]),
        (b"a: *missing\n", [("KC001", 1, 4)]),
        (b"? [a]\n: 1\n", [("KC001", 1, 3)]),
        (b"a: !!int abc\n", [("KC001", 1, 4)]),
        (b"a: &x [1, *x]\n", [("KC012", 1, 4)]),
    ],
)
def test_broken_input_is_located(data: bytes, expected: list[tuple[str, int, int]]) -> None:
    assert problems(load_bytes("m.yaml", data)) == expected


def test_utf16_is_decoded_and_reported() -> None:
    source = load_bytes("m.yaml", "kind: Pod\nname: é\n".encode("utf-16"))
    assert source.documents[0].value == {"kind": "Pod", "name": "é"}
    assert problems(source) == [("KC010", 1, 1)]
    assert source.problems[0].args == {"encoding": "utf-16-le"}


def test_utf16_without_bom_is_detected() -> None:
    source = load_bytes("m.yaml", "kind: Pod\n".encode("utf-16-be"))
    assert source.documents[0].value == {"kind": "Pod"}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    source = load_bytes("bomb.yaml", ("\n".join(lines) + "\n").encode())
    assert source.documents == []
    assert problems(source) == [("KC012", 1, 1)]


def test_moderate_aliasing_is_allowed() -> None:
    text = "base: &b {cpu: 1, memory: 2}\n" + "".join(f"c{i}: *b\n" for i in range(50))
    source = load_bytes("ok.yaml", text.encode())
    assert source.problems == []
    assert source.documents[0].value["c49"] == {"cpu": 1, "memory": 2}


@pytest.mark.parametrize(
    "data", [b"a: " + b"[" * 10_000 + b"]" * 10_000, b"".join(b" " * i + b"- \n" for i in range(0, 2000, 1))]
)
def test_deep_nesting_is_refused(data: bytes) -> None:
    source = load_bytes("deep.yaml", data)
    assert source.documents == []
    assert [p.rule_id for p in source.problems] == ["KC013"]


def test_oversized_file_is_skipped() -> None:
    source = load_bytes("big.yaml", b"a: 1\n" * 100, max_bytes=100)
    assert problems(source) == [("KC011", 1, 1)]
    assert source.problems[0].args == {"size": 500, "limit": 100}
