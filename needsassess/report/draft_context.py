"""What a strategy draft says, as data: every section's values from the assessment, and its charts.

`build_context(assessment, options)` returns a plain dict of values the estimators already computed,
rounded for publication or suppressed, plus the charts (PNG with alt text). Each section in SECTIONS
builds its own part, or returns why it is left out; a left-out section is listed in a note, never
filled with blanks. The templates (rendered by report/draft.py) only place and phrase these values:
there is no arithmetic in a template and no figure typed into one.

The statutory framing follows the area code: the Domestic Abuse Act 2021 Part 4 in England (E codes),
the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015 in Wales (W codes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.errors import ConfigError, Problem

if TYPE_CHECKING:
    from needsassess.assessment import Assessment
    from needsassess.config import AssessmentConfig
    from needsassess.prevalence import PrevalenceResult
    from needsassess.report.charts import ChartImage

FORMATS = ("md", "html", "docx")
CHART_SCHEME = "chart:"  # templates refer to charts as chart:<id>; each writer resolves them


# --------------------------------------------------------------------------------------------------------
# Statutory framing, chosen from the area code (E = England, W = Wales).
# Part 4 of the Domestic Abuse Act 2021 applies in England only; in Wales local strategies are made under
# the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015 (s.5).

FRAMING: dict[str, dict[str, str]] = {
    "england": {
        "country": "England",
        "nation": "England",
        "act": "the Domestic Abuse Act 2021",
        "duty": "Part 4 of the Domestic Abuse Act 2021",
        "duty_summary": (
            "Part 4 of the Domestic Abuse Act 2021 requires each tier one local authority in England to "
            "assess the need for accommodation-based support for victims of domestic abuse and their "
            "children, to publish a strategy for providing that support, to give effect to it, and to "
            "report on it each year to the Ministry of Housing, Communities and Local Government"
        ),
        "board": "the Domestic Abuse Local Partnership Board",
        "accommodation_title": "Safe accommodation (Part 4 of the Domestic Abuse Act 2021)",
        "accommodation_framing": (
            "Under Part 4 of the Domestic Abuse Act 2021 this assessment of the need for support in safe "
            "accommodation informs the local safe accommodation strategy and the annual return to the "
            "Ministry of Housing, Communities and Local Government."
        ),
    },
    "wales": {
        "country": "Wales",
        "nation": "Wales",
        "act": "the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015",
        "duty": "section 5 of the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015",
        "duty_summary": (
            "Section 5 of the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015 "
            "requires each local authority and local health board in Wales to prepare and publish a local "
            "strategy, following statutory guidance from the Welsh Government, and to review it after each "
            "local government election"
        ),
        "board": "the regional VAWDASV partnership board",
        "accommodation_title": "Safe accommodation and support",
        "accommodation_framing": (
            "Part 4 of the Domestic Abuse Act 2021 does not apply in Wales. Accommodation-based support is "
            "planned through the local strategy under the Violence against Women, Domestic Abuse and "
            "Sexual Violence (Wales) Act 2015, alongside Welsh Government housing support funding."
        ),
    },
    "other": {
        "country": "",
        "nation": "the area",
        "act": "",
        "duty": "",
        "duty_summary": "",
        "board": "the local partnership",
        "accommodation_title": "Safe accommodation",
        "accommodation_framing": (
            "The area code is not an English or Welsh one, so no statutory framing is given; the national "
            "rates used describe England and Wales."
        ),
    },
}


def framing_for(area_code: str) -> dict[str, str]:
    """The statutory framing for an area: England (E codes), Wales (W codes) or none."""
    code = (area_code or "").strip().upper()
    key = "england" if code.startswith("E") else "wales" if code.startswith("W") else "other"
    return {"key": key, **FRAMING[key]}


# --------------------------------------------------------------------------------------------------------
# Options


@dataclass
class DraftOptions:
    """What to draft: formats, consultation mode, version, date, sections, templates, questions."""

    formats: tuple[str, ...] = FORMATS
    consultation: bool = False
    version: str = "0.1"
    date: dt.date | None = None
    sections: list[str] | None = None  # ids from SECTIONS; None means every section
    templates_dir: Path | None = None
    questions: list[str] | None = None  # None means the questions in templates/sections/questions.md.j2
    respond_by: str = ""
    contact: str = ""
    enabled: bool = True

    @classmethod
    def from_config(cls, config: AssessmentConfig) -> DraftOptions:
        """Read and check the [draft] section of assessment.toml; every problem is reported at once."""
        section = config.section("draft")
        problems: list[Problem] = []
        known = {
            "enabled",
            "formats",
            "consultation",
            "version",
            "date",
            "sections",
            "templates",
            "questions",
            "respond_by",
            "contact",
        }
        for key in sorted(set(section) - known):
            problems.append(
                Problem(
                    "unknown-key",
                    f"[draft] {key} is not a setting; expected one of {', '.join(sorted(known))}",
                )
            )
        options = cls()
        formats = section.get("formats", list(FORMATS))
        if isinstance(formats, str):
            formats = [formats]
        bad = [f for f in formats if f not in FORMATS] if isinstance(formats, list) else [formats]
        if bad or not formats:
            problems.append(
                Problem(
                    "bad-value", f"[draft] formats = {formats!r}; expected a list of {', '.join(FORMATS)}"
                )
            )
        else:
            options.formats = tuple(dict.fromkeys(formats))
        for key in ("consultation", "enabled"):
            value = section.get(key, getattr(options, key))
            if not isinstance(value, bool):
                problems.append(Problem("bad-value", f"[draft] {key} = {value!r}; expected true or false"))
            else:
                setattr(options, key, value)
        version = section.get("version", options.version)
        if isinstance(version, bool) or not isinstance(version, str | int | float):
            problems.append(
                Problem("bad-value", f'[draft] version = {version!r}; expected text such as "0.3"')
            )
        else:
            options.version = str(version)
        date = section.get("date")
        if date is not None:
            try:
                options.date = parse_date(date)
            except ValueError as exc:
                problems.append(Problem("bad-value", f"[draft] {exc}"))
        sections = section.get("sections")
        if sections is not None:
            try:
                options.sections = check_sections(sections)
            except ValueError as exc:
                problems.append(Problem("bad-value", f"[draft] {exc}"))
        templates = section.get("templates")
        if templates is not None:
            path = config.resolve(str(templates))
            if not path.is_dir():
                problems.append(
                    Problem("missing-folder", f"[draft] templates folder {templates} not found ({path})")
                )
            options.templates_dir = path
        questions = section.get("questions")
        if questions is not None:
            if not isinstance(questions, list) or not all(
                isinstance(q, str) and q.strip() for q in questions
            ):
                problems.append(Problem("bad-value", "[draft] questions must be a list of questions as text"))
            else:
                options.questions = [q.strip() for q in questions]
        for key in ("respond_by", "contact"):
            value = section.get(key, "")
            if not isinstance(value, str | dt.date):
                problems.append(Problem("bad-value", f"[draft] {key} = {value!r}; expected text"))
            else:
                setattr(options, key, _long_date(value) if isinstance(value, dt.date) else value)
        if problems:
            raise ConfigError(config.path, problems)
        return options


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"date = {value!r} is not a date; expected YYYY-MM-DD") from None


def check_sections(sections: Any) -> list[str]:
    """Section ids, checked against SECTIONS; accepts a list or "a,b,c"."""
    if isinstance(sections, str):
        sections = [s for s in re.split(r"[,\s]+", sections) if s]
    if not isinstance(sections, list) or not sections:
        raise ValueError(f"sections = {sections!r}; expected a list of section names")
    ids = [s.id for s in SECTIONS]
    unknown = [s for s in sections if s not in ids]
    if unknown:
        raise ValueError(
            f"unknown section{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(ids)}"
        )
    return list(dict.fromkeys(sections))


# --------------------------------------------------------------------------------------------------------
# Context: already-computed, already-rounded values; the templates add words, never arithmetic.


class _Charts:
    """Charts drawn for one draft; templates see only {src, alt, title}."""

    def __init__(self) -> None:
        self.images: dict[str, ChartImage] = {}

    def add(self, image: ChartImage) -> dict[str, str]:
        self.images[image.id] = image
        return {"src": f"{CHART_SCHEME}{image.id}", "alt": _alt(image.alt), "title": image.title}


@dataclass
class _State:
    assessment: Assessment
    charts: _Charts
    left_out: list[dict[str, str]] = field(default_factory=list)


# A section builder returns its part of the context, or a string: why the section is left out.
Builder = Callable[[_State], "dict[str, Any] | str"]


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    build: Builder

    @property
    def template(self) -> str:
        return f"sections/{self.id}.md.j2"


def _introduction(state: _State) -> dict[str, Any]:
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
        sources.append("national figures published by " + and_list([_organisation(p) for p in publishers]))
    population = a.population
    if population is not None:
        year = population.years[0] if population.years else None
        sources.append(
            f"the mid-{year} population estimates for {_md_text(a.area_name)}"
            if year
            else f"population estimates for {_md_text(a.area_name)}"
        )
    if a.police is not None:
        sources.append(
            f"domestic abuse incidents and crimes recorded by the police in {a.police.current.label}"
        )
    profile = a.published_profile
    if profile is not None:
        _people, agencies = _clients(profile, "victims")
        if agencies and agencies != ["local agencies"]:
            sources.append("the records of local services (" + and_list(agencies) + ")")
    return {"sources": sources or ["the data supplied"]}


def _organisation(name: str) -> str:
    """'Office for National Statistics' -> 'the Office for National Statistics'; 'NSPCC' stays as it is."""
    first = name.split(" ", 1)[0]
    if first in {"Office", "Home", "Ministry", "Department", "National", "Council"} or (
        name.isupper() and " " not in name
    ):
        return f"the {name}"
    return name


def and_list(items: list[str], separator: str = ",") -> str:
    """["a", "b", "c"] -> "a, b and c"; with separator ";" -> "a; b; and c" for items that hold commas."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    last = f"{separator} and " if separator != "," else " and "
    return f"{separator} ".join(items[:-1]) + last + items[-1]


def _survey_name(result: PrevalenceResult) -> str:
    """'Crime Survey for England and Wales, year ending March 2015' from the pack title before its colon."""
    title = result.pack.title
    return title.split(":", 1)[0].strip() if ":" in title else title


def _prevalence(state: _State) -> dict[str, Any] | str:
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
                "survey": _survey_name(result),
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
                "table": _table(
                    ["Measure", "Women", "Men", "Survey rate, women", "Survey rate, men"],
                    [
                        [
                            m["label"],
                            _count_text(m["women"]),
                            _count_text(m["men"]),
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


def _children(state: _State) -> dict[str, Any] | str:
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
                    "publisher": _organisation(str(result.pack.meta.get("publisher", ""))),
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
            "incidents": _shown_count(a, f["children_present"]),
            "share": f["children_present"] / f["incidents"],
            "children": _shown_count(a, f["children_involved"]) if f.get("children_counted") else None,
            "uncounted": _shown_count(a, f["children_present"] - f["children_counted"])
            if f.get("children_present", 0) > f.get("children_counted", 0)
            else None,
        }
    if not estimates and police is None:
        return (
            "no estimate of children living with domestic abuse and no police or agency data about "
            'children; add "nspcc-radford-2011" to [prevalence] packs or a [police] extract'
        )
    return {"estimates": estimates, "police": police}


def _barriers(state: _State) -> dict[str, Any] | str:
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
                "survey": _survey_name(r),
            }
        older = {
            "ages": r.ages.label,
            "covered": r.ages.is_open,
            "from": None if r.ages.is_open else r.ages.high + 1,
            "survey": _survey_name(r),
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
                        "survey": _survey_name(r),
                        "status": ", ".join(sorted(set(rows[rows["sex"] == sex]["status"]))),
                    }
                )
    clients = _barrier_clients(a)
    if male is None and not disability and clients is None:
        return "no survey estimates by sex or group and no client profile to compare with the population"
    return {"male": male, "older": older, "disability": disability, "clients": clients}


def _barrier_clients(a: Assessment) -> dict[str, Any] | None:
    """Who local services reach, beside the population: sex, older people, ethnic group, disability, LGBT+."""
    profile = _published(a)
    if profile is None:
        return None
    people, _ = _clients(profile, "victims")
    if people is None:
        return None
    compared = _frame(profile, "victims_representation")
    rows = []
    if compared is not None and not compared.empty:
        frame = compared[compared["Agency"] == ALL_AGENCIES]
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


ORDINALS = ("", "", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def rank_phrase(rank: int, of: int) -> str:
    """1 of 5 -> "the highest", 2 -> "the second highest", 5 of 5 -> "the lowest"."""
    if rank == 1:
        return "the highest"
    if rank == of:
        return "the lowest"
    return f"the {ORDINALS[rank] if rank < len(ORDINALS) else f'{rank}th'} highest"


def _police(state: _State) -> dict[str, Any] | str:
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
                "total_name": _md_text(p.total_name),
                "total_rate": float(total["incidents_per_1000"].iloc[0]) if len(total) else None,
                "table": _table(
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
        offences = _table(
            ["Offence", *base_label, p.current.label],
            [
                [
                    str(r["offence"]),
                    *([_count_text(_shown_count(a, r["baseline"]))] if has_base else []),
                    _count_text(_shown_count(a, r["current"])),
                ]
                for r in p.offences.to_dict("records")
            ],
            numeric=(1, 2) if has_base else (1,),
        )
    return {
        "period": p.current.label,
        "baseline": p.baseline.label if p.baseline is not None else None,
        "incidents": _shown_count(a, f["incidents"]),
        "crimes": _shown_count(a, f["crimes"]),
        "crime_share": share("crimes", "incidents"),
        "rate": float(summary["incidents"]["per_1000"]),
        "rate_unit": "per 1,000 residents aged 16 and over"
        if p.population_basis == "population_16plus"
        else "per 1,000 residents",
        "repeat_label": str(summary["repeat_victims"]["measure"]) if "repeat_victims" in summary else "",
        "crime_rate": float(summary["crimes"]["per_1000"]),
        "change": change,
        "victims": _shown_count(a, f["victims"]),
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


def _reporting(state: _State) -> dict[str, Any] | str:
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
            value = _shown_count(a, r["value"])
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
        "table": _table(
            ["Step", "Number", "Per cent of the estimate", "What is counted"],
            [
                [
                    s["label"],
                    _count_text(s["value"]),
                    "" if s["of_estimated"] is None else _rate_text_whole(s["of_estimated"]),
                    _md_text(s["counts"]),
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


def _provision(state: _State) -> dict[str, Any] | str:
    """Local provision against national benchmarks (SafeLives, Council of Europe)."""
    a = state.assessment
    prov = a.provision
    if prov is None or prov.items.empty:
        return "no provision figures in this assessment; add a [provision] section to assessment.toml"
    items = []
    for r in prov.items.to_dict("records"):
        people = bool(r["is_people"])
        expected = _rounded(r["expected"], _rounding_rule(a)) if people else round(float(r["expected"]), 1)
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
                "expected_text": _count_text(expected) if people else f"{expected:g}",
                "stated_text": ""
                if stated_value is None
                else (_count_text(_shown_count(a, stated_value)) if people else f"{stated_value:g}"),
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
        "publisher": _organisation(str(prov.pack.meta.get("publisher", ""))),
        "lines": items,
        "notes": list(prov.notes),
        "table": _table(
            ["Provision", "Benchmark", "Expected", "In place", "Per cent of expected"],
            [
                [
                    i["label"],
                    i["benchmark"],
                    i["expected_text"],
                    i["stated_text"] or "not stated",
                    "" if i["coverage"] is None else _rate_text_whole(i["coverage"]),
                ]
                for i in items
            ],
            numeric=(2, 3, 4),
        ),
    }


# --- the client profile (agency records, published through disclosure control) -------------------------

ALL_AGENCIES = "All agencies"


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
    frame = _frame(profile, name)
    if frame is None:
        return []
    if "Agency" in frame.columns:
        frame = frame[frame["Agency"] == ALL_AGENCIES]
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


def _clients(profile: Any, kind: str) -> tuple[Any, list[str]]:
    """People counted in a profile (victims or perpetrators), and the agencies they came from."""
    frame = _frame(profile, f"{kind}_counts")
    if frame is None or frame.empty:
        return None, []
    total = frame[frame["Agency"] == ALL_AGENCIES]
    people = total["People"].iloc[0] if len(total) else None
    agencies = [_md_text(str(a)) for a in frame["Agency"] if a != ALL_AGENCIES]
    return people, agencies or ["local agencies"]


def _victims(state: _State) -> dict[str, Any] | str:
    """The profile and needs of victims supported by local services: needs, abuse, risk, outcomes."""
    from needsassess.report.charts import bar_chart

    a = state.assessment
    profile = _published(a)
    people, agencies = (None, []) if profile is None else _clients(profile, "victims")
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
        row = duration[(duration["Agency"] == ALL_AGENCIES) & (duration["Counted"] == "people")]
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
                fmt=_rate_text_whole,
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
        "table": _table(
            ["Need", "People with the need", "Recorded for", "Share"],
            [
                [
                    r["characteristic"],
                    _count_text(r["count"]),
                    _count_text(r["base"]),
                    _rate_text_whole(r["share"]),
                ]
                for r in needs
            ],
            numeric=(1, 2, 3),
        ),
    }


def _perpetrators(state: _State) -> dict[str, Any] | str:
    """Perpetrators known to local agencies (e.g. MARAC): sex, age, needs, previous record, repeats."""
    a = state.assessment
    profile = _published(a)
    people, agencies = (None, []) if profile is None else _clients(profile, "perpetrators")
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


def _accommodation(state: _State) -> dict[str, Any] | str:
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
        "table": _table(
            columns,
            [
                [str(r[c]) if i == 0 else _count_text(r[c]) for i, c in enumerate(columns)]
                for r in supported.to_dict("records")
            ],
            numeric=tuple(range(1, len(columns))),
        ),
    }


def _shown_count(assessment: Assessment, n: Any) -> int | str:
    """A count of people or incidents as published under the disclosure rule: "<5" (read as "fewer than
    five") when small, otherwise the count (rounded where the rule rounds, e.g. nhsd to 5). Estimates are
    rounded by the publication rounding instead; counts are not, since they are not estimates."""
    from needsassess.disclosure import format_count

    return format_count(int(n), disclosure_rule(assessment))


def _rate_1000(value: Any) -> str:
    if value is None or value != value:
        return "not available"
    return f"{float(value):,.1f}"


def _rate_text_whole(share: float) -> str:
    from needsassess.phrasing import percent

    return percent(share)


def _rounding_rule(assessment: Assessment) -> Any:
    """The publication rounding of this assessment ([prevalence] rounding), for counts in the text."""
    from needsassess.rounding import DEFAULT_ROUNDING, parse_rounding

    if assessment.prevalence:
        return assessment.prevalence[0].rounding
    try:
        return parse_rounding(assessment.config.section("prevalence").get("rounding"))
    except (ValueError, ConfigError):
        return DEFAULT_ROUNDING


def _rounded(value: float, rule: Any) -> int:
    from needsassess.rounding import round_for_publication

    return int(round_for_publication(float(value), rule))


def _cost(state: _State) -> dict[str, Any] | str:
    """Cost to the area, by each method the cost stage ran: total, per head, categories, what is missing."""
    from needsassess.costs import CostMethod
    from needsassess.report.charts import bar_chart

    a = state.assessment
    if not a.costs:
        return "no cost estimate in this assessment; add a [cost] section to assessment.toml"
    rule = _rounding_rule(a)
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
            {"offence": str(r["offence"]).lower(), "count": _shown_count(a, r["count"])}
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
                "publisher": _organisation(str(c.pack.meta.get("publisher", ""))),
                "publication": str(c.pack.meta.get("publication", "") or c.pack.title),
                "crimes": _shown_count(a, counted + float(c.not_costed["count"].sum()))
                if per_crime
                else None,
                "victims": None if per_crime else _rounded(counted, rule),
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
                "table": _table(
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


def _quality(state: _State) -> dict[str, Any]:
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
    no_intervals = list(dict.fromkeys(_survey_name(r) for r in a.prevalence if not r.has_intervals))
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


def disclosure_rule(assessment: Assessment) -> Any:
    """The small-number rule of this assessment ([disclosure] preset and threshold)."""
    from needsassess.disclosure import DEFAULT_RULE, get_rule
    from needsassess.errors import NeedsAssessError

    section = assessment.config.section("disclosure")
    try:
        return get_rule(section.get("preset", "lt5"), threshold=section.get("threshold"))
    except NeedsAssessError:
        return DEFAULT_RULE  # the stages that publish counts report the bad setting themselves


def _disclosure(assessment: Assessment) -> dict[str, Any]:
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


def _sources(state: _State) -> dict[str, Any]:
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


SECTIONS: list[SectionSpec] = [
    SectionSpec("introduction", "Introduction and statutory context", _introduction),
    SectionSpec("prevalence", "Estimated prevalence", _prevalence),
    SectionSpec("cost", "Cost to the area", _cost),
    SectionSpec("reporting", "Who victims report to and the reach funnel", _reporting),
    SectionSpec("police", "The police picture", _police),
    SectionSpec("victims", "Profile and needs of victims", _victims),
    SectionSpec("perpetrators", "Perpetrators", _perpetrators),
    SectionSpec("children", "Children and young people", _children),
    SectionSpec("barriers", "Groups facing additional barriers", _barriers),
    SectionSpec("accommodation", "Safe accommodation", _accommodation),
    SectionSpec("provision", "Provision against benchmarks", _provision),
    SectionSpec("quality", "Data quality and limitations", _quality),
    SectionSpec("sources", "Sources", _sources),
]


def section_ids() -> list[str]:
    return [s.id for s in SECTIONS]


@dataclass
class DraftContext:
    """The values the templates see, and the charts they refer to."""

    values: dict[str, Any]
    charts: dict[str, ChartImage]


def build_context(assessment: Assessment, options: DraftOptions | None = None) -> DraftContext:
    """Collect every section's values from the assessment; sections without data are listed, not filled."""
    options = options or DraftOptions()
    wanted = options.sections or section_ids()
    state = _State(assessment, _Charts())
    included = []
    values: dict[str, Any] = {}
    for spec in SECTIONS:
        if spec.id not in wanted:
            continue
        data = spec.build(state)
        if isinstance(data, str):
            state.left_out.append({"id": spec.id, "title": spec.title, "reason": data})
            continue
        values[spec.id] = data
        included.append({"id": spec.id, "title": spec.title, "template": spec.template})
    config = assessment.config
    date = options.date or assessment.created.date()
    values.update(
        {
            "title": _md_text(config.title),
            "author": _md_text(config.author),
            "protective_marking": config.protective_marking,
            "area": {"name": _md_text(assessment.area_name), "code": assessment.area_code},
            "framing": framing_for(assessment.area_code),
            "draft": {
                "consultation": options.consultation,
                "version": options.version,
                "date": _long_date(date),
                "questions": options.questions,
                "respond_by": options.respond_by,
                "contact": _md_text(options.contact),
                "tool_version": __version__,
            },
            "sections": included,
            "left_out": state.left_out,
            "counts_rounded": disclosure_rule(assessment).round_to > 1,
        }
    )
    return DraftContext(values, state.charts.images)


def _long_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _md_text(text: str) -> str:
    """Text from an input file or setting, with Markdown's own characters escaped."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", str(text))


def _alt(text: str) -> str:
    return " ".join(str(text).replace("[", "(").replace("]", ")").split())


def _count_text(value: Any) -> str:
    if value is None:
        return "not available"
    if isinstance(value, str):
        return value
    from needsassess.phrasing import count_phrase

    return count_phrase(value, "none")


def _axis_money(value: float) -> str:
    """Axis ticks in millions where the values run to millions: £0m, £20m ..."""
    return f"£{value / 1e6:,.0f}m" if abs(value) >= 1e6 else f"£{value:,.0f}"


def _money_text(value: float) -> str:
    from needsassess.phrasing import money_phrase

    return money_phrase(value)


def _rate_text(share: float | None) -> str:
    if share is None:
        return "not available"
    from needsassess.phrasing import percent

    return percent(share, 1)


def _table(columns: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> dict[str, Any]:
    """A table for the `table` macro: cells are text already; `numeric` columns are right-aligned."""
    clean = [[_md_text(c) if i == 0 else str(c).replace("|", "\\|") for i, c in enumerate(r)] for r in rows]
    align = ["right" if i in numeric else "left" for i in range(len(columns))]
    return {"columns": columns, "rows": clean, "align": align}
