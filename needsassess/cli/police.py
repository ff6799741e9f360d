"""`police`: the police picture from an incident extract alone, published as the workbook's Police sheet.

No `from __future__ import annotations` (see `needsassess.cli`).
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from needsassess.cli.common import AreaOption, ForceOption, PopulationYearOption, reports_errors


@reports_errors
def police(
    incidents: Annotated[Path, typer.Argument(help="The police incident extract (xlsx, xls, ods or csv).")],
    population: Annotated[
        Path, typer.Option("--population", "-p", help="Population file with the area (and its peers).")
    ],
    area: AreaOption,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet holding the incidents.")] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="TOML with columns, codes, header_row ... as in [police] of assessment.toml."
        ),
    ] = None,
    area_column: Annotated[
        str | None, typer.Option("--area-column", help="Header of the column naming each incident's area.")
    ] = None,
    current: Annotated[
        str | None, typer.Option("--current", help='The year to report, e.g. "2015/16".')
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help='The year to compare with, e.g. "2014/15".')
    ] = None,
    year_start: Annotated[
        int | None,
        typer.Option(
            "--year-start", help="First month of the year: 4 = April (financial, the default), 1 = January."
        ),
    ] = None,
    deprivation: Annotated[
        Path | None,
        typer.Option("--deprivation", help="Deprivation by ward or LSOA, with populations (csv)."),
    ] = None,
    most_deprived: Annotated[
        int | None, typer.Option("--most-deprived", help="How many of the most deprived wards to group.")
    ] = None,
    peer_counts: Annotated[
        Path | None,
        typer.Option("--peer-counts", help="Counts by area for peers the extract does not cover."),
    ] = None,
    total_name: Annotated[
        str | None,
        typer.Option(
            "--total-name", help='Name of the all-areas column, e.g. "Cleveland" (default "All areas").'
        ),
    ] = None,
    population_year: PopulationYearOption = None,
    disclosure: Annotated[
        str, typer.Option("--disclosure", help="Small-number suppression preset: lt5, nhsd or ons10.")
    ] = "lt5",
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv-dir", help="Also write each table, as shown, to a csv in this folder."),
    ] = None,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file", help="Secret for victim pseudonyms (default: NEEDSASSESS_SECRET, or one-off)."
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Police-recorded domestic abuse: rates per 1,000, repeats, children, risk, wards, trend and peers.

    Example: needsassess police incidents.xlsx --population mye2.xlsx --area Hartlepool --current 2015/16
    """
    from needsassess.clients.merge import load_secret
    from needsassess.disclosure import get_rule
    from needsassess.police.options import load_mapping, police_options, run_police
    from needsassess.population import read_population
    from needsassess.report.csv import write_sheet_csv
    from needsassess.report.sheets.police import police_sheet_for
    from needsassess.report.terminal import print_sheet

    section: dict[str, Any] = load_mapping(mapping) if mapping else {}
    given = {
        "file": str(incidents),
        "sheet": sheet,
        "area_column": area_column,
        "current": current,
        "baseline": baseline,
        "year_start_month": year_start,
        "deprivation": str(deprivation) if deprivation else None,
        "most_deprived": most_deprived,
        "peer_counts": str(peer_counts) if peer_counts else None,
        "peer_total_name": total_name,
    }
    section.update({k: v for k, v in given.items() if v is not None})  # the options win over the mapping
    options = police_options(section, lambda p: Path(p).expanduser().resolve())
    run = run_police(
        options, read_population(population, year=population_year), area, load_secret(secret_file)
    )
    published = police_sheet_for(run.result, get_rule(disclosure))
    print_sheet(published)
    if csv_dir is not None:
        written = write_sheet_csv(published, csv_dir, force=force)
        typer.echo(f"Wrote {len(written)} csv files to {csv_dir}")
