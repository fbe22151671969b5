from __future__ import annotations

import json
from dataclasses import replace
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from kcheck.core.rules import Category, Profile, RuleSpec, RuleStatus
from kcheck.core.severity import Severity
from kcheck.docs import doc_examples, doc_sections, explain, list_rules

DOCS = """\
## What it does
Checks for containers that use the image tag `latest`.

## Why is this bad?
The image changes under you.

## Example
```yaml
image: nginx:latest
```
Use instead:
```yaml
image: nginx:1.27
```
"""

LATEST = RuleSpec(
    id="KC102",
    name="latest-image-tag",
    summary="A container uses the tag latest.",
    severity=Severity.WARNING,
    category=Category.RELIABILITY,
    message="container {container!r} uses the tag 'latest'",
    remediation="Pin the image to a version or a digest.",
    docs=DOCS,
    applies_to=(("", "Pod"), ("apps", "Deployment")),
    references=("https://kubernetes.io/docs/concepts/containers/images/",),
)


class LimitOptions(BaseModel):
    allowed_registries: list[str] = Field(
        default_factory=lambda: ["registry.k8s.io"],
        alias="allowed-registries",
        description="Registries | mirrors.",
    )
    mode: Literal["strict", "lax"] = "strict"
    ceiling: int | None = None
    kinds: frozenset[str] = frozenset({"Pod", "Job"})


WITH_OPTIONS = replace(LATEST, id="KC104", name="image-registry", options=LimitOptions)


def test_markdown_page() -> None:
    assert explain(LATEST, "markdown") == (
        "# latest-image-tag (KC102)\n"
        "\n"
        "Stable, added in 0.1.0 · severity: warning · category: reliability · family: objects"
        " · applies to: Pod, Deployment (apps) · profile: default\n"
        "\n"
        "## What it does\n"
        "\n"
        "Checks for containers that use the image tag `latest`.\n"
        "\n"
        "## Why is this bad?\n"
        "\n"
        "The image changes under you.\n"
        "\n"
        "## Example\n"
        "\n"
        "```yaml\n"
        "image: nginx:latest\n"
        "```\n"
        "Use instead:\n"
        "```yaml\n"
        "image: nginx:1.27\n"
        "```\n"
        "\n"
        "## Options\n"
        "\n"
        "None.\n"
        "\n"
        "## How to fix\n"
        "\n"
        "Pin the image to a version or a digest.\n"
        "\n"
        "## Suppression\n"
        "\n"
        "With a comment on the offending line or on the line above it (`disable-file=` for the whole file):\n"
        "\n"
        "```yaml\n"
        "# kcheck: disable=KC102 -- reason\n"
        "```\n"
        "\n"
        "With an annotation on the object, whose value is the reason:\n"
        "\n"
        "```yaml\n"
        "metadata:\n"
        "  annotations:\n"
        '    ignore.kcheck.io/KC102: "reason"\n'
        "```\n"
        "\n"
        "Both forms also accept the rule's name, `latest-image-tag`, instead of its id."
        " The reason is required.\n"
        "\n"
        "## References\n"
        "\n"
        "- https://kubernetes.io/docs/concepts/containers/images/\n"
    )


def test_text_page() -> None:
    page = explain(LATEST, "text")
    assert page.startswith(
        "latest-image-tag (KC102)\n"
        "========================\n"
        "\n"
        "Stable, added in 0.1.0 · severity: warning · category: reliability · family: objects"
        " · applies to: Pod, Deployment (apps) · profile: default\n"
        "\n"
        "What it does\n"
        "------------\n"
        "\n"
        "Checks for containers that use the image tag `latest`.\n"
        "\n"
        "Why is this bad?\n"
        "----------------\n"
        "\n"
        "The image changes under you.\n"
        "\n"
        "Example\n"
        "-------\n"
        "\n"
        "    image: nginx:latest\n"
        "\n"
        "Use instead:\n"
        "\n"
        "    image: nginx:1.27\n"
        "\n"
        "Options\n"
        "-------\n"
        "\n"
        "None.\n"
    )
    assert "    # kcheck: disable=KC102 -- reason\n" in page
    assert '        ignore.kcheck.io/KC102: "reason"\n' in page
    assert "```" not in page
    assert page.endswith(
        "References\n----------\n\n- https://kubernetes.io/docs/concepts/containers/images/\n"
    )


def test_status_line_variants() -> None:
    preview = replace(LATEST, status=RuleStatus.PREVIEW, since="0.2.0", profile=Profile.STRICT, applies_to=())
    assert explain(preview, "markdown").split("\n")[2] == (
        "Preview, added in 0.2.0 · severity: warning · category: reliability · family: objects"
        " · applies to: any object · profile: strict · disabled by default"
    )


def test_options_tables() -> None:
    assert (
        "## Options\n"
        "\n"
        "| Name | Type | Default | Description |\n"
        "|---|---|---|---|\n"
        '| `allowed_registries` (`allowed-registries`) | `list[str]` | `["registry.k8s.io"]` | '
        "Registries \\| mirrors. |\n"
        "| `mode` | `Literal['strict', 'lax']` | `\"strict\"` |  |\n"
        "| `ceiling` | `int \\| None` | `null` |  |\n"
        '| `kinds` | `frozenset[str]` | `["Job", "Pod"]` |  |\n'
        "\n"
        "## How to fix\n"
    ) in explain(WITH_OPTIONS, "markdown")
    text_rows = explain(WITH_OPTIONS, "text").split("Options\n-------\n\n")[1].split("\n\n")[0].split("\n")
    assert text_rows == [
        "Name                                     Type                      Default              Description",
        'allowed_registries (allowed-registries)  list[str]                 ["registry.k8s.io"]'
        "  Registries | mirrors.",
        "mode                                     Literal['strict', 'lax']  \"strict\"",
        "ceiling                                  int | None                null",
        'kinds                                    frozenset[str]            ["Job", "Pod"]',
    ]


def test_json_page() -> None:
    page = json.loads(explain(WITH_OPTIONS, "json"))
    assert page == {
        "id": "KC104",
        "name": "image-registry",
        "summary": "A container uses the tag latest.",
        "severity": "warning",
        "category": "reliability",
        "family": "objects",
        "status": "stable",
        "since": "0.1.0",
        "defaultEnabled": True,
        "profile": "default",
        "pssLevel": None,
        "pssControl": None,
        "replaces": [],
        "appliesTo": ["Pod", "apps/Deployment"],
        "precision": "high",
        "securitySeverity": None,
        "message": "container {container!r} uses the tag 'latest'",
        "remediation": "Pin the image to a version or a digest.",
        "references": ["https://kubernetes.io/docs/concepts/containers/images/"],
        "options": [
            {
                "name": "allowed_registries",
                "alias": "allowed-registries",
                "type": "list[str]",
                "required": False,
                "default": ["registry.k8s.io"],
                "description": "Registries | mirrors.",
            },
            {
                "name": "mode",
                "alias": "mode",
                "type": "Literal['strict', 'lax']",
                "required": False,
                "default": "strict",
                "description": "",
            },
            {
                "name": "ceiling",
                "alias": "ceiling",
                "type": "int | None",
                "required": False,
                "default": None,
                "description": "",
            },
            {
                "name": "kinds",
                "alias": "kinds",
                "type": "frozenset[str]",
                "required": False,
                "default": ["Job", "Pod"],
                "description": "",
            },
        ],
        "docs": DOCS,
    }


def test_required_option() -> None:
    class Required(BaseModel):
        limit: int = Field(description="The limit.")

    page = explain(replace(LATEST, options=Required), "markdown")
    assert "| `limit` | `int` | `required` | The limit. |\n" in page
    assert json.loads(explain(replace(LATEST, options=Required), "json"))["options"][0]["required"] is True


SECURITY = replace(
    LATEST, id="KC101", name="privileged-container", severity=Severity.ERROR, category=Category.SECURITY
)


def test_list_rules_text_is_aligned_and_sorted() -> None:
    assert list_rules([LATEST, SECURITY], "text") == (
        "ID     NAME                  SEVERITY  CATEGORY     SUMMARY\n"
        "KC101  privileged-container  error     security     A container uses the tag latest.\n"
        "KC102  latest-image-tag      warning   reliability  A container uses the tag latest.\n"
    )


def test_list_rules_markdown_and_json() -> None:
    assert list_rules([LATEST, SECURITY], "markdown") == (
        "| ID | Name | Severity | Category | Summary |\n"
        "|---|---|---|---|---|\n"
        "| KC101 | privileged-container | error | security | A container uses the tag latest. |\n"
        "| KC102 | latest-image-tag | warning | reliability | A container uses the tag latest. |\n"
    )
    listed = json.loads(list_rules([LATEST, SECURITY], "json"))
    assert [rule["id"] for rule in listed] == ["KC101", "KC102"]
    assert "docs" not in listed[0]
    assert listed[1] == {
        key: value for key, value in json.loads(explain(LATEST, "json")).items() if key != "docs"
    }


def test_doc_sections() -> None:
    docs = "Intro line.\n\n## What it does\nA.\n\n## Example\n```yaml\n## not a heading\n```\nUse instead:\n"
    assert doc_sections(docs) == {
        "": "Intro line.",
        "What it does": "A.",
        "Example": "```yaml\n## not a heading\n```\nUse instead:",
    }
    assert list(doc_sections(DOCS)) == ["What it does", "Why is this bad?", "Example"]


def test_doc_sections_of_an_indented_docstring() -> None:
    docs = "Summary.\n\n    ## What it does\n    A.\n    ```yaml\n    a: 1\n    ```\n"
    assert doc_sections(docs) == {"": "Summary.", "What it does": "A.\n```yaml\na: 1\n```"}


def test_doc_examples() -> None:
    assert doc_examples(DOCS) == ("image: nginx:latest\n", "image: nginx:1.27\n")


@pytest.mark.parametrize(
    ("docs", "problem"),
    [
        ("## What it does\nA.\n", 'no "## Example" section'),
        ("## Example\n```yaml\na: 1\n```\n", 'no "Use instead:" line'),
        ("## Example\nUse instead:\n```yaml\na: 1\n```\n", "a code block before and after"),
    ],
)
def test_doc_examples_say_what_is_missing(docs: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        doc_examples(docs)


def test_the_migration_guide_is_generated_from_the_rules_metadata() -> None:
    from pathlib import Path

    from kcheck.docs import migration_guide
    from kcheck.engine.registry import ALL_RULES

    committed = (Path(__file__).resolve().parents[2] / "docs" / "migration.md").read_text(encoding="utf-8")
    assert committed == migration_guide(ALL_RULES), "regenerate it: python scripts/generate_migration.py"


def test_every_replaced_check_is_a_known_tool_s() -> None:
    from kcheck.core.rules import INCUMBENT_TOOLS
    from kcheck.engine.registry import ALL_RULES

    for spec in ALL_RULES:
        for check in spec.replaces:
            tool, _, name = check.partition(":")
            assert tool in INCUMBENT_TOOLS and name, (spec.id, check)
