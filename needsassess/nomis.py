"""Population from the NOMIS API: ONS mid-year estimates by single year of age and sex.

Dataset NM_2002_1 ("population estimates - local authority based by single year of age") holds the ONS
mid-year estimates for local authorities. The query asks for `gender=1,2` (male, female),
`c_age=101...191` (single years 0 to 89, and 90+) and `measures=20100` (the count), and pages with
`RecordOffset`/`RecordLimit` because NOMIS stops at 25,000 rows a request for users without a key.

Three traps are checked rather than trusted:
- a year that is not published yet is answered, silently, with the latest year; the year that came
  back is compared with the one asked for;
- codes retired in the April 2023 reorganisation (Allerdale, Craven, Mendip, ...) are refused with the
  successor's code before any request is made;
- NOMIS sometimes answers with an HTML page (maintenance, errors), which is reported as such.

The result is the tidy population frame the population reader takes:
`area_code, area_name, year, sex (female|male), age (0..90, 90 means 90+), population`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from needsassess.areas import (
    FIRST_YEAR_OF_NEW_AREAS,
    RETIRED,
    Area,
    AreaError,
    is_gss_code,
    retired_message,
    successor_message,
)
from needsassess.http import Fetcher, FetchError, reject_html

if TYPE_CHECKING:
    import pandas as pd

NOMIS_URL = "https://www.nomisweb.co.uk/api/v01"
URL_ENV = "NEEDSASSESS_NOMIS_URL"
DATASET = "NM_2002_1"
ROW_LIMIT = 25_000
GENDERS = "1,2"
AGES = "101...191"
MEASURE_COUNT = 20100
SELECT = "date_name,geography_code,geography_name,gender_name,c_age_name,obs_value,record_offset,record_count"
# NOMIS geography types searched when --area is a name: local authorities as of April 2023,
# districts and unitaries first, then counties and unitaries.
NAME_SEARCH_TYPES = ("TYPE424", "TYPE423")
OFFLINE_HINT = "use --offline or a population file"
SERVICE = "NOMIS"
SOURCE_TITLE = "ONS mid-year population estimates by single year of age and sex (NOMIS NM_2002_1)"

REQUIRED_COLUMNS = ("DATE_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "GENDER_NAME", "C_AGE_NAME", "OBS_VALUE")
SEXES = {"female": "female", "females": "female", "male": "male", "males": "male"}
MAX_AGE = 90
MAX_PAGES = 1000


class YearNotPublishedError(FetchError):
    """NOMIS answered a request for one year with the estimates of another (its latest)."""


@dataclass
class PopulationFetch:
    """A fetched population: the tidy frame and where each page of it came from."""

    frame: pd.DataFrame
    area: Area
    year: int
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def from_cache(self) -> bool:
        return bool(self.sources) and all(s["from_cache"] for s in self.sources)

    @property
    def total(self) -> int:
        return int(self.frame["population"].sum())

    def total_of(self, sex: str) -> int:
        """The people of one sex ("female" or "male"); 0 if the frame has none."""
        return int(self.frame.loc[self.frame["sex"] == sex, "population"].sum())


def nomis_url(url: str | None = None) -> str:
    """The NOMIS API root: `url` if given, else $NEEDSASSESS_NOMIS_URL, else the public service."""
    return (url or os.environ.get(URL_ENV) or NOMIS_URL).rstrip("/")


def parse_year(year: int | str | None) -> int | None:
    """An int year, or None for the latest published; 'latest' and None mean the latest."""
    if year is None:
        return None
    if isinstance(year, int):
        return year
    text = str(year).strip().lower()
    if text in ("", "latest"):
        return None
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise AreaError(f'year "{year}" is not a year; give four digits such as 2024, or "latest".')


def population_params(
    geography: str, year: int | None, offset: int = 0, limit: int = ROW_LIMIT
) -> dict[str, Any]:
    """The query parameters of one page of NM_2002_1 for `geography` (a GSS code or NOMIS id)."""
    return {
        "geography": geography,
        "date": "latest" if year is None else year,
        "gender": GENDERS,
        "c_age": AGES,
        "measures": MEASURE_COUNT,
        "select": SELECT,
        "RecordLimit": limit,
        "RecordOffset": offset,
    }


def resolve_area(area: str, *, fetcher: Fetcher, base_url: str | None = None) -> Area:
    """Turn `--area` (a GSS code, or a local authority's name) into a code, searching NOMIS for a name."""
    text = area.strip()
    if not text:
        raise AreaError(
            "no area given; use --area with a GSS code such as E06000001, or a local authority name."
        )
    if is_gss_code(text):
        return Area(text.upper(), "")
    candidates: list[Area] = []
    for geography_type in NAME_SEARCH_TYPES:
        url = f"{nomis_url(base_url)}/dataset/{DATASET}/geography/{geography_type}.def.sdmx.json"
        response = fetcher.get(url, {"search": f"*{text}*"})
        reject_html(response, SERVICE)
        for found in _codelist_areas(response.text, response.url):
            if found.code not in {c.code for c in candidates}:
                candidates.append(found)
        if candidates:
            break
    exact = [c for c in candidates if _same_name(c.name, text)]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        retired = [code for code, (name, _) in RETIRED.items() if _same_name(name, text)]
        if retired:
            raise AreaError(f"{retired_message(retired[0])}; use --area with the new code.")
        raise AreaError(
            f'NOMIS found no local authority named "{text}"; check the spelling, or give its GSS code '
            "(such as E06000001) with --area."
        )
    listed = ", ".join(f"{c.name} ({c.code})" for c in candidates[:10])
    raise AreaError(f'"{text}" matches several areas in NOMIS: {listed}; give the code with --area.')


def fetch_population(
    area: str,
    year: int | str | None = None,
    *,
    fetcher: Fetcher,
    base_url: str | None = None,
    page_size: int = ROW_LIMIT,
) -> PopulationFetch:
    """Download the mid-year estimates of one area by single year of age and sex from NOMIS.

    `year` is a mid-year (2024 means 30 June 2024) or None/'latest'. Raises YearNotPublishedError when
    NOMIS answers with another year, AreaError for a code retired in April 2023.
    """
    wanted = parse_year(year)
    resolved = resolve_area(area, fetcher=fetcher, base_url=base_url)
    code = resolved.code
    retired = retired_message(code)
    if retired and (wanted is None or wanted >= FIRST_YEAR_OF_NEW_AREAS):
        raise AreaError(f"{retired}; use --area with the new code.")

    url = f"{nomis_url(base_url)}/dataset/{DATASET}.data.csv"
    rows: list[dict[str, str]] = []
    sources: list[dict[str, Any]] = []
    offset = 0
    for _ in range(MAX_PAGES):
        response = fetcher.get(url, population_params(code, wanted, offset, page_size))
        sources.append(response.source())
        reject_html(response, SERVICE)
        page = _read_csv(response.text, response.url)
        rows.extend(page)
        total = _record_count(page)
        offset += len(page)
        if not page or (total is not None and offset >= total) or (total is None and len(page) < page_size):
            break
    else:  # pragma: no cover - a runaway server
        raise FetchError(f"NOMIS kept sending pages for {code}; stopped after {MAX_PAGES}.")

    if not rows:
        hint = successor_message(code) if wanted is not None and wanted < FIRST_YEAR_OF_NEW_AREAS else None
        asked = "the latest year" if wanted is None else f"mid-{wanted}"
        message = f"NOMIS returned no population estimates for {code} ({asked}) from {DATASET}"
        raise FetchError(f"{message}; {hint}." if hint else f"{message}; check the area code.")

    frame = tidy_population(rows, url=sources[0]["url"])
    got_codes = set(frame["area_code"])
    if code not in got_codes:
        raise FetchError(
            f"NOMIS answered a request for {code} with {', '.join(sorted(got_codes))}; check the area code."
        )
    frame = frame[frame["area_code"] == code].reset_index(drop=True)
    years = sorted(set(frame["year"]))
    if wanted is not None and years != [wanted]:
        got = ", ".join(str(y) for y in years)
        message = (
            f"NOMIS has no mid-{wanted} estimates for {code} yet: it answered with mid-{got} "
            f"(NOMIS returns its latest year when asked for one not published). "
            f"Use --year {got} or --year latest"
        )
        hint = successor_message(code) if wanted < FIRST_YEAR_OF_NEW_AREAS else None
        raise YearNotPublishedError(f"{message}; {hint}." if hint else f"{message}.")
    if len(years) != 1:
        raise FetchError(f"NOMIS answered with several years ({years}) for {code}; expected one.")
    name = str(frame["area_name"].iloc[0])
    return PopulationFetch(frame=frame, area=Area(code, name), year=years[0], sources=sources)


def tidy_population(rows: list[dict[str, str]], url: str = "") -> pd.DataFrame:
    """NOMIS csv rows (DATE_NAME, GEOGRAPHY_CODE, ..., OBS_VALUE) -> the tidy population frame.

    Raises FetchError naming every row that cannot be read, and any area or sex missing an age.
    """
    import pandas as pd

    records: list[tuple[str, str, int, str, int, int]] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):
        sex = SEXES.get(row["GENDER_NAME"].strip().lower())
        if sex is None:
            if row["GENDER_NAME"].strip().lower() in ("total", "all persons", "persons"):
                continue
            problems.append(f'row {number}: GENDER_NAME "{row["GENDER_NAME"]}" is not Male or Female')
            continue
        age = _age(row["C_AGE_NAME"])
        year = _year(row["DATE_NAME"])
        value = _count(row["OBS_VALUE"])
        if age is None:
            problems.append(f'row {number}: C_AGE_NAME "{row["C_AGE_NAME"]}" is not a single year of age')
        if year is None:
            problems.append(f'row {number}: DATE_NAME "{row["DATE_NAME"]}" holds no year')
        if value is None:
            problems.append(f'row {number}: OBS_VALUE "{row["OBS_VALUE"]}" is not a count')
        if age is None or year is None or value is None:
            continue
        records.append((row["GEOGRAPHY_CODE"].strip(), row["GEOGRAPHY_NAME"].strip(), year, sex, age, value))
    frame = pd.DataFrame.from_records(
        records, columns=["area_code", "area_name", "year", "sex", "age", "population"]
    )
    for (code, yr, sex), group in frame.groupby(["area_code", "year", "sex"]):
        ages = sorted(group["age"])
        if ages != list(range(MAX_AGE + 1)):
            missing = sorted(set(range(MAX_AGE + 1)) - set(ages))
            doubled = sorted({a for a in ages if ages.count(a) > 1})
            detail = f"missing ages {_ranges(missing)}" if missing else f"ages repeated: {_ranges(doubled)}"
            problems.append(f"{code} mid-{yr} {sex}: {detail}")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise FetchError(f"NOMIS answer from {url} cannot be used: {shown}.")
    frame = frame.astype({"year": "int64", "age": "int64", "population": "int64"})
    return frame.sort_values(["area_code", "year", "sex", "age"]).reset_index(drop=True)


# -- helpers ---------------------------------------------------------------------------------------


def _read_csv(text: str, url: str) -> list[dict[str, str]]:
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().upper() for f in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        raise FetchError(
            f"NOMIS answer from {url} is not the expected csv: no column {', '.join(missing)} "
            f"(columns: {', '.join(fields) or 'none'})."
        )
    rows = []
    for raw in reader:
        rows.append({k.strip().upper(): (v or "") for k, v in raw.items() if k is not None})
    return rows


def _record_count(page: list[dict[str, str]]) -> int | None:
    if not page or "RECORD_COUNT" not in page[0]:
        return None
    try:
        return int(page[0]["RECORD_COUNT"])
    except ValueError:
        return None


def _age(text: str) -> int | None:
    t = text.strip().lower()
    if "under 1" in t or "less than 1" in t:
        return 0
    match = re.search(r"(\d+)\s*(\+|and over|or over)?\s*$", t)
    if not match:
        return None
    age = int(match.group(1))
    return age if 0 <= age <= MAX_AGE else None


def _year(text: str) -> int | None:
    match = re.search(r"(19|20)\d{2}", text)
    return int(match.group(0)) if match else None


def _count(text: str) -> int | None:
    t = text.strip().replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None
    if value < 0 or value != int(value):
        return None
    return int(value)


def _ranges(values: list[int]) -> str:
    if not values:
        return ""
    parts = []
    start = prev = values[0]
    for v in values[1:] + [None]:  # type: ignore[list-item]
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = s.lower().replace("&", "and")
        s = re.sub(r",\s*(city|county) of$", "", s)  # NOMIS writes "Bristol, City of"
        return " ".join(re.sub(r"[^a-z0-9 ]", " ", s).split())

    return norm(a) == norm(b)


def _codelist_areas(text: str, url: str) -> list[Area]:
    """Areas in a NOMIS SDMX-json codelist: each code's GeogCode annotation and description."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise FetchError(f"NOMIS answer from {url} is not json: {exc}.") from None
    codelists = ((payload or {}).get("structure") or {}).get("codelists") or {}
    lists = codelists.get("codelist") or []
    if isinstance(lists, dict):
        lists = [lists]
    found: list[Area] = []
    for codelist in lists:
        codes = codelist.get("code") or []
        if isinstance(codes, dict):
            codes = [codes]
        for code in codes:
            annotations = (code.get("annotations") or {}).get("annotation") or []
            if isinstance(annotations, dict):
                annotations = [annotations]
            gss = next(
                (str(a.get("annotationtext")) for a in annotations if a.get("annotationtitle") == "GeogCode"),
                "",
            )
            description = code.get("description") or {}
            name = description.get("value", "") if isinstance(description, dict) else str(description)
            if gss:
                found.append(Area(gss, str(name)))
    return found
