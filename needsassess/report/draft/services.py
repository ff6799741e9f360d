"""The sections on services against need: the reach funnel and provision against benchmarks.

Feeds templates/sections/reporting.md.j2 (estimated victims, reported to the police, referred to and
supported by services, with the funnel chart) and provision.md.j2 (local provision against SafeLives and
Council of Europe benchmarks).
"""

from __future__ import annotations

from typing import Any

from needsassess.report.draft.values import (
    BuildState,
    count_text,
    markdown_table,
    md_text,
    organisation,
    percent_text,
    rounded,
    rounding_rule,
    shown_count,
)


def reporting_section(state: BuildState) -> dict[str, Any] | str:
    """The reach funnel: estimated victims, reported to the police, referred to and supported by services."""
    from needsassess.report.charts import funnel_chart

    a = state.assessment
    reach = a.reach
    if reach is None or len(reach.steps) < 2:
        return (
            "no police or service counts to set beside the estimated victims; add a [police] extract or "
            "people referred and supported to [provision]"
        )
    table = reach.table()
    steps: list[dict[str, Any]] = []
    for r, step in zip(table.to_dict("records"), reach.steps, strict=True):
        if step.is_estimate:
            value: int | str = int(r["value"])
        else:
            value = shown_count(a, r["value"])
        share = r["pct_of_estimated"]
        steps.append(
            {
                "key": step.key,
                "label": step.label,
                "counts": step.counts,
                "value": value,
                "of_estimated": None if share != share or share is None else float(share) / 100,
                "estimate": step.is_estimate,
            }
        )
    plotted = [s for s in steps if isinstance(s["value"], int)]
    chart = state.charts.add(
        funnel_chart(
            "reach_funnel",
            f"From estimated victims to people supported, {a.area_name}",
            [s["label"] for s in plotted],
            [float(s["value"]) for s in plotted],
        )
    )
    return {
        "steps": steps,
        "table": markdown_table(
            ["Step", "Number", "Per cent of the estimate", "What is counted"],
            [
                [
                    s["label"],
                    count_text(s["value"]),
                    "" if s["of_estimated"] is None else percent_text(s["of_estimated"]),
                    md_text(s["counts"]),
                ]
                for s in steps
            ],
            numeric=(1, 2),
        ),
        "estimated": next((s for s in steps if s["estimate"]), None),
        "missing": [{"label": label, "why": why} for label, why in reach.missing],
        "caveat": reach.caveat,
        "chart": chart,
    }


def provision_section(state: BuildState) -> dict[str, Any] | str:
    """Local provision against national benchmarks (SafeLives, Council of Europe)."""
    a = state.assessment
    prov = a.provision
    if prov is None or prov.items.empty:
        return "no provision figures in this assessment; add a [provision] section to assessment.toml"
    items = []
    for r in prov.items.to_dict("records"):
        people = bool(r["is_people"])
        expected = rounded(r["expected"], rounding_rule(a)) if people else round(float(r["expected"]), 1)
        stated = r["stated"]
        has = stated == stated and stated is not None
        stated_value = (int(stated) if people else float(stated)) if has else None
        items.append(
            {
                "id": r["item"],
                "label": str(r["label"]),
                "benchmark": str(r["benchmark"]),
                "expected": expected,
                "stated": stated_value,
                "expected_text": count_text(expected) if people else f"{expected:g}",
                "stated_text": ""
                if stated_value is None
                else (count_text(shown_count(a, stated_value)) if people else f"{stated_value:g}"),
                "coverage": float(r["coverage_pct"]) / 100
                if has and r["coverage_pct"] == r["coverage_pct"]
                else None,
                "short": has and float(stated) < float(r["expected"]),
                "people": people,
                "status": str(r["status"]),
            }
        )
    return {
        "period": prov.period,
        "publisher": organisation(str(prov.pack.meta.get("publisher", ""))),
        "lines": items,
        "notes": list(prov.notes),
        "table": markdown_table(
            ["Provision", "Benchmark", "Expected", "In place", "Per cent of expected"],
            [
                [
                    i["label"],
                    i["benchmark"],
                    i["expected_text"],
                    i["stated_text"] or "not stated",
                    "" if i["coverage"] is None else percent_text(i["coverage"]),
                ]
                for i in items
            ],
            numeric=(2, 3, 4),
        ),
    }
