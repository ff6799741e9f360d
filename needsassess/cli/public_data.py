"""Public data: `population fetch` (ONS mid-year estimates from NOMIS), `indicators fetch` (Fingertips).

Each is a command group of its own, so that other sources can be added beside `fetch`.
No `from __future__ import annotations` (see `needsassess.cli`).
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from needsassess.cli.common import CacheOption, ForceOption, OfflineOption, reports_errors

population_app = typer.Typer(
    help="Population estimates: fetch ONS mid-year estimates from NOMIS.", no_args_is_help=True
)
indicators_app = typer.Typer(
    help="Public-health indicators: fetch domestic abuse figures from Fingertips.", no_args_is_help=True
)


@population_app.command("fetch")
@reports_errors
def population_fetch(
    area: Annotated[str, typer.Option("--area", help="Local authority: GSS code (E06000001) or name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tidy population csv to write.")],
    year: Annotated[
        str, typer.Option("--year", help='Mid-year of the estimates (2024 = 30 June 2024), or "latest".')
    ] = "latest",
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Download ONS mid-year population estimates by single year of age and sex from NOMIS.

    Writes the tidy csv the population reader takes (area_code, area_name, year, sex, age, population).

    Example: needsassess population fetch --area E06000001 --year 2024 -o population.csv
    """
    from needsassess.http import Fetcher
    from needsassess.nomis import OFFLINE_HINT, fetch_population
    from needsassess.outputs import check_writable
    from needsassess.report.csv import write_csv

    check_writable(output, force)
    with Fetcher(cache_dir=cache, offline=offline, offline_hint=OFFLINE_HINT) as fetcher:
        result = fetch_population(area, year, fetcher=fetcher)
    write_csv(result.frame, output, force)
    typer.echo(
        f"Wrote {output}: {result.area.name} ({result.area.code}), mid-{result.year}, "
        f"{result.total:,} people ({result.total_of('female'):,} female, {result.total_of('male'):,} male), "
        f"{len(result.frame)} rows by single year of age 0-90+."
    )
    for line in _provenance_lines(result.sources, offline):  # plain echo: a URL must not be wrapped
        typer.echo(line)


@indicators_app.command("fetch")
@reports_errors
def indicators_fetch(
    area: Annotated[str, typer.Option("--area", help="Local authority GSS code, such as E06000001.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the figures to this csv as well.")
    ] = None,
    area_type: Annotated[
        int | None,
        typer.Option("--area-type", help="Fingertips area type id (default: authorities from April 2023)."),
    ] = None,
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Fetch "Domestic abuse-related incidents and crimes" (per 1,000 aged 16+) from Fingertips.

    Every published year for the area, its region and England, for the police and trend sections.

    Example: needsassess indicators fetch --area E06000001 -o indicators.csv
    """
    from needsassess.fingertips import OFFLINE_HINT, fetch_domestic_abuse_indicator, wide_by_period
    from needsassess.http import Fetcher
    from needsassess.outputs import check_writable
    from needsassess.report.csv import write_csv
    from needsassess.report.terminal import print_frame

    if output is not None:
        check_writable(output, force)
    with Fetcher(cache_dir=cache, offline=offline, offline_hint=OFFLINE_HINT) as fetcher:
        result = fetch_domestic_abuse_indicator(area, fetcher=fetcher, area_type_id=area_type)
    wide = wide_by_period(result)
    typer.echo(f"{result.indicator_name} ({result.unit}), Fingertips indicator {result.indicator_id}")
    print_frame(wide, formats={str(c): "{:.1f}" for c in wide.columns[1:]})
    if output is not None:
        write_csv(result.frame, output, force)
        typer.echo(f"Wrote {output}: {len(result.frame)} rows.")
    typer.echo(f"Note: {result.note}")
    for line in _provenance_lines(result.sources, offline, main=-1):
        typer.echo(line)


def _provenance_lines(sources: list[dict[str, Any]], offline: bool, main: int = 0) -> list[str]:
    """Say where the data came from (the `main` request of several) and whether the cache served it."""
    shown = sources[main]
    more = f" (and {len(sources) - 1} more requests)" if len(sources) > 1 else ""
    lines = [f"Source: {shown['url']}{more}, retrieved {shown['retrieved']}."]
    if all(s["from_cache"] for s in sources):
        reason = "offline: " if offline else ""
        lines.append(f"Used the cached copy ({reason}retrieved {shown['retrieved']}), not a new download.")
    return lines
