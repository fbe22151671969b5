"""`kcheck` entry point. Exit codes (DESIGN §4): 0 clean, 1 findings at or above --fail-on, 2 usage or
configuration error, 3 internal error (a bug)."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from kcheck import __version__
from kcheck.cli import lint, netpol, resources, rules

EXIT_INTERNAL_ERROR = 3

app = typer.Typer(
    name="kcheck",
    help="Static analysis for Kubernetes manifests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command(name="lint")(lint.lint_command)
app.command(name="baseline")(lint.baseline_command)
app.command(name="resources")(resources.resources_command)
app.add_typer(netpol.app, name="netpol")
app.add_typer(rules.app, name="rules")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"kcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Static analysis for Kubernetes manifests."""


def main() -> None:
    try:
        app()
    except Exception:  # a bug in kcheck: say so plainly, keep the traceback for the report
        sys.stderr.write(
            f"kcheck {__version__}: internal error (this is a bug; please report it with the input):\n"
        )
        traceback.print_exc()
        sys.exit(EXIT_INTERNAL_ERROR)
