"""Strategy sections and consultation drafts from an assessment: Markdown, HTML and Word.

Officers paste needs-assessment findings into a strategy and send it out for consultation. This module
writes those sections from the assessment, in the voice of a council strategy ("Applying the figures
from the latest Crime Survey ... it is estimated that in Hartlepool: 2,200 women & 1,000 men ...").

The flow is one way:

1. `build_context(assessment, options)`: a plain dict of values the estimators already computed,
   rounded for publication or suppressed, plus the charts (PNG with alt text). Each section in SECTIONS
   builds its own part, or says why it is left out; a left-out section is listed in a note, never
   filled with blanks.
2. jinja2 templates turn the context into Markdown: templates/draft.md.j2 frames the document and
   includes templates/sections/<id>.md.j2, one file per section. Templates only place and phrase
   values (the filters come from needsassess.phrasing): no arithmetic, and no figure typed in. Every
   template, built-in or the user's (`--templates DIR`, which override by file name), renders in
   jinja2's sandbox with StrictUndefined, so a missing figure fails loudly.
3. In consultation mode sections and paragraphs are numbered (3, 3.1, 3.2 ...) on the Markdown itself,
   so all three formats carry the same numbers for consultees to cite.
4. The Markdown becomes HTML (markdown-it, raw HTML escaped, charts embedded as data: URIs, no external
   requests) or Word (python-docx on templates/strategy_template.docx: Title, Heading 1/2 and the
   template's own paragraph and table styles, so a council restyles the template, not the code).

This is the only module that imports jinja2; jinja2, markdown-it, python-docx and matplotlib are imported
inside the functions that use them.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess import __version__
from needsassess.errors import ConfigError, NeedsAssessError, Problem
from needsassess.outputs import write_atomic
from needsassess.resources import templates_dir

if TYPE_CHECKING:
    from needsassess.config import AssessmentConfig
    from needsassess.pipeline import Assessment
    from needsassess.prevalence import PrevalenceResult
    from needsassess.report.charts import ChartImage

FORMATS = ("md", "html", "docx")
FRAME_TEMPLATE = "draft.md.j2"
HTML_TEMPLATE = "draft.html.j2"
WORD_TEMPLATE = "strategy_template.docx"
STATUS_MARKER = "[draft status]"  # replaced in the Word template's header by the draft's status line
CHART_SCHEME = "chart:"


class DraftError(NeedsAssessError):
    """A template that cannot be rendered: its name, line and what went wrong."""


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
        dict.fromkeys(str(p.meta["publisher"]) for p in a.packs.values() if p.meta.get("publisher"))
    )
    if publishers:
        sources.append("national figures published by " + _and_list([_organisation(p) for p in publishers]))
    population = a.population
    if population is not None:
        year = population.years[0] if population.years else None
        sources.append(
            f"the mid-{year} population estimates for {_md_text(a.area_name)}"
            if year
            else f"population estimates for {_md_text(a.area_name)}"
        )
    return {"sources": sources or ["the data supplied"]}


def _organisation(name: str) -> str:
    """'Office for National Statistics' -> 'the Office for National Statistics'; 'NSPCC' stays as it is."""
    first = name.split(" ", 1)[0]
    return f"the {name}" if first in {"Office", "Home", "Ministry", "Department", "National"} else name


def _and_list(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _survey_name(result: PrevalenceResult) -> str:
    """'Crime Survey for England and Wales, year ending March 2015' from the pack title before its colon."""
    title = result.pack.title
    return title.split(":", 1)[0].strip() if ":" in title else title


def _prevalence(state: _State) -> dict[str, Any] | str:
    from needsassess.prevalence import SINGLE_RATE

    results = []
    for result in state.assessment.prevalence:
        e = result.estimates[result.estimates["method"] == SINGLE_RATE]
        e = e[e["sex"].isin(["female", "male"])]
        if e.empty:
            continue
        measures, populations = [], {}
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


def _quality(state: _State) -> dict[str, Any]:
    a = state.assessment
    rounding = next((r.rounding.describe() for r in a.prevalence), "")
    not_verified = []
    for pack in a.packs.values():
        for row in pack.data.to_dict("records"):
            if row["status"] != "verified":
                not_verified.append(
                    {"pack": pack.id, "figure": _figure_name(pack, row), "status": row["status"]}
                )
    not_estimated = [
        {"pack": r.pack.id, "measure": m.replace("_", " "), "reason": why}
        for r in a.prevalence
        for m, why in r.not_estimated
    ]
    no_intervals = [r.pack.id for r in a.prevalence if not r.has_intervals]
    preset = str(a.config.section("disclosure").get("preset", "lt5"))
    return {
        "rounding": rounding,
        "not_verified": not_verified,
        "not_estimated": not_estimated,
        "no_intervals": no_intervals,
        "disclosure_preset": preset,
        "warnings": list(a.warnings),
        "left_out": list(state.left_out),
        "uses_survey": bool(a.prevalence),
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


def _not_yet(what: str, how: str) -> Builder:
    """A section whose data this assessment does not have: say so, and how to supply it."""

    def build(state: _State) -> str:
        return f"{what}; {how}"

    return build


SECTIONS: list[SectionSpec] = [
    SectionSpec("introduction", "Introduction and statutory context", _introduction),
    SectionSpec("prevalence", "Estimated prevalence", _prevalence),
    SectionSpec(
        "cost",
        "Cost to the area",
        _not_yet("no cost estimate in this assessment", "the cost stage supplies it"),
    ),
    SectionSpec(
        "reporting",
        "Who victims report to, and the reach funnel",
        _not_yet(
            "no police or service counts to compare with the estimates", "the reach stage supplies them"
        ),
    ),
    SectionSpec(
        "police",
        "The police picture",
        _not_yet("no police incident data in this assessment", "the police stage supplies it"),
    ),
    SectionSpec(
        "victims",
        "Profile and needs of victims",
        _not_yet("no agency client data in this assessment", "the client profile stage supplies it"),
    ),
    SectionSpec(
        "perpetrators",
        "Perpetrators",
        _not_yet("no perpetrator records in this assessment", "the client profile stage supplies them"),
    ),
    SectionSpec(
        "children",
        "Children and young people",
        _not_yet(
            "no estimate of children living with domestic abuse and no police or agency data about children",
            "add the NSPCC pack to [prevalence] or supply police and agency data",
        ),
    ),
    SectionSpec(
        "barriers",
        "Groups facing additional barriers",
        _not_yet("no client profile and no survey rates by group", "the client profile stage supplies them"),
    ),
    SectionSpec(
        "accommodation",
        "Safe accommodation",
        _not_yet(
            "no safe accommodation returns in this assessment", "the client profile stage supplies them"
        ),
    ),
    SectionSpec(
        "provision",
        "Provision against benchmarks",
        _not_yet("no service provision figures in this assessment", "the provision stage supplies them"),
    ),
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


# --------------------------------------------------------------------------------------------------------
# Rendering


def _environment(user_dir: Path | None) -> Any:
    """A sandboxed jinja2 environment: the user's templates first, then the built-in ones."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loaders = [FileSystemLoader(str(user_dir))] if user_dir else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters())
    return env


def _filters() -> dict[str, Callable[..., str]]:
    """Words from numbers, from needsassess.phrasing; `count` also reads suppression markers ("<5")."""
    from needsassess import phrasing

    def count(value: Any) -> str:
        if isinstance(value, str):
            return phrasing.suppressed_phrase(value)
        return phrasing.count_phrase(value, "none")  # values arrive already rounded for publication

    return {
        "share": phrasing.share_phrase,
        "percent": phrasing.percent,
        "money": phrasing.money_phrase,
        "per_head": phrasing.per_head_phrase,
        "count": count,
        "suppressed": phrasing.suppressed_phrase,
        "and_list": _and_list,
    }


def _render(env: Any, name: str, values: dict[str, Any]) -> str:
    from jinja2 import TemplateError, TemplateNotFound
    from jinja2.exceptions import SecurityError

    try:
        return env.get_template(name).render(values)
    except TemplateNotFound as exc:
        raise DraftError(f"template {exc.name} not found in the templates folder") from None
    except SecurityError as exc:
        raise DraftError(f"template {name}: not allowed in the sandbox: {exc}") from None
    except TemplateError as exc:
        where = getattr(exc, "name", None) or name
        line = getattr(exc, "lineno", None)
        raise DraftError(f"template {where}{f', line {line}' if line else ''}: {exc.message}") from None


def render_section(context: DraftContext, section_id: str, templates: Path | None = None) -> str:
    """One section alone, as Markdown (chart images still refer to chart:<id>)."""
    spec = next((s for s in SECTIONS if s.id == section_id), None)
    if spec is None:
        raise DraftError(f"unknown section {section_id!r}; expected one of {', '.join(section_ids())}")
    if section_id not in context.values:
        reason = next((s["reason"] for s in context.values["left_out"] if s["id"] == section_id), "not built")
        raise DraftError(f"section {section_id!r} has no data: {reason}")
    text = _render(_environment(templates), spec.template, context.values)
    return _tidy(text)


def render_markdown(context: DraftContext, templates: Path | None = None) -> str:
    """The whole draft as Markdown; numbered for consultation (chart images refer to chart:<id>)."""
    text = _tidy(_render(_environment(templates), FRAME_TEMPLATE, context.values))
    if context.values["draft"]["consultation"]:
        text = number_paragraphs(text)
    return text


def _tidy(text: str) -> str:
    """At most one blank line between blocks, no trailing spaces, one newline at the end."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


_NUMBER = re.compile(r"^(\d+(?:\.\d+)+) ")


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def number_paragraphs(text: str) -> str:
    """Number level-two headings (1, 2, ...) and the top-level paragraphs under them (1.1, 1.2, ...).

    Charts (paragraphs holding only an image) are not numbered. The numbers are written into the
    Markdown, so HTML and Word show the same ones.
    """
    lines = text.split("\n")
    section = paragraph = 0
    edits: dict[int, tuple[str, str]] = {}
    tokens = _parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            section, paragraph = section + 1, 0
            edits[token.map[0]] = ("## ", f"## {section}. ")
        elif token.type == "paragraph_open" and token.level == 0 and section and token.map:
            if _is_figure(tokens[i + 1].children) or _is_caption(tokens[i + 1].children):
                continue
            paragraph += 1
            edits[token.map[0]] = ("", f"{section}.{paragraph} ")
    for line_no, (old, new) in edits.items():
        line = lines[line_no]
        lines[line_no] = new + line[len(old) :] if line.startswith(old) else line
    return "\n".join(lines)


def _is_figure(children: list[Any] | None) -> bool:
    """A paragraph holding only images (a chart)."""
    children = children or []
    return any(c.type == "image" for c in children) and all(
        c.type in ("image", "softbreak") or not c.content.strip() for c in children
    )


def _is_caption(children: list[Any] | None) -> bool:
    """A paragraph wholly in italics: a table's caption (`*Estimated residents ...*`)."""
    children = children or []
    return len(children) >= 3 and children[0].type == "em_open" and children[-1].type == "em_close"


# --------------------------------------------------------------------------------------------------------
# Writing


def draft_title(context: DraftContext) -> str:
    return re.sub(r"\\(.)", r"\1", context.values["title"])


def status_line(context: DraftContext) -> str:
    d = context.values["draft"]
    if d["consultation"]:
        return f"DRAFT FOR CONSULTATION · Version {d['version']} · {d['date']}"
    return f"{context.values['protective_marking']} · Draft version {d['version']} · {d['date']}"


def write_markdown(
    context: DraftContext, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    """The draft as Markdown, with its charts as PNG files in <name>_charts/ beside it."""
    text = render_markdown(context, templates)
    folder = f"{path.stem}_charts"
    used = [cid for cid in context.charts if f"]({CHART_SCHEME}{cid})" in text]
    for cid in used:
        text = text.replace(f"]({CHART_SCHEME}{cid})", f"]({folder}/{context.charts[cid].filename})")
    written = [write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)]
    for cid in used:
        png = context.charts[cid].png
        written.append(
            write_atomic(
                path.parent / folder / context.charts[cid].filename,
                lambda tmp, b=png: tmp.write_bytes(b),
                force,
            )
        )
    return written


def render_html(context: DraftContext, templates: Path | None = None) -> str:
    """A standalone HTML page: charts embedded as data: URIs, print styles inline, nothing fetched."""
    body = _parser().render(render_markdown(context, templates))
    for cid, image in context.charts.items():
        uri = "data:image/png;base64," + base64.b64encode(image.png).decode("ascii")
        body = body.replace(f'src="{CHART_SCHEME}{cid}"', f'src="{uri}"')
    if context.values["draft"]["consultation"]:
        body = re.sub(r"<p>(\d+(?:\.\d+)+) ", r'<p class="numbered"><span class="number">\1</span> ', body)
    values = {
        **context.values,
        "body": body,
        "page_title": html.escape(draft_title(context)),
        "status_line": html.escape(status_line(context)),
    }
    return _tidy(_render(_environment(templates), HTML_TEMPLATE, values))


def write_html(
    context: DraftContext, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    text = render_html(context, templates)
    return [write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)]


def write_docx(
    context: DraftContext, path: Path, templates: Path | None = None, force: bool = False
) -> list[Path]:
    """The draft as a Word document built on the Word template (the user's, if their folder has one)."""
    template = templates_dir() / WORD_TEMPLATE
    if templates is not None and (templates / WORD_TEMPLATE).is_file():
        template = templates / WORD_TEMPLATE
    text = render_markdown(context, templates)
    return [write_atomic(path, lambda tmp: _DocxWriter(context, template).write(text, tmp), force)]


WRITERS_BY_FORMAT = {"md": write_markdown, "html": write_html, "docx": write_docx}


def write_draft(assessment: Assessment, options: DraftOptions, path: Path, force: bool = False) -> list[Path]:
    """Write one draft; the format is taken from the file's extension (.md, .html or .docx)."""
    fmt = path.suffix.lower().lstrip(".")
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt not in WRITERS_BY_FORMAT:
        raise DraftError(
            f"{path.name}: a draft is written as .md, .html or .docx, not {path.suffix or 'no extension'}"
        )
    context = build_context(assessment, options)
    return WRITERS_BY_FORMAT[fmt](context, path, options.templates_dir, force)


def write_drafts(
    assessment: Assessment, options: DraftOptions, stem: Path, force: bool = False
) -> list[Path]:
    """Write the draft in each of options.formats, as <stem>.md, <stem>.html and <stem>.docx."""
    context = build_context(assessment, options)
    written: list[Path] = []
    for fmt in options.formats:
        written += WRITERS_BY_FORMAT[fmt](context, stem.with_suffix(f".{fmt}"), options.templates_dir, force)
    return written


# --------------------------------------------------------------------------------------------------------
# Word


HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3", 5: "Heading 4", 6: "Heading 4"}
PARAGRAPH_STYLE = "Body Text"
NUMBERED_STYLE = "Numbered Paragraph"
NOTE_STYLE = "Note"
CAPTION_STYLE = "Caption"
FIGURE_STYLE = "Figure"
TABLE_STYLE = "Needs Table"
LIST_STYLES = {"bullet_list_open": "List Bullet", "ordered_list_open": "List Number"}


class _DocxWriter:
    """Markdown tokens -> python-docx, using only styles the template defines (so it can be restyled)."""

    def __init__(self, context: DraftContext, template: Path) -> None:
        self.context = context
        self.template = template

    def write(self, text: str, out: Path) -> None:
        from docx import Document

        self.doc = Document(str(self.template))
        body = self.doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        self.styles = {s.name for s in self.doc.styles}
        self.list_indent = self._list_indent()
        self._header()
        self._properties()
        self._blocks(_parser().parse(text))
        self.doc.save(str(out))

    def _list_indent(self) -> Any:
        """In a consultation draft, lists sit under the text of numbered paragraphs, not their numbers."""
        from docx.shared import Cm

        if NUMBERED_STYLE not in self.styles:
            return None
        indent = self.doc.styles[NUMBERED_STYLE].paragraph_format.left_indent
        return None if indent is None else indent + Cm(0.63)

    def _style(self, name: str, fallback: str = "Normal") -> str:
        return name if name in self.styles else fallback

    def _header(self) -> None:
        line = status_line(self.context)
        for section in self.doc.sections:
            replaced = False
            for paragraph in section.header.paragraphs:
                for run in paragraph.runs:  # a logo beside the marker, in its own run, is kept
                    if STATUS_MARKER in run.text:
                        run.text = run.text.replace(STATUS_MARKER, line)
                        replaced = True
            if not replaced:
                section.header.add_paragraph(line, style=self._style("Header"))

    def _properties(self) -> None:
        props = self.doc.core_properties
        values = self.context.values
        props.title = draft_title(self.context)
        props.author = re.sub(r"\\(.)", r"\1", values["author"]) or "needsassess"
        props.version = values["draft"]["version"]
        props.comments = f"{status_line(self.context)}. Generated by needsassess {__version__}."
        props.keywords = "domestic abuse; needs assessment; strategy"

    def _blocks(self, tokens: list[Any]) -> None:
        consultation = self.context.values["draft"]["consultation"]
        lists: list[str] = []
        quote = 0
        in_section = False
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.type == "heading_open":
                level = int(t.tag[1])
                in_section = in_section or level == 2
                paragraph = self.doc.add_paragraph(style=self._style(HEADING_STYLES[level]))
                self._inline(paragraph, tokens[i + 1].children or [])
                i += 3
                continue
            if t.type in LIST_STYLES:
                lists.append(LIST_STYLES[t.type])
            elif t.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif t.type == "blockquote_open":
                quote += 1
            elif t.type == "blockquote_close":
                quote -= 1
            elif t.type == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                self._table(tokens[i : end + 1])
                i = end + 1
                continue
            elif t.type == "paragraph_open":
                children = tokens[i + 1].children or []
                if _is_figure(children):
                    for image in (c for c in children if c.type == "image"):
                        self._picture(image)
                elif lists:
                    paragraph = self.doc.add_paragraph(style=self._style(lists[-1]))
                    if consultation and in_section and not quote and self.list_indent is not None:
                        paragraph.paragraph_format.left_indent = self.list_indent
                    self._inline(paragraph, children)
                elif _is_caption(children) and not quote:
                    self._inline(self.doc.add_paragraph(style=self._style(CAPTION_STYLE)), children[1:-1])
                elif quote:
                    self._inline(self.doc.add_paragraph(style=self._style(NOTE_STYLE)), children)
                else:
                    number = _NUMBER.match(tokens[i + 1].content) if consultation and t.level == 0 else None
                    if number:
                        paragraph = self.doc.add_paragraph(style=self._style(NUMBERED_STYLE))
                        paragraph.add_run(f"{number.group(1)}\t")
                        children = _strip_prefix(children, number.group(0))
                    else:
                        paragraph = self.doc.add_paragraph(style=self._style(PARAGRAPH_STYLE))
                    self._inline(paragraph, children)
                i += 3
                continue
            elif t.type == "hr":
                self.doc.add_paragraph(style=self._style(PARAGRAPH_STYLE))
            i += 1

    def _inline(self, paragraph: Any, children: list[Any]) -> None:
        bold = italic = False
        link: str | None = None
        for c in children:
            if c.type == "strong_open":
                bold = True
            elif c.type == "strong_close":
                bold = False
            elif c.type == "em_open":
                italic = True
            elif c.type == "em_close":
                italic = False
            elif c.type == "link_open":
                link = str(c.attrs.get("href", ""))
            elif c.type == "link_close":
                link = None
            elif c.type in ("text", "code_inline"):
                if link:
                    _add_hyperlink(paragraph, c.content, link, "Hyperlink" in self.styles)
                else:
                    run = paragraph.add_run(c.content)
                    run.bold = bold or None
                    run.italic = italic or None
            elif c.type == "softbreak":
                paragraph.add_run(" ")
            elif c.type == "hardbreak":
                paragraph.add_run().add_break()
            elif c.type == "image":
                self._picture(c)

    def _picture(self, token: Any) -> None:
        from docx.shared import Cm

        src = str(token.attrs.get("src", ""))
        image = (
            self.context.charts.get(src.removeprefix(CHART_SCHEME)) if src.startswith(CHART_SCHEME) else None
        )
        if image is None:
            self.doc.add_paragraph(f"[Image not embedded: {token.content}]", style=self._style(NOTE_STYLE))
            return
        section = self.doc.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin
        paragraph = self.doc.add_paragraph(style=self._style(FIGURE_STYLE))
        shape = paragraph.add_run().add_picture(io.BytesIO(image.png), width=min(width, Cm(16)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", image.alt)
        doc_pr.set("title", image.title)

    def _table(self, tokens: list[Any]) -> None:
        rows: list[list[tuple[list[Any], bool]]] = []
        header_rows = 0
        in_head = False
        for i, t in enumerate(tokens):
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
            elif t.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif t.type in ("th_open", "td_open"):
                right = "text-align:right" in str(t.attrs.get("style", ""))
                rows[-1].append((tokens[i + 1].children or [], right))
        if not rows:
            return
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        columns = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = self._style(TABLE_STYLE, "Table Grid")
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        # The first column names the row and gets the room; figures share the rest.
        first = int(usable * (0.4 if columns > 2 else 0.5))
        widths = [first] + [int((usable - first) / max(1, columns - 1))] * (columns - 1)
        table.autofit = False
        for c, column in enumerate(table.columns):
            column.width = widths[c]
        for r, row in enumerate(rows):
            for c, (children, right) in enumerate(row):
                cell = table.cell(r, c)
                cell.width = widths[c]
                paragraph = cell.paragraphs[0]
                self._inline(paragraph, children)
                if right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r < header_rows:  # repeat the header row on each page
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                tr_pr.append(header)
        self.doc.add_paragraph(style=self._style(PARAGRAPH_STYLE))


def _strip_prefix(children: list[Any], prefix: str) -> list[Any]:
    """Drop the paragraph number from the first text token (it is written as its own run)."""
    out = list(children)
    if out and out[0].type == "text" and out[0].content.startswith(prefix):
        out[0] = out[0].copy(content=out[0].content[len(prefix) :])
    return out


def _add_hyperlink(paragraph: Any, text: str, url: str, styled: bool) -> None:
    """A real Word hyperlink (python-docx has no call for one): a relationship and a w:hyperlink run."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    if styled:
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        props.append(style)
        run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)
