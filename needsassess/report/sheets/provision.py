"""The Provision and Reach sheets: published (suppressed) from the provision stage's results.

Presentation only, as the Police sheet: counts of people go through disclosure control
(report/publish.py) before they reach a Table, and a coverage or share whose count is hidden is hidden
with it.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

from needsassess.disclosure import Rule
from needsassess.report.model import Chart, Sheet, Table
from needsassess.report.publish import COUNT, DECIMAL, RATE, disclose, disclosure_note, masked, plain_values

if TYPE_CHECKING:
    from needsassess.provision import ProvisionResult, ReachResult

# --- Provision -----------------------------------------------------------------------------------------


def provision_sheet_for(result: ProvisionResult, rule: Rule) -> Sheet:
    """The Provision sheet: expected provision from the benchmarks against what is stated."""
    import pandas as pd

    items = result.items.set_index("item")
    stated = items["stated"]
    people = items["is_people"] & stated.notna()
    counts = pd.DataFrame({"stated": stated[people].round().astype("int64")})
    hidden_people = pd.Series(False, index=items.index)
    shown_stated: dict[str, Any] = {}
    if len(counts):
        d, h = disclose(counts, rule, "provision_stated")
        shown_stated = dict(d["stated"])
        hidden_people.loc[h.index] = h["stated"].to_numpy()
    base_hidden = pd.Series(
        [bool(hidden_people.get(f, False)) for f in items["needed_from"]], index=items.index
    )
    # what each figure was computed from, and that figure as published (rounded under nhsd)
    published = [shown_stated.get(i, v) for i, v in zip(items.index, plain_values(stated), strict=True)]
    base_stated = [stated.get(f) if f else None for f in items["needed_from"]]
    base_shown = [shown_stated.get(f, stated.get(f)) if f else None for f in items["needed_from"]]
    gap = [
        None if not isinstance(v, numbers.Real) else round(e - v, 1)
        for e, v in zip(items["expected"], published, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "Provision": list(items["label"]),
            "Benchmark": list(items["benchmark"]),
            "Applied to": list(items["base"]),
            "Base": [round(v, 1) for v in items["base_value"]],
            "Expected": [round(v, 1) for v in items["expected"]],
            "Actual": published,
            "Gap (expected less actual)": masked(pd.Series(gap, dtype="float64"), hidden_people, rule),
            "Coverage (%)": masked(items["coverage_pct"], hidden_people, rule, stated, published),
            "Needed for the actual volume": masked(
                items["needed_for_stated"].round(2), base_hidden, rule, base_stated, base_shown
            ),
            "Status": list(items["status"]),
            "Source": list(items["source"]),
        }
    )
    table = Table(
        "provision",
        f"Provision in {result.area_name} against national benchmarks"
        + (f", {result.period}" if result.period else ""),
        frame,
        f"{result.pack.citation()} [{result.pack.id}]; stated provision from assessment.toml; population of "
        f"{result.area_name}",
        notes=[
            "Actual: as stated in [provision] of assessment.toml, or counted from the agency data where the notes "
            "say so. Gap: a positive number is a shortfall against the benchmark, a negative one is provision "
            "above it. Coverage: actual provision as a percentage of expected.",
            "Needed for the actual volume: what the benchmark implies for the actual volume (for example, "
            "IDVAs for the referrals actually received, administrators for the MARAC cases actually heard).",
        ],
        formats={
            "Base": "#,##0",
            "Expected": DECIMAL,
            "Actual": DECIMAL,
            "Gap (expected less actual)": DECIMAL,
            "Coverage (%)": RATE,
            "Needed for the actual volume": "#,##0.00",
        },
        widths={"Provision": 40, "Benchmark": 40, "Applied to": 28, "Source": 50},
    )
    intro = [
        f"Expected local provision for {result.area_name}, from national benchmarks applied to the local "
        "population, against the actual provision.",
        disclosure_note(rule),
        *result.notes,
    ]
    return Sheet(
        "Provision",
        f"Services against recommended provision in {result.area_name}",
        intro,
        [table],
        [],
        "MARAC, IDVA, MARAC administration and refuge provision against national benchmarks",
    )


# --- Reach ---------------------------------------------------------------------------------------------


def reach_sheet_for(result: ReachResult, rule: Rule) -> Sheet:
    """The Reach sheet: the funnel from estimated victims to people supported, as a table and a chart."""
    import pandas as pd

    t = result.table().set_index("key")
    people = t.index[~t["is_estimate"]]
    counts = pd.DataFrame({"value": t.loc[people, "value"].round().astype("int64")})
    hidden = pd.Series(False, index=t.index)
    shown: dict[str, Any] = {}
    if len(counts):
        d, h = disclose(counts, rule, "reach")
        shown = dict(d["value"])
        hidden.loc[h.index] = h["value"].to_numpy()
    # shares from the figures as published (a people count rounded under nhsd; an estimate unrounded)
    basis = [shown.get(k, u) for k, u in zip(t.index, t["unrounded"], strict=True)]
    estimate = t["unrounded"].iloc[0] if bool(t["is_estimate"].iloc[0]) else None
    of_estimated: list[Any] = []
    of_previous: list[Any] = []
    for i, (key, value) in enumerate(zip(t.index, basis, strict=True)):
        before = basis[i - 1] if i else None
        if bool(hidden[key]):
            of_estimated.append(rule.share_marker if i else None)
            of_previous.append(rule.share_marker if i else None)
            continue
        of_estimated.append(100 * value / estimate if i and estimate else None)
        if i and isinstance(before, numbers.Real) and before:
            of_previous.append(100 * value / before)
        else:
            of_previous.append(rule.share_marker if i else None)
    numbers_shown = [shown.get(k, v) for k, v in zip(t.index, t["value"], strict=True)]
    frame = pd.DataFrame(
        {
            "Step": list(t["step"]),
            "What it counts": list(t["counts"]),
            "Number": [int(v) if isinstance(v, float) and v.is_integer() else v for v in numbers_shown],
            "% of estimated victims": of_estimated,
            "% of the step before": of_previous,
            "Source": list(t["source"]),
        }
    )
    table = Table(
        "reach",
        f"From estimated need to support: {result.area_name}",
        frame,
        "needsassess: prevalence, police and service stages of this assessment",
        notes=[result.caveat],
        formats={"Number": COUNT, "% of estimated victims": RATE, "% of the step before": RATE},
        widths={"Step": 36, "What it counts": 60, "Source": 50},
    )
    parts = [
        f"{s}: {n:,}" if isinstance(n, int | float) else f"{s}: {n}"
        for s, n in zip(frame["Step"], frame["Number"], strict=True)
    ]
    chart = Chart(
        kind="bar",
        title=f"From estimated need to support, {result.area_name}",
        table="reach",
        categories="Step",
        values=["Number"],
        alt_text="Bar chart, a funnel from estimated victims to people supported. " + "; ".join(parts) + ".",
        y_title="People",
    )
    intro = [
        f"How much of the estimated need in {result.area_name} reaches the police and specialist services.",
        result.caveat,
        disclosure_note(rule),
    ]
    intro += [f"Not shown: {label}, because {why}." for label, why in result.missing]
    return Sheet(
        "Reach",
        f"Reach: estimated victims, reported, referred and supported in {result.area_name}",
        intro,
        [table],
        [chart],
        "The funnel from estimated victims to people reported, referred and supported",
    )
