"""Turn an Assessment into the Sheets and Tables every writer shares (presentation only, no arithmetic
beyond arranging computed values). Each stage adds one builder to SHEET_BUILDERS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.report.model import Chart, Note, Sheet, Table
from needsassess.report.workbook import Cover

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from needsassess.assessment import Assessment, InputFile
    from needsassess.costs import CostResult
    from needsassess.disclosure import SuppressionEntry
    from needsassess.packs import Pack
    from needsassess.prevalence import PrevalenceResult
    from needsassess.profile.client_profile import ClientProfile
    from needsassess.profile.publish import PublishedProfile, PublishedTable

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
            "population"
            + (
                ", and the needs profile of the clients of local services (victims, perpetrators and safe "
                "accommodation)"
                if assessment.published_profile is not None
                else ""
            )
            + ", with every figure traced to its source on the Sources sheet.",
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
    return Cover(
        config.title,
        lines,
        config.protective_marking,
        build_notes(assessment),
        build_notes_tables(assessment),
    )


def _disclosure_text(assessment: Assessment) -> str:
    rule = assessment.disclosure_rule
    text = (
        f"Tables of counts of people follow the small-number rule {rule.describe()} "
        "Estimates from national rates are not counts of individuals and are not suppressed."
    )
    hidden = len(assessment.suppression_log)
    if hidden:
        text += (
            f" {hidden:,} cell{'s are' if hidden != 1 else ' is'} hidden in this workbook; the suppression log "
            "on the Notes sheet gives the table, the cell and the rule for each."
        )
    return text


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
    if assessment.published_profile is not None:
        notes += _profile_notes(assessment.published_profile)
    return notes


def build_notes_tables(assessment: Assessment) -> list[Table]:
    """The suppression log: every hidden cell of every published table, and why."""
    return _suppression_log_tables(assessment.suppression_log)


def _profile_notes(published: PublishedProfile) -> list[Note]:
    applies = ", ".join(PROFILE_SHEETS)
    return [
        Note(
            f"Small-number suppression, {published.rule.describe()} Every hidden cell is listed in the "
            "suppression log below, with the rule that hid it.",
            applies,
        ),
        Note(
            "Every share is of those for whom the item was recorded (the base); the number not recorded is "
            "shown beside it and is left out of the base. People are counted once per agency and once in All "
            "agencies; referrals are every referral.",
            applies,
        ),
    ]


def _suppression_log_tables(log: list[SuppressionEntry]) -> list[Table]:
    from needsassess.disclosure import log_frame

    if not log:
        return []
    return [
        Table(
            "suppression_log",
            "Suppression log: each hidden cell, and the rule that hid it",
            log_frame(log),
            "needsassess disclosure control",
            [
                "primary = a small count; secondary = hidden so that a small count cannot be worked out from "
                "the totals; share = a share or statistic of a hidden count; withheld = a table that could "
                "not be protected cell by cell. Hidden values themselves are never logged."
            ],
            widths={"Table": 40, "Row": 50, "Column": 24, "Rule": 50},
        )
    ]


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


MONEY = "£#,##0"
GIVEN = ("complete", "partial")


def cost_sheet(assessment: Assessment) -> list[Sheet]:
    if not assessment.costs:
        return []
    from needsassess.costs import METHOD_DESCRIPTIONS, METHOD_LABELS

    area = assessment.area_name
    intro = [
        f"Estimated cost to society of domestic abuse in {area}. Each method gives a total, a breakdown by "
        "cost category and the cost per head of the whole population, with its unit costs, price year and uplift.",
        *(f"Cost {METHOD_LABELS[r.method]}: {METHOD_DESCRIPTIONS[r.method]}." for r in assessment.costs),
        "[x] = not available: the unit-cost pack has no figure for that category.",
    ]
    tables = [_cost_summary_table(assessment.costs)]
    charts = []
    for i, result in enumerate(assessment.costs, 1):
        categories = _cost_categories_table(result, f"cost_categories_{i}")
        tables.append(categories)
        plotted = int(categories.frame["Coverage"].isin([*GIVEN, "remainder"]).sum())
        if plotted:
            charts.append(
                Chart(
                    kind="bar",
                    title=f"Cost {METHOD_LABELS[result.method]} by category, {area} ({result.price_year} prices)",
                    table=categories.name,
                    categories="Category",
                    values=["Cost (£)"],
                    rows=slice(0, plotted),
                    alt_text=_cost_alt_text(result, categories.frame.iloc[:plotted]),
                    y_title=f"£, {result.price_year} prices",
                )
            )
        tables.append(_cost_items_table(result, f"cost_items_{i}"))
        if len(result.not_costed):
            tables.append(_not_costed_table(result, f"cost_not_costed_{i}"))
    return [
        Sheet(
            "Cost",
            f"Estimated cost of domestic abuse in {area}",
            intro,
            tables,
            charts,
            "Cost to society per victim and per recorded crime, by category",
        )
    ]


def _cost_source(result: CostResult) -> str:
    return f"{result.pack.citation()} [{result.pack_id}]; {result.pack.meta.get('url', '')}"


def _cost_summary_table(results: list[CostResult]) -> Table:
    import pandas as pd

    from needsassess.costs import METHOD_LABELS

    frame = pd.DataFrame(
        {
            "Method": [METHOD_LABELS[r.method].capitalize() for r in results],
            "Total (£)": [r.total_gbp for r in results],
            "Per head (£)": [r.per_head_gbp for r in results],
            "Residents (all ages)": [r.population for r in results],
            "Price year": [r.price_year for r in results],
            "Unit costs in": [r.pack_price_year for r in results],
            "Uplift factor": [r.uplift_factor for r in results],
            "Unit costs pack": [r.pack_id for r in results],
            "Counts": [r.counts_source for r in results],
        }
    )
    return Table(
        name="cost_summary",
        title="Cost of domestic abuse by method (unrounded; quote rounded figures)",
        frame=frame,
        source="needsassess estimate: " + "; ".join(f"{r.pack_id} x {r.counts_source}" for r in results),
        notes=[
            "The two methods count different things and are not added together: per victim covers the whole "
            "period of abuse of the estimated victims; per recorded crime covers reported crimes only."
        ],
        formats={
            "Total (£)": MONEY,
            "Per head (£)": "£#,##0.00",
            "Residents (all ages)": "#,##0",
            "Uplift factor": "0.0000",
        },
        widths={"Counts": 60},
    )


def _cost_categories_table(result: CostResult, name: str) -> Table:
    import pandas as pd

    from needsassess.costs import METHOD_LABELS

    c = result.categories
    order = [*GIVEN, "remainder", "not available", "total"]
    c = c.assign(_order=c["coverage"].map(order.index)).sort_values("_order", kind="stable")
    frame = pd.DataFrame(
        {
            "Category": c["label"].to_list(),
            "Cost (£)": c["cost_gbp"].to_list(),
            "Coverage": c["coverage"].to_list(),
            "Status": c["status"].to_list(),
            "Note": c["note"].to_list(),
        }
    )
    return Table(
        name=name,
        title=f"Cost {METHOD_LABELS[result.method]} by category, {result.price_year} prices",
        frame=frame,
        source=_cost_source(result),
        notes=list(result.caveats),
        formats={"Cost (£)": MONEY},
        widths={"Category": 40, "Note": 60},
    )


def _cost_items_table(result: CostResult, name: str) -> Table:
    import pandas as pd

    from needsassess.costs import CostMethod, offence_label

    items = result.items
    if result.method is CostMethod.PER_VICTIM:
        frame = pd.DataFrame(
            {
                "Victims": items["group"].map(SEX_LABELS).to_list(),
                "Estimated victims": items["victims"].to_list(),
                "Cost per victim (£)": items["unit_cost_gbp"].to_list(),
                "Cost (£)": items["cost_gbp"].to_list(),
                "Status": items["status"].to_list(),
            }
        )
        title = "Cost per victim by sex"
        formats = {"Estimated victims": "#,##0.0", "Cost per victim (£)": MONEY, "Cost (£)": MONEY}
    else:
        frame = pd.DataFrame(
            {
                "Offence type": items["item"].map(offence_label).to_list(),
                "As named in the file": items["offence"].to_list(),
                "Crimes": items["count"].to_list(),
                "Cost per offence (£)": items["unit_cost_gbp"].to_list(),
                "Cost (£)": items["cost_gbp"].to_list(),
                "Status": items["status"].to_list(),
            }
        )
        title = "Cost by offence type"
        formats = {"Crimes": "#,##0", "Cost per offence (£)": MONEY, "Cost (£)": MONEY}
    return Table(
        name=name,
        title=f"{title}, {result.price_year} prices",
        frame=frame,
        source=f"{result.counts_source} x {_cost_source(result)}",
        formats=formats,
    )


def _not_costed_table(result: CostResult, name: str) -> Table:
    import pandas as pd

    from needsassess.costs import offence_label

    n = result.not_costed
    frame = pd.DataFrame(
        {
            "Offence type": n["item"].map(offence_label).to_list(),
            "As named in the file": n["offence"].to_list(),
            "Crimes": n["count"].to_list(),
            "Reason": n["reason"].to_list(),
        }
    )
    return Table(
        name=name,
        title="Crimes not costed (counted, but the pack has no cost for them)",
        frame=frame,
        source=result.counts_source,
        formats={"Crimes": "#,##0"},
    )


def _cost_alt_text(result: CostResult, frame: pd.DataFrame) -> str:
    from needsassess.costs import METHOD_LABELS

    parts = [f"{row['Category']} £{row['Cost (£)']:,.0f}" for row in frame.to_dict("records")]
    return (
        f"Bar chart of the cost {METHOD_LABELS[result.method]} of domestic abuse in {result.price_year} prices, "
        f"by category. " + "; ".join(parts) + f". Total £{result.total_gbp:,.0f}."
    )


PROFILE_SHEETS = ("Victims", "Perpetrators", "Safe accommodation")


def victims_sheet(assessment: Assessment) -> list[Sheet]:
    return _victims(assessment.client_profile, assessment.published_profile, assessment.area_name)


def perpetrators_sheet(assessment: Assessment) -> list[Sheet]:
    return _perpetrators(assessment.client_profile, assessment.published_profile, assessment.area_name)


def safe_accommodation_sheet(assessment: Assessment) -> list[Sheet]:
    return _safe_accommodation(assessment.client_profile, assessment.published_profile, assessment.area_name)


def build_profile_summary(
    profile: ClientProfile, published: PublishedProfile, title: str, created: datetime
) -> tuple[Cover, list[Sheet]]:
    """The workbook of `needsassess profile --summary`: cover, notes with the suppression log, and the
    Victims, Perpetrators and Safe accommodation sheets."""
    area = "the area"
    sheets = (
        _victims(profile, published, area)
        + _perpetrators(profile, published, area)
        + _safe_accommodation(profile, published, area)
    )
    agencies = ", ".join(
        dict.fromkeys(
            a
            for part in (profile.victims, profile.perpetrators, profile.safe_accommodation)
            if part is not None
            for a in part.agencies
        )
    )
    hidden = len(published.log)
    lines = [
        (
            "About this workbook",
            f"Needs profile of the clients of {agencies}: victims, perpetrators and safe accommodation, "
            "from agency records merged and pseudonymised by needsassess.",
        ),
        ("Produced", f"{created:%d %B %Y} with needsassess {__version__}"),
        (
            "Disclosure control",
            f"Small-number rule {published.rule.describe()} {hidden:,} cell{'s are' if hidden != 1 else ' is'} "
            "hidden; the suppression log on the Notes sheet gives the table, the cell and the rule for each.",
        ),
    ]
    notes = _profile_notes(published)
    tables = _suppression_log_tables(published.log)
    return Cover(title, lines, "OFFICIAL", notes, tables), sheets


def _victims(profile: ClientProfile | None, published: PublishedProfile | None, area: str) -> list[Sheet]:
    if published is None or profile is None or profile.victims is None or not published.victims:
        return []
    agencies = ", ".join(profile.victims.agencies)
    return [
        _profile_sheet(
            "Victims",
            f"Victims and survivors supported by local services in {area}",
            [
                f"Clients of {agencies}: who they are, their needs, the abuse they experienced and their outcomes.",
                "Each share is of those for whom it was recorded; the number not recorded is shown beside it.",
            ],
            published.victims,
            f"agency client records ({agencies}), merged and pseudonymised by needsassess",
            "Profile of victims: demographics, needs, abuse, outcomes",
        )
    ]


def _perpetrators(
    profile: ClientProfile | None, published: PublishedProfile | None, area: str
) -> list[Sheet]:
    if published is None or profile is None or profile.perpetrators is None or not published.perpetrators:
        return []
    agencies = ", ".join(profile.perpetrators.agencies)
    return [
        _profile_sheet(
            "Perpetrators",
            f"Perpetrators of domestic abuse in {area}",
            [f"Perpetrators in the records of {agencies}: sex, age, needs and domestic abuse history."],
            published.perpetrators,
            f"perpetrator records ({agencies}), merged and pseudonymised by needsassess",
            "Profile of perpetrators: sex, age, needs, previous record",
        )
    ]


def _safe_accommodation(
    profile: ClientProfile | None, published: PublishedProfile | None, area: str
) -> list[Sheet]:
    if published is None or profile is None or profile.safe_accommodation is None:
        return []
    agencies = ", ".join(profile.safe_accommodation.agencies)
    intro = [
        "Laid out as the Domestic Abuse Act 2021 Part 4 annual data return asks, so that the figures can be "
        "copied across: people supported by accommodation type, specialist characteristics, households "
        "unable to be supported, support ended, move-on destinations and households from outside the area.",
    ]
    return [
        _profile_sheet(
            "Safe accommodation",
            f"Domestic abuse safe accommodation (Part 4) in {area}",
            intro,
            published.safe_accommodation,
            f"safe-accommodation service records ({agencies}), merged and pseudonymised by needsassess",
            "Part 4 safe-accommodation return tables",
        )
    ]


def _profile_sheet(
    name: str, title: str, intro: list[str], tables: list[PublishedTable], source: str, description: str
) -> Sheet:
    sheet_tables, charts = [], []
    for t in tables:
        sheet_tables.append(
            Table(
                t.name,
                t.title,
                t.frame,
                f"{source}. Base: {t.base}",
                list(t.notes),
                formats=dict(t.formats),
                widths={"Characteristic": 44, "Value": 30},
            )
        )
        if t.chart_rows:
            rows = t.frame.iloc[: t.chart_rows]
            charts.append(
                Chart(
                    kind="bar",
                    title=f"{t.title}: share of people, all agencies",
                    table=t.name,
                    categories=t.chart_category,
                    values=[t.chart_value],
                    alt_text=_profile_alt_text(t.title, rows, t.chart_category, t.chart_value),
                    x_title="Share of those recorded (%)",
                    rows=slice(0, t.chart_rows),
                )
            )
    return Sheet(name, title, intro, sheet_tables, charts, description)


def _profile_alt_text(title: str, rows: pd.DataFrame, category: str, value: str) -> str:
    parts = []
    for label, share in zip(rows[category], rows[value], strict=True):
        if isinstance(share, int | float) and share == share:
            parts.append(f"{label} {share:.1f}%")
        else:
            parts.append(f"{label} not shown (suppressed or not recorded)")
    return (
        f"Bar chart of {title.lower()}, share of people for whom it was recorded, all agencies: "
        + "; ".join(parts)
        + "."
    )


def sources_sheet(assessment: Assessment) -> list[Sheet]:
    return build_sources_sheet(list(assessment.packs.values()), assessment.inputs, assessment.downloads)


def build_sources_sheet(
    pack_list: list[Pack],
    input_list: list[InputFile],
    download_list: Sequence[Any] = (),
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
    downloaded = [
        {
            "Role": f"{d.role} (downloaded)",
            "File": s["url"],
            "Detail": f"{d.title}; {d.detail}; retrieved {s['retrieved']}"
            + ("; cached copy" if s["from_cache"] else ""),
            "SHA-256": s["sha256"],
        }
        for d in download_list
        for s in d.sources
    ]
    inputs = pd.DataFrame(
        [{"Role": i.role, "File": i.path.name, "Detail": i.detail, "SHA-256": i.sha256} for i in input_list]
        + downloaded,
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
            "Local input files and downloads" if downloaded else "Local input files",
            inputs,
            inputs_source + ("; downloads with their URL and retrieval date (UTC)" if downloaded else ""),
            widths={"SHA-256": 66, "File": 50} if downloaded else {"SHA-256": 66},
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


def _disclosure_rule(assessment: Assessment):
    from needsassess.disclosure import get_rule

    section = assessment.config.section("disclosure")
    return get_rule(section.get("preset", "lt5"), threshold=section.get("threshold"))


def _disclosed(frame: pd.DataFrame, rule, name: str, total_row: str | None = None) -> pd.DataFrame:
    """Counts of people as published: small counts hidden, with secondary suppression across a margin."""
    from needsassess.disclosure import apply_disclosure

    if frame.empty:
        return frame
    shown = apply_disclosure(frame, rule, table_name=name, total_row=total_row).display
    return shown.reset_index()


AGENCY_SOURCE = "agency client records named under [[agencies]] in the assessment configuration"


def agencies_sheet(assessment: Assessment) -> list[Sheet]:
    """Referrals and people per agency, and the overlap between agencies (counts of people suppressed)."""
    import pandas as pd

    result = assessment.agencies
    if result is None:
        return []
    rule = _disclosure_rule(assessment)
    people = result.people
    tables = []
    for record_type, label in (("victim", "victims and survivors"), ("perpetrator", "perpetrators")):
        rows = people[people["record_type"] == record_type]
        if rows.empty:
            continue
        counts = rows.set_index("agency")[["referrals", "people", "repeat_referrals"]].astype(int)
        counts.index.name = "Agency"
        counts.columns = ["Referrals", "People", "Repeat referrals"]
        tables.append(
            Table(
                f"agency_people_{record_type}",
                f"Referrals and people, {label}, by agency",
                _disclosed(counts, rule, f"agency_people_{record_type}"),
                AGENCY_SOURCE,
                notes=[
                    "People: distinct pseudonymous person keys. A person referred twice to one agency is one "
                    "person and two referrals; in All agencies a person known to several agencies counts once."
                ],
            )
        )
    overlap = result.overlap
    by_count = overlap.by_count[overlap.by_count["record_type"] == "victim"]
    if len(by_count):
        frame = by_count.set_index("agencies_known_to")[["people"]].astype(int)
        frame.index = [f"{k} agenc{'y' if k == '1' else 'ies'}" for k in frame.index]
        frame.loc["All people"] = int(frame["people"].sum())
        frame.index.name = "Known to"
        frame.columns = ["People"]
        tables.append(
            Table(
                "agency_overlap",
                "Victims and survivors known to one, two, three or more agencies",
                _disclosed(frame, rule, "agency_overlap", total_row="All people"),
                AGENCY_SOURCE,
                notes=[
                    "Matched on a pseudonymous key (first initial, surname Soundex, date of birth); people "
                    "without a name and date of birth cannot be matched across agencies and count as known to one."
                ],
            )
        )
    pairs = overlap.pairs[overlap.pairs["record_type"] == "victim"]
    if len(pairs):
        frame = pd.DataFrame(
            {"People": pairs["people"].astype(int).to_numpy()},
            index=pd.Index(
                [f"{a} and {b}" for a, b in zip(pairs["agency_a"], pairs["agency_b"], strict=True)],
                name="Agencies",
            ),
        )
        tables.append(
            Table(
                "agency_pairs",
                "Victims and survivors known to both agencies of each pair",
                _disclosed(frame, rule, "agency_pairs"),
                AGENCY_SOURCE,
            )
        )
    intro = [
        f"Clients of local domestic abuse services in {assessment.area_name}, from "
        f"{_tables_from_files(result.reconciliation.files)}: read as sent, mapped to one client schema, "
        "pseudonymised and de-duplicated. No name, date of birth or other identifier is kept.",
        f"Counts of people from 1 to {rule.threshold - 1} are shown as {rule.marker}; "
        f"{rule.secondary_marker} hides a further count so that a hidden one cannot be worked out.",
        "The Data quality sheet shows how every row of every file was used.",
    ]
    return [
        Sheet(
            "Agency clients",
            f"Agency clients in {assessment.area_name}: referrals, people and overlap",
            intro,
            tables,
            [],
            "Referrals and people per agency, and people known to several agencies",
        )
    ]


def _tables_from_files(files: list) -> str:
    count = len({f.file for f in files})
    noun = f"{count} agency file{'s' if count != 1 else ''}"
    return noun if count == len(files) else f"{len(files)} tables in {noun}"


def data_quality_sheet(assessment: Assessment) -> list[Sheet]:
    """Every row of every agency file: used, rejected or set aside, with file, sheet, row and reason."""
    import pandas as pd

    result = assessment.agencies
    if result is None:
        return []
    recon = result.reconciliation
    summary = recon.summary_frame()
    summary["header_row"] = summary["header_row"].astype(object).where(summary["header_row"].notna(), "")
    summary = summary.rename(
        columns={
            "agency": "Agency",
            "file": "File",
            "sheet": "Sheet",
            "header_row": "Header row",
            "rows_read": "Rows read",
            "rows_used": "Rows used",
            "rows_rejected": "Rows rejected",
            "rows_set_aside": "Rows set aside",
            "cells_not_recorded": "Cells set to not recorded",
        }
    )
    for column in ("Rows read", "Rows used", "Rows rejected", "Rows set aside", "Cells set to not recorded"):
        summary[column] = summary[column].astype(int)
    issues = recon.issues_frame().rename(columns=str.capitalize)
    issues["Count"] = issues["Count"].astype(int)
    unmapped = pd.DataFrame(
        [
            {"File": f.file, "Sheet": f.sheet or "", "Column": c}
            for f in recon.files
            for c in f.unmapped_columns
        ],
        columns=["File", "Sheet", "Column"],
    )
    tables = [
        Table(
            "data_quality_files",
            "Rows read = rows used + rows rejected + rows set aside, by file",
            summary,
            AGENCY_SOURCE,
            notes=[
                "Header row: the spreadsheet row of the column headers, found by needsassess or set in the mapping."
            ],
        ),
        Table(
            "data_quality_rows",
            "Rows rejected or set aside, and cells set to not recorded",
            issues,
            AGENCY_SOURCE,
            notes=[
                "Rejected: a field whose rule is reject was bad (a missing or future referral date). Set aside: "
                "not a client row (blank, totals, a note under the table, a repeated header). Warning: the row "
                "was used and the cell set to not recorded."
            ],
            widths={"Reason": 70, "Column": 30, "Rows": 24},
        ),
    ]
    if len(unmapped):
        tables.append(
            Table(
                "data_quality_unmapped",
                "Columns not read (not mapped to any field)",
                unmapped,
                "the mappings; map a column in its TOML to read it",
            )
        )
    rows_read = sum(f.rows_read for f in recon.files)
    return [
        Sheet(
            "Data quality",
            "Data quality: how every row of every agency file was used",
            [
                f"{rows_read:,} rows read from {_tables_from_files(recon.files)}: "
                f"{sum(f.rows_used for f in recon.files):,} used, {sum(f.rows_rejected for f in recon.files):,} "
                f"rejected, {sum(f.rows_set_aside for f in recon.files):,} set aside.",
                "Values that may identify someone are never shown here; fix a file or its mapping and run again.",
            ],
            tables,
            [],
            "Rows read, used, rejected and set aside, with each row's reason",
        )
    ]


def police_sheet(assessment: Assessment) -> list[Sheet]:
    """The Police sheet, as its stage published it (counts through disclosure control)."""
    sheet = assessment.published.get("police")
    return [sheet] if sheet is not None else []


def provision_sheet(assessment: Assessment) -> list[Sheet]:
    """The Provision sheet, as its stage published it (counts through disclosure control)."""
    sheet = assessment.published.get("provision")
    return [sheet] if sheet is not None else []


def reach_sheet(assessment: Assessment) -> list[Sheet]:
    """The Reach sheet, as its stage published it (counts through disclosure control)."""
    sheet = assessment.published.get("reach")
    return [sheet] if sheet is not None else []


SheetBuilder = Callable[["Assessment"], list[Sheet]]
# Order of the content sheets in the workbook; Sources stays last.
SHEET_BUILDERS: list[SheetBuilder] = [
    prevalence_sheet,
    cost_sheet,
    agencies_sheet,
    victims_sheet,
    perpetrators_sheet,
    safe_accommodation_sheet,
    police_sheet,
    provision_sheet,
    reach_sheet,
    data_quality_sheet,
    sources_sheet,
]


def build_sheets(assessment: Assessment) -> list[Sheet]:
    sheets: list[Sheet] = []
    for builder in SHEET_BUILDERS:
        sheets.extend(builder(assessment))
    return sheets
