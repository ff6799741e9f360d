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
    Path | None,
    typer.Option("--output", "-o", help="Folder for the outputs (default: the one in the config)."),
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

    try:
        rule = parse_rounding(rounding)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rounding") from None
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
    force: ForceOption = False,
) -> None:
    """Run the whole needs assessment from one config: workbook, drafts and manifest.

    Example: needsassess run samples/northmere/assessment.toml
    """
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment, summary_lines, write_outputs
    from needsassess.report.terminal import print_lines

    config = load_config(assessment)
    result = run_assessment(config)
    written = write_outputs(result, output or config.output_dir, force)
    print_lines(summary_lines(result) + ["Wrote:"] + [f"  {p}" for p in written])


@app.command()
@reports_errors
def workbook(
    assessment: Annotated[Path, typer.Argument(help="The assessment.toml describing the assessment.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")],
    force: ForceOption = False,
) -> None:
    """Write only the needs-assessment workbook.

    Example: needsassess workbook samples/northmere/assessment.toml -o northmere.xlsx
    """
    from needsassess.config import load_config
    from needsassess.pipeline import run_assessment, write_workbook_file

    if output.suffix.lower() != ".xlsx":
        raise typer.BadParameter("the workbook must be an .xlsx file", param_hint="--output")
    result = run_assessment(load_config(assessment))
    write_workbook_file(result, output, force)
    typer.echo(f"Wrote {output}")


def _section_ids() -> list[str]:
    from needsassess.report.draft import section_ids

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
    written = write_draft(run_assessment(config), options, output, force)
    typer.echo("Wrote " + ", ".join(str(p) for p in written))
