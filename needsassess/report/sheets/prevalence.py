"""The Prevalence sheet: estimated victims by measure and sex, with the rates and populations behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needsassess.report.model import Chart, Sheet, Table

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.assessment import Assessment
    from needsassess.prevalence import PrevalenceResult


SEX_LABELS = {"female": "Women", "male": "Men", "all": "All"}


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
