"""The Cost sheet: each method's total, categories, items and what was not costed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needsassess.report.model import Chart, Sheet, Table
from needsassess.report.sheets.prevalence import SEX_LABELS

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.assessment import Assessment
    from needsassess.costs import CostResult


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
