"""Local population by sex and single year of age, from the layouts ONS and NOMIS publish.

Every reader returns the same tidy frame (area_code, area_name, year, sex, age, population), with sex
female|male and age 0..90 where 90 means 90 and over. A file may hold a whole country; the area is picked
afterwards by GSS code or name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.errors import InputError, Problem
from needsassess.tables import (
    Grid,
    column_letter,
    find_header_row,
    is_blank,
    list_sheets,
    normalise_header,
    read_grid,
    read_grids,
    to_number,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

COLUMNS = ["area_code", "area_name", "year", "sex", "age", "population"]
MAX_AGE = 90
SEXES = ("female", "male")
_SEX_CODES = {
    "1": "male",
    "m": "male",
    "male": "male",
    "males": "male",
    "men": "male",
    "2": "female",
    "f": "female",
    "female": "female",
    "females": "female",
    "women": "female",
}
_YEAR_RE = re.compile(r"\b(?:mid[- ]?)?((?:19|20)\d\d)\b", re.IGNORECASE)


@dataclass
class Population:
    """Tidy population for one or more areas, with the file it came from."""

    frame: pd.DataFrame
    path: Path
    layout: str
    # The areas in the order the file lists them (area_code, area_name, geography), with the file's
    # Geography column ("Region", "Unitary Authority" ...) where it has one: ONS lists each region's
    # areas under the region's row, which is how a batch finds each area's peers.
    listing: pd.DataFrame | None = None

    @property
    def areas(self) -> pd.DataFrame:
        return self.frame[["area_code", "area_name"]].drop_duplicates().reset_index(drop=True)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].dropna().unique())


def read_population(path: str | Path, sheet: str | None = None, year: int | None = None) -> Population:
    """Read a population file in any supported layout and return it tidy.

    Layouts are recognised from their headers: the ONS mid-year-estimate wide layout (xlsx with one sheet
    per sex, or csv with a sex column), the ONS long layout (ladcode, laname, sex, age, population_YYYY),
    a NOMIS csv download (GEOGRAPHY_CODE, C_AGE_NAME, OBS_VALUE ...) and a plain tidy csv.
    `year` picks one year where the file has several and is checked where the file has one.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, Problem("missing-file", f"file not found: {path}"))
    if path.suffix.lower() in {".csv", ".txt", ".tsv"}:
        grid = read_grid(path)
        population = _read_any_layout(grid)
    else:
        population = _read_workbook(path, sheet)
    return _pick_year(population, year)


def population_from_frame(frame: pd.DataFrame, path: str | Path, layout: str) -> Population:
    """A Population from a frame already in the tidy columns, such as estimates fetched from NOMIS."""
    return Population(_finish(frame[COLUMNS].copy()), Path(path), layout)


def select_area(population: Population, area: str) -> Population:
    """Keep one area, chosen by GSS code or name (case-insensitive); unknown areas list the closest names."""
    frame = population.frame
    wanted = area.strip().lower()
    mask = (frame["area_code"].str.lower() == wanted) | (frame["area_name"].str.lower() == wanted)
    if not mask.any():
        areas = population.areas
        names = list(areas["area_name"])
        close = difflib.get_close_matches(area, names, n=3, cutoff=0.5)
        close += [n for n in names if wanted in n.lower() and n not in close][: max(0, 3 - len(close))]
        hint = (
            "closest: " + ", ".join(f'"{n}" ({_code_of(areas, n)})' for n in close)
            if close
            else f"the file has {len(names)} areas, e.g. " + ", ".join(f'"{n}"' for n in names[:3])
        )
        raise InputError(population.path, Problem("unknown-area", f'no area "{area}" in this file; {hint}'))
    chosen = frame[mask]
    if chosen["area_code"].nunique() > 1:
        codes = ", ".join(sorted(chosen["area_code"].unique()))
        raise InputError(
            population.path,
            Problem("ambiguous-area", f'"{area}" matches several areas ({codes}); give the code'),
        )
    return _with_frame(population, chosen.reset_index(drop=True))


def _code_of(areas: pd.DataFrame, name: str) -> str:
    return str(areas.loc[areas["area_name"] == name, "area_code"].iloc[0])


def population_in_ages(population: Population, low: int, high: int, sex: str | None = None) -> int:
    """Total population aged low..high inclusive (high = 90 means 90 and over), optionally one sex."""
    frame = population.frame
    mask = (frame["age"] >= low) & (frame["age"] <= high)
    if sex not in (None, "all"):
        mask &= frame["sex"] == sex
    return int(frame.loc[mask, "population"].sum())


def residents(population: Population) -> float:
    """All residents of the area, all ages: the denominator of cost per head."""
    return float(population_in_ages(population, 0, MAX_AGE))


def populations_in_bands(
    population: Population, bands: Sequence[tuple[int, int, str | None]]
) -> tuple[list[str], np.ndarray]:
    """Population of every area in each (low, high, sex) band, in one pass over the tidy frame.

    Returns the area codes (in the order the frame first lists them) and an int64 array of shape
    (areas, bands); sex None or "all" counts both sexes, and high = 90 means 90 and over. The same sums as
    population_in_ages, for every area at once: the batch over a national file needs no loop per area.
    """
    import numpy as np
    import pandas as pd

    frame = population.frame
    codes = pd.unique(frame["area_code"])
    area = pd.Categorical(frame["area_code"], categories=codes).codes
    sex = np.where(frame["sex"].to_numpy() == "male", 1, 0)
    age = frame["age"].to_numpy(dtype="int64").clip(0, MAX_AGE)
    counts = np.zeros((len(codes), 2, MAX_AGE + 2), dtype="int64")
    np.add.at(counts, (area, sex, age + 1), frame["population"].to_numpy(dtype="int64"))
    cumulative = counts.cumsum(axis=2)  # cumulative[..., a + 1] = people aged 0..a
    out = np.zeros((len(codes), len(bands)), dtype="int64")
    for k, (low, high, band_sex) in enumerate(bands):
        high = min(high, MAX_AGE)
        by_sex = cumulative[:, :, high + 1] - cumulative[:, :, low]
        if band_sex in (None, "all"):
            out[:, k] = by_sex.sum(axis=1)
        else:
            out[:, k] = by_sex[:, SEXES.index(band_sex)]
    return [str(c) for c in codes], out


# --- layouts -----------------------------------------------------------------------------------------


def _read_workbook(path: Path, sheet: str | None) -> Population:
    names = list_sheets(path)
    if sheet is not None:
        return _read_any_layout(read_grid(path, sheet))
    by_sex = {_sex_of_sheet(n): n for n in names if _sex_of_sheet(n)}
    if "female" in by_sex and "male" in by_sex:
        grids = read_grids(path, [by_sex["female"], by_sex["male"]])
        frames = [_read_wide(g, sex) for g, sex in zip(grids, ("female", "male"), strict=True)]
        import pandas as pd

        raw = pd.concat(frames, ignore_index=True)
        return Population(_finish(raw), path, "ons-mye-wide", _listing(raw))
    if len(by_sex) == 1:
        ((found, name),) = by_sex.items()
        other = "females" if found == "male" else "males"
        raise InputError(
            path,
            Problem(
                "missing-sheet",
                f'found a sheet for {found}s ("{name}") but none for {other}; expected one sheet per sex, '
                'as in ONS MYE2 ("MYE2 - Females", "MYE2 - Males")',
            ),
        )
    # One sheet holding a long, NOMIS or tidy table (or a wide table with a sex column).
    for name in names:
        grid = read_grid(path, name)
        if _detect(grid) is not None:
            return _read_any_layout(grid)
    raise InputError(
        path,
        Problem(
            "unknown-layout",
            'no population table found: expected a sheet per sex (e.g. "MYE2 - Females" and "MYE2 - Males") '
            "with columns Code, Name, All ages, 0 … 90+, or a long table with area, sex, age and population; "
            "sheets are " + ", ".join(f'"{n}"' for n in names),
        ),
    )


def _sex_of_sheet(name: str) -> str | None:
    text = name.lower()
    if "persons" in text or "all" == text.strip():
        return None
    if re.search(r"\bfemales?\b|\bwomen\b", text):
        return "female"
    if re.search(r"\bmales?\b|\bmen\b", text):
        return "male"
    return None


_WIDE = {"code", "name", "all ages"}
_LONG = {"ladcode", "laname", "sex", "age"}
_NOMIS = {"geography_code", "geography_name", "gender_name", "c_age_name", "obs_value"}
_TIDY = set(COLUMNS)


def _detect(grid: Grid) -> tuple[str, int] | None:
    def score(cells: list[str]) -> int:
        s = set(cells)
        best = max(
            len(_WIDE & s) + ("0" in s) + ("90+" in s),
            len(_LONG & s) + any(c.startswith("population_") for c in s),
            len(_NOMIS & s),
            len(_TIDY & s),
        )
        return best

    index = find_header_row(grid, score, min_score=4)
    if index is None:
        return None
    cells = {normalise_header(c) for c in grid.rows[index] if not is_blank(c)}
    if _NOMIS <= cells:
        return "nomis", index
    if _TIDY <= cells:
        return "tidy", index
    if {"ladcode", "sex", "age"} <= cells and any(c.startswith("population_") for c in cells):
        return "ons-long", index
    if {"code", "name"} <= cells and "0" in cells:
        return "ons-mye-wide", index
    return None


def _read_any_layout(grid: Grid) -> Population:
    detected = _detect(grid)
    if detected is None:
        raise grid.error(
            Problem(
                "unknown-layout",
                "cannot recognise the population layout; expected one of: ONS mid-year estimates "
                "(Code, Name, All ages, 0 … 90+), ONS long (ladcode, laname, sex, age, population_YYYY), "
                "NOMIS (GEOGRAPHY_CODE, GEOGRAPHY_NAME, GENDER_NAME, C_AGE_NAME, OBS_VALUE) or tidy "
                "(" + ", ".join(COLUMNS) + ")",
            )
        )
    layout, header = detected
    if layout == "ons-mye-wide":
        frame = _read_wide(grid, None, header)
    elif layout == "ons-long":
        frame = _read_long(grid, header)
    elif layout == "nomis":
        frame = _read_nomis(grid, header)
    else:
        frame = _read_tidy(grid, header)
    return Population(_finish(frame), grid.path, layout, _listing(frame))


def _headers(grid: Grid, header: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, cell in enumerate(grid.rows[header]):
        if not is_blank(cell):
            found.setdefault(normalise_header(cell), j)
    return found


def _data_rows(grid: Grid, header: int):
    """Yield (spreadsheet row number, cells) below the header, skipping blank rows and notes."""
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        if all(is_blank(c) for c in row):
            continue
        yield i + 1, row


def _cell(row: list[Any], j: int) -> Any:
    return row[j] if j < len(row) else ""


def _count(grid: Grid, problems: list[Problem], rownum: int, column: str, value: Any) -> int | None:
    number = to_number(value)
    if number is None:
        shown = "blank" if is_blank(value) else f'"{value}"'
        problems.append(
            Problem("not-a-number", f"{shown} is not a count; expected a whole number >= 0", rownum, column)
        )
        return None
    if number < 0:
        problems.append(
            Problem("negative-count", f"{number:g} is negative; counts must be >= 0", rownum, column)
        )
        return None
    return int(round(number))


def _year_from_titles(grid: Grid, header: int) -> int | None:
    for row in grid.rows[:header]:
        for cell in row:
            if isinstance(cell, str):
                match = _YEAR_RE.search(cell)
                if match:
                    return int(match.group(1))
    match = _YEAR_RE.search(grid.sheet or "")
    return int(match.group(1)) if match else None


def _age_of_header(text: str) -> int | None:
    text = text.strip().lower()
    if text in {"90+", "90 +", "90 and over", "90 & over", "aged 90+", "age 90+", "90 and above"}:
        return MAX_AGE
    if text.isdigit():
        return int(text)
    return None


def _read_wide(grid: Grid, sex: str | None, header: int | None = None) -> pd.DataFrame:
    import pandas as pd

    if header is None:
        detected = _detect(grid)
        if detected is None or detected[0] != "ons-mye-wide":
            raise grid.error(
                Problem(
                    "missing-header",
                    "no header row with Code, Name, All ages and ages 0 … 90+ in the first 40 rows",
                )
            )
        header = detected[1]
    cols = _headers(grid, header)
    age_cols = {}
    for text, j in cols.items():
        age = _age_of_header(text)
        if age is not None:
            age_cols[age] = j
    missing = [a for a in range(MAX_AGE + 1) if a not in age_cols]
    if missing:
        shown = ", ".join("90+" if a == MAX_AGE else str(a) for a in missing[:8])
        raise grid.error(
            Problem(
                "missing-ages",
                f"the header has no column for age {shown}; expected one column per age 0 … 89 and 90+",
                header + 1,
            )
        )
    sex_col = next((cols[k] for k in ("sex", "gender") if k in cols), None)
    if sex is None and sex_col is None:
        raise grid.error(
            Problem(
                "missing-sex",
                'a wide table needs one sheet per sex ("Females", "Males") or a "Sex" column',
                header + 1,
            )
        )
    year = _year_from_titles(grid, header)
    code_j, name_j = cols["code"], cols["name"]
    geography_j = cols.get("geography")
    problems: list[Problem] = []
    header_cells = grid.rows[header]
    ages = list(age_cols)
    age_js = list(age_cols.values())
    # One entry per data row; each row's counts are appended in `ages` order (columnar, not per cell).
    codes, names, sexes, geographies, counts = [], [], [], [], []
    for rownum, row in _data_rows(grid, header):
        code = _cell(row, code_j)
        if is_blank(code) or not _looks_like_code(code):
            continue  # notes and footnotes under the table
        row_sex = sex
        if sex_col is not None:
            row_sex = _SEX_CODES.get(normalise_header(_cell(row, sex_col)))
            if row_sex is None:
                problems.append(
                    Problem(
                        "unknown-sex",
                        f'"{_cell(row, sex_col)}" is not a sex; expected Female/Male, F/M or 2/1',
                        rownum,
                        str(header_cells[sex_col]),
                    )
                )
                continue
        cells: list[Any] = [row[j] if j < len(row) else "" for j in age_js]
        if all(type(v) is float or type(v) is int for v in cells) and min(cells) >= 0:
            values = [round(v) for v in cells]  # the common case: every cell a number
        else:
            values = [
                _count(grid, problems, rownum, _col_name(header_cells, j), v)
                for j, v in zip(age_js, cells, strict=True)
            ]
            if any(v is None for v in values):
                continue  # reported in problems
        codes.append(str(code).strip())
        names.append(str(_cell(row, name_j)).strip())
        sexes.append(row_sex)
        geographies.append("" if geography_j is None else str(_cell(row, geography_j)).strip())
        counts.extend(values)
    if problems:
        raise grid.error(problems)
    n = len(ages)
    return pd.DataFrame(
        {
            "area_code": [c for c in codes for _ in range(n)],
            "area_name": [c for c in names for _ in range(n)],
            "year": [year] * (n * len(codes)),
            "sex": [c for c in sexes for _ in range(n)],
            "age": ages * len(codes),
            "population": counts,
            "geography": [c for c in geographies for _ in range(n)],
        },
        columns=[*COLUMNS, "geography"],
    )


def _col_name(header_cells: list[Any], j: int) -> str:
    value = header_cells[j] if j < len(header_cells) else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or column_letter(j)


def _looks_like_code(value: Any) -> bool:
    text = str(value).strip()
    return bool(re.fullmatch(r"[A-Z]\d{8}|[A-Z0-9]{2,12}", text)) and not text.lower().startswith("total")


def _read_long(grid: Grid, header: int) -> pd.DataFrame:
    import pandas as pd

    cols = _headers(grid, header)
    year_cols = {int(k.split("_", 1)[1]): j for k, j in cols.items() if re.fullmatch(r"population_\d{4}", k)}
    hc = grid.rows[header]
    problems: list[Problem] = []
    records = []
    for rownum, row in _data_rows(grid, header):
        sex = _SEX_CODES.get(normalise_header(_cell(row, cols["sex"])))
        if sex is None:
            problems.append(
                Problem(
                    "unknown-sex",
                    f'"{_cell(row, cols["sex"])}" is not a sex; expected 1 (male) or 2 (female)',
                    rownum,
                    str(hc[cols["sex"]]),
                )
            )
            continue
        age = _parse_age(_cell(row, cols["age"]))
        if age is None:
            problems.append(
                Problem(
                    "bad-age", f'"{_cell(row, cols["age"])}" is not an age; expected 0 … 90', rownum, "age"
                )
            )
            continue
        name = _cell(row, cols["laname"]) if "laname" in cols else ""
        for year, j in year_cols.items():
            value = _count(grid, problems, rownum, str(hc[j]), _cell(row, j))
            if value is not None:
                records.append(
                    (str(_cell(row, cols["ladcode"])).strip(), str(name).strip(), year, sex, age, value)
                )
    if problems:
        raise grid.error(problems)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


_NOMIS_AGE = re.compile(r"(\d+)")


def _parse_age(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        age = int(value)
        return min(age, MAX_AGE) if age >= 0 else None
    text = normalise_header(value)
    if not text:
        return None
    if "under 1" in text:
        return 0
    if "total" in text or "all" in text:
        return None
    match = _NOMIS_AGE.search(text)
    if not match:
        return None
    return min(int(match.group(1)), MAX_AGE)


def _read_nomis(grid: Grid, header: int) -> pd.DataFrame:
    import pandas as pd

    cols = _headers(grid, header)
    hc = grid.rows[header]
    year_j = cols.get("date", cols.get("date_name"))
    problems: list[Problem] = []
    records = []
    for rownum, row in _data_rows(grid, header):
        gender = normalise_header(_cell(row, cols["gender_name"]))
        age_text = normalise_header(_cell(row, cols["c_age_name"]))
        if gender in {"total", "all persons", "persons", "all"} or age_text in {"all ages", "total"}:
            continue  # NOMIS totals, recomputed from the detail when needed
        sex = _SEX_CODES.get(gender)
        if sex is None:
            problems.append(
                Problem(
                    "unknown-sex", f'"{gender}" is not a sex; expected Male or Female', rownum, "GENDER_NAME"
                )
            )
            continue
        age = _parse_age(age_text)
        if age is None:
            problems.append(
                Problem(
                    "bad-age",
                    f'"{age_text}" is not an age; expected e.g. "Age 16" or "Aged 90+"',
                    rownum,
                    "C_AGE_NAME",
                )
            )
            continue
        year = None
        if year_j is not None:
            match = _YEAR_RE.search(str(_cell(row, year_j)))
            year = int(match.group(1)) if match else None
        value = _count(grid, problems, rownum, str(hc[cols["obs_value"]]), _cell(row, cols["obs_value"]))
        if value is not None:
            records.append(
                (
                    str(_cell(row, cols["geography_code"])).strip(),
                    str(_cell(row, cols["geography_name"])).strip(),
                    year,
                    sex,
                    age,
                    value,
                )
            )
    if problems:
        raise grid.error(problems)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _read_tidy(grid: Grid, header: int) -> pd.DataFrame:
    import pandas as pd

    cols = _headers(grid, header)
    problems: list[Problem] = []
    records = []
    for rownum, row in _data_rows(grid, header):
        raw_sex = _cell(row, cols["sex"])
        sex = _SEX_CODES.get(normalise_header(raw_sex))
        if sex is None:
            problems.append(
                Problem("unknown-sex", f'"{raw_sex}" is not a sex; expected female or male', rownum, "sex")
            )
            continue
        age = _parse_age(_cell(row, cols["age"]))
        if age is None:
            problems.append(
                Problem(
                    "bad-age", f'"{_cell(row, cols["age"])}" is not an age; expected 0 … 90', rownum, "age"
                )
            )
            continue
        year_value = to_number(_cell(row, cols["year"]))
        value = _count(grid, problems, rownum, "population", _cell(row, cols["population"]))
        if value is not None:
            records.append(
                (
                    str(_cell(row, cols["area_code"])).strip(),
                    str(_cell(row, cols["area_name"])).strip(),
                    int(year_value) if year_value is not None else None,
                    sex,
                    age,
                    value,
                )
            )
    if problems:
        raise grid.error(problems)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum duplicate rows (e.g. NOMIS '90+' beside single years above 90) and fix the dtypes."""
    import pandas as pd

    frame = frame.astype({"area_code": "string", "area_name": "string", "sex": "string"})
    frame["year"] = pd.array(frame["year"], dtype="Int64")
    frame = (
        frame.groupby(["area_code", "area_name", "year", "sex", "age"], dropna=False, sort=True)["population"]
        .sum()
        .reset_index()
    )
    frame["age"] = frame["age"].astype("int64")
    frame["population"] = frame["population"].astype("int64")
    return frame


def _pick_year(population: Population, year: int | None) -> Population:
    frame = population.frame
    years = population.years
    if year is None:
        if len(years) > 1:
            latest = years[-1]
            return _with_frame(population, frame[frame["year"] == latest].reset_index(drop=True))
        return population
    if not years:
        # The file does not state its year: take the user's word for it.
        frame = frame.assign(year=year)
        frame["year"] = frame["year"].astype("Int64")
        return _with_frame(population, frame)
    if year not in years:
        raise InputError(
            population.path,
            Problem(
                "missing-year", f"no figures for {year}; the file has " + ", ".join(str(y) for y in years)
            ),
        )
    return _with_frame(population, frame[frame["year"] == year].reset_index(drop=True))


def _with_frame(population: Population, frame: pd.DataFrame) -> Population:
    """The same population with fewer rows; the listing keeps only the areas still present."""
    listing = population.listing
    if listing is not None:
        listing = listing[listing["area_code"].isin(frame["area_code"])].reset_index(drop=True)
    return replace(population, frame=frame, listing=listing)


def _listing(raw: pd.DataFrame) -> pd.DataFrame:
    """Areas in the order the reader met them, with the file's Geography where it gives one."""
    listing = raw.drop_duplicates("area_code")
    geography = listing["geography"] if "geography" in listing else ""
    return (
        listing[["area_code", "area_name"]]
        .assign(geography=geography)
        .astype("string")
        .reset_index(drop=True)
    )


def check_ages(population: Population, low: int, high: int, why: str) -> None:
    """Raise if the population lacks any single year of age in low..high (needed for `why`)."""
    present = set(population.frame["age"].unique())
    missing = [a for a in range(low, high + 1) if a not in present]
    if missing:
        span = f"{missing[0]}-{missing[-1]}" if len(missing) > 1 else str(missing[0])
        raise InputError(
            population.path,
            Problem(
                "missing-ages",
                f"the population has no figures for ages {span}, which {why} needs "
                f"(ages {low}-{'90+' if high >= MAX_AGE else high})",
            ),
        )
