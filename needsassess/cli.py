"""The needsassess command line: a thin Typer layer over the pure functions of the package.

Each command parses its options, calls one core function and prints or writes. Heavy libraries
(pandas, openpyxl, xlsxwriter, matplotlib) are imported inside commands so that `needsassess --help` stays fast.
No `from __future__ import annotations` here: Typer would evaluate every option's annotation string on
each start, which took a third of `--help`'s time.
"""

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from needsassess import __version__
from needsassess.errors import NeedsAssessError

if TYPE_CHECKING:
    from needsassess.costs import CostResult
    from needsassess.packs import Pack

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
    Path | None,
    typer.Option("--output", "-o", help="Folder for the outputs (default: the one in the config)."),
]


OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use cached downloads only (NOMIS, Fingertips); never the network.")
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        envvar="NEEDSASSESS_CACHE",
        help="Folder for cached downloads (default ~/.cache/needsassess).",
        show_envvar=True,
    ),
]


def _is_terminal() -> bool:
    return sys.stdout.isatty()


PackDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--pack-dir", help="A folder of your own reference packs (repeatable); yours win over shipped ones."
    ),
]


@app.command()
@reports_errors
def prevalence(
    population: Annotated[
        Path, typer.Option("--population", "-p", help="Population file (ONS, NOMIS or tidy csv).")
    ],
    area: Annotated[str, typer.Option("--area", "-a", help="GSS code or name of the area, e.g. E06000001.")],
    pack: Annotated[
        list[str] | None,
        typer.Option("--pack", help="Reference pack id (repeatable). Default: csew-2015-16to59."),
    ] = None,
    ages: Annotated[
        str | None, typer.Option("--ages", help="Apply to these ages only, within the pack's, e.g. 18-59.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Population year, where the file has several.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet holding the population table.")] = None,
    rounding: Annotated[
        str, typer.Option("--rounding", help='"default" (100 from 1,000; 50 from 100; 10 below) or "none".')
    ] = "default",
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
    from needsassess.prevalence import estimate_prevalence
    from needsassess.report.csv import write_csv
    from needsassess.report.terminal import print_frame, print_lines
    from needsassess.rounding import parse_rounding

    rule = parse_rounding(rounding)
    local = select_area(read_population(population, sheet=sheet, year=year), area)
    results = [
        estimate_prevalence(local, load_pack(ref, pack_dir, Kind.PREVALENCE), ages, rule)
        for ref in (pack or ["csew-2015-16to59"])
    ]
    for result in results:
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
            formats={
                "estimate": "{:,.1f}",
                "rounded": "{:,.0f}",
                "rate %": "{:.1f}",
                "population": "{:,.0f}",
            },
        )
        lines = [f"Source: {result.pack.citation()}", f"        {result.pack.meta.get('url', '')}"]
        if not result.has_intervals:
            lines.append("No confidence intervals: the publication gives none for these rates.")
        if len(result.non_verified):
            lines.append("Figures not seen in the primary publication are marked secondary or derived.")
        lines += [f"Not estimated: {m.replace('_', ' ')}, because {why}." for m, why in result.not_estimated]
        print_lines(lines)
    if csv is not None:
        import pandas as pd

        frame = pd.concat(
            [r.estimates.assign(area_code=r.area_code, area_name=r.area_name, year=r.year) for r in results],
            ignore_index=True,
        )
        write_csv(frame, csv, force)
        typer.echo(f"Wrote {csv}")


def _interval(low: float, high: float) -> str:
    if low != low or high != high:  # NaN: no interval published
        return "–"
    return f"{low:,.0f} to {high:,.0f}"


@app.command()
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
    year: Annotated[
        int | None, typer.Option("--year", help="Population year, where the file has several.")
    ] = None,
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
    from needsassess.packs import Kind, load_pack
    from needsassess.pipeline import PER_CRIME_PACK, PER_VICTIM_PACK
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
    from needsassess.pipeline import residents
    from needsassess.population import read_population, select_area

    people = None
    if population is not None and area is not None:
        people = residents(select_area(read_population(population, year=year), area))
    counts = read_crime_counts(crimes, sheet)
    return cost_per_crime(counts, unit_costs, population=people, price_year=price_year, deflators=deflators)


def _cost_victims(
    assessment: Path, unit_costs: "Pack", price_year: str | None, deflators: "Pack | None"
) -> "CostResult":
    from needsassess.config import load_config
    from needsassess.pipeline import PREVALENCE_STAGES, cost_victims, run_assessment

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


@app.command()
@reports_errors
def packs(
    pack_id: Annotated[str | None, typer.Argument(help="Show this pack in full.")] = None,
    pack_dir: PackDirOption = None,
) -> None:
    """List the reference packs (national figures with their sources), or show one.

    Example: needsassess packs csew-2015-16to59
    """
    import pandas as pd

    from needsassess.packs import available_packs, load_pack
    from needsassess.report.terminal import print_frame, print_lines

    if pack_id is None:
        rows = []
        for ref, path in available_packs(pack_dir).items():
            p = load_pack(path)
            rows.append(
                {
                    "pack": ref,
                    "kind": p.kind.value,
                    "period": p.meta.get("period", ""),
                    "ages / price year": p.meta.get("population_base") or p.meta.get("price_year", ""),
                    "figures": len(p.data),
                    "status": ", ".join(p.statuses),
                    "title": p.title,
                }
            )
        print_frame(pd.DataFrame(rows), title="Reference packs")
        print_lines(["Show one with: needsassess packs ID"])
        return
    p = load_pack(pack_id, pack_dir)
    keys = (
        "title",
        "kind",
        "publisher",
        "publication",
        "table",
        "period",
        "population_base",
        "price_year",
        "released",
        "url",
        "licence",
    )
    print_lines([f"{k}: {p.meta[k]}" for k in keys if p.meta.get(k)] + [f"folder: {p.path}"])
    notes = " ".join(str(p.meta.get("notes", "")).split())
    if notes:
        print_lines([f"notes: {notes}"])
    shown = p.data[[c for c in p.data.columns if c != "url" and (p.data[c].astype(str) != "").any()]]
    print_frame(shown, title=f"{p.id}: {len(p.data)} figures")


@app.command()
@reports_errors
def run(
    assessment: Annotated[Path, typer.Argument(help="The assessment.toml describing the assessment.")],
    output: OutDirOption = None,
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Run the whole needs assessment from one config: workbook, drafts and manifest.

    Example: needsassess run samples/northmere/assessment.toml
    """
    from needsassess.background import second_process
    from needsassess.config import load_config

    config = load_config(assessment)
    config.offline, config.cache_dir = offline, cache
    # The worker starts before the heavy imports below, and makes those it needs meanwhile: reading the
    # police extract is its first work (pipeline.start_police).
    with second_process("needsassess.police"):
        from needsassess.pipeline import run_assessment, summary_lines, write_outputs
        from needsassess.report.terminal import print_lines

        result = run_assessment(config)
        written = write_outputs(result, output or config.output_dir, force)
    print_lines(summary_lines(result) + ["Wrote:"] + [f"  {p}" for p in written])


@app.command()
@reports_errors
def workbook(
    assessment: Annotated[Path, typer.Argument(help="The assessment.toml describing the assessment.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    offline: OfflineOption = False,
    cache: CacheOption = None,
    force: ForceOption = False,
) -> None:
    """Write only the needs-assessment workbook.

    Example: needsassess workbook samples/northmere/assessment.toml -o northmere.xlsx
    """
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment, write_workbook_file

    if output.suffix.lower() != ".xlsx":
        raise typer.BadParameter("the workbook must be an .xlsx file", param_hint="--output")
    config = load_config(assessment)
    config.offline, config.cache_dir = offline, cache
    result = run_assessment(config)
    write_workbook_file(result, output, force)
    typer.echo(f"Wrote {output}")


def _section_ids() -> list[str]:
    from needsassess.report.draft import section_ids  # light: jinja2 and the rest load when used

    return section_ids()


@app.command()
@reports_errors
def draft(
    assessment: Annotated[Path, typer.Argument(help="The assessment.toml describing the assessment.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The draft to write: .md, .html or .docx (by extension).")
    ],
    sections: Annotated[
        list[str] | None,
        typer.Option(
            "--sections",
            "-s",
            help="Only these sections, repeatable or comma-separated: " + ", ".join(_section_ids()) + ".",
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Your templates folder; its files override the built-in ones of the same name.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    consultation: Annotated[
        bool | None,
        typer.Option(
            "--consultation/--no-consultation",
            help="Consultation draft: status header, numbered paragraphs, questions (default: [draft]).",
        ),
    ] = None,
    draft_version: Annotated[
        str | None, typer.Option("--draft-version", help='Version shown in the header, e.g. "0.3".')
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write strategy sections from the assessment: Markdown, standalone HTML or Word.

    Example: needsassess draft samples/northmere/assessment.toml -o northmere.docx --consultation
    """
    from needsassess.background import second_process
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment
    from needsassess.report.draft import FORMATS, DraftOptions, check_sections, write_draft

    if output.suffix.lower().lstrip(".") not in FORMATS:
        raise typer.BadParameter("the draft must be a .md, .html or .docx file", param_hint="--output")
    config = load_config(assessment)
    options = DraftOptions.from_config(config)
    if sections:
        try:
            options.sections = check_sections(",".join(sections))
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--sections") from None
    options.templates_dir = templates or options.templates_dir
    options.consultation = options.consultation if consultation is None else consultation
    options.version = draft_version or options.version
    with second_process("needsassess.police"):  # the police extract first, then the charts (as for run)
        written = write_draft(run_assessment(config), options, output, force)
    typer.echo("Wrote " + ", ".join(str(p) for p in written))


@app.command()
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
    pack: Annotated[
        list[str] | None,
        typer.Option("--pack", help="Reference pack id (repeatable). Default: csew-2015-16to59."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Population year, where the file has several.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet holding the population table.")] = None,
    ages: Annotated[
        str | None, typer.Option("--ages", help="Apply to these ages only, within the pack's, e.g. 18-59.")
    ] = None,
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
    rounding: Annotated[
        str, typer.Option("--rounding", help='"default" (100 from 1,000; 50 from 100; 10 below) or "none".')
    ] = "default",
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
    from needsassess.batch import run_batch, write_batch_workbook
    from needsassess.outputs import check_writable
    from needsassess.report.terminal import Steps, print_lines
    from needsassess.rounding import parse_rounding

    if output.suffix.lower() != ".xlsx":
        raise typer.BadParameter("the workbook must be an .xlsx file", param_hint="--output")
    try:
        rule = parse_rounding(rounding)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rounding") from None
    for path in (output, csv):
        if path is not None:
            check_writable(path, force)
    refs = pack or ["csew-2015-16to59"]
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
            from needsassess.report.csv import write_csv

            steps.step(f"Writing {csv.name}")
            write_csv(result.all_estimates(), csv, force)
    print_lines(result.summary_lines() + [f"Wrote {output}"] + ([f"Wrote {csv}"] if csv else []))


# -- public data: population from NOMIS, indicators from Fingertips ---------------------------------

population_app = typer.Typer(
    help="Population estimates: fetch ONS mid-year estimates from NOMIS.", no_args_is_help=True
)
indicators_app = typer.Typer(
    help="Public-health indicators: fetch domestic abuse figures from Fingertips.", no_args_is_help=True
)
app.add_typer(population_app, name="population")
app.add_typer(indicators_app, name="indicators")


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
    sexes = result.frame.groupby("sex")["population"].sum()
    typer.echo(
        f"Wrote {output}: {result.area.name} ({result.area.code}), mid-{result.year}, "
        f"{result.total:,} people ({sexes.get('female', 0):,} female, {sexes.get('male', 0):,} male), "
        f"{len(result.frame)} rows by single year of age 0-90+."
    )
    for line in provenance_lines(result.sources, offline):  # plain echo: a URL must not be wrapped
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
    for line in provenance_lines(result.sources, offline, main=-1):
        typer.echo(line)


def provenance_lines(sources: list[dict[str, Any]], offline: bool, main: int = 0) -> list[str]:
    """Say where the data came from (the `main` request of several) and whether the cache served it."""
    shown = sources[main]
    more = f" (and {len(sources) - 1} more requests)" if len(sources) > 1 else ""
    lines = [f"Source: {shown['url']}{more}, retrieved {shown['retrieved']}."]
    if all(s["from_cache"] for s in sources):
        reason = "offline: " if offline else ""
        lines.append(f"Used the cached copy ({reason}retrieved {shown['retrieved']}), not a new download.")
    return lines


# --- agency client data -----------------------------------------------------------------------------------

RecordTypeChoice = Annotated[
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


def _print_table(frame: Any, title: str, limit: int | None = None) -> None:
    from needsassess.report.terminal import print_frame, print_lines

    shown = frame if limit is None else frame.head(limit)
    print_frame(shown.rename(columns=lambda c: str(c).replace("_", " ")), title)
    if limit is not None and len(frame) > limit:
        print_lines([f"... and {len(frame) - limit} more rows."])


@app.command("map")
@reports_errors
def map_command(
    file: Annotated[Path, typer.Argument(help="An agency spreadsheet or csv.")],
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    record_type: RecordTypeChoice = None,
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


@app.command("profile")
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
    import datetime as dt

    from needsassess.clients.agencies import merge_agencies, plan_agencies
    from needsassess.clients.merge import load_secret
    from needsassess.disclosure import get_rule
    from needsassess.report.clients import write_merged

    if not files and not mapping:
        raise typer.BadParameter("give agency files, or --mapping files that name them", param_hint="FILES")
    if summary is not None and summary.suffix.lower() not in (".xlsx", ".csv"):
        raise typer.BadParameter("the summary must be an .xlsx or .csv file", param_hint="--summary")
    try:
        rule = get_rule(disclosure)
    except NeedsAssessError as exc:
        raise typer.BadParameter(str(exc), param_hint="--disclosure") from None
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f'"{as_of}" is not a date like 2016-03-31', param_hint="--as-of") from None
    secret = load_secret(secret_file)
    plan = plan_agencies(files or [], mapping or [], encoding=encoding, sheet=sheet)
    from needsassess.report.terminal import Steps

    with Steps(total=len(plan) + 1 + (merged is not None), first="Starting") as steps:
        result = merge_agencies(plan, secret, as_of=day, on_step=steps.step)
        if merged is not None:
            steps.step(f"Writing {merged.name}")
            write_merged(result.clients, merged, force)
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
    if merged is not None:
        typer.echo(f"Wrote {merged} ({len(result.clients)} rows, no identifiers).")
    if summary is not None:
        from needsassess.client_profile import headline_lines
        from needsassess.pipeline import write_profile_summary

        published = write_profile_summary(result.clients, summary, rule, force)
        for line in headline_lines(published):
            typer.echo(line)
        hidden = len(published.log)
        typer.echo(
            f"Wrote {summary} (preset {rule.name}: {hidden} cell{'s' if hidden != 1 else ''} suppressed)."
        )


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
    from needsassess.report.clients import write_templates

    for path in write_templates(output, force):
        typer.echo(f"Wrote {path}")


@app.command()
@reports_errors
def police(
    incidents: Annotated[Path, typer.Argument(help="The police incident extract (xlsx, xls, ods or csv).")],
    population: Annotated[
        Path, typer.Option("--population", "-p", help="Population file with the area (and its peers).")
    ],
    area: Annotated[str, typer.Option("--area", "-a", help="GSS code or name of the area, e.g. E06000001.")],
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
    population_year: Annotated[
        int | None, typer.Option("--year", help="Population year, where the file has several.")
    ] = None,
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
    from needsassess.police import load_mapping, police_options, run_police
    from needsassess.population import read_population
    from needsassess.report.csv import write_sheet_csv
    from needsassess.report.police_sheets import police_sheet_for
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
    section.update({k: v for k, v in given.items() if v is not None})
    options = police_options(section, lambda p: Path(p).expanduser().resolve())
    run = run_police(
        options, read_population(population, year=population_year), area, load_secret(secret_file)
    )
    published = police_sheet_for(run.result, get_rule(disclosure))
    print_sheet(published)
    if csv_dir is not None:
        written = write_sheet_csv(published, csv_dir, force=force)
        typer.echo(f"Wrote {len(written)} csv files to {csv_dir}")
