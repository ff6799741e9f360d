"""Domestic-abuse-related crimes by offence type, as police performance tables give them: the reader of
crime counts, and the offence names it and the per-crime cost method share (synonyms, labels, aggregates).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.errors import Problem
from needsassess.tables import find_header_row, is_blank, normalise_header, read_grid, to_number

if TYPE_CHECKING:
    import pandas as pd


# Canonical offence types (the `item` of a per-offence pack) and the names police extracts and
# performance tables use for them. Keys are compared after _normalise_name.
OFFENCE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "homicide": ("homicide", "murder", "manslaughter"),
    "rape": ("rape",),
    "violence_with_injury": (
        "violence with injury",
        "vwi",
        "abh",
        "actual bodily harm",
        "assault occasioning actual bodily harm",
        "gbh",
        "grievous bodily harm",
        "wounding",
        "assault with injury",
    ),
    "violence_without_injury": (
        "violence without injury",
        "vwoi",
        "common assault",
        "assault without injury",
        "battery",
    ),
    "stalking_harassment": (
        "stalking and harassment",
        "stalking",
        "harassment",
        "malicious communications",
        "controlling or coercive behaviour",
        "controlling and coercive behaviour",
        "coercive control",
    ),
    "other_sexual_offences": ("other sexual offences", "other sexual offence", "sexual assault"),
    "robbery": ("robbery", "personal robbery", "robbery of personal property"),
    "theft_of_vehicle": (
        "theft of vehicle",
        "theft of a vehicle",
        "theft of motor vehicle",
        "theft of a motor vehicle",
        "vehicle theft",
    ),
    "theft_from_vehicle": (
        "theft from vehicle",
        "theft from a vehicle",
        "theft from motor vehicle",
        "theft from a motor vehicle",
    ),
    "arson": ("arson",),
    "criminal_damage_other": (
        "criminal damage",
        "criminal damage other",
        "other criminal damage",
        "criminal damage excluding arson",
        "criminal damage other than arson",
    ),
    "domestic_burglary": (
        "domestic burglary",
        "burglary dwelling",
        "residential burglary",
        "burglary residential",
        "burglary",
    ),
    "theft_from_person": ("theft from the person", "theft from person"),
    "cyber_crime": ("cyber crime", "cybercrime", "computer misuse"),
    "other_theft": ("other theft", "theft", "other theft offences", "bicycle theft", "shoplifting"),
    "public_order": ("public order offences", "public order", "public disorder"),
    "possession_of_weapons": ("possession of weapons", "possession of weapons offences"),
    "drug_offences": ("drug offences", "possession of drugs", "trafficking of drugs"),
    "miscellaneous_crimes": ("miscellaneous crimes against society", "misc crimes against society"),
}

# Rows that add up other rows: costing them would count crimes twice.
AGGREGATES: dict[str, str] = {
    "total": "the rows above it",
    "grand total": "the rows above it",
    "all offences": "every offence type",
    "total recorded crime": "every offence type",
    "violence against the person": (
        "homicide, violence with injury, violence without injury, stalking and harassment"
    ),
    "sexual offences": "rape, other sexual offences",
    "criminal damage and arson": "arson, criminal damage",
    "vehicle crime": "theft of vehicle, theft from vehicle",
    "acquisitive crime": "burglary, theft, robbery and vehicle offences",
}


# Display names where the first synonym does not read well on its own.
OFFENCE_LABELS = {"criminal_damage_other": "Criminal damage (other than arson)"}


def offence_label(item: str) -> str:
    """How an offence type is written in outputs: "stalking_harassment" -> "Stalking and harassment"."""
    if item in OFFENCE_LABELS:
        return OFFENCE_LABELS[item]
    names = OFFENCE_SYNONYMS.get(item)
    return (names[0] if names else item.replace("_", " ")).capitalize()


def _normalise_name(name: Any) -> str:
    text = str(name).lower().replace("&", " and ").replace("_", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_SYNONYM_INDEX = {
    _normalise_name(s): item for item, names in OFFENCE_SYNONYMS.items() for s in (item, *names)
}


def match_offence(name: Any) -> str | None:
    """Return the canonical offence type for a name as written ("VWI", "ABH", "Violence with injury")."""
    if name is None or is_blank(name):
        return None
    return _SYNONYM_INDEX.get(_normalise_name(name))


def _unknown_offence_message(name: str) -> str:
    key = _normalise_name(name)
    if key in AGGREGATES:
        return f'"{name}" is a total of {AGGREGATES[key]}; give those counts instead and leave total rows out'
    return (
        f'"{name}" is not an offence type needsassess knows; use one of '
        + ", ".join(names[0] for names in OFFENCE_SYNONYMS.values())
        + ' (or a synonym such as "VWI" or "ABH")'
    )


def problem_for_offence_name(name: str, row: int | None = None, column: str | None = None) -> Problem:
    slug = "aggregate-offence" if _normalise_name(name) in AGGREGATES else "unknown-offence"
    return Problem(slug, _unknown_offence_message(name), row, column)


# --------------------------------------------------------------------------------------------------------
# Reading a crimes file

_OFFENCE_HEADERS = {
    "offence",
    "offences",
    "offence type",
    "offence group",
    "offence category",
    "offence description",
    "crime type",
    "crime category",
    "crime category/type",
    "crime",
    "type",
}
_COUNT_HEADERS = {
    "count",
    "counts",
    "number",
    "number of crimes",
    "number of offences",
    "crimes",
    "crime count",
    "recorded crimes",
    "n",
    "total",
}


def read_crime_counts(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read crime counts by offence type from a csv or spreadsheet with an offence and a count column.

    The header row is found, not assumed (title rows above it are skipped; so are rows below it with no
    count and no known offence name, such as footnotes). Every problem in the file is collected before one
    InputError is raised: unknown offence names, totals rows, blank, negative or fractional counts.
    Returns columns row (spreadsheet row number), offence (as written), item (the canonical offence type)
    and count.
    """
    import pandas as pd

    grid = read_grid(path, sheet)

    def score(cells: list[str]) -> int:
        return int(any(c in _OFFENCE_HEADERS for c in cells)) + int(any(c in _COUNT_HEADERS for c in cells))

    header_index = find_header_row(grid, score, min_score=2)
    if header_index is None:
        raise grid.error(
            Problem(
                "missing-header",
                "no header row with an offence column and a count column; "
                'expected headers such as "offence" and "count"',
            )
        )
    header = [normalise_header(c) if not is_blank(c) else "" for c in grid.rows[header_index]]
    offence_col = next(i for i, h in enumerate(header) if h in _OFFENCE_HEADERS)
    count_col = next(i for i, h in enumerate(header) if h in _COUNT_HEADERS)
    offence_name = str(grid.rows[header_index][offence_col]).strip()
    count_name = str(grid.rows[header_index][count_col]).strip()

    problems: list[Problem] = []
    records = []
    for index in range(header_index + 1, len(grid.rows)):
        cells = grid.rows[index]
        rownum = index + 1
        offence = cells[offence_col] if offence_col < len(cells) else ""
        raw_count = cells[count_col] if count_col < len(cells) else ""
        if is_blank(raw_count) and match_offence(offence) is None:
            continue  # a blank row, or a title or footnote: it carries no count, so nothing is dropped
        if is_blank(offence):
            problems.append(
                Problem(
                    "blank-offence",
                    f"offence is blank but the count is {raw_count}; name the offence type",
                    rownum,
                    offence_name,
                )
            )
            continue
        offence = str(offence).strip()
        item = match_offence(offence)
        if item is None:
            problems.append(problem_for_offence_name(offence, rownum, offence_name))
        count = _read_count(raw_count, rownum, count_name, problems)
        if item is not None and count is not None:
            records.append({"row": rownum, "offence": offence, "item": item, "count": count})
    if not problems and not records:
        problems.append(Problem("no-rows", "no offence rows under the header", header_index + 1))
    if problems:
        raise grid.error(problems)
    counts = pd.DataFrame.from_records(records, columns=["row", "offence", "item", "count"])
    counts.attrs["source"] = grid.file
    return counts


def _read_count(raw: Any, rownum: int, column: str, problems: list[Problem]) -> float | None:
    if is_blank(raw):
        problems.append(Problem("missing-count", "count is blank; put 0 if there were none", rownum, column))
        return None
    value = to_number(raw)
    if value is None or not math.isfinite(value):
        problems.append(Problem("not-a-number", f'count "{raw}" is not a number', rownum, column))
        return None
    if value < 0:
        problems.append(Problem("negative-count", f"count is {value:g}; counts must be >= 0", rownum, column))
        return None
    if not value.is_integer():
        problems.append(
            Problem("fractional-count", f"count is {value:g}; counts must be whole numbers", rownum, column)
        )
        return None
    return value
