"""Tables the user supplies beside the extract: deprivation by ward or LSOA, and counts for peer areas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.clients.values import code_key
from needsassess.errors import Problem
from needsassess.police.codes import plain_header
from needsassess.police.read import cell_number, shown_cell
from needsassess.tables import find_header_row, is_blank, read_grid

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Deprivation:
    """Deprivation by ward or LSOA, with the population of each (from a csv the user supplies)."""

    frame: pd.DataFrame  # unit, code, name, ward, population, population_16plus, score, rank, decile
    level: str  # "ward" or "LSOA"
    path: Path
    decile_basis: str  # "national decile from the file" or "local decile from the score/rank"


_DEPRIVATION_HEADERS = {
    "ward": ("ward", "ward name", "ward nm", "wd15nm", "wd16nm", "wd19nm", "wd22nm", "electoral ward"),
    "ward_code": ("ward code", "ward cd", "wd15cd", "wd16cd", "wd19cd", "wd22cd"),
    "lsoa": ("lsoa", "lsoa code", "lsoa cd", "lsoa11cd", "lsoa21cd", "lsoa code 2011", "lsoa code 2021"),
    "score": ("imd score", "score", "index of multiple deprivation imd score", "deprivation score"),
    "rank": ("imd rank", "rank", "local rank", "deprivation rank", "index of multiple deprivation imd rank"),
    "decile": (
        "imd decile",
        "decile",
        "national decile",
        "deprivation decile",
        "index of multiple deprivation imd decile",
    ),
    "population": ("population", "total population", "all ages", "usual residents", "population all ages"),
    "population_16plus": (
        "population 16+",
        "population aged 16+",
        "population 16plus",
        "population aged 16 and over",
        "aged 16 and over",
        "16+",
        "adults",
        "population 16 and over",
    ),
}


def read_deprivation(path: str | Path, sheet: str | int | None = None) -> Deprivation:
    """Read an index of multiple deprivation by ward or LSOA, with populations, from csv or xlsx.

    Columns (any of the usual headers): a ward name or code or an LSOA code; an IMD score, rank (1 = most
    deprived) or decile (1 = most deprived 10%); population, and population aged 16+ if known.
    """
    import pandas as pd

    grid = read_grid(path, sheet)
    index = {plain_header(s): k for k, syns in _DEPRIVATION_HEADERS.items() for s in syns}
    header = find_header_row(grid, lambda cells: sum(1 for c in cells if plain_header(c) in index), 2)
    if header is None:
        raise grid.error(
            Problem(
                "missing-header",
                "no header row found; expected columns such as Ward, Ward code or LSOA code, IMD score, "
                "IMD rank or IMD decile, Population and Population 16+",
            )
        )
    cols: dict[str, tuple[str, int]] = {}
    for j, cell in enumerate(grid.rows[header]):
        key = plain_header(cell)
        if key in index and index[key] not in cols:
            cols[index[key]] = (str(cell).strip(), j)
    level = "LSOA" if "lsoa" in cols else "ward"
    problems = []
    if level == "ward" and "ward" not in cols and "ward_code" not in cols:
        problems.append(Problem("missing-column", "no ward or LSOA column", header + 1))
    if not {"score", "rank", "decile"} & set(cols):
        problems.append(
            Problem(
                "missing-column",
                "no deprivation column; expected IMD score, IMD rank or IMD decile",
                header + 1,
            )
        )
    if "population" not in cols and "population_16plus" not in cols:
        problems.append(
            Problem(
                "missing-column", "no population column; expected Population or Population 16+", header + 1
            )
        )
    if problems:
        raise grid.error(problems)
    records = []
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        cell = {k: (row[j] if j < len(row) else "") for k, (_t, j) in cols.items()}
        unit = cell.get("lsoa") if level == "LSOA" else (cell.get("ward_code") or cell.get("ward"))
        if is_blank(unit) or code_key(unit).startswith(("total", "source", "note")):
            continue
        record: dict[str, Any] = {
            "code": str(cell.get("lsoa") or cell.get("ward_code") or "").strip(),
            "name": str(cell.get("ward") or "").strip(),
            "ward": str(cell.get("ward") or cell.get("ward_code") or "").strip(),
        }
        for k in ("score", "rank", "decile", "population", "population_16plus"):
            if k not in cols:
                record[k] = None
                continue
            number = cell_number(cell[k])
            if number is None or number < 0:
                problems.append(
                    Problem(
                        "not-a-number",
                        f"{shown_cell(cell[k]) if not is_blank(cell[k]) else 'blank'} is not a number; expected a "
                        + ("decile 1 to 10" if k == "decile" else "number >= 0"),
                        i + 1,
                        cols[k][0],
                    )
                )
                number = None
            elif k == "decile" and not (number.is_integer() and 1 <= number <= 10):
                problems.append(
                    Problem("bad-decile", f"{number:g} is not a decile; expected 1 to 10", i + 1, cols[k][0])
                )
            record[k] = number
        records.append(record)
    if problems:
        raise grid.error(problems)
    if not records:
        raise grid.error(Problem("no-rows", "the deprivation table has no rows"))
    frame = pd.DataFrame.from_records(records)
    frame["unit"] = [r["code"] or r["name"] for r in records]
    if frame["unit"].str.lower().duplicated().any():
        dup = frame.loc[frame["unit"].str.lower().duplicated(), "unit"].iloc[0]
        raise grid.error(Problem("duplicate-unit", f'"{dup}" appears twice; expected one row per {level}'))
    frame["order"] = _deprivation_order(frame)
    if frame["decile"].notna().all():
        basis = "national IMD decile (from the file)"
    else:
        n = len(frame)
        frame["decile"] = [min(10, int(10 * (o - 1) / n) + 1) for o in frame["order"]]
        basis = "local decile (from the ranking of the units in the file)"
    frame["decile"] = frame["decile"].astype("int64")
    return Deprivation(frame, level, Path(path), basis)


def _deprivation_order(frame: pd.DataFrame) -> list[int]:
    """1 = most deprived: by score (high first), else rank (low first), else decile (low first)."""
    if frame["score"].notna().all():
        keys = [-s for s in frame["score"]]
    elif frame["rank"].notna().all():
        keys = list(frame["rank"])
    else:
        keys = list(frame["decile"].fillna(11))
    order = sorted(range(len(frame)), key=lambda i: (keys[i], i))
    out = [0] * len(frame)
    for position, i in enumerate(order, 1):
        out[i] = position
    return out


PEER_MEASURES = (
    "incidents",
    "crimes",
    "non_crime",
    "repeat_incidents",
    "high_risk",
    "children_present",
)


@dataclass
class PeerCounts:
    """Counts for several areas from a table the user supplies (areas the extract does not cover)."""

    frame: pd.DataFrame  # area, and any of PEER_MEASURES
    path: Path


_PEER_HEADERS = {
    "area": ("area", "area name", "area code", "local authority", "la", "district", "csp", "borough"),
    "incidents": ("incidents", "incidents and crimes", "domestic abuse incidents", "da incidents", "total"),
    "crimes": (
        "crimes",
        "domestic abuse crimes",
        "da crimes",
        "da related crimes",
        "domestic related crimes",
    ),
    "non_crime": ("non crime incidents", "non crime", "non crime domestic incidents"),
    "repeat_incidents": ("repeat incidents", "repeats"),
    "high_risk": ("high risk", "high risk incidents"),
    "children_present": ("children present", "incidents with children present"),
}


def read_peer_counts(path: str | Path, sheet: str | int | None = None) -> PeerCounts:
    """Read a table of counts by area (area, incidents, crimes, ...) for the current year."""
    import pandas as pd

    grid = read_grid(path, sheet)
    index = {plain_header(s): k for k, syns in _PEER_HEADERS.items() for s in syns}
    header = find_header_row(grid, lambda cells: sum(1 for c in cells if plain_header(c) in index), 2)
    if header is None or "area" not in {index.get(plain_header(c)) for c in grid.rows[header]}:
        raise grid.error(
            Problem("missing-header", "no header row with Area and counts such as Incidents and Crimes")
        )
    cols = {}
    for j, cell in enumerate(grid.rows[header]):
        k = index.get(plain_header(cell))
        if k and k not in cols:
            cols[k] = (str(cell).strip(), j)
    problems, records = [], []
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        area = row[cols["area"][1]] if cols["area"][1] < len(row) else ""
        if is_blank(area) or code_key(area).startswith(("total", "source", "note")):
            continue
        record: dict[str, Any] = {"area": str(area).strip()}
        for k, (text, j) in cols.items():
            if k == "area":
                continue
            value = row[j] if j < len(row) else ""
            number = cell_number(value)
            if number is None or number < 0 or not number.is_integer():
                problems.append(
                    Problem(
                        "not-a-count",
                        f"{shown_cell(value)} is not a count; expected a whole number >= 0",
                        i + 1,
                        text,
                    )
                )
                continue
            record[k] = int(number)
        records.append(record)
    if problems:
        raise grid.error(problems)
    return PeerCounts(pd.DataFrame.from_records(records), Path(path))
