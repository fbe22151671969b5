"""Which files are read first: those that may define CRDs or label Namespaces, however their text hides it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcheck.engine.filestage import may_shape_the_run
from tests.lint_helpers import found, lint_paths


@pytest.mark.parametrize(
    ("text", "shapes"),
    [
        (b"kind: CustomResourceDefinition\n", True),
        (b"  labels: {pod-security.kubernetes.io/enforce: restricted}\n", True),
        (b'kind: "Custom\\u0052esourceDefinition"\n', True),  # \u escape
        (b'kind: "Custom\\x52esourceDefinition"\n', True),  # \x escape
        (b'kind: "CustomResource\\\n  Definition"\n', True),  # escaped line break: no space
        (b'{"kind": "CustomResource\\u0044efinition"}', True),  # JSON
        (b"kind: Deployment\n", False),
        (b'args: ["--pattern=^a\\\\d+$", "say \\"hi\\"\\n"]\n', False),  # escapes that write no letter
        (b"\xff\xfek\x00i\x00", True),  # UTF-16: the literals are not there as bytes
    ],
)
def test_files_that_may_shape_the_run(text: bytes, shapes: bool) -> None:
    assert may_shape_the_run(text) is shapes


def test_a_crd_whose_kind_is_escaped_still_defines_its_custom_resources(tmp_path: Path) -> None:
    (tmp_path / "a_widget.yaml").write_text(
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: "big"}\n',
        encoding="utf-8",
    )
    (tmp_path / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\n"
        'kind: "Custom\\u0052esourceDefinition"\n'
        "metadata: {name: widgets.example.com}\n"
        "spec:\n"
        "  group: example.com\n"
        "  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n"
        "  scope: Namespaced\n"
        "  versions:\n"
        "    - name: v1\n"
        "      served: true\n"
        "      storage: true\n"
        "      schema:\n"
        "        openAPIV3Schema:\n"
        "          type: object\n"
        "          properties:\n"
        "            spec: {type: object, properties: {size: {type: integer}}}\n",
        encoding="utf-8",
    )
    report = lint_paths(["a_widget.yaml", "crd.yaml"], tmp_path)
    assert found(report) == [("KC501", 4, 8)]
