"""The cost section: what domestic abuse costs the area, by each method the cost stage ran.

Feeds templates/sections/cost.md.j2: the total and per head, the categories (with their chart), the
offences or victims counted, and what could not be costed.
"""

from __future__ import annotations

from typing import Any

from needsassess.report.draft.values import (
    BuildState,
    markdown_table,
    organisation,
    rounded,
    rounding_rule,
    shown_count,
)


def _money_text(value: float) -> str:
    """Money in words for a table cell or a chart label: 15_040_000 -> "£15 million"."""
    from needsassess.phrasing import money_phrase

    return money_phrase(value)


def _axis_money(value: float) -> str:
    """Axis ticks in millions where the values run to millions: £0m, £20m ..."""
    return f"£{value / 1e6:,.0f}m" if abs(value) >= 1e6 else f"£{value:,.0f}"


def cost_section(state: BuildState) -> dict[str, Any] | str:
    """Cost to the area, by each method the cost stage ran: total, per head, categories, what is missing."""
    from needsassess.costs import CostMethod
    from needsassess.report.charts import bar_chart

    a = state.assessment
    if not a.costs:
        return "no cost estimate in this assessment; add a [cost] section to assessment.toml"
    rule = rounding_rule(a)
    results = []
    for i, c in enumerate(a.costs, 1):
        cats = c.categories
        given = cats[cats["coverage"].isin(["complete", "partial", "remainder"])]
        given = given[given["cost_gbp"] > 0].sort_values("cost_gbp", ascending=False)
        given = given.sort_values("coverage", key=lambda s: s == "remainder", kind="stable")  # remainder last
        categories = [
            {
                "id": r["category"],
                "label": r["label"],
                "cost": float(r["cost_gbp"]),
                "partial": r["coverage"] == "partial",
            }
            for r in given.to_dict("records")
        ]
        items = c.items.sort_values("cost_gbp", ascending=False)
        per_crime = c.method is CostMethod.PER_CRIME
        counted = float(c.items["count"].sum()) if per_crime else float(c.items["victims"].sum())
        not_costed = [
            {"offence": str(r["offence"]).lower(), "count": shown_count(a, r["count"])}
            for r in c.not_costed.to_dict("records")
        ]
        top = items.iloc[0] if len(items) and items.iloc[0]["cost_gbp"] > 0 else None
        chart = None
        if categories:
            chart = state.charts.add(
                bar_chart(
                    f"cost_by_category_{i}",
                    f"Estimated cost {'per recorded crime' if per_crime else 'per victim'} by category, "
                    f"{a.area_name} ({c.price_year} prices)",
                    [x["label"] for x in categories],
                    {"Cost": [x["cost"] for x in categories]},
                    axis_label=f"£, {c.price_year} prices",
                    fmt=_money_text,
                    axis_fmt=_axis_money,
                )
            )
        results.append(
            {
                "method": c.method.value,
                "total": float(c.total_gbp),
                "per_head": None if c.per_head_gbp is None else float(c.per_head_gbp),
                "price_year": c.price_year,
                "pack_price_year": c.pack_price_year,
                "uplifted": c.uplifted,
                "publisher": organisation(str(c.pack.meta.get("publisher", ""))),
                "publication": str(c.pack.meta.get("publication", "") or c.pack.title),
                "crimes": shown_count(a, counted + float(c.not_costed["count"].sum())) if per_crime else None,
                "victims": None if per_crime else rounded(counted, rule),
                "categories": categories,
                "not_available": [
                    str(label).lower() for label in cats.loc[cats["coverage"] == "not available", "label"]
                ],
                "not_costed": not_costed,
                "top_item": None
                if top is None
                else {
                    "name": str(top.get("offence", top.get("group", ""))).lower(),
                    "cost": float(top["cost_gbp"]),
                },
                "not_verified": [s for s in c.statuses if s != "verified"],
                "chart": chart,
                "table": markdown_table(
                    ["Cost category", "Estimated cost"],
                    [
                        [x["label"] + (" (partial)" if x["partial"] else ""), _money_text(x["cost"])]
                        for x in categories
                    ]
                    + [["Total", _money_text(float(c.total_gbp))]],
                    numeric=(1,),
                ),
            }
        )
    return {"results": results}
