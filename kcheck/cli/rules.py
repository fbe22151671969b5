"""`kcheck rules list` and `kcheck rules explain ID`: documentation generated from the rule registry."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from kcheck.docs import explain, list_rules

app = typer.Typer(help="List the rules, or explain one.", no_args_is_help=True)


class DocFormat(str, Enum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


FormatOption = Annotated[DocFormat, typer.Option("--format", "-f", help="Output format.")]


@app.command(name="list")
def list_command(fmt: FormatOption = DocFormat.TEXT) -> None:
    """List every rule: id, name, severity, category, summary."""
    from kcheck.engine.registry import ALL_RULES  # the whole rule catalogue: only when asked for

    typer.echo(list_rules(ALL_RULES, fmt.value), nl=False)


@app.command(name="explain")
def explain_command(
    rule: Annotated[str, typer.Argument(help="A rule id (KC101) or name (privileged-container).")],
    fmt: FormatOption = DocFormat.TEXT,
) -> None:
    """Show a rule's documentation: what it does, why, examples, options, how to fix and suppress it."""
    from kcheck.engine.registry import ALL_RULES

    wanted = rule.strip()
    for spec in ALL_RULES:
        if wanted.upper() == spec.id or wanted == spec.name:
            typer.echo(explain(spec, fmt.value), nl=False)
            return
    typer.echo(f"kcheck: error: no rule {rule!r}; `kcheck rules list` shows them all", err=True)
    raise typer.Exit(2)
