"""The survey-based sections: estimated prevalence, children, and groups facing additional barriers.

Feeds templates/sections/prevalence.md.j2 (victims by sex, the chart of them, the survey's rates),
children.md.j2 (survey rates applied to local children, beside police incidents with children present) and
barriers.md.j2 (men, older people and disabled people in the survey, beside who local services reach).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from needsassess.report.draft.profile import reached_groups
from needsassess.report.draft.values import BuildState, count_text, markdown_table, organisation, shown_count

if TYPE_CHECKING:
    from needsassess.prevalence import PrevalenceResult


def survey_name(result: PrevalenceResult) -> str:
    """'Crime Survey for England and Wales, year ending March 2015' from the pack title before its colon."""
    title = result.pack.title
    return title.split(":", 1)[0].strip() if ":" in title else title


def _rate_text(share: float | None) -> str:
    """A survey rate for the table, to one decimal place: 0.082 -> "8.2%"."""
    if share is None:
        return "not available"
    from needsassess.phrasing import percent

    return percent(share, 1)


def prevalence_section(state: BuildState) -> dict[str, Any] | str:
    """Estimated adult victims by sex for each survey pack: rounded counts, ranges, rates and a chart."""
    from needsassess.prevalence import SINGLE_RATE

    results: list[dict[str, Any]] = []
    for result in state.assessment.prevalence:
        e = result.estimates[result.estimates["method"] == SINGLE_RATE]
        e = e[e["sex"].isin(["female", "male"])]
        if e.empty:
            continue
        measures: list[dict[str, Any]] = []
        populations: dict[str, int] = {}
        for measure in dict.fromkeys(e["measure"]):
            rows = {r["sex"]: r for r in e[e["measure"] == measure].to_dict("records")}
            item: dict[str, Any] = {"id": measure, "label": next(iter(rows.values()))["label"]}
            for sex, key in (("female", "women"), ("male", "men")):
                row = rows.get(sex)
                item[key] = None if row is None else int(row["rounded"])
                item[f"{key}_rate"] = None if row is None else float(row["rate_pct"]) / 100
                has_range = row is not None and row["rounded_low"] == row["rounded_low"]
                item[f"{key}_range"] = (
                    {"low": int(row["rounded_low"]), "high": int(row["rounded_high"])}  # type: ignore[index]
                    if has_range
                    else None
                )
                if row is not None:
                    populations.setdefault(key, int(row["population"]))
            statuses = {r["status"] for r in rows.values()}
            item["status"] = (
                "verified" if statuses == {"verified"} else ", ".join(sorted(statuses - {"verified"}))
            )
            item["sexes"] = [k for s, k in (("female", "women"), ("male", "men")) if s in rows]
            measures.append(item)
        not_verified = [m for m in measures if m["status"] != "verified"]
        chart_rows = [m for m in measures if m["women"] is not None or m["men"] is not None]
        from needsassess.report.charts import bar_chart

        chart = state.charts.add(
            bar_chart(
                f"prevalence_by_sex_{len(results) + 1}",
                f"Estimated victims aged {result.ages.label} by sex, {result.area_name}",
                [m["label"] for m in chart_rows],
                {"Women": [m["women"] for m in chart_rows], "Men": [m["men"] for m in chart_rows]},
                axis_label="Estimated residents (rounded)",
            )
        )
        results.append(
            {
                "pack": result.pack.id,
                "survey": survey_name(result),
                "publisher": str(result.pack.meta.get("publisher", "")),
                "period": str(result.pack.meta.get("period", "")),
                "ages": result.ages.label,
                "population_year": result.year,
                "population": populations,
                "measures": measures,
                "headline": next((m for m in measures if m["id"] == "da_last_year"), measures[0]),
                "has_intervals": result.has_intervals,
                "not_verified": not_verified,
                "rounding": result.rounding.describe(),
                "not_estimated": [
                    {"measure": m.replace("_", " "), "reason": why} for m, why in result.not_estimated
                ],
                "table": markdown_table(
                    ["Measure", "Women", "Men", "Survey rate, women", "Survey rate, men"],
                    [
                        [
                            m["label"],
                            count_text(m["women"]),
                            count_text(m["men"]),
                            _rate_text(m["women_rate"]),
                            _rate_text(m["men_rate"]),
                        ]
                        for m in measures
                    ],
                    numeric=(1, 2, 3, 4),
                ),
                "chart": chart,
            }
        )
    if not results:
        return (
            "no estimates of adult victims by sex were made; add a survey pack to [prevalence] packs "
            "in assessment.toml"
        )
    return {"results": results}


def children_section(state: BuildState) -> dict[str, Any] | str:
    """Children living with domestic abuse: survey rates applied to local children (e.g. NSPCC)."""
    from needsassess.prevalence import SINGLE_RATE

    a = state.assessment
    estimates = []
    for result in a.prevalence:
        e = result.estimates
        rows = e[(e["measure"] == "child_exposed_dv") & (e["method"] == SINGLE_RATE)]
        for row in rows.to_dict("records"):
            estimates.append(
                {
                    "publisher": organisation(str(result.pack.meta.get("publisher", ""))),
                    "publication": str(result.pack.meta.get("publication", "")),
                    "ages": str(row["age_band"]),
                    "rate": float(row["rate_pct"]) / 100,
                    "estimate": int(row["rounded"]),
                    "children": int(row["population"]),
                    "status": str(row["status"]),
                }
            )
    police = None
    p = a.police
    if p is not None and p.figures.get("incidents"):
        f = p.figures
        police = {
            "period": p.current.label,
            "incidents": shown_count(a, f["children_present"]),
            "share": f["children_present"] / f["incidents"],
            "children": shown_count(a, f["children_involved"]) if f.get("children_counted") else None,
            "uncounted": shown_count(a, f["children_present"] - f["children_counted"])
            if f.get("children_present", 0) > f.get("children_counted", 0)
            else None,
        }
    if not estimates and police is None:
        return (
            "no estimate of children living with domestic abuse and no police or agency data about "
            'children; add "nspcc-radford-2011" to [prevalence] packs or a [police] extract'
        )
    return {"estimates": estimates, "police": police}


def barriers_section(state: BuildState) -> dict[str, Any] | str:
    """What the data can and cannot say about groups who face additional barriers."""
    from needsassess.packs import parse_age_band
    from needsassess.prevalence import SINGLE_RATE

    a = state.assessment
    adult = [r for r in a.prevalence if (r.estimates["measure"] == "da_last_year").any()]
    adult = [r for r in adult if {"female", "male"} <= set(r.estimates["sex"])]
    male = None
    older = None
    if adult:
        r = adult[0]
        women, men = r.headline("da_last_year", "female"), r.headline("da_last_year", "male")
        e = r.estimates
        rows = e[(e["measure"] == "da_last_year") & (e["method"] == SINGLE_RATE)]
        exact = {row["sex"]: float(row["estimate"]) for row in rows.to_dict("records")}
        if women is not None and men is not None and exact.get("female", 0) + exact.get("male", 0) > 0:
            male = {
                "men": int(men),
                "women": int(women),
                "share": exact["male"] / (exact["female"] + exact["male"]),
                "survey": survey_name(r),
            }
        older = {
            "ages": r.ages.label,
            "covered": r.ages.is_open,
            "from": None if r.ages.is_open else r.ages.high + 1,
            "survey": survey_name(r),
        }
    disability = []
    for r in a.prevalence:
        data = r.pack.data
        rows = data[
            (data["measure"] == "da_last_year") & data["population"].isin(["disabled", "not_disabled"])
        ]
        for sex in ("female", "male", "all"):
            pair = {
                str(x["population"]): float(x["rate_pct"]) / 100
                for x in rows[rows["sex"] == sex].to_dict("records")
                if parse_age_band(x["age_band"]) == r.pack.base_band
            }
            if {"disabled", "not_disabled"} <= set(pair):
                disability.append(
                    {
                        "who": {"female": "women", "male": "men", "all": "adults"}[sex],
                        "disabled": pair["disabled"],
                        "not_disabled": pair["not_disabled"],
                        "ages": r.ages.label,
                        "survey": survey_name(r),
                        "status": ", ".join(sorted(set(rows[rows["sex"] == sex]["status"]))),
                    }
                )
    clients = reached_groups(a)
    if male is None and not disability and clients is None:
        return "no survey estimates by sex or group and no client profile to compare with the population"
    return {"male": male, "older": older, "disability": disability, "clients": clients}
