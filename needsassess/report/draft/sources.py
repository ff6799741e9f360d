"""The sections about the evidence itself: the introduction, data quality and the sources.

Feeds templates/sections/introduction.md.j2 (what the assessment drew on), quality.md.j2 (rounding,
figures not verified, measures not estimated, the small-number rule, the sections left out) and
sources.md.j2 (every pack and input file, with its SHA-256).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.report.draft.prevalence import survey_name
from needsassess.report.draft.profile import clients_counted
from needsassess.report.draft.values import BuildState, and_list, disclosure_rule, md_text, organisation

if TYPE_CHECKING:
    from needsassess.assessment import Assessment


def introduction_section(state: BuildState) -> dict[str, Any]:
    """What the assessment drew on, as phrases for "this needs assessment brings together ..."."""
    a = state.assessment
    sources = []
    publishers = list(
        dict.fromkeys(
            name.strip()
            for p in a.packs.values()
            if p.meta.get("publisher")
            for name in str(p.meta["publisher"]).split(";")
        )
    )
    if publishers:
        sources.append("national figures published by " + and_list([organisation(p) for p in publishers]))
    population = a.population
    if population is not None:
        year = population.years[0] if population.years else None
        sources.append(
            f"the mid-{year} population estimates for {md_text(a.area_name)}"
            if year
            else f"population estimates for {md_text(a.area_name)}"
        )
    if a.police is not None:
        sources.append(
            f"domestic abuse incidents and crimes recorded by the police in {a.police.current.label}"
        )
    profile = a.published_profile
    if profile is not None:
        _people, agencies = clients_counted(profile, "victims")
        if agencies and agencies != ["local agencies"]:
            sources.append("the records of local services (" + and_list(agencies) + ")")
    return {"sources": sources or ["the data supplied"]}


def quality_section(state: BuildState) -> dict[str, Any]:
    """How far to trust the figures: rounding, unverified pack rows, gaps, the small-number rule."""
    a = state.assessment
    rounding = next((r.rounding.describe() for r in a.prevalence), "")
    not_verified = []
    for pack in a.packs.values():
        rows = [r for r in pack.data.to_dict("records") if r["status"] != "verified"]
        if rows:
            names = list(dict.fromkeys(_figure_name(pack, r) for r in rows))
            not_verified.append(
                {
                    "pack": pack.id,
                    "title": pack.title,
                    "count": len(rows),
                    "total": len(pack.data),
                    "statuses": sorted({str(r["status"]) for r in rows}),
                    "figures": names if len(names) <= 3 else [],
                }
            )
    not_estimated = [
        {"pack": r.pack.id, "measure": m.replace("_", " "), "reason": why}
        for r in a.prevalence
        for m, why in r.not_estimated
    ]
    no_intervals = list(dict.fromkeys(survey_name(r) for r in a.prevalence if not r.has_intervals))
    return {
        "rounding": rounding,
        "not_verified": not_verified,
        "not_estimated": not_estimated,
        "no_intervals": no_intervals,
        "disclosure": _disclosure(a),
        "left_out": list(state.left_out),
        "uses_survey": bool(a.prevalence),
        "police_notes": list(a.police.notes) if a.police is not None else [],
    }


def _disclosure(assessment: Assessment) -> dict[str, Any]:
    """The small-number rule in the terms the quality section states it."""
    from needsassess.phrasing import suppressed_phrase

    rule = disclosure_rule(assessment)
    return {
        "preset": rule.name,
        "lowest": rule.lowest_hidden,
        "highest": rule.threshold - 1,
        "marker": rule.marker,
        "marker_words": suppressed_phrase(rule.marker, rule),
        "round_to": rule.round_to if rule.round_to > 1 else None,
        "secondary": rule.secondary,
    }


def _figure_name(pack: Any, row: dict[str, Any]) -> str:
    """A pack row in words: 'Partner abuse since age 16, women aged 16-59'."""
    from needsassess.prevalence import MEASURE_LABELS

    if row.get("measure"):
        measure = str(row["measure"])
        name = pack.measures.get(measure) or MEASURE_LABELS.get(measure, measure.replace("_", " "))
        who = {"female": "women", "male": "men"}.get(str(row.get("sex")), "people")
        extra = f" ({str(row['population']).replace('_', ' ')})" if row.get("population") else ""
        return f"{name}, {who}{extra} aged {row.get('age_band', '')}".strip()
    parts = [str(row[k]).replace("_", " ") for k in ("item", "category", "year") if row.get(k)]
    return ", ".join(parts) or "a figure"


def sources_section(state: BuildState) -> dict[str, Any]:
    """Every pack (publisher, table, period, url, licence) and every input file with its hash."""
    a = state.assessment
    packs = [
        {
            "id": p.id,
            "title": p.title,
            "publisher": str(p.meta.get("publisher", "")),
            "publication": str(p.meta.get("publication", "")),
            "table": str(p.meta.get("table", "")),
            "period": str(p.meta.get("period", "")),
            "url": str(p.meta.get("url", "")),
            "licence": str(p.meta.get("licence", "")),
            "not_verified": [st for st in p.statuses if st != "verified"],
        }
        for p in a.packs.values()
    ]
    inputs = [{"role": i.role, "file": i.path.name, "detail": i.detail, "sha256": i.sha256} for i in a.inputs]
    return {"packs": packs, "inputs": inputs, "tool_version": __version__}
