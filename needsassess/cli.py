"""The needsassess command line: a thin Typer layer over the pure functions of the package.

Each command parses its options, calls one core function and prints or writes. Heavy libraries
(pandas, openpyxl, matplotlib) are imported inside commands so that `needsassess --help` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from needsassess import __version__
from needsassess.errors import NeedsAssessError

app = typer.Typer(
    name="needsassess",
    help="Local domestic-abuse needs assessments: prevalence, cost, agency profiles, workbook and drafts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"needsassess {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Local domestic-abuse needs assessments, reproducible from one command."""


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a NeedsAssessError as 'Error: ...' on stderr and exit 2; bugs keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NeedsAssessError as exc:
            message = str(exc)
            typer.echo(f"Error: {message}", err=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper


# Options shared by several commands, defined once.
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite outputs that already exist.")]
OutDirOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Folder for the outputs (default: the one in the config).")
]


def _is_terminal() -> bool:
    return sys.stdout.isatty()
