"""What every section builder shares: the charts, the assessment's rules, and text for tables.

A section builder (one module per family: prevalence, cost, police, services, profile, sources) returns
values already rounded for publication or suppressed; the helpers here are how a figure becomes the text a
template places. Counts of people go through `shown_count` (the [disclosure] rule), estimates through
`rounded` (the [prevalence] rounding); text from inputs through `md_text`, so it cannot become Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from needsassess.errors import ConfigError, NeedsAssessError

if TYPE_CHECKING:
    from needsassess.assessment import Assessment
    from needsassess.disclosure import Rule
    from needsassess.report.charts import ChartImage

CHART_SCHEME = "chart:"  # templates refer to charts as chart:<id>; each writer resolves them


class Charts:
    """Charts drawn for one draft; templates see only {src, alt, title}."""

    def __init__(self) -> None:
        self.images: dict[str, ChartImage] = {}

    def add(self, image: ChartImage) -> dict[str, str]:
        self.images[image.id] = image
        return {"src": f"{CHART_SCHEME}{image.id}", "alt": _alt(image.alt), "title": image.title}


@dataclass
class BuildState:
    """What a section builder reads: the assessment, the draft's charts, and the sections left out so far."""

    assessment: Assessment
    charts: Charts
    left_out: list[dict[str, str]] = field(default_factory=list)


def _alt(text: str) -> str:
    """Alt text on one line, without the square brackets that would end a Markdown image's text."""
    return " ".join(str(text).replace("[", "(").replace("]", ")").split())


def organisation(name: str) -> str:
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


def md_text(text: str) -> str:
    """Text from an input file or setting, with Markdown's own characters escaped."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", str(text))


def count_text(value: Any) -> str:
    """A count for a table cell: "2,200", a suppression marker as it is ("<5"), "not available"."""
    if value is None:
        return "not available"
    if isinstance(value, str):
        return value
    from needsassess.phrasing import count_phrase

    return count_phrase(value, "none")


def percent_text(share: float) -> str:
    """A share as a whole per cent for a table cell or a chart label: 0.318 -> "32%"."""
    from needsassess.phrasing import percent

    return percent(share)


def markdown_table(
    columns: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()
) -> dict[str, Any]:
    """A table for the `table` macro: cells are text already; `numeric` columns are right-aligned."""
    clean = [[md_text(c) if i == 0 else str(c).replace("|", "\\|") for i, c in enumerate(r)] for r in rows]
    align = ["right" if i in numeric else "left" for i in range(len(columns))]
    return {"columns": columns, "rows": clean, "align": align}


def shown_count(assessment: Assessment, n: Any) -> int | str:
    """A count of people or incidents as published under the disclosure rule: "<5" (read as "fewer than
    five") when small, otherwise the count (rounded where the rule rounds, e.g. nhsd to 5). Estimates are
    rounded by the publication rounding instead; counts are not, since they are not estimates."""
    from needsassess.disclosure import format_count

    return format_count(int(n), disclosure_rule(assessment))


def disclosure_rule(assessment: Assessment) -> Rule:
    """The small-number rule of this assessment ([disclosure] preset and threshold); lt5 where the setting
    is bad, since the stages that publish counts report a bad setting themselves."""
    from needsassess.disclosure import DEFAULT_RULE

    try:
        return assessment.disclosure_rule
    except NeedsAssessError:
        return DEFAULT_RULE


def rounding_rule(assessment: Assessment) -> Any:
    """The publication rounding of this assessment ([prevalence] rounding), for counts in the text."""
    from needsassess.rounding import DEFAULT_ROUNDING, parse_rounding

    if assessment.prevalence:
        return assessment.prevalence[0].rounding
    try:
        return parse_rounding(assessment.config.section("prevalence").get("rounding"))
    except (ValueError, ConfigError):
        return DEFAULT_ROUNDING


def rounded(value: float, rule: Any) -> int:
    """An estimate rounded for publication by `rule` (see rounding_rule)."""
    from needsassess.rounding import round_for_publication

    return int(round_for_publication(float(value), rule))
