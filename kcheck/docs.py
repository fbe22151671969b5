"""Rule documentation: `kcheck rules explain` and `rules list`, SARIF help, the generated rule reference.

A rule's own docs (`RuleSpec.docs`, Markdown with "What it does", "Why is this bad?" and "Example") are
framed by generated parts: the title, a status line, and the Options, How to fix, Suppression and
References sections, so that every rule page has the same shape and the generated parts cannot go stale.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import Literal

from kcheck.core.rules import INCUMBENT_TOOLS, RuleSpec

DocFormat = Literal["text", "markdown", "json"]

SUPPRESSION_ANNOTATION_PREFIX = "ignore.kcheck.io/"

_HEADING = re.compile(r"## +(.+?)\s*\Z")
_FENCE = "```"
_CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_USE_INSTEAD = re.compile(r"^Use instead:\s*$", re.MULTILINE)


def doc_sections(docs: str) -> dict[str, str]:
    """The `## ` sections of a rule's docs, heading -> body (stripped), in order.

    Text before the first heading, if any, is under the key "". Headings inside code blocks do not count.
    """
    sections: dict[str, list[str]] = {"": []}
    current = sections[""]
    in_code = False
    for line in inspect.cleandoc(docs).split("\n"):
        if line.lstrip().startswith(_FENCE):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
        else:
            current.append(line)
    bodies = {heading: "\n".join(lines).strip() for heading, lines in sections.items()}
    if not bodies[""]:
        del bodies[""]
    return bodies


def doc_examples(docs: str) -> tuple[str, str]:
    """(bad, good): the code blocks before and after "Use instead:" in the Example section.

    Raises ValueError naming what is missing, so a meta-test over all rules can say which rule is wrong.
    """
    example = doc_sections(docs).get("Example")
    if example is None:
        raise ValueError('the docs have no "## Example" section')
    use_instead = _USE_INSTEAD.search(example)
    if use_instead is None:
        raise ValueError('the Example section has no "Use instead:" line')
    before = _CODE_BLOCK.findall(example[: use_instead.start()])
    after = _CODE_BLOCK.findall(example[use_instead.end() :])
    if not before or not after:
        raise ValueError('the Example section needs a code block before and after "Use instead:"')
    bad: str = before[-1]
    good: str = after[0]
    return bad, good


def explain(spec: RuleSpec, fmt: DocFormat) -> str:
    """The full documentation page of one rule."""
    if fmt == "json":
        return _dumps({**_metadata(spec), "docs": spec.docs})
    markdown = fmt == "markdown"
    title = f"{spec.name} ({spec.id})"
    parts = [f"# {title}" if markdown else f"{title}\n{'=' * len(title)}", _status_line(spec)]
    for heading, body in _page_sections(spec, markdown):
        if heading:
            parts.append(f"## {heading}" if markdown else f"{heading}\n{'-' * len(heading)}")
        parts.append(body if markdown else _plain(body))
    return "\n\n".join(parts) + "\n"


def list_rules(specs: Iterable[RuleSpec], fmt: DocFormat) -> str:
    """All rules, by id: an aligned table (text), a Markdown table, or a JSON list of metadata."""
    ordered = sorted(specs, key=lambda spec: spec.id)
    if fmt == "json":
        return _dumps([_metadata(spec) for spec in ordered])
    headers = ("ID", "Name", "Severity", "Category", "Summary")
    rows = [(s.id, s.name, s.severity.value, s.category.value, s.summary) for s in ordered]
    if fmt == "markdown":
        return markdown_table(headers, rows)
    return _aligned_table(tuple(h.upper() for h in headers), rows)


# The checks of kube-linter, Polaris and kube-score (`../shared/research/landscape.md` §2), with what each
# checks and, for those no kcheck rule replaces yet, where they are planned.
_INCUMBENT_CHECKS = Path(__file__).with_name("incumbent_checks.json")
_TOOL_NAMES = {
    "kube-linter": "kube-linter",
    "polaris": "Polaris",
    "kube-score": "kube-score",
    "checkov": "Checkov",
}


def migration_guide(specs: Sequence[RuleSpec]) -> str:
    """docs/migration.md: for each incumbent tool, each of its checks and the kcheck rules that replace it."""
    known: dict[str, dict[str, dict[str, str]]] = json.loads(_INCUMBENT_CHECKS.read_text(encoding="utf-8"))
    replacing: dict[str, list[RuleSpec]] = {}
    for spec in specs:
        for check in spec.replaces:
            replacing.setdefault(check, []).append(spec)
    lines = [
        "# Migrating from kube-linter, Polaris, kube-score and Checkov",
        "",
        "<!-- Generated from the rules' metadata (`RuleSpec.replaces`): "
        "`python scripts/generate_migration.py`. -->",
        "",
        "Each check of the incumbent tools, and the kcheck rules that replace it, with the smallest profile "
        "(`--profile`) that runs them. Their suppression annotations keep working: an "
        "`ignore-check.kube-linter.io/<check>`, `polaris.fairwinds.com/<check>-exempt`, "
        "`kube-score/ignore` or `checkov.io/skip<N>` annotation suppresses the kcheck rules listed for "
        "that check (setting `incumbent-annotations`, on by default).",
        "",
    ]
    for tool in INCUMBENT_TOOLS:
        checks = dict(known.get(tool, {}))
        for check in replacing:
            name = check.partition(":")[2]
            if check.startswith(f"{tool}:") and name not in checks:
                checks[name] = {"meaning": ""}
        mapped = sum(1 for name in checks if f"{tool}:{name}" in replacing)
        lines += [f"## {_TOOL_NAMES[tool]}", "", f"{mapped} of {len(checks)} checks have a kcheck rule.", ""]
        if tool == "checkov":
            lines += ["Only Checkov's Kubernetes checks that a kcheck rule replaces are listed.", ""]
        rows = []
        for name, info in sorted(checks.items(), key=lambda item: item[0].lower()):
            rules = replacing.get(f"{tool}:{name}", [])
            where = ", ".join(f"`{r.id}` {r.name} ({_profile_of(r)})" for r in rules)
            rows.append(
                (f"`{name}`", info.get("meaning", ""), where or f"not yet: {info.get('planned', 'none')}")
            )
        lines.append(markdown_table(("Check", "What it checks", "kcheck rule (profile)"), rows))
    return "\n".join(lines).rstrip() + "\n"


def _profile_of(spec: RuleSpec) -> str:
    return f"pss-{spec.pss_level}" if spec.pss_level is not None else spec.profile.value


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; `|` and line breaks in cells are escaped, nothing else is."""

    def row(cells: Sequence[str]) -> str:
        escaped = (cell.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>") for cell in cells)
        return "| " + " | ".join(escaped) + " |"

    lines = [row(headers), "|" + "|".join("---" for _ in headers) + "|", *map(row, rows)]
    return "\n".join(lines) + "\n"


def _aligned_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    table = [headers, *rows]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(headers))]
    lines = ("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in table)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _kinds_text(spec: RuleSpec) -> str:
    """`Pod, Deployment (apps, extensions), Job (batch)`: each kind once, with the groups that serve it."""
    groups: dict[str, list[str]] = {}
    for group, kind in spec.applies_to:
        groups.setdefault(kind, []).append(group)
    return ", ".join(
        kind if groups[kind] == [""] else f"{kind} ({', '.join(g or 'core' for g in groups[kind])})"
        for kind in groups
    )


def _status_line(spec: RuleSpec) -> str:
    kinds = _kinds_text(spec) if spec.applies_to else "any object"
    parts = [
        f"{spec.status.value.capitalize()}, added in {spec.since}",
        f"severity: {spec.severity.value}",
        f"category: {spec.category.value}",
        f"family: {spec.family}",
        f"applies to: {kinds}",
    ]
    if spec.pss_level is not None:
        parts.append(f"Pod Security Standards {spec.pss_level} control: {spec.pss_control}")
        parts.append(
            f"profiles: pss-{spec.pss_level}" + (", pss-restricted" if spec.pss_level == "baseline" else "")
        )
    else:
        parts.append(f"profile: {spec.profile.value}")
    if not spec.default_enabled:
        parts.append("disabled by default")
    if spec.replaces:
        parts.append(f"replaces: {', '.join(spec.replaces)}")
    return " · ".join(parts)


def _page_sections(spec: RuleSpec, markdown: bool) -> list[tuple[str, str]]:
    own = list(doc_sections(spec.docs).items())
    references = "\n".join(f"- {url}" for url in spec.references) or "None."
    return [
        *own,
        ("Options", _options_table(spec, markdown)),
        ("How to fix", spec.remediation),
        ("Suppression", _suppression(spec)),
        ("References", references),
    ]


def _suppression(spec: RuleSpec) -> str:
    return (
        "With a comment on the offending line or on the line above it (`disable-file=` for the whole file):\n"
        "\n"
        "```yaml\n"
        f"# kcheck: disable={spec.id} -- reason\n"
        "```\n"
        "\n"
        "With an annotation on the object, whose value is the reason:\n"
        "\n"
        "```yaml\n"
        "metadata:\n"
        "  annotations:\n"
        f'    {SUPPRESSION_ANNOTATION_PREFIX}{spec.id}: "reason"\n'
        "```\n"
        "\n"
        f"Both forms also accept the rule's name, `{spec.name}`, instead of its id. The reason is required."
    )


def _options(spec: RuleSpec) -> list[dict[str, object]]:
    if spec.options is None:
        return []
    options: list[dict[str, object]] = []
    for name, field in spec.options.model_fields.items():
        required = field.is_required()
        default = None if required else json.loads(_dumps(field.get_default(call_default_factory=True)))
        options.append(
            {
                "name": name,
                "alias": field.alias or name,
                "type": _type_name(field.annotation),
                "required": required,
                "default": default,
                "description": field.description or "",
            }
        )
    return options


def _options_table(spec: RuleSpec, markdown: bool) -> str:
    options = _options(spec)
    if not options:
        return "None."
    rows = []
    for option in options:
        name, alias = str(option["name"]), str(option["alias"])
        default = "required" if option["required"] else json.dumps(option["default"], ensure_ascii=False)
        if markdown:
            label = f"`{name}` (`{alias}`)" if alias != name else f"`{name}`"
            rows.append((label, f"`{option['type']}`", f"`{default}`", str(option["description"])))
        else:
            label = f"{name} ({alias})" if alias != name else name
            rows.append((label, str(option["type"]), default, str(option["description"])))
    headers = ("Name", "Type", "Default", "Description")
    return markdown_table(headers, rows).rstrip() if markdown else _aligned_table(headers, rows).rstrip()


def _type_name(annotation: object) -> str:
    if isinstance(annotation, type) and not getattr(annotation, "__args__", None):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _metadata(spec: RuleSpec) -> dict[str, object]:
    return {
        "id": spec.id,
        "name": spec.name,
        "summary": spec.summary,
        "severity": spec.severity.value,
        "category": spec.category.value,
        "family": spec.family,
        "status": spec.status.value,
        "since": spec.since,
        "defaultEnabled": spec.default_enabled,
        "profile": spec.profile.value,
        "pssLevel": spec.pss_level,
        "pssControl": spec.pss_control,
        "replaces": list(spec.replaces),
        "appliesTo": list(spec.applies_to_names),
        "precision": spec.precision.value,
        "securitySeverity": spec.security_severity,
        "message": spec.message,
        "remediation": spec.remediation,
        "references": list(spec.references),
        "options": _options(spec),
    }


def _plain(markdown: str) -> str:
    """Markdown as terminal text: code blocks lose their fences and are indented, between blank lines."""
    lines: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(_FENCE):
            in_code = not in_code
            if lines and lines[-1]:
                lines.append("")
        elif in_code:
            lines.append(f"    {line}".rstrip())
        elif line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def _json_default(value: object) -> object:
    """Option defaults that json cannot write by itself: sets, enums, nested models."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, Enum):
        return value.value
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json", by_alias=True)
    return str(value)


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)
