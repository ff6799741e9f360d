"""What a strategy draft says, as data: the options, the sections in order, and the values they are given.

`build_context(assessment, options)` returns a plain dict of values the estimators already computed,
rounded for publication or suppressed, plus the charts (PNG with alt text). Each section in SECTIONS
builds its own part (its builder lives in the module of its family: prevalence, cost, police, services,
profile, sources), or returns why it is left out; a left-out section is listed in a note, never filled
with blanks. The templates (rendered by render.py) only place and phrase these values: there is no
arithmetic in a template and no figure typed into one.

The statutory framing follows the area code: the Domestic Abuse Act 2021 Part 4 in England (E codes),
the Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015 in Wales (W codes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.errors import ConfigError, Problem
from needsassess.report.draft.cost import cost_section
from needsassess.report.draft.police import police_section
from needsassess.report.draft.prevalence import barriers_section, children_section, prevalence_section
from needsassess.report.draft.profile import accommodation_section, perpetrators_section, victims_section
from needsassess.report.draft.services import provision_section, reporting_section
from needsassess.report.draft.sources import introduction_section, quality_section, sources_section
from needsassess.report.draft.values import BuildState, Charts, disclosure_rule, md_text

if TYPE_CHECKING:
    from needsassess.assessment import Assessment
    from needsassess.config import AssessmentConfig
    from needsassess.report.charts import ChartImage

FORMATS = ("md", "html", "docx")


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
    """[draft] date as a date: a TOML date, or text in YYYY-MM-DD."""
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
    ids = section_ids()
    unknown = [s for s in sections if s not in ids]
    if unknown:
        raise ValueError(
            f"unknown section{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(ids)}"
        )
    return list(dict.fromkeys(sections))


# --------------------------------------------------------------------------------------------------------
# The sections, in the order a draft has them. Each builder returns its part of the context, or a string:
# why the section is left out.

Builder = Callable[[BuildState], "dict[str, Any] | str"]


@dataclass(frozen=True)
class SectionSpec:
    """A section: its id (and template, sections/<id>.md.j2), its heading and its builder."""

    id: str
    title: str
    build: Builder

    @property
    def template(self) -> str:
        return f"sections/{self.id}.md.j2"


SECTIONS: list[SectionSpec] = [
    SectionSpec("introduction", "Introduction and statutory context", introduction_section),
    SectionSpec("prevalence", "Estimated prevalence", prevalence_section),
    SectionSpec("cost", "Cost to the area", cost_section),
    SectionSpec("reporting", "Who victims report to and the reach funnel", reporting_section),
    SectionSpec("police", "The police picture", police_section),
    SectionSpec("victims", "Profile and needs of victims", victims_section),
    SectionSpec("perpetrators", "Perpetrators", perpetrators_section),
    SectionSpec("children", "Children and young people", children_section),
    SectionSpec("barriers", "Groups facing additional barriers", barriers_section),
    SectionSpec("accommodation", "Safe accommodation", accommodation_section),
    SectionSpec("provision", "Provision against benchmarks", provision_section),
    SectionSpec("quality", "Data quality and limitations", quality_section),
    SectionSpec("sources", "Sources", sources_section),
]


def section_ids() -> list[str]:
    """The ids of the sections, in draft order (the --sections choices)."""
    return [s.id for s in SECTIONS]


# --------------------------------------------------------------------------------------------------------
# Context: already-computed, already-rounded values; the templates add words, never arithmetic.


@dataclass
class DraftContext:
    """The values the templates see, and the charts they refer to."""

    values: dict[str, Any]
    charts: dict[str, ChartImage]


def build_context(assessment: Assessment, options: DraftOptions | None = None) -> DraftContext:
    """Collect every section's values from the assessment; sections without data are listed, not filled."""
    options = options or DraftOptions()
    wanted = options.sections or section_ids()
    state = BuildState(assessment, Charts())
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
            "title": md_text(config.title),
            "author": md_text(config.author),
            "protective_marking": config.protective_marking,
            "area": {"name": md_text(assessment.area_name), "code": assessment.area_code},
            "framing": framing_for(assessment.area_code),
            "draft": {
                "consultation": options.consultation,
                "version": options.version,
                "date": _long_date(date),
                "questions": options.questions,
                "respond_by": options.respond_by,
                "contact": md_text(options.contact),
                "tool_version": __version__,
            },
            "sections": included,
            "left_out": state.left_out,
            "counts_rounded": disclosure_rule(assessment).round_to > 1,
        }
    )
    return DraftContext(values, state.charts.images)


def _long_date(date: dt.date) -> str:
    """2026-06-01 -> "1 June 2026"."""
    return f"{date.day} {date:%B %Y}"


def draft_title(context: DraftContext) -> str:
    """The draft's title as plain text (the context holds it with Markdown's characters escaped)."""
    return re.sub(r"\\(.)", r"\1", context.values["title"])


def status_line(context: DraftContext) -> str:
    """The line a draft's header carries: consultation status, or the protective marking, with version and date."""
    d = context.values["draft"]
    if d["consultation"]:
        return f"DRAFT FOR CONSULTATION · Version {d['version']} · {d['date']}"
    return f"{context.values['protective_marking']} · Draft version {d['version']} · {d['date']}"
