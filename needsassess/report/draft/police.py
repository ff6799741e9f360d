"""The police section: volumes and rates, change, repeats, risk, victims, peers, deprivation, trend.

Feeds templates/sections/police.md.j2 with the police stage's counts (shown under the disclosure rule),
its rates per 1,000, the area's rank among its peers, and the monthly chart.
"""

from __future__ import annotations

from typing import Any

from needsassess.report.draft.values import BuildState, count_text, markdown_table, md_text, shown_count

ORDINALS = ("", "", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def rank_phrase(rank: int, of: int) -> str:
    """1 of 5 -> "the highest", 2 -> "the second highest", 5 of 5 -> "the lowest"."""
    if rank == 1:
        return "the highest"
    if rank == of:
        return "the lowest"
    return f"the {ORDINALS[rank] if rank < len(ORDINALS) else f'{rank}th'} highest"


def _rate_1000(value: Any) -> str:
    """A rate per 1,000 for the peers table: 12.345 -> "12.3"."""
    if value is None or value != value:
        return "not available"
    return f"{float(value):,.1f}"


def police_section(state: BuildState) -> dict[str, Any] | str:
    """The police picture: volumes and rates, change, repeats, risk, victims, peers, deprivation, trend."""
    from needsassess.report.charts import line_chart

    a = state.assessment
    p = a.police
    if p is None or not p.figures.get("incidents"):
        return "no police incident extract in this assessment; add a [police] section to assessment.toml"
    f = p.figures
    summary = {r["key"]: r for r in p.summary.to_dict("records")}

    def share(key: str, of: str) -> float | None:
        return f[key] / f[of] if f.get(of) else None

    change = {}
    if p.year_on_year is not None:
        for r in p.year_on_year.to_dict("records"):
            if r["pct_change"] == r["pct_change"] and r["pct_change"] is not None:
                change[r["key"]] = {
                    "share": abs(float(r["pct_change"])) / 100,
                    "up": r["change"] > 0,
                    "same": r["change"] == 0,
                }
    victims = p.victims
    ages = [i for i in victims.index if i not in ("Total", "Not recorded")]
    aged = float(victims.loc[ages, "Total"].sum()) if ages else 0
    young = [i for i in ("18-24", "25-34") if i in victims.index]
    peers = None
    if p.peers is not None and len(p.peers) > 2:
        areas = p.peers[p.peers["area_code"].astype(str) != ""]
        areas = areas[areas["area_name"] != p.total_name]
        ranked = areas.sort_values("incidents_per_1000", ascending=False).reset_index(drop=True)
        position = ranked.index[ranked["area_code"] == p.area_code]
        total = p.peers[p.peers["area_name"] == p.total_name]
        if len(position):
            rank = int(position[0]) + 1
            rows = []
            for r in ranked.to_dict("records"):
                rows.append(
                    [str(r["area_name"])]
                    + [
                        _rate_1000(r.get(f"{k}_per_1000"))
                        for k in ("incidents", "crimes", "repeat_incidents", "high_risk")
                    ]
                )
            for r in total.to_dict("records"):
                rows.append(
                    [str(r["area_name"])]
                    + [
                        _rate_1000(r.get(f"{k}_per_1000"))
                        for k in ("incidents", "crimes", "repeat_incidents", "high_risk")
                    ]
                )
            peers = {
                "rank": rank_phrase(rank, len(ranked)),
                "areas": len(ranked),
                "total_name": md_text(p.total_name),
                "total_rate": float(total["incidents_per_1000"].iloc[0]) if len(total) else None,
                "table": markdown_table(
                    [
                        "Area",
                        "Incidents per 1,000",
                        "Crimes per 1,000",
                        "Repeat incidents per 1,000",
                        "High risk per 1,000",
                    ],
                    rows,
                    numeric=(1, 2, 3, 4),
                ),
            }
    deprivation = None
    if p.most_deprived is not None and len(p.most_deprived) >= 2:
        most, other = p.most_deprived.iloc[0], p.most_deprived.iloc[1]
        deprivation = {
            "units": int(most["units"]),
            "unit": "wards" if p.deprivation_level == "ward" else "neighbourhoods (LSOAs)",
            "share": float(most["share_pct"]) / 100,
            "rate": float(most["per_1000"]),
            "other_rate": float(other["per_1000"]),
        }
    trend = p.monthly
    chart = None
    if len(trend) >= 3:
        chart = state.charts.add(
            line_chart(
                "police_monthly",
                f"Domestic abuse incidents and crimes recorded by the police each month, {p.area_name}",
                [str(x) for x in trend["label"]],
                {"Incidents and crimes": list(trend["incidents"]), "Crimes": list(trend["crimes"])},
                axis_label="Recorded each month",
            )
        )
    offences = None
    if p.offences is not None and len(p.offences):
        has_base = p.baseline is not None
        base_label = [p.baseline.label] if p.baseline is not None else []
        offences = markdown_table(
            ["Offence", *base_label, p.current.label],
            [
                [
                    str(r["offence"]),
                    *([count_text(shown_count(a, r["baseline"]))] if has_base else []),
                    count_text(shown_count(a, r["current"])),
                ]
                for r in p.offences.to_dict("records")
            ],
            numeric=(1, 2) if has_base else (1,),
        )
    return {
        "period": p.current.label,
        "baseline": p.baseline.label if p.baseline is not None else None,
        "incidents": shown_count(a, f["incidents"]),
        "crimes": shown_count(a, f["crimes"]),
        "crime_share": share("crimes", "incidents"),
        "rate": float(summary["incidents"]["per_1000"]),
        "rate_unit": "per 1,000 residents aged 16 and over"
        if p.population_basis == "population_16plus"
        else "per 1,000 residents",
        "repeat_label": str(summary["repeat_victims"]["measure"]) if "repeat_victims" in summary else "",
        "crime_rate": float(summary["crimes"]["per_1000"]),
        "change": change,
        "victims": shown_count(a, f["victims"]),
        "repeat_victims": share("repeat_victims", "victims"),
        "repeat_incidents": share("repeat_incidents", "keyed_incidents"),
        "high_risk": share("high_risk", "risk_assessed"),
        "female": share("female_victims", "victim_sex_recorded"),
        "mostly_female": (share("female_victims", "victim_sex_recorded") or 0) > 0.5,
        "young": float(victims.loc[young, "Total"].sum()) / aged if young and aged else None,
        "young_ages": f"{young[0].split('-')[0]}-{young[-1].split('-')[-1]}" if young else None,
        "children_share": share("children_present", "incidents"),
        "alcohol": share("alcohol", "alcohol_recorded"),
        "peers": peers,
        "deprivation": deprivation,
        "chart": chart,
        "offences": offences,
        "notes": list(p.notes),
    }
