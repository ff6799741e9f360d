"""Turn an Assessment into the Sheets and Tables every writer shares (presentation only, no arithmetic
beyond arranging computed values). Each stage adds one builder to SHEET_BUILDERS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from needsassess import __version__
from needsassess.report.model import Chart, Note, Sheet, Table
from needsassess.report.workbook import Cover

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.packs import Pack
    from needsassess.pipeline import Assessment, InputFile
    from needsassess.prevalence import PrevalenceResult

SEX_LABELS = {"female": "Women", "male": "Men", "all": "All"}
STATUS_NOTE = (
    "Status of each national figure: verified = seen in the primary publication; secondary = quoted by "
    "another source and not yet checked against the original table; derived = calculated or recalled, "
    "not seen in any publication."
)
NOT_AVAILABLE_NOTE = "[x] = not available (for example, the publication gives no confidence interval)."


def build_cover(assessment: Assessment) -> Cover:
    config = assessment.config
    population = assessment.population
    year = population.years[0] if population is not None and population.years else None
    lines = [
        (
            "About this workbook",
            f"Domestic abuse needs assessment for {assessment.area_name} "
            f"({assessment.area_code}): estimated prevalence from national survey rates applied to the local "
            "population, with every figure traced to its source on the Sources sheet.",
        ),
        ("Area", f"{assessment.area_name} ({assessment.area_code})"),
        (
            "Population",
            f"Mid-{year} population estimates" if year else "Population estimates (year not stated)",
        ),
        ("Produced", f"{assessment.created:%d %B %Y} with needsassess {__version__}"),
        ("Protective marking", config.protective_marking),
        ("Disclosure control", _disclosure_text(assessment)),
    ]
    if config.author:
        lines.insert(1, ("Produced by", config.author))
    if assessment.warnings:
        lines.append(("Warnings", " ".join(assessment.warnings)))
    return Cover(config.title, lines, config.protective_marking, build_notes(assessment))


def _disclosure_text(assessment: Assessment) -> str:
    preset = assessment.config.section("disclosure").get("preset", "lt5")
    return (
        f'Small-number suppression preset "{preset}" applies to tables of counts of people. '
        "Estimates from national rates are not counts of individuals and are not suppressed."
    )


def build_notes(assessment: Assessment) -> list[Note]:
    notes = [Note(STATUS_NOTE, "Sources, Prevalence"), Note(NOT_AVAILABLE_NOTE, "All sheets")]
    for result in assessment.prevalence:
        notes.append(
            Note(
                f"Estimates are rounded for publication ({result.rounding.describe()}); unrounded figures are "
                "shown beside them for checking, not for quoting.",
                "Prevalence",
            )
        )
        break
    for pack in assessment.packs.values():
        text = " ".join(str(pack.meta.get("notes", "")).split())
        if text:
            notes.append(Note(f"{pack.id}: {text}", "Sources"))
    return notes


def prevalence_sheet(assessment: Assessment) -> list[Sheet]:
    if not assessment.prevalence:
        return []
    tables, charts = [], []
    intro = [
        f"Estimated number of residents of {assessment.area_name} who experienced domestic abuse, "
        "found by applying national survey rates to the local population of the ages the survey measured.",
    ]
    for i, result in enumerate(assessment.prevalence, 1):
        headline = _headline_table(result, f"prevalence_headline_{i}")
        if headline is not None:
            tables.append(headline)
            charts.append(
                Chart(
                    kind="bar",
                    title=f"Estimated victims by sex, {result.area_name}",
                    table=headline.name,
                    categories="Measure",
                    values=[c for c in headline.frame.columns if c in ("Women", "Men")],
                    alt_text=_alt_text(result, headline.frame),
                    y_title="Estimated residents (rounded)",
                )
            )
        tables.append(_detail_table(result, f"prevalence_detail_{i}"))
    for result in assessment.prevalence:
        for measure, reason in result.not_estimated:
            intro.append(
                f"Not estimated from {result.pack.id}: {measure.replace('_', ' ')}, because {reason}."
            )
    return [
        Sheet(
            "Prevalence",
            f"Estimated prevalence of domestic abuse in {assessment.area_name}",
            intro,
            tables,
            charts,
            "Estimated local victims from national survey rates",
        )
    ]


def _headline_table(result: PrevalenceResult, name: str) -> Table | None:
    import pandas as pd

    rows = result.estimates[result.estimates["method"] == "single rate"]
    if rows.empty:
        return None
    wide = rows.pivot_table(index="label", columns="sex", values="rounded", aggfunc="first", sort=False)
    frame = pd.DataFrame({"Measure": wide.index})
    for sex in ("female", "male", "all"):
        if sex in wide.columns:
            frame[SEX_LABELS[sex]] = [None if v != v else int(v) for v in wide[sex]]
    return Table(
        name=name,
        title=f"Estimated residents aged {result.ages.label} (rounded), {result.pack.meta.get('period', '')} rates",
        frame=frame,
        source=f"needsassess estimate: {result.pack.citation()} [{result.pack.id}] x population of {result.area_name}",
        formats=dict.fromkeys(("Women", "Men", "All"), "#,##0"),
    )


def _alt_text(result: PrevalenceResult, frame: pd.DataFrame) -> str:
    parts = []
    for row in frame.to_dict("records"):
        bits = [f"{k.lower()} {v:,}" for k, v in row.items() if k in ("Women", "Men") and v is not None]
        if bits:
            parts.append(f"{row['Measure']}: " + ", ".join(bits))
    return f"Bar chart of estimated victims in {result.area_name} by sex. " + "; ".join(parts) + "."


def _detail_table(result: PrevalenceResult, name: str) -> Table:
    import pandas as pd

    e = result.estimates
    frame = pd.DataFrame(
        {
            "Measure": e["label"],
            "Sex": e["sex"].map(SEX_LABELS),
            "Ages": e["age_band"],
            "Method": e["method"],
            "Population": e["population"],
            "Rate (%)": e["rate_pct"],
            "Rate lower (%)": e["ci_low_pct"],
            "Rate upper (%)": e["ci_high_pct"],
            "Estimate": e["estimate"].round(1),
            "Lower": e["low"].round(1),
            "Upper": e["high"].round(1),
            "Rounded estimate": e["rounded"],
            "Rounded lower": e["rounded_low"],
            "Rounded upper": e["rounded_high"],
            "Status": e["status"],
            "Pack": e["pack"],
        }
    )
    notes = []
    if not result.has_intervals:
        notes.append(
            "The publication gives no confidence intervals for these rates, so no interval is shown [x]."
        )
    return Table(
        name=name,
        title=f"Estimates in detail: {result.pack.title}",
        frame=frame,
        source=f"{result.pack.citation()}; {result.pack.meta.get('url', '')}",
        notes=notes,
        formats={
            "Population": "#,##0",
            "Estimate": "#,##0.0",
            "Lower": "#,##0.0",
            "Upper": "#,##0.0",
            "Rounded estimate": "#,##0",
            "Rounded lower": "#,##0",
            "Rounded upper": "#,##0",
            "Rate (%)": "0.0",
            "Rate lower (%)": "0.0",
            "Rate upper (%)": "0.0",
        },
        widths={"Measure": 48},
    )


def sources_sheet(assessment: Assessment) -> list[Sheet]:
    return build_sources_sheet(list(assessment.packs.values()), assessment.inputs)


def build_sources_sheet(
    pack_list: list[Pack],
    input_list: list[InputFile],
    inputs_source: str = "files named in the assessment configuration",
) -> list[Sheet]:
    """The Sources sheet: every pack, every national figure with its status, every input with its hash."""
    import pandas as pd

    packs = pd.DataFrame(
        [
            {
                "Pack": p.id,
                "Kind": p.kind.value,
                "Title": p.title,
                "Publisher": p.meta.get("publisher", ""),
                "Publication": p.meta.get("publication", ""),
                "Table": p.meta.get("table", ""),
                "Period": p.meta.get("period", ""),
                "Population base": p.meta.get("population_base", ""),
                "Statuses": ", ".join(p.statuses),
                "URL": p.meta.get("url", ""),
                "Licence": p.meta.get("licence", ""),
            }
            for p in pack_list
        ],
        columns=[
            "Pack",
            "Kind",
            "Title",
            "Publisher",
            "Publication",
            "Table",
            "Period",
            "Population base",
            "Statuses",
            "URL",
            "Licence",
        ],
    )
    figures = []
    for p in pack_list:
        for row in p.data.to_dict("records"):
            figures.append(
                {
                    "Pack": p.id,
                    "Figure": " ".join(
                        str(row.get(k, ""))
                        for k in (
                            "measure",
                            "basis",
                            "item",
                            "category",
                            "sex",
                            "age_band",
                            "population",
                            "year",
                        )
                        if row.get(k)
                    ),
                    "Value": next(
                        (row[k] for k in ("rate_pct", "cost_gbp", "value", "index") if k in row), None
                    ),
                    "Status": row["status"],
                    "Source": row.get("source") or p.citation(),
                    "URL": row.get("url") or p.meta.get("url", ""),
                    "Note": row.get("note", ""),
                }
            )
    figure_frame = pd.DataFrame(
        figures, columns=["Pack", "Figure", "Value", "Status", "Source", "URL", "Note"]
    )
    inputs = pd.DataFrame(
        [{"Role": i.role, "File": i.path.name, "Detail": i.detail, "SHA-256": i.sha256} for i in input_list],
        columns=["Role", "File", "Detail", "SHA-256"],
    )
    tables = [
        Table(
            "sources_packs",
            "Reference packs used",
            packs,
            "needsassess prevalence_rates/ packs (pack.toml)",
            widths={"Title": 50, "Publication": 50, "URL": 50},
        ),
        Table(
            "sources_figures",
            "Every national figure in those packs, with its status [note 1]",
            figure_frame,
            "the packs' csv files",
            widths={"Source": 50, "URL": 50, "Note": 40},
        ),
        Table(
            "sources_inputs",
            "Local input files",
            inputs,
            inputs_source,
            widths={"SHA-256": 66},
        ),
    ]
    return [
        Sheet(
            "Sources",
            "Sources of every figure in this workbook",
            [
                "Each pack is a folder of national figures with its publication, table, period and URL; each input is "
                "listed with its SHA-256 so a rerun can show it used the same data.",
            ],
            tables,
            [],
            "Packs, national figures and local input files used",
        )
    ]


SheetBuilder = Callable[["Assessment"], list[Sheet]]
# Order of the content sheets in the workbook; Sources stays last.
SHEET_BUILDERS: list[SheetBuilder] = [prevalence_sheet, sources_sheet]


def build_sheets(assessment: Assessment) -> list[Sheet]:
    sheets: list[Sheet] = []
    for builder in SHEET_BUILDERS:
        sheets.extend(builder(assessment))
    return sheets
