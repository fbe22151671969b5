"""Suggested edits (`source.edits.set_field`): the exact text change, and a manifest that still parses to
the same object with the field set."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kcheck.core.location import ObjectPath, Span, TextEdit
from kcheck.source.edits import flow, set_field
from kcheck.source.loader import load_bytes

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  securityContext:
  containers:
    - name: app
      image: x:1
      securityContext:
        privileged: true
    - name: two
      image: y:1   # comment
    # trailing comment
  volumes: [{name: a, emptyDir: {}}]
"""


def applied(text: str, edit: TextEdit) -> str:
    lines = text.split("\n")

    def offset(line: int, column: int) -> int:
        return sum(len(part) + 1 for part in lines[: line - 1]) + column - 1

    span = edit.span
    return text[: offset(span.line, span.column)] + edit.text + text[offset(span.end_line, span.end_column) :]


def value_at(data: Any, path: ObjectPath) -> Any:
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize(
    ("path", "value", "edit"),
    [
        (("spec", "hostNetwork"), False, TextEdit(Span(6, 16, 6, 20), "false")),
        (
            ("spec", "containers", 0, "securityContext", "privileged"),
            False,
            TextEdit(Span(12, 21, 12, 25), "false"),
        ),
        (
            ("spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"),
            True,
            TextEdit(Span(13, 1, 13, 1), "        readOnlyRootFilesystem: true\n"),
        ),
        (
            ("spec", "containers", 1, "securityContext", "capabilities", "drop"),
            ["ALL"],
            TextEdit(
                Span(15, 1, 15, 1), "      securityContext:\n        capabilities:\n          drop: [ALL]\n"
            ),
        ),
        (
            ("spec", "securityContext", "seccompProfile"),
            {"type": "RuntimeDefault"},
            TextEdit(Span(7, 19, 7, 19), " {seccompProfile: {type: RuntimeDefault}}"),
        ),
        (
            ("spec", "automountServiceAccountToken"),
            False,
            TextEdit(Span(17, 1, 17, 1), "  automountServiceAccountToken: false\n"),
        ),
    ],
)
def test_an_edit_sets_the_field_and_keeps_everything_else(
    path: ObjectPath, value: Any, edit: TextEdit
) -> None:
    [document] = load_bytes("m.yaml", POD.encode()).documents
    assert set_field(document, path, value) == edit
    before, after = yaml.safe_load(POD), yaml.safe_load(applied(POD, edit))
    parent = before
    for part in path[:-1]:  # the expected object: `before` with the field set, parents created
        if isinstance(part, str) and parent.get(part) is None:
            parent[part] = {}
        parent = parent[part]
    parent[path[-1]] = value
    assert after == before
    assert "# comment" in applied(POD, edit) and "# trailing comment" in applied(POD, edit)


def test_no_edit_where_the_layout_leaves_no_certain_one() -> None:
    [document] = load_bytes("m.yaml", POD.encode()).documents
    assert set_field(document, ("spec", "volumes", 0, "readOnly"), True) is None  # into a flow mapping
    assert set_field(document, ("spec", "containers", 5, "image"), "x") is None  # an item that is not there
    assert set_field(document, ("spec", "containers"), []) is None  # a block collection
    aliased = "a: &x {b: 1}\nc: *x\n"
    [document] = load_bytes("m.yaml", aliased.encode()).documents
    assert set_field(document, ("c", "b"), 2) is None  # the anchor is shared


def test_a_file_without_a_final_newline() -> None:
    text = "kind: Pod\nspec:\n  hostPID: false"
    [document] = load_bytes("m.yaml", text.encode()).documents
    edit = set_field(document, ("spec", "hostIPC"), False)
    assert edit == TextEdit(Span(3, 17, 3, 17), "\n  hostIPC: false")
    assert yaml.safe_load(applied(text, edit)) == {
        "kind": "Pod",
        "spec": {"hostPID": False, "hostIPC": False},
    }


def test_later_documents_are_edited_at_their_own_lines() -> None:
    text = "kind: A\n---\nkind: Pod\nspec:\n  hostPID: true\n"
    documents = load_bytes("m.yaml", text.encode()).documents
    assert set_field(documents[1], ("spec", "hostPID"), False) == TextEdit(Span(5, 12, 5, 16), "false")


def test_flow_values_read_back_as_written() -> None:
    assert flow(["ALL", "NET_RAW"]) == "[ALL, NET_RAW]"
    assert flow({"type": "RuntimeDefault"}) == "{type: RuntimeDefault}"
    for value in ("yes", "on", "true", "1.0", "", "a b", "x: y", "null"):
        assert yaml.safe_load(flow(value)) == value, value
    assert flow(10001) == "10001" and flow(None) == "null"
