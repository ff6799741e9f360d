"""The sections from agency client records: victims, perpetrators and safe accommodation.

Each reads the published client profile (every table already through disclosure control), never the
unsuppressed one, so a hidden cell stays hidden in the draft. Feeds templates/sections/victims.md.j2
(needs, with their chart, abuse, risk, outcomes), perpetrators.md.j2 and accommodation.md.j2 (the Part 4
return's people supported, households unable to be supported, out of area, move-on); `reached_groups`
gives barriers.md.j2 who services reach beside the population, and `clients_counted` the introduction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from needsassess.report.draft.values import (
    BuildState,
    count_text,
    markdown_table,
    md_text,
    percent_text,
)

if TYPE_CHECKING:
    from needsassess.assessment import Assessment


def _all_agencies() -> str:
    """The client profile's label for the rows that total every agency. client_profile brings pandas, so it
    is imported when a draft is built, not when the command line starts (the --sections help lists SECTIONS)."""
    from needsassess.profile.characteristics import ALL_AGENCIES

    return ALL_AGENCIES


def _published(assessment: Assessment) -> Any:
    return assessment.published_profile


def _frame(profile: Any, name: str) -> Any:
    """A published profile table by name, or None where this profile has no such table."""
    table = next((t for t in profile.tables if t.name == name), None)
    return None if table is None else table.frame


def _number(value: Any) -> float | None:
    """A published number as a float; None where it is missing, hidden (a marker) or not a number."""
    if value is None or isinstance(value, str | bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _share_value(value: Any) -> float | None:
    """A published share in per cent -> 0-1; None where it is hidden ("*"), missing or not a number."""
    number = _number(value)
    return None if number is None else number / 100


def _profile_rows(profile: Any, name: str) -> list[dict[str, Any]]:
    """The All agencies, people rows of a published share table, as plain values."""
    every_agency = _all_agencies()
    frame = _frame(profile, name)
    if frame is None:
        return []
    if "Agency" in frame.columns:
        frame = frame[frame["Agency"] == every_agency]
    if "Counted" in frame.columns:
        frame = frame[frame["Counted"] == "people"]
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            {
                "characteristic": str(r.get("Characteristic", "")),
                "value": str(r.get("Value", "")),
                "count": r.get("Count"),
                "base": r.get("Base (recorded)"),
                "share": _share_value(r.get("Share of base (%)")),
            }
        )
    return rows


def _find(rows: list[dict[str, Any]], characteristic: str, value: str | None = None) -> dict[str, Any] | None:
    for r in rows:
        if r["characteristic"].lower().startswith(characteristic.lower()) and (
            value is None or r["value"].lower() == value.lower()
        ):
            return r
    return None


def _share_of_row(rows: list[dict[str, Any]], characteristic: str, value: str | None = None) -> float | None:
    row = _find(rows, characteristic, value)
    return None if row is None else row["share"]


def clients_counted(profile: Any, kind: str) -> tuple[Any, list[str]]:
    """People counted in a profile (victims or perpetrators), and the agencies they came from."""
    every_agency = _all_agencies()
    frame = _frame(profile, f"{kind}_counts")
    if frame is None or frame.empty:
        return None, []
    total = frame[frame["Agency"] == every_agency]
    people = total["People"].iloc[0] if len(total) else None
    agencies = [md_text(str(a)) for a in frame["Agency"] if a != every_agency]
    return people, agencies or ["local agencies"]


def reached_groups(a: Assessment) -> dict[str, Any] | None:
    """Who local services reach, beside the population: sex, older people, ethnic group, disability, LGBT+."""
    every_agency = _all_agencies()
    profile = _published(a)
    if profile is None:
        return None
    people, _ = clients_counted(profile, "victims")
    if people is None:
        return None
    compared = _frame(profile, "victims_representation")
    rows = []
    if compared is not None and not compared.empty:
        frame = compared[compared["Agency"] == every_agency]
        for r in frame.to_dict("records"):
            rows.append(
                {
                    "characteristic": str(r["Characteristic"]),
                    "value": str(r["Value"]),
                    "share": _share_value(r.get("Client share (%)")),
                    "population": _share_value(r.get("Population share (%)")),
                    "compared": str(r.get("Compared with the population", "")),
                }
            )

    def pick(characteristic: str, value: str) -> dict[str, Any] | None:
        row = next((r for r in rows if r["characteristic"] == characteristic and r["value"] == value), None)
        return row if row is not None and row["share"] is not None else None

    ages = [r for r in rows if r["characteristic"] == "Age band" and r["share"] is not None]
    demographics = _profile_rows(profile, "victims_demographics")
    disability = _find(demographics, "Disability", "Yes")
    lgbt = _find(demographics, "LGBT+", "Yes")

    def recorded(row: dict[str, Any] | None) -> dict[str, Any]:
        if row is None or row["base"] in (0, "0", None):
            return {"recorded": False, "base": 0, "share": None}
        return {"recorded": True, "base": row["base"], "share": row["share"]}

    return {
        "people": people,
        "male": pick("Sex", "Male"),
        "older": ages[-1] if ages else None,
        "minority": [
            r
            for r in rows
            if r["characteristic"] == "Ethnic group" and r["value"] != "White" and r["share"] is not None
        ],
        "population_basis": "residents aged 16 and over",
        "disability": recorded(disability),
        "lgbt": recorded(lgbt),
    }


def victims_section(state: BuildState) -> dict[str, Any] | str:
    """The profile and needs of victims supported by local services: needs, abuse, risk, outcomes."""
    from needsassess.report.charts import bar_chart

    every_agency = _all_agencies()
    a = state.assessment
    profile = _published(a)
    people, agencies = (None, []) if profile is None else clients_counted(profile, "victims")
    if profile is None or people is None:
        return "no agency client records in this assessment; add [[agencies]] files and a [profile] section"
    needs = [r for r in _profile_rows(profile, "victims_needs") if r["share"] is not None]
    abuse = sorted(
        (r for r in _profile_rows(profile, "victims_abuse_types") if r["share"] is not None),
        key=lambda r: -r["share"],
    )
    context = _profile_rows(profile, "victims_abuse_context")
    outcomes = [r for r in _profile_rows(profile, "victims_outcomes") if r["share"] is not None]
    lives_with = _share_of_row(context, "Lives with the perpetrator", "Yes")
    duration = _frame(profile, "victims_abuse_duration")
    years = None
    if duration is not None:
        row = duration[(duration["Agency"] == every_agency) & (duration["Counted"] == "people")]
        if len(row):
            years = _number(row["Mean (years)"].iloc[0])
    chart = None
    if needs:
        chart = state.charts.add(
            bar_chart(
                "victims_needs",
                f"Needs of victims supported by local services, {a.area_name}",
                [r["characteristic"] for r in needs],
                {"Share of victims": [r["share"] for r in needs]},
                axis_label="Share of those for whom the need was recorded",
                fmt=percent_text,
            )
        )
    return {
        "people": people,
        "agencies": agencies,
        "children": _share_of_row(needs, "Has children"),
        "mental_health": _share_of_row(needs, "Mental health"),
        "substance": _share_of_row(needs, "Substance misuse"),
        "financial": _share_of_row(needs, "Financial problems"),
        "housing": _share_of_row(needs, "Housing need"),
        "neet": _share_of_row(needs, "Not in employment"),
        "abuse": [{"type": r["characteristic"], "share": r["share"]} for r in abuse],
        "sexual": _share_of_row(abuse, "Sexual abuse"),
        "years": years,
        "high_risk": _share_of_row(context, "Risk level", "high"),
        "ex_partner": _share_of_row(context, "Perpetrator relationship", "Ex-partner"),
        "partner": _share_of_row(context, "Perpetrator relationship", "Partner"),
        "male_perpetrator": _share_of_row(context, "Perpetrator sex", "Male"),
        "not_living_with": None if lives_with is None else 1 - lives_with,
        "outcomes": [{"outcome": r["characteristic"], "share": r["share"]} for r in outcomes],
        "chart": chart,
        "table": markdown_table(
            ["Need", "People with the need", "Recorded for", "Share"],
            [
                [
                    r["characteristic"],
                    count_text(r["count"]),
                    count_text(r["base"]),
                    percent_text(r["share"]),
                ]
                for r in needs
            ],
            numeric=(1, 2, 3),
        ),
    }


def perpetrators_section(state: BuildState) -> dict[str, Any] | str:
    """Perpetrators known to local agencies (e.g. MARAC): sex, age, needs, previous record, repeats."""
    a = state.assessment
    profile = _published(a)
    people, agencies = (None, []) if profile is None else clients_counted(profile, "perpetrators")
    if profile is None or people is None:
        return "no perpetrator records in this assessment; add an agency file with perpetrator records"
    who = _profile_rows(profile, "perpetrators_characteristics")
    needs = sorted(
        (r for r in _profile_rows(profile, "perpetrators_needs") if r["share"] is not None),
        key=lambda r: -r["share"],
    )
    ages = [r for r in who if r["characteristic"] == "Age band" and r["share"] is not None]
    young = [r for r in ages if r["value"] in ("18-24", "25-34")]
    history = ("Previous domestic abuse record", "Repeat domestic abuse perpetrator")
    return {
        "people": people,
        "agencies": agencies,
        "male": _share_of_row(who, "Sex", "Male"),
        "female": _share_of_row(who, "Sex", "Female"),
        "young": sum(r["share"] for r in young) if len(young) == 2 else None,
        "young_ages": "18-34",
        "previous": _share_of_row(needs, "Previous domestic abuse record"),
        "repeat": _share_of_row(needs, "Repeat domestic abuse perpetrator"),
        "needs": [
            {"need": r["characteristic"].lower(), "share": r["share"]}
            for r in needs
            if r["characteristic"] not in history
        ],
    }


def accommodation_section(state: BuildState) -> dict[str, Any] | str:
    """Safe accommodation: people supported by type, households unable to be supported, out of area."""
    a = state.assessment
    profile = _published(a)
    supported = None if profile is None else _frame(profile, "safe_people_supported")
    if supported is None or supported.empty:
        return "no safe accommodation records in this assessment; add the accommodation service's file to [[agencies]]"
    total = supported[supported["Accommodation type"] == "Total"]
    totals = total.iloc[0].to_dict() if len(total) else {}
    unknown = totals.get("Adults, sex not recorded")
    types = [
        {"type": str(r["Accommodation type"]), "total": r["Total"]}
        for r in supported.to_dict("records")
        if r["Accommodation type"] not in ("Total", "Not recorded") and r["Total"] not in (0, "0")
    ]
    unable = _frame(profile, "safe_unable_to_support")
    reasons: list[dict[str, Any]] = []
    unable_total = None
    if unable is not None and not unable.empty:
        share_col = next((c for c in unable.columns if c.startswith("Share")), None)
        for r in unable.to_dict("records"):
            if r["Reason"] == "Total":
                unable_total = r["Total"]
            elif r["Reason"] not in ("Reason recorded", "Not recorded") and share_col:
                share = _share_value(r[share_col])
                if share:
                    reasons.append({"reason": str(r["Reason"]).lower(), "share": share})
        reasons.sort(key=lambda x: -x["share"])
    out_area = _frame(profile, "safe_out_of_area")
    out_share = None
    if out_area is not None and not out_area.empty:
        row = out_area[out_area["Accommodation type"] == "Total"]
        col = next((c for c in out_area.columns if c.startswith("From outside the area (%")), None)
        if len(row) and col:
            out_share = _share_value(row[col].iloc[0])
    move_on = _frame(profile, "safe_move_on")
    destinations: list[dict[str, Any]] = []
    if move_on is not None and not move_on.empty:
        col = next((c for c in move_on.columns if c.startswith("Share")), None)
        for r in move_on.to_dict("records"):
            share = _share_value(r[col]) if col else None
            if share and r["Destination"] not in ("Destination recorded", "Total", "Not recorded"):
                destinations.append({"destination": str(r["Destination"]).lower(), "share": share})
        destinations.sort(key=lambda x: -x["share"])
    columns = list(supported.columns)
    return {
        "total": totals.get("Total"),
        "women": totals.get("Women"),
        "men": totals.get("Men"),
        "children": totals.get("Children"),
        "unknown_sex": None if unknown in (None, 0, "0") else unknown,
        "types": types,
        "unable": unable_total,
        "reasons": reasons[:3],
        "out_of_area": out_share,
        "destinations": destinations[:3],
        "table": markdown_table(
            columns,
            [
                [str(r[c]) if i == 0 else count_text(r[c]) for i, c in enumerate(columns)]
                for r in supported.to_dict("records")
            ],
            numeric=tuple(range(1, len(columns))),
        ),
    }
