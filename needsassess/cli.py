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


# --- agency client data -----------------------------------------------------------------------------------

RecordTypeChoice = Annotated[
    str | None,
    typer.Option("--record-type", help='"victim" or "perpetrator" (default: guessed from the file and sheet name).'),
]
SheetOption = Annotated[str | None, typer.Option("--sheet", help="Sheet name or 0-based number (default: the first).")]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="Text encoding of csv files, e.g. cp1252 (default: detected).")
]


def _console():
    from rich.console import Console

    return Console(width=None if _is_terminal() else 160, soft_wrap=False)


def _print_frame(console, frame, title: str, limit: int | None = None) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in frame.columns:
        numeric = frame[column].dtype.kind in "iuf" or str(frame[column].dtype) == "Int64"
        table.add_column(str(column).replace("_", " "), justify="right" if numeric else "left")
    shown = frame if limit is None else frame.head(limit)
    for row in shown.itertuples(index=False):
        table.add_row(*("" if _is_missing(v) else str(v) for v in row))
    console.print(table)
    if limit is not None and len(frame) > limit:
        console.print(f"... and {len(frame) - limit} more rows.")


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


@app.command("map")
@reports_errors
def map_command(
    file: Annotated[Path, typer.Argument(help="An agency spreadsheet or csv.")],
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    record_type: RecordTypeChoice = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the TOML here instead.")] = None,
    force: ForceOption = False,
) -> None:
    """Suggest how an agency file maps to the client schema, as TOML to check, edit and keep.

    Every column is listed with the field it maps to, how sure the match is and its commonest values
    (identifier values are never shown); codes that are not recognised are listed for you to fill in.

    Example: needsassess map outreach.xlsx --sheet "Clients 2015-16" -o outreach.toml
    """
    from needsassess.clients.schema import RecordType
    from needsassess.clients.suggest import suggest_mapping

    if record_type is not None and record_type not in tuple(RecordType):
        raise typer.BadParameter('use "victim" or "perpetrator"', param_hint="--record-type")
    suggestion = suggest_mapping(file, sheet, encoding, RecordType(record_type) if record_type else None)
    text = suggestion.to_toml()
    if output is None:
        typer.echo(text, nl=False)
        return
    from needsassess.clients.outputs import write_atomic

    write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)
    typer.echo(f"Wrote {output}")


@app.command("profile")
@reports_errors
def profile_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Agency files; default: every file named in the mappings.")
    ] = None,
    mapping: Annotated[
        list[Path] | None,
        typer.Option("--mapping", "-m", help="Mapping TOML (one agency, or many under [[agencies]]); repeatable."),
    ] = None,
    merged: Annotated[
        Path | None, typer.Option("--merged", help="Write the merged pseudonymised table to OUT.csv or OUT.parquet.")
    ] = None,
    secret_file: Annotated[
        Path | None, typer.Option("--secret-file", help="File holding the pseudonymisation secret (else $NEEDSASSESS_SECRET).")
    ] = None,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Dates after this day (YYYY-MM-DD) are in the future; default today.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Merge agency files into one pseudonymised client table and account for every row.

    Each file is read as it comes (title rows, merged headers, totals rows and all), mapped to the client
    schema (built-in synonyms, then your mapping), validated, pseudonymised with the secret and
    de-duplicated. Prints rows read = used + rejected + set aside for each file, every rejected row, the
    people each agency saw and how many are known to more than one agency.

    Example: NEEDSASSESS_SECRET=... needsassess profile outreach.xlsx idva.csv -m idva.toml --merged clients.csv
    """
    import datetime as dt

    from needsassess.clients.agencies import merge_agencies, plan_agencies
    from needsassess.clients.merge import load_secret
    from needsassess.clients.outputs import write_merged

    if not files and not mapping:
        raise typer.BadParameter("give agency files, or --mapping files that name them", param_hint="FILES")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f'"{as_of}" is not a date like 2016-03-31', param_hint="--as-of") from None
    secret = load_secret(secret_file)
    plan = plan_agencies(files or [], mapping or [], encoding=encoding, sheet=sheet)
    result = merge_agencies(plan, secret, as_of=day)
    console = _console()
    _print_frame(console, result.reconciliation.summary_frame(), "Rows read = used + rejected + set aside")
    issues = result.reconciliation.issues_frame()
    if len(issues):
        _print_frame(console, issues, "Rejected rows, rows set aside, and cells set to not recorded", limit=40)
    _print_frame(console, result.people, "Referrals and people (repeat referrals of one person count once)")
    _print_frame(console, result.overlap.by_count, "People known to 1, 2, 3+ agencies")
    if len(result.overlap.pairs):
        _print_frame(console, result.overlap.pairs, "People known to both agencies of each pair")
    if merged is not None:
        write_merged(result.clients, merged, force)
        console.print(f"Wrote {merged} ({len(result.clients)} rows, no identifiers).")


@app.command("template")
@reports_errors
def template_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the workbooks.")],
    force: ForceOption = False,
) -> None:
    """Write blank agency data-return workbooks: one row per client, drop-down lists, a notes sheet.

    Agencies that fill these send data that map with no configuration.

    Example: needsassess template -o returns/
    """
    from needsassess.clients.template import write_templates

    for path in write_templates(output, force):
        typer.echo(f"Wrote {path}")
