"""Estimates from national figures: `prevalence` (victims), `cost` (to society) and `batch` (every area).

No `from __future__ import annotations` (see `needsassess.cli`).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from needsassess.cli.common import (
    AreaOption,
    ForceOption,
    PackDirOption,
    PopulationYearOption,
    reports_errors,
    require_suffix,
)

if TYPE_CHECKING:
    from needsassess.costs import CostResult
    from needsassess.packs import Pack
    from needsassess.prevalence import PrevalenceResult

DEFAULT_PREVALENCE_PACK = "csew-2015-16to59"

PrevalencePackOption = Annotated[
    list[str] | None,
    typer.Option("--pack", help="Reference pack id (repeatable). Default: csew-2015-16to59."),
]
AgesOption = Annotated[
    str | None, typer.Option("--ages", help="Apply to these ages only, within the pack's, e.g. 18-59.")
]
PopulationSheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Sheet holding the population table.")
]
RoundingOption = Annotated[
    str, typer.Option("--rounding", help='"default" (100 from 1,000; 50 from 100; 10 below) or "none".')
]


@reports_errors
def prevalence(
    population: Annotated[
        Path, typer.Option("--population", "-p", help="Population file (ONS, NOMIS or tidy csv).")
    ],
    area: AreaOption,
    pack: PrevalencePackOption = None,
    ages: AgesOption = None,
    year: PopulationYearOption = None,
    sheet: PopulationSheetOption = None,
    rounding: RoundingOption = "default",
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write the estimates to this csv file.")
    ] = None,
    pack_dir: PackDirOption = None,
    force: ForceOption = False,
) -> None:
    """Estimate local victims: national survey rates x local population, with sources.

    Example: needsassess prevalence --population mye2.xlsx --area Hartlepool --pack csew-2015-16to59
    """
    from needsassess.packs import Kind, load_pack
    from needsassess.population import read_population, select_area
    from needsassess.prevalence import combine_estimates, estimate_prevalence
    from needsassess.report.csv import write_csv
    from needsassess.rounding import parse_rounding

    rule = parse_rounding(rounding)
    local = select_area(read_population(population, sheet=sheet, year=year), area)
    results = [
        estimate_prevalence(local, load_pack(ref, pack_dir, Kind.PREVALENCE), ages, rule)
        for ref in (pack or [DEFAULT_PREVALENCE_PACK])
    ]
    for result in results:
        _print_prevalence(result)
    if csv is not None:
        write_csv(combine_estimates(results), csv, force)
        typer.echo(f"Wrote {csv}")


def _print_prevalence(result: "PrevalenceResult") -> None:
    from needsassess.report.terminal import print_frame, print_lines

    e = result.estimates
    view = e[
        ["label", "sex", "age_band", "method", "population", "rate_pct", "estimate", "rounded", "status"]
    ]
    view = view.assign(
        interval=[_interval(lo, hi) for lo, hi in zip(e["rounded_low"], e["rounded_high"], strict=True)]
    )
    year_text = f"mid-{result.year}" if result.year else "population year not stated"
    print_frame(
        view.rename(columns={"label": "measure", "age_band": "ages", "rate_pct": "rate %"}),
        title=f"{result.area_name} ({result.area_code}), {year_text}: {result.pack.id}",
        formats={"estimate": "{:,.1f}", "rounded": "{:,.0f}", "rate %": "{:.1f}", "population": "{:,.0f}"},
    )
    lines = [f"Source: {result.pack.citation()}", f"        {result.pack.meta.get('url', '')}"]
    if not result.has_intervals:
        lines.append("No confidence intervals: the publication gives none for these rates.")
    if len(result.non_verified):
        lines.append("Figures not seen in the primary publication are marked secondary or derived.")
    lines += [f"Not estimated: {m.replace('_', ' ')}, because {why}." for m, why in result.not_estimated]
    print_lines(lines)


def _interval(low: float, high: float) -> str:
    if low != low or high != high:  # NaN: no interval published
        return "–"
    return f"{low:,.0f} to {high:,.0f}"


@reports_errors
def cost(
    crimes: Annotated[
        Path | None,
        typer.Option(
            "--crimes", help="Crimes by offence type (csv or spreadsheet): an offence and a count column."
        ),
    ] = None,
    victims_from: Annotated[
        Path | None,
        typer.Option(
            "--victims-from", help="An assessment.toml: cost the victims its prevalence stage estimates."
        ),
    ] = None,
    pack: Annotated[
        str | None,
        typer.Option(
            "--pack",
            help="Unit-cost pack. Default: ho-horr99-2018 with --crimes, ho-horr107-2019 with --victims-from.",
        ),
    ] = None,
    price_year: Annotated[
        str | None,
        typer.Option(
            "--price-year",
            help="Give costs in this financial year's prices: 2023/24, or 2023 for 2023/24. Needs a deflator pack.",
        ),
    ] = None,
    deflators: Annotated[
        str | None,
        typer.Option(
            "--deflators", help="Deflator pack (year, index) for --price-year. None ships with needsassess."
        ),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option("--population", "-p", help="With --crimes: a population file, for cost per head."),
    ] = None,
    area: Annotated[str | None, typer.Option("--area", "-a", help="With --population: the area.")] = None,
    year: PopulationYearOption = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet holding the crimes table.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write the costs to this csv file.")] = None,
    pack_dir: PackDirOption = None,
    force: ForceOption = False,
) -> None:
    """Estimate the cost to society of domestic abuse, in pounds, by category and per head.

    Two methods. Per recorded crime (--crimes): each domestic-abuse-related crime the police recorded,
    times the Home Office cost of that type of offence; only reported crime counts, so it is a lower
    bound. Per victim (--victims-from): the victims the assessment's prevalence stage estimates, times the
    Home Office cost per victim, which covers the whole period of abuse, not one year. Offence types the
    pack does not cost are listed as not costed; categories it has no figure for are "not available".

    Example: needsassess cost --crimes samples/northmere/police/da_crimes_2015_16.csv --pack ho-horr99-2018
    """
    from needsassess.costs import cost_table, find_deflators
    from needsassess.costs.stage import PER_CRIME_PACK, PER_VICTIM_PACK
    from needsassess.packs import Kind, load_pack
    from needsassess.report.csv import write_csv

    if (crimes is None) == (victims_from is None):
        raise typer.BadParameter(
            "give one of --crimes FILE or --victims-from ASSESSMENT.toml", param_hint="--crimes"
        )
    if (population is None) != (area is None) or (population is not None and crimes is None):
        raise typer.BadParameter(
            "--population and --area go together, with --crimes", param_hint="--population"
        )
    unit_costs = load_pack(pack or (PER_CRIME_PACK if crimes else PER_VICTIM_PACK), pack_dir, Kind.UNIT_COSTS)
    deflator_pack = find_deflators(deflators, pack_dir) if price_year else None
    if crimes is not None:
        result = _cost_crimes(crimes, sheet, unit_costs, population, area, year, price_year, deflator_pack)
    else:
        assert victims_from is not None
        result = _cost_victims(victims_from, unit_costs, price_year, deflator_pack)
    _print_cost(result)
    if csv is not None:
        write_csv(cost_table(result), csv, force)
        typer.echo(f"Wrote {csv}")


def _cost_crimes(
    crimes: Path,
    sheet: str | None,
    unit_costs: "Pack",
    population: Path | None,
    area: str | None,
    year: int | None,
    price_year: str | None,
    deflators: "Pack | None",
) -> "CostResult":
    from needsassess.costs import cost_per_crime, read_crime_counts
    from needsassess.population import read_population, residents, select_area

    people = None
    if population is not None and area is not None:
        people = residents(select_area(read_population(population, year=year), area))
    counts = read_crime_counts(crimes, sheet)
    return cost_per_crime(counts, unit_costs, population=people, price_year=price_year, deflators=deflators)


def _cost_victims(
    assessment: Path, unit_costs: "Pack", price_year: str | None, deflators: "Pack | None"
) -> "CostResult":
    from needsassess.config import load_config
    from needsassess.costs.stage import cost_victims
    from needsassess.pipeline import PREVALENCE_STAGES, run_assessment

    estimated = run_assessment(load_config(assessment), PREVALENCE_STAGES)
    return cost_victims(estimated, unit_costs, price_year, deflators)


def _print_cost(result: "CostResult") -> None:
    from needsassess.costs import METHOD_DESCRIPTIONS, METHOD_LABELS, offence_label
    from needsassess.report.terminal import print_frame, print_lines

    money = {"cost": "£{:,.0f}", "unit cost": "£{:,.0f}"}
    c = result.categories
    print_frame(
        c[["label", "cost_gbp", "coverage", "status", "note"]].rename(
            columns={"label": "category", "cost_gbp": "cost"}
        ),
        title=f"Cost {METHOD_LABELS[result.method]}, {result.price_year} prices: {result.pack_id}",
        formats=money,
    )
    items = result.items.rename(columns={"unit_cost_gbp": "unit cost", "cost_gbp": "cost"})
    if "item" in items:
        items = items.assign(item=items["item"].map(offence_label))
    print_frame(
        items,
        title=f"From {result.counts_source}",
        formats={**money, "count": "{:,.0f}", "victims": "{:,.1f}"},
    )
    if len(result.not_costed):
        not_costed = result.not_costed.assign(item=result.not_costed["item"].map(offence_label))
        print_frame(not_costed, title="Not costed", formats={"count": "{:,.0f}"})
    per_head = (
        f"£{result.per_head_gbp:,.2f} per head of {result.population:,.0f} residents"
        if result.population
        else ("per head: give --population and --area")
    )
    print_lines(
        [
            f"Total: £{result.total_gbp:,.0f}; {per_head}",
            f"Method: {METHOD_DESCRIPTIONS[result.method]}.",
            *result.caveats,
            f"Source: {result.pack.citation()}",
            f"        {result.pack.meta.get('url', '')}",
        ]
    )


@reports_errors
def batch(
    population: Annotated[
        Path,
        typer.Option(
            "--population",
            "-p",
            help="A population file with many areas, e.g. ONS MYE2 for England and Wales.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The comparison workbook to write (.xlsx).")],
    pack: PrevalencePackOption = None,
    year: PopulationYearOption = None,
    sheet: PopulationSheetOption = None,
    ages: AgesOption = None,
    measure: Annotated[
        str | None,
        typer.Option("--measure", help="Measure to compare across areas. Default: da_last_year."),
    ] = None,
    regions: Annotated[
        Path | None,
        typer.Option(
            "--regions",
            help="csv of area_code,region_code,region_name for the peers view (default: the file's region rows).",
        ),
    ] = None,
    rounding: RoundingOption = "default",
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write every estimate for every area to this csv file."),
    ] = None,
    cost_pack: Annotated[
        str,
        typer.Option("--cost-pack", help='Per-victim unit costs for cost per head; "none" for no costs.'),
    ] = "ho-horr107-2019",
    price_year: Annotated[
        str | None,
        typer.Option("--price-year", help="Give costs in this financial year's prices, e.g. 2023/24."),
    ] = None,
    deflators: Annotated[
        str | None, typer.Option("--deflators", help="Deflator pack (year, index) for --price-year.")
    ] = None,
    pack_dir: PackDirOption = None,
    force: ForceOption = False,
) -> None:
    """Estimate every area in a population file at once: one comparison workbook with ranks and peers.

    Example: needsassess batch --population mye2_england_wales.xlsx --pack csew-2015-16to59 -o areas.xlsx
    """
    from needsassess.batch import run_batch
    from needsassess.outputs import check_writable
    from needsassess.report.batch import write_batch_workbook
    from needsassess.report.csv import write_csv
    from needsassess.report.terminal import Steps, print_lines
    from needsassess.rounding import parse_rounding

    require_suffix(output, (".xlsx",), "the workbook must be an .xlsx file")
    rule = parse_rounding(rounding)
    for path in (output, csv):
        if path is not None:
            check_writable(path, force)
    refs = pack or [DEFAULT_PREVALENCE_PACK]
    with Steps(total=len(refs) + 2 + (csv is not None), first="Loading reference packs") as steps:
        result = run_batch(
            population,
            refs,
            year=year,
            sheet=sheet,
            ages=ages,
            rounding=rule,
            measure=measure,
            regions_path=regions,
            pack_dirs=pack_dir,
            cost_pack=None if cost_pack.lower() == "none" else cost_pack,
            price_year=price_year,
            deflators=deflators,
            on_step=steps.step,
        )
        steps.step(f"Writing {output.name}")
        write_batch_workbook(result, output, force)
        if csv is not None:
            steps.step(f"Writing {csv.name}")
            write_csv(result.all_estimates(), csv, force)
    print_lines(result.summary_lines() + [f"Wrote {output}"] + ([f"Wrote {csv}"] if csv else []))
