"""Agency client data: `map` (suggest a mapping), `profile` (merge and profile), `template` (blank returns).

No `from __future__ import annotations` (see `needsassess.cli`).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from needsassess.cli.common import ForceOption, reports_errors, require_suffix
from needsassess.errors import NeedsAssessError

if TYPE_CHECKING:
    import datetime as dt

    from needsassess.clients.agencies import AgencyResult
    from needsassess.disclosure import Rule

RecordTypeOption = Annotated[
    str | None,
    typer.Option(
        "--record-type", help='"victim" or "perpetrator" (default: guessed from the file and sheet name).'
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Sheet name or 0-based number (default: the first).")
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", help="Text encoding of csv files, e.g. cp1252 (default: detected)."),
]


@reports_errors
def map_command(
    file: Annotated[Path, typer.Argument(help="An agency spreadsheet or csv.")],
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    record_type: RecordTypeOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the TOML here instead.")
    ] = None,
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
    from needsassess.outputs import write_text

    write_text(output, text, force)
    typer.echo(f"Wrote {output}")


@reports_errors
def profile_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Agency files; default: every file named in the mappings.")
    ] = None,
    mapping: Annotated[
        list[Path] | None,
        typer.Option(
            "--mapping", "-m", help="Mapping TOML (one agency, or many under [[agencies]]); repeatable."
        ),
    ] = None,
    merged: Annotated[
        Path | None,
        typer.Option("--merged", help="Write the merged pseudonymised table to OUT.csv or OUT.parquet."),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            help="Write the needs profile (victims, perpetrators, Part 4 safe accommodation), small numbers "
            "suppressed, to OUT.xlsx or OUT.csv.",
        ),
    ] = None,
    disclosure: Annotated[
        str,
        typer.Option(
            "--disclosure", help='Small-number rule for --summary: lt5 (1-4 shown as "<5"), nhsd or ons10.'
        ),
    ] = "lt5",
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file", help="File holding the pseudonymisation secret (else $NEEDSASSESS_SECRET)."
        ),
    ] = None,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Dates after this day (YYYY-MM-DD) are in the future; default today."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Merge agency files into one pseudonymised client table and account for every row.

    Each file is read as it comes (title rows, merged headers, totals rows and all), mapped to the client
    schema (built-in synonyms, then your mapping), validated, pseudonymised with the secret and
    de-duplicated. Prints rows read = used + rejected + set aside for each file, every rejected row, the
    people each agency saw and how many are known to more than one agency. --summary writes the needs
    profile for publication: every share with its base and the number not recorded, small numbers
    suppressed and each hidden cell listed in the workbook's notes.

    Example: NEEDSASSESS_SECRET=... needsassess profile outreach.xlsx idva.csv -m idva.toml --merged clients.csv
    --summary profile.xlsx
    """
    from needsassess.clients.agencies import merge_agencies, plan_agencies
    from needsassess.clients.merge import load_secret
    from needsassess.disclosure import get_rule
    from needsassess.report.clients import write_merged
    from needsassess.report.terminal import Steps

    if not files and not mapping:
        raise typer.BadParameter("give agency files, or --mapping files that name them", param_hint="FILES")
    if summary is not None:
        require_suffix(summary, (".xlsx", ".csv"), "the summary must be an .xlsx or .csv file", "--summary")
    try:
        rule = get_rule(disclosure)
    except NeedsAssessError as exc:
        raise typer.BadParameter(str(exc), param_hint="--disclosure") from None
    day = _parse_day(as_of)
    secret = load_secret(secret_file)
    plan = plan_agencies(files or [], mapping or [], encoding=encoding, sheet=sheet)
    with Steps(total=len(plan) + 1 + (merged is not None), first="Starting") as steps:
        result = merge_agencies(plan, secret, as_of=day, on_step=steps.step)
        if merged is not None:
            steps.step(f"Writing {merged.name}")
            write_merged(result.clients, merged, force)
    _print_merge(result)
    if merged is not None:
        typer.echo(f"Wrote {merged} ({len(result.clients)} rows, no identifiers).")
    if summary is not None:
        _write_summary(result, summary, rule, force)


def _parse_day(as_of: str | None) -> "dt.date | None":
    """The --as-of day, or None for today."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f'"{as_of}" is not a date like 2016-03-31', param_hint="--as-of") from None


def _print_merge(result: "AgencyResult") -> None:
    """Each file's rows read = used + rejected + set aside, the issues, the people and the overlaps."""
    files_read = result.reconciliation.summary_frame()
    files_read["header_row"] = (
        files_read["header_row"].astype(object).where(files_read["header_row"].notna(), "")
    )
    _print_table(files_read, "Rows read = used + rejected + set aside")
    issues = result.reconciliation.issues_frame()
    if len(issues):
        _print_table(issues, "Rejected rows, rows set aside, and cells set to not recorded", limit=40)
    _print_table(result.people, "Referrals and people (repeat referrals of one person count once)")
    _print_table(result.overlap.by_count, "People known to 1, 2, 3+ agencies")
    if len(result.overlap.pairs):
        _print_table(result.overlap.pairs, "People known to both agencies of each pair")


def _print_table(frame: Any, title: str, limit: int | None = None) -> None:
    from needsassess.report.terminal import print_frame, print_lines

    shown = frame if limit is None else frame.head(limit)
    print_frame(shown.rename(columns=lambda c: str(c).replace("_", " ")), title)
    if limit is not None and len(frame) > limit:
        print_lines([f"... and {len(frame) - limit} more rows."])


def _write_summary(result: "AgencyResult", summary: Path, rule: "Rule", force: bool) -> None:
    from needsassess.pipeline import write_profile_summary
    from needsassess.profile.publish import headline_lines

    published = write_profile_summary(result.clients, summary, rule, force)
    for line in headline_lines(published):
        typer.echo(line)
    hidden = len(published.log)
    typer.echo(f"Wrote {summary} (preset {rule.name}: {hidden} cell{'s' if hidden != 1 else ''} suppressed).")


@reports_errors
def template_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the workbooks.")],
    force: ForceOption = False,
) -> None:
    """Write blank agency data-return workbooks: one row per client, drop-down lists, a notes sheet.

    Agencies that fill these send data that map with no configuration.

    Example: needsassess template -o returns/
    """
    from needsassess.report.clients import write_templates

    for path in write_templates(output, force):
        typer.echo(f"Wrote {path}")
