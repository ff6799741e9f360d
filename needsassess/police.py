"""Police-recorded domestic abuse: an incident-level extract -> counts, rates per 1,000, repeats, wards, trend.

The reader takes the extract as the force sends it (xlsx or csv, title rows above the header, its own
column names and codes), maps its columns to the fields below the same way agency files are mapped
(built-in synonyms, overridden by `columns` and `codes`), checks every cell and returns a tidy frame of
incidents. Police reference numbers are used only to drop duplicate rows and never leave the reader;
victim keys are pseudonymised as they are read, so the frame never holds them.

The estimators are pure: `analyse_police` turns incidents, the population and optional deprivation and
peer tables into a `PoliceResult` of unsuppressed counts and the rates computed from them. Suppression
is applied when the tables are published (report/police_sheets.py).

Definitions (the ones partnership performance reports use):

- incidents are every domestic abuse-related record, crimes and non-crime incidents together; the rate is
  per 1,000 residents aged 16 and over, as in the Public Health Outcomes Framework indicator;
- a repeat incident is one whose victim had another incident in the 12 months before it (looking back
  into the previous year where the extract reaches); a repeat victim had at least one repeat incident in
  the year;
- the high-risk share is of incidents with a risk assessment recorded; the children-present share is of
  all incidents; children involved are summed over incidents with children present.
"""

from __future__ import annotations

import datetime as dt
import difflib
import operator
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.clients import synonyms as syn
from needsassess.clients.merge import KEY_VERSION, Secret
from needsassess.clients.values import code_key, header_key, parse_date
from needsassess.errors import ConfigError, InputError, Problem
from needsassess.population import Population, population_in_ages, select_area
from needsassess.tables import Grid, find_header_row, is_blank, read_grid

if TYPE_CHECKING:
    import pandas as pd

# --- fields and their synonyms ---------------------------------------------------------------------------

IGNORE = "ignore"


def _words(text: str) -> tuple[str, ...]:
    """Synonyms written as one string, "incident id | incident ref | ...", for readability."""
    return tuple(w.strip() for w in text.split("|"))


FIELDS: dict[str, tuple[str, ...]] = {
    # field: header synonyms, most preferred first (where two headers match one field, the earlier wins)
    "incident_ref": _words(
        "incident id | incident ref | incident reference | incident number | incident no | "
        "occurrence ref | occurrence reference | occurrence number | occurrence no | occurrence id | "
        "crime number | crime ref | crime reference | reference | ref | urn | log number | record id | "
        "id"
    ),
    "date": _words(
        "date | incident date | date of incident | date reported | reported date | report date | "
        "date recorded | recorded date | occurred date | date occurred | date committed | "
        "committed date | offence date | created date"
    ),
    "area": _words(
        "area | area code | area name | local authority | local authority code | local authority name | "
        "la | la code | la name | lad code | lad name | district | borough | unitary authority | "
        "community safety partnership | csp | policing area"
    ),
    "ward": _words("ward | ward name | ward code | electoral ward"),
    "lsoa": _words("lsoa | lsoa code | lsoa11cd | lsoa21cd | lower super output area"),
    "crime": _words(
        "crime non crime | crime or non crime | crime or incident | crime incident | crimed | "
        "crime flag | crime status | recorded crime | crime | classification"
    ),
    "offence": _words(
        "offence type | offence | offence description | offence group | offence category | crime type | "
        "crime category | home office offence | ho offence"
    ),
    "victim_key": _words(
        "victim id | victim key | victim ref | victim reference | victim number | victim urn | "
        "victim nominal | victim nominal id | person id | nominal id | ip id | injured party id"
    ),
    "victim_age": _words(
        "victim age | age of victim | ip age | injured party age | victim age at incident | age"
    ),
    "victim_sex": _words(
        "victim sex | victim gender | sex of victim | gender of victim | ip sex | ip gender | "
        "injured party sex | injured party gender | sex | gender"
    ),
    "perpetrator_age": _words(
        "perpetrator age | suspect age | offender age | age of perpetrator | age of suspect | "
        "age of offender | perp age | accused age"
    ),
    "perpetrator_sex": _words(
        "perpetrator sex | perpetrator gender | suspect sex | suspect gender | offender sex | "
        "offender gender | perp sex | perp gender | accused sex | accused gender"
    ),
    "children_present": _words(
        "children present | child present | childrens present | cyp present | any children present | "
        "children at incident | children present at incident"
    ),
    "children_count": _words(
        "number of children | number of children present | no of children | no of children present | "
        "children count | children involved | number of children involved | num children | "
        "count of children"
    ),
    "risk": _words(
        "risk level | risk | dash risk | dash risk level | dash | dash grading | risk grading | "
        "risk rating | risk assessment"
    ),
    "alcohol": _words(
        "alcohol involved | alcohol | alcohol related | alcohol flag | alcohol factor | alcohol marker"
    ),
}
FIELD_LABELS = {
    "incident_ref": "incident reference",
    "date": "date",
    "area": "area",
    "ward": "ward",
    "lsoa": "LSOA",
    "crime": "crime or non-crime",
    "offence": "offence type",
    "victim_key": "victim key",
    "victim_age": "victim age",
    "victim_sex": "victim sex",
    "perpetrator_age": "perpetrator age",
    "perpetrator_sex": "perpetrator sex",
    "children_present": "children present",
    "children_count": "number of children",
    "risk": "risk level",
    "alcohol": "alcohol involved",
}
# Values a mapping's [codes.FIELD] may give, per coded field ("" means not recorded).
CODE_VALUES = {
    "crime": ("crime", "non_crime", ""),
    "victim_sex": ("female", "male", "other", ""),
    "perpetrator_sex": ("female", "male", "other", ""),
    "children_present": ("yes", "no", ""),
    "alcohol": ("yes", "no", ""),
    "risk": ("standard", "medium", "high", ""),
}
_IDENTIFYING_WORDS = frozenset(
    {"name", "surname", "forename", "forenames", "dob", "birth", "address", "postcode", "phone", "telephone"}
    | {"mobile", "email", "nhs", "pnc", "ni", "street", "house"}
)

_NOT_RECORDED = frozenset(code_key(c) for c in syn.NOT_RECORDED_CODES)


def _book(codes: Mapping[str, tuple[str, ...]], **extra: tuple[str, ...]) -> dict[str, str]:
    """raw code -> value, from the agency code books (read with code_key) and police additions."""
    return {code_key(c): value for value, raw in (*codes.items(), *extra.items()) for c in raw}


_CODES: dict[str, dict[str, str]] = {
    "crime": {
        **dict.fromkeys(
            _words(
                "crime | crimed | recorded crime | notifiable crime | notifiable | c | y | yes | 1 | true"
            ),
            "crime",
        ),
        **dict.fromkeys(
            _words(
                "non crime | noncrime | non crime incident | non crime domestic | non crime domestic incident | "
                "incident | domestic incident | nci | non notifiable | n | no | 0 | false"
            ),
            "non_crime",
        ),
    },
    "sex": _book(syn.SEX_CODES),
    "flag": _book(syn.FLAG_CODES, no=("no children",)),
    # DASH: a risk not assessed (or the assessment refused) is not recorded, never "standard"
    "risk": {**_book(syn.RISK_CODES), **dict.fromkeys(_words("not assessed | no dash | dash refused"), "")},
}
_CODE_BOOK = {
    "crime": "crime",
    "victim_sex": "sex",
    "perpetrator_sex": "sex",
    "children_present": "flag",
    "alcohol": "flag",
    "risk": "risk",
}
_EXPECTED = {
    "crime": "expected Crime or Non-crime (or Y/N); map other codes in [police.codes.crime]",
    "sex": "expected Female/Male, F/M or Unknown",
    "flag": "expected Y/N, Yes/No or Unknown",
    "risk": "expected Standard, Medium, High or Not assessed",
}
MAX_AGE = 120

FRAME_COLUMNS = list(
    _words(
        "row | date | area | ward | lsoa | crime | offence | victim_key | victim_age | victim_sex | "
        "perpetrator_age | perpetrator_sex | children_present | children_count | risk | alcohol"
    )
)

# --- pseudonymisation ------------------------------------------------------------------------------------


ONE_OFF_KEY = "a one-off key for this run"


def _victim_digest(secret: Secret | None) -> tuple[Callable[[str], str], str]:
    """A keyed hash for victim keys, and where its key came from.

    With the assessment's secret (NEEDSASSESS_SECRET or [clients] secret_file, as for agency data) the
    pseudonyms are the same on every run; without one a random key is made for this run, enough to find
    repeats and impossible to link back.
    """
    if secret is None:
        secret = Secret(secrets.token_bytes(32), ONE_OFF_KEY)
    key = secret

    def digest(value: str) -> str:
        return key.digest(f"{KEY_VERSION}|police|{value.strip().lower()}")

    return digest, secret.origin


# --- reading the extract ------------------------------------------------------------------------------


@dataclass
class Incidents:
    """A tidy frame of incidents (FRAME_COLUMNS), with where it came from and what the reader did."""

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    header_row: int
    columns: dict[str, str]  # field -> the header it was read from
    rows_read: int
    duplicates: int = 0
    ignored_identifiers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_origin: str = ""

    @property
    def has(self) -> set[str]:
        return set(self.columns)


def _header_key(value: Any) -> str:
    """A header as plain words, as agency headers are read, without a trailing "(Y/N)"."""
    return re.sub(r"\s+(?:y n|yes no)$", "", header_key(value))


_SYNONYM_INDEX = {_header_key(s): (f, i) for f, syns in FIELDS.items() for i, s in enumerate(syns)}


def read_incidents(
    path: str | Path,
    sheet: str | int | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    secret: Secret | None = None,
) -> Incidents:
    """Read an incident-level extract (xlsx, xls, ods or csv) into a tidy, pseudonymised frame.

    `columns` maps headers to fields (or "ignore") where the built-in synonyms do not; `codes` maps a
    field's raw codes to its values (e.g. {"risk": {"Gold": "high"}}); `secret` keys the victim pseudonyms
    (see needsassess.clients.merge.load_secret). Every bad cell is collected and reported at once, with file,
    sheet, row and column.
    """
    import pandas as pd

    grid = read_grid(path, sheet, encoding)
    custom_columns = _check_column_mapping(columns or {})
    custom_codes = _check_codes(codes or {})
    header = _find_header(grid, custom_columns, header_row)
    header_cells = grid.rows[header]
    used, ignored_ids, notes = _map_headers(header_cells, custom_columns)
    if "date" not in used:
        seen = ", ".join(f'"{c}"' for c in header_cells if not is_blank(c))
        raise grid.error(
            Problem(
                "missing-column",
                'no date column; expected a header such as "Date", "Incident date" or "Date reported" '
                f"(or map one in [police.columns]); the headers are {seen}",
                header + 1,
            )
        )
    problems: list[Problem] = []
    rows: list[int] = []
    data: list[list[Any]] = []
    width = len(header_cells)
    date_j = used["date"][1]
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        cells = row if len(row) >= width else row + [""] * (width - len(row))
        if is_blank(cells[date_j]):  # a blank line, a footnote or a totals row, unless other cells say not
            filled = [c for c in cells if not is_blank(c)]
            if not filled or _is_note_row(filled):
                continue
        rows.append(i + 1)
        data.append(cells)
    rows_read = len(rows)
    frame = pd.DataFrame({"row": pd.array(rows, dtype="int64")})
    digest, key_origin = _victim_digest(secret)
    for name, (header_text, j) in used.items():
        if name == "incident_ref":
            continue  # read below, only to find repeated rows
        raw = list(map(operator.itemgetter(j), data))
        frame[name] = _read_column(name, raw, rows, header_text, custom_codes.get(name, {}), problems, digest)
    if problems:
        raise grid.error(problems)
    for name in FRAME_COLUMNS:
        if name not in frame.columns:
            frame[name] = _empty_column(name, len(frame))
    frame = frame[FRAME_COLUMNS]
    if "crime" not in used and "offence" in used:
        frame["crime"] = frame["offence"].map(lambda v: None if v is None else "crime").astype("string")
        notes.append(
            "The extract has no crime or non-crime column; records with an offence type are counted as crimes."
        )
    duplicates = 0
    if "incident_ref" in used:
        refs = pd.Series([_ref_key(r[used["incident_ref"][1]]) for r in data], dtype="object")
        dup = refs.notna() & refs.duplicated(keep="first")
        duplicates = int(dup.sum())
        if duplicates:
            frame = frame.loc[~dup.to_numpy()].reset_index(drop=True)
            notes.append(
                f"{duplicates:,} row{'s' if duplicates != 1 else ''} repeating an earlier incident reference "
                "left out (the first row of each reference is kept)."
            )
    return Incidents(
        frame=frame,
        path=Path(path),
        sheet=grid.sheet,
        header_row=header + 1,
        columns={name: text for name, (text, _j) in used.items() if name != "incident_ref"},
        rows_read=rows_read,
        duplicates=duplicates,
        ignored_identifiers=ignored_ids,
        notes=notes,
        key_origin=key_origin if "victim_key" in used else "",
    )


def _empty_column(name: str, n: int) -> Any:
    import pandas as pd

    if name in ("victim_age", "perpetrator_age", "children_count"):
        return pd.array([None] * n, dtype="Int64")
    if name == "date":
        return pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
    return pd.array([None] * n, dtype="string")


def _ref_key(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


def _is_note_row(filled: list[Any]) -> bool:
    """A footnote or totals line under the table: one cell, or a first cell such as "Total" or "Source"."""
    if len(filled) <= 1:
        return True
    first = code_key(filled[0])
    return first.startswith(("total", "source", "note", "grand total", "count"))


def _check_column_mapping(columns: Mapping[str, str]) -> dict[str, str]:
    problems = []
    out: dict[str, str] = {}
    for header, target in columns.items():
        if target != IGNORE and target not in FIELDS:
            close = difflib.get_close_matches(str(target), list(FIELDS), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(
                Problem(
                    "unknown-field",
                    f'[police.columns] "{header}" = "{target}": unknown field{hint} Fields: '
                    + ", ".join(FIELDS)
                    + f', or "{IGNORE}"',
                )
            )
            continue
        out[_header_key(header)] = str(target)
    if problems:
        raise ConfigError(None, problems)
    return out


def _check_codes(codes: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    problems = []
    out: dict[str, dict[str, str]] = {}
    for name, table in codes.items():
        if name not in CODE_VALUES:
            problems.append(
                Problem(
                    "uncoded-field",
                    f"[police.codes.{name}]: codes can be given for " + ", ".join(CODE_VALUES),
                )
            )
            continue
        out[name] = {}
        for raw, value in table.items():
            if value not in CODE_VALUES[name]:
                allowed = ", ".join(f'"{v}"' for v in CODE_VALUES[name])
                problems.append(
                    Problem(
                        "bad-code",
                        f'[police.codes.{name}] "{raw}" = "{value}": expected one of {allowed}',
                    )
                )
                continue
            out[name][code_key(raw)] = value
    if problems:
        raise ConfigError(None, problems)
    return out


def _find_header(grid: Grid, custom: dict[str, str], header_row: int | None) -> int:
    if header_row is not None:
        if not 1 <= header_row <= len(grid.rows):
            raise grid.error(
                Problem(
                    "bad-header-row", f"header row {header_row} is outside the sheet (1 to {len(grid.rows)})"
                )
            )
        return header_row - 1

    def score(cells: list[str]) -> int:
        keys = [_header_key(c) for c in cells]
        return sum(1 for k in keys if k in _SYNONYM_INDEX or k in custom)

    index = find_header_row(grid, score, min_score=2)
    if index is None:
        raise grid.error(
            Problem(
                "missing-header",
                "no header row found in the first 40 rows; expected headers such as Date, Incident ID, "
                "Ward, Crime/Non-crime, Victim age (or give header_row and [police.columns])",
            )
        )
    return index


def _map_headers(
    header_cells: list[Any], custom: dict[str, str]
) -> tuple[dict[str, tuple[str, int]], list[str], list[str]]:
    """field -> (header text, column index); identifying headers left unread; notes on choices made."""
    chosen: dict[str, tuple[int, str, int]] = {}  # field -> (rank, header, j); custom mappings rank -1
    also: dict[str, list[str]] = {}
    identifiers: list[str] = []
    for j, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        text = str(cell).strip()
        key = _header_key(cell)
        if key in custom:
            target = custom[key]
            if target == IGNORE:
                continue
            rank = -1
        elif key in _SYNONYM_INDEX:
            target, rank = _SYNONYM_INDEX[key]
        else:
            if set(key.split()) & _IDENTIFYING_WORDS:
                identifiers.append(text)
            continue
        current = chosen.get(target)
        if current is None or rank < current[0]:
            if current is not None:
                also.setdefault(target, []).append(current[1])
            chosen[target] = (rank, text, j)
        else:
            also.setdefault(target, []).append(text)
    notes = [
        f'Read {FIELD_LABELS[f]} from "{chosen[f][1]}"; also found '
        + ", ".join(f'"{h}"' for h in others)
        + " (not used; map it in [police.columns] to use it instead)."
        for f, others in also.items()
    ]
    return {f: (text, j) for f, (_rank, text, j) in chosen.items()}, identifiers, notes


def _read_column(
    name: str,
    raw: list[Any],
    rows: list[int],
    header: str,
    custom: dict[str, str],
    problems: list[Problem],
    digest: Any,
) -> Any:
    """Read one column by its distinct values; bad cells become Problems naming row and column."""
    import pandas as pd

    # 1, 1.0 and True are different cells, so a cell is its type and value; in a column of one type
    # (the usual case) the value alone tells cells apart
    one_type = len(set(map(type, raw))) <= 1
    tokens: list[Any] = raw if one_type else list(zip(map(type, raw), raw, strict=True))
    cache = {
        token: _read_cell(name, token if one_type else token[1], custom, digest)
        for token in dict.fromkeys(tokens)
    }
    bad = {token: problem for token, (_parsed, problem) in cache.items() if problem is not None}
    if bad:
        for token, rownum in zip(tokens, rows, strict=True):
            if token in bad:
                problems.append(Problem(_slug(name, bad[token]), bad[token], rownum, header))
    read = {token: None if token in bad else parsed for token, (parsed, _problem) in cache.items()}
    values = list(map(read.__getitem__, tokens))
    if name == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="raise").astype("datetime64[ns]")
    if name in ("victim_age", "perpetrator_age", "children_count"):
        return pd.array(values, dtype="Int64")
    return pd.array(values, dtype="string")


def _slug(name: str, problem: str) -> str:
    if name == "date":
        return "missing-date" if problem.startswith("blank") else "bad-date"
    if "negative" in problem:
        return "negative-count" if name == "children_count" else "bad-age"
    if name in ("victim_age", "perpetrator_age"):
        return "bad-age"
    if name == "children_count":
        return "not-a-count"
    return "unknown-code"


def _read_cell(name: str, value: Any, custom: dict[str, str], digest: Any) -> tuple[Any, str | None]:
    if name == "victim_key":  # nearly every value is distinct: keep this path short
        if is_blank(value):
            return None, None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        return (None, None) if text.lower() in _NOT_RECORDED else (digest(text), None)
    key = code_key(value) if not isinstance(value, dt.date) else ""
    if key in custom:
        return (custom[key] or None), None
    if name == "date":
        if is_blank(value):
            return None, "blank; expected a date (day/month/year or an Excel date)"
        parsed = parse_date(value)
        if parsed is None:
            return None, f"{_shown(value)} is not a date; expected day/month/year or an Excel date"
        return parsed, None
    if name in ("victim_age", "perpetrator_age"):
        if key in _NOT_RECORDED:
            return None, None
        number = _number(value)
        if number is None or not number.is_integer():
            return None, f"{_shown(value)} is not an age; expected a whole number of years, 0 to {MAX_AGE}"
        if number < 0:
            return None, f"{number:g} is negative; expected an age of 0 to {MAX_AGE}"
        if number > MAX_AGE:
            return None, f"{number:g} is not an age; expected 0 to {MAX_AGE}"
        return int(number), None
    if name == "children_count":
        if key in _NOT_RECORDED:
            return None, None
        number = _number(value)
        if number is None or not number.is_integer():
            return None, f"{_shown(value)} is not a count; expected a whole number >= 0"
        if number < 0:
            return None, f"{number:g} is negative; counts must be >= 0"
        return int(number), None
    if name in _CODE_BOOK:
        book = _CODES[_CODE_BOOK[name]]
        if key in book:
            return (book[key] or None), None
        if key in _NOT_RECORDED:
            return None, None
        return None, f"{_shown(value)} is not a {FIELD_LABELS[name]} code; {_EXPECTED[_CODE_BOOK[name]]}"
    # text fields
    if is_blank(value) or key in _NOT_RECORDED:
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if name == "lsoa":
        return text.upper(), None
    return text, None


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return f'"{text[:37]}..."' if len(text) > 40 else f'"{text}"'


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(?:yrs?|years?)?\s*", value.replace(",", ""))
        return float(match.group(1)) if match else None
    return None


# --- periods ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A year of 12 months starting in `start_month` (4 = financial years, April to March)."""

    start_year: int
    start_month: int = 4

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, self.start_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        if self.start_month == 1:
            return dt.date(self.start_year, 12, 31)
        return dt.date(self.start_year + 1, self.start_month, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return str(self.start_year)
        if self.start_month == 4:
            return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
        return f"{self.start:%b %Y} to {self.end:%b %Y}"

    def previous(self) -> Period:
        return Period(self.start_year - 1, self.start_month)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def parse_period(spec: Any, start_month: int = 4) -> Period:
    """ "2015/16" or 2015 -> the year starting in 2015 (in `start_month`); "2015" with start_month 1 is 2015."""
    text = str(spec).strip()
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
    if not match:
        raise ValueError(f'"{spec}" is not a year; expected e.g. "2015/16" (or 2015)')
    year = int(match.group(1))
    if match.group(2):
        second = int(match.group(2))
        if second % 100 != (year + 1) % 100:
            raise ValueError(f'"{spec}" is not a year; expected two consecutive years such as "2015/16"')
        if start_month == 1:
            raise ValueError(f'"{spec}" spans two years, but years start in January; give one year')
    return Period(year, start_month)


def period_containing(day: dt.date, start_month: int = 4) -> Period:
    year = day.year if day.month >= start_month else day.year - 1
    return Period(year, start_month)


# --- deprivation and peer tables ---------------------------------------------------------------------


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
    index = {_header_key(s): k for k, syns in _DEPRIVATION_HEADERS.items() for s in syns}
    header = find_header_row(grid, lambda cells: sum(1 for c in cells if _header_key(c) in index), 2)
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
        key = _header_key(cell)
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
            number = _number(cell[k])
            if number is None or number < 0:
                problems.append(
                    Problem(
                        "not-a-number",
                        f"{_shown(cell[k]) if not is_blank(cell[k]) else 'blank'} is not a number; expected a "
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
    index = {_header_key(s): k for k, syns in _PEER_HEADERS.items() for s in syns}
    header = find_header_row(grid, lambda cells: sum(1 for c in cells if _header_key(c) in index), 2)
    if header is None or "area" not in {index.get(_header_key(c)) for c in grid.rows[header]}:
        raise grid.error(
            Problem("missing-header", "no header row with Area and counts such as Incidents and Crimes")
        )
    cols = {}
    for j, cell in enumerate(grid.rows[header]):
        k = index.get(_header_key(cell))
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
            number = _number(value)
            if number is None or number < 0 or not number.is_integer():
                problems.append(
                    Problem(
                        "not-a-count",
                        f"{_shown(value)} is not a count; expected a whole number >= 0",
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


# --- the analysis ----------------------------------------------------------------------------------------

AGE_BANDS = (
    (0, 17, "Under 18"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, MAX_AGE, "65 and over"),
)
NOT_RECORDED_LABEL = "Not recorded"
SEX_COLUMNS = {"female": "Female", "male": "Male", None: "Other or not recorded"}
RISK_LABELS = {"standard": "Standard", "medium": "Medium", "high": "High"}

INDICATORS: tuple[tuple[str, str, str | None, bool], ...] = (
    # key, label, denominator key (for the share), shown per 1,000 aged 16+
    ("incidents", "Domestic abuse incidents and crimes", None, True),
    ("crimes", "Domestic abuse-related crimes", "incidents", True),
    ("non_crime", "Non-crime domestic incidents", "incidents", True),
    ("victims", "Victims (people)", None, True),
    ("repeat_victims", "Repeat victims (another incident within 12 months)", "victims", True),
    ("repeat_incidents", "Repeat incidents (within 12 months of the last)", "keyed_incidents", True),
    ("high_risk", "High-risk incidents", "risk_assessed", True),
    ("children_present", "Incidents with children present", "incidents", True),
    ("children_involved", "Children involved (in incidents with children present)", None, False),
    ("alcohol", "Incidents involving alcohol", "alcohol_recorded", False),
)
DENOMINATOR_LABELS = {
    "incidents": "incidents and crimes",
    "victims": "victims",
    "keyed_incidents": "incidents with a victim key",
    "risk_assessed": "incidents with a risk assessment",
    "alcohol_recorded": "incidents with alcohol recorded",
}


@dataclass
class PoliceSettings:
    """What the analysis needs beyond the data: the year, the comparison year, peers and groupings."""

    start_month: int = 4
    current: Period | None = None  # default: the year holding the latest incident
    baseline: Period | None = None  # default: the year before current, where the extract covers it
    peers: list[str] | None = None  # default: every area in the extract (and in the peer table)
    total_name: str = "All areas"
    most_deprived: int | None = None  # default: a third of the wards (or LSOAs), rounded


@dataclass
class PoliceResult:
    """Everything the police stage measured, as unsuppressed counts with the rates computed from them."""

    area_code: str
    area_name: str
    population_16plus: int
    population_year: int | None
    current: Period
    baseline: Period | None
    figures: dict[str, int]  # current year, the keys of INDICATORS and their denominators
    summary: pd.DataFrame  # key, measure, count, denominator_label, denominator, share_pct, per_1000
    year_on_year: pd.DataFrame | None  # key, measure, baseline, current, change, pct_change
    offences: pd.DataFrame  # offence, baseline, current, change, pct_change (crimes; last row Total)
    monthly: pd.DataFrame  # month (date), label, year, incidents, crimes, non_crime
    victims: pd.DataFrame  # age band x Female, Male, Other or not recorded, Total (incidents)
    perpetrators: pd.DataFrame
    risk: pd.DataFrame  # risk, incidents, share_pct (of assessed)
    wards: pd.DataFrame | None  # ward, code, order, decile, population(_16plus), incidents, crimes, rates
    deciles: pd.DataFrame | None  # decile, units, population, incidents, crimes, share_pct, per_1000
    most_deprived: pd.DataFrame | None  # group, units, population, incidents, share_pct, per_1000
    peers: pd.DataFrame | None  # area_code, area_name, source, population_16plus, PEER_MEASURES, rates
    reading: pd.DataFrame  # what happened to the rows of the extract
    notes: list[str] = field(default_factory=list)
    deprivation_level: str = "ward"
    deprivation_basis: str = ""
    population_basis: str = "population_16plus"
    total_name: str = "All areas"
    source: str = ""

    def headline(self, key: str) -> int:
        return int(self.figures.get(key, 0))


def analyse_police(
    incidents: Incidents,
    population: Population,
    area: str,
    settings: PoliceSettings | None = None,
    deprivation: Deprivation | None = None,
    peer_counts: PeerCounts | None = None,
) -> PoliceResult:
    """Count, rate and compare police-recorded domestic abuse for one area (see the module docstring).

    `population` may hold many areas (the whole region): it supplies the residents aged 16+ of the area
    and of its peers. Rates are per 1,000 residents aged 16 and over.
    """

    settings = settings or PoliceSettings()
    chosen = select_area(population, area)
    code = str(chosen.frame["area_code"].iloc[0])
    name = str(chosen.frame["area_name"].iloc[0])
    pop16 = population_in_ages(chosen, 16, 90)
    years = chosen.years
    notes: list[str] = list(incidents.notes)
    frame = incidents.frame.copy()
    if frame.empty:
        raise InputError(incidents.path, Problem("no-rows", "the extract has no incidents"), incidents.sheet)
    frame["area_code"] = _match_areas(frame["area"], population, code)
    frame = _flag_repeats(frame)
    mine = frame[frame["area_code"] == code]
    if mine.empty:
        shown = ", ".join(f'"{a}"' for a in sorted(frame["area"].dropna().unique())[:8])
        raise InputError(
            incidents.path,
            Problem(
                "area-not-in-extract",
                f'no incidents for {name} ({code}) in the area column "{incidents.columns.get("area")}"; '
                f"the areas are {shown}",
            ),
            incidents.sheet,
        )
    current = settings.current or period_containing(mine["date"].max().date(), settings.start_month)
    baseline = settings.baseline
    first_day = frame["date"].min().date()
    if baseline is None and settings.current is None and current.previous().start >= first_day.replace(day=1):
        baseline = current.previous()
    elif baseline is None and settings.current is not None:
        previous = current.previous()
        if previous.end >= first_day:
            baseline = previous
    in_current = _in_period(mine, current)
    if not in_current.any():
        raise InputError(
            incidents.path,
            Problem(
                "no-incidents-in-year",
                f"no incidents for {name} in {current.label} ({_day(current.start)} to "
                f"{_day(current.end)}); the extract runs from {_day(first_day)} to "
                f"{_day(frame['date'].max())}",
            ),
            incidents.sheet,
        )
    now = mine[in_current]
    if "victim_key" in incidents.has and first_day > _year_before(current.start):
        notes.append(
            f"The extract starts on {_day(first_day)}, so repeats in {current.label} whose earlier incident "
            "fell before then are not counted."
        )
    figures = _figures(now)
    summary = _summary(figures, pop16)
    yoy = None
    before = None
    if baseline is not None:
        before = mine[_in_period(mine, baseline)]
        yoy = _year_on_year(_figures(before), figures)
        if baseline.start < first_day:
            notes.append(
                f"The extract starts on {_day(first_day)}, part way through {baseline.label}; "
                f"{baseline.label} figures cover only part of the year."
            )
        elif "victim_key" in incidents.has and first_day > _year_before(baseline.start):
            notes.append(
                f"The extract starts on {_day(first_day)}, so repeats in {baseline.label} whose earlier "
                f"incident fell before then are not counted: {baseline.label} repeats are undercounted and "
                "the change in repeats overstated."
            )
    offences = _offences(before, now)
    monthly = _monthly(mine, settings.start_month)
    victims = _age_sex(now, "victim_age", "victim_sex")
    perpetrators = _age_sex(now, "perpetrator_age", "perpetrator_sex")
    risk = _risk(now)
    wards = deciles = most_deprived = None
    level, basis, pop_basis = "ward", "", "population_16plus"
    if deprivation is not None:
        level, basis = deprivation.level, deprivation.decile_basis
        pop_basis = (
            "population_16plus" if deprivation.frame["population_16plus"].notna().all() else "population"
        )
        wards, deciles, most_deprived, dep_notes = _by_deprivation(
            now, deprivation, settings.most_deprived, pop_basis
        )
        notes += dep_notes
    elif now["ward"].notna().any():
        wards = _ward_counts(now)
    peers = _peers(frame, current, population, code, settings, peer_counts, notes)
    reading = _reading(incidents, frame, mine, current, baseline)
    if "victim_key" not in incidents.has:
        notes.append("The extract has no victim key, so victims and repeat victims cannot be counted.")
    elif incidents.key_origin == ONE_OFF_KEY:
        notes.append(
            "Victim keys were pseudonymised with a one-off key for this run; set NEEDSASSESS_SECRET (or "
            "[clients] secret_file) to get the same pseudonyms on every run."
        )
    flagged_no = int(((now["children_present"] == "no") & (now["children_count"].fillna(0) > 0)).sum())
    if flagged_no:
        notes.append(
            f"{_about(flagged_no, 'incident')} marked as without children present "
            "but with a number of children: the number is not counted."
        )
    missing_count = figures["children_present"] - figures["children_counted"]
    if missing_count:
        notes.append(
            f"{_about(missing_count, 'incident')} with children present "
            "gave no number of children; the children involved count only those with a number."
        )
    year = years[0] if years else None
    return PoliceResult(
        area_code=code,
        area_name=name,
        population_16plus=pop16,
        population_year=year,
        current=current,
        baseline=baseline,
        figures=figures,
        summary=summary,
        year_on_year=yoy,
        offences=offences,
        monthly=monthly,
        victims=victims,
        perpetrators=perpetrators,
        risk=risk,
        wards=wards,
        deciles=deciles,
        most_deprived=most_deprived,
        peers=peers,
        reading=reading,
        notes=notes,
        deprivation_level=level,
        deprivation_basis=basis,
        population_basis=pop_basis,
        total_name=settings.total_name,
        source=f"police incident extract {incidents.path.name}",
    )


def _match_areas(areas: pd.Series, population: Population, default_code: str) -> pd.Series:
    """The population-file area code of each incident's area (by code or name); the chosen area if none."""
    import pandas as pd

    if areas.isna().all():
        return pd.Series(default_code, index=areas.index, dtype="string")
    lookup: dict[str, str] = {}
    for code, name in population.areas.itertuples(index=False):
        lookup[str(code).strip().lower()] = str(code)
        lookup.setdefault(str(name).strip().lower(), str(code))
    return areas.map(
        lambda a: None if a is None or a is pd.NA else lookup.get(str(a).strip().lower())
    ).astype("string")


def _in_period(frame: pd.DataFrame, period: Period) -> pd.Series:
    import pandas as pd

    return (frame["date"] >= pd.Timestamp(period.start)) & (frame["date"] <= pd.Timestamp(period.end))


def _flag_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark each incident whose victim had another incident in the 12 months before it (any area)."""
    import pandas as pd

    frame = frame.sort_values(["date", "row"], kind="stable").reset_index(drop=True)
    keyed = frame["victim_key"].notna()
    previous = frame.loc[keyed].groupby("victim_key", sort=False)["date"].shift(1)
    # within 12 months: on or before the same date a year after the earlier incident (29 Feb -> 28 Feb)
    limit = previous + pd.DateOffset(years=1)
    repeat = pd.Series(False, index=frame.index)
    repeat.loc[keyed] = (previous.notna() & (frame.loc[keyed, "date"] <= limit)).to_numpy()
    frame["repeat"] = repeat
    return frame


def _figures(frame: pd.DataFrame) -> dict[str, int]:
    keyed = frame["victim_key"].notna()
    present = frame["children_present"] == "yes"
    counted_children = present & frame["children_count"].notna()
    return {
        "incidents": len(frame),
        "crimes": int((frame["crime"] == "crime").sum()),
        "non_crime": int((frame["crime"] == "non_crime").sum()),
        "crime_not_recorded": int(frame["crime"].isna().sum()),
        "victims": int(frame.loc[keyed, "victim_key"].nunique()),
        "keyed_incidents": int(keyed.sum()),
        "repeat_incidents": int(frame["repeat"].sum()),
        "repeat_victims": int(frame.loc[frame["repeat"], "victim_key"].nunique()),
        "risk_assessed": int(frame["risk"].notna().sum()),
        "high_risk": int((frame["risk"] == "high").sum()),
        "medium_risk": int((frame["risk"] == "medium").sum()),
        "standard_risk": int((frame["risk"] == "standard").sum()),
        "children_present": int(present.sum()),
        "children_counted": int(counted_children.sum()),
        "children_involved": int(frame.loc[counted_children, "children_count"].sum()),
        "alcohol": int((frame["alcohol"] == "yes").sum()),
        "alcohol_recorded": int(frame["alcohol"].notna().sum()),
        "female_victims": int((frame["victim_sex"] == "female").sum()),
        "victim_sex_recorded": int(frame["victim_sex"].isin(["female", "male"]).sum()),
    }


def _day(d: Any) -> str:
    """1 April 2015 (no leading zero)."""
    return f"{d.day} {d:%B %Y}"


def _year_before(d: dt.date) -> dt.date:
    return dt.date(d.year - 1, d.month, d.day)


def _about(n: int, noun: str) -> str:
    """A count for a note, never a small number that disclosure control would hide in a table."""
    if n < 10:
        return f"Fewer than 10 {noun}s"
    return f"{n:,} {noun}s"


def rate_per_1000(count: float, population: float) -> float | None:
    """Count per 1,000 population, or None when there is no population."""
    return None if not population else 1000 * count / population


def share_pct(count: float, denominator: float) -> float | None:
    return None if not denominator else 100 * count / denominator


def _summary(figures: dict[str, int], pop16: int) -> pd.DataFrame:
    import pandas as pd

    records = []
    for key, label, denominator, per_1000 in INDICATORS:
        count = figures[key]
        den = figures[denominator] if denominator else None
        records.append(
            {
                "key": key,
                "measure": label,
                "count": count,
                "denominator_label": DENOMINATOR_LABELS.get(denominator or "", ""),
                "denominator": den,
                "share_pct": share_pct(count, den) if den is not None else None,
                "per_1000": rate_per_1000(count, pop16) if per_1000 else None,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for col in ("share_pct", "per_1000"):
        frame[col] = frame[col].astype("float64")
    frame["denominator"] = pd.array(frame["denominator"], dtype="Int64")
    return frame


def _change(before: int, after: int) -> tuple[int, float | None]:
    return after - before, (None if before == 0 else 100 * (after - before) / before)


def _year_on_year(before: dict[str, int], after: dict[str, int]) -> pd.DataFrame:
    import pandas as pd

    records = []
    for key, label, _den, _rate in INDICATORS:
        change, pct = _change(before[key], after[key])
        records.append(
            {
                "key": key,
                "measure": label,
                "baseline": before[key],
                "current": after[key],
                "change": change,
                "pct_change": pct,
            }
        )
    frame = pd.DataFrame.from_records(records)
    frame["pct_change"] = frame["pct_change"].astype("float64")
    return frame


def _offences(before: pd.DataFrame | None, now: pd.DataFrame) -> pd.DataFrame:
    """Crimes by offence type, this year and (where given) the baseline year, with a Total row."""
    import pandas as pd

    def counts(frame: pd.DataFrame) -> pd.Series:
        crimes = frame[frame["crime"] == "crime"]
        return crimes["offence"].fillna("Offence not recorded").value_counts()

    after = counts(now)
    prior = counts(before) if before is not None else pd.Series(dtype="int64")
    offences = sorted(
        set(after.index) | set(prior.index), key=lambda o: (o == "Offence not recorded", -after.get(o, 0), o)
    )
    records = []
    for offence in [*offences, "Total"]:
        a = int(after.sum() if offence == "Total" else after.get(offence, 0))
        b = int(prior.sum() if offence == "Total" else prior.get(offence, 0))
        change, pct = _change(b, a)
        records.append(
            {
                "offence": offence,
                "baseline": b if before is not None else None,
                "current": a,
                "change": change if before is not None else None,
                "pct_change": pct if before is not None else None,
            }
        )
    frame = pd.DataFrame.from_records(
        records, columns=["offence", "baseline", "current", "change", "pct_change"]
    )
    frame["baseline"] = pd.array(frame["baseline"], dtype="Int64")
    frame["change"] = pd.array(frame["change"], dtype="Int64")
    frame["pct_change"] = frame["pct_change"].astype("float64")
    return frame


def _monthly(frame: pd.DataFrame, start_month: int) -> pd.DataFrame:
    import pandas as pd

    month = frame["date"].dt.to_period("M")
    span = pd.period_range(month.min(), month.max(), freq="M")
    grouped = pd.DataFrame(
        {
            "incidents": month.value_counts(),
            "crimes": month[frame["crime"] == "crime"].value_counts(),
            "non_crime": month[frame["crime"] == "non_crime"].value_counts(),
        }
    ).reindex(span, fill_value=0)
    grouped = grouped.fillna(0).astype("int64")
    out = pd.DataFrame(
        {
            "month": [p.to_timestamp().date() for p in span],
            "label": [p.strftime("%b %Y") for p in span],
            "year": [period_containing(p.to_timestamp().date(), start_month).label for p in span],
            "incidents": grouped["incidents"].to_numpy(),
            "crimes": grouped["crimes"].to_numpy(),
            "non_crime": grouped["non_crime"].to_numpy(),
        }
    )
    return out


def age_band(age: Any) -> str:
    """The AGE_BANDS label of an age in years; "Not recorded" for a missing age."""
    import pandas as pd

    if age is None or pd.isna(age):
        return NOT_RECORDED_LABEL
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return NOT_RECORDED_LABEL


def _age_sex(frame: pd.DataFrame, age_col: str, sex_col: str) -> pd.DataFrame:
    """Incidents by age band (rows, with Not recorded and Total) and sex (columns, with Total)."""
    import pandas as pd

    bands = [label for _l, _h, label in AGE_BANDS] + [NOT_RECORDED_LABEL]
    band = frame[age_col].astype("object").map(age_band)
    sex = frame[sex_col].fillna("").map({"female": "Female", "male": "Male"}).fillna(SEX_COLUMNS[None])
    table = pd.crosstab(band, sex).reindex(index=bands, columns=list(SEX_COLUMNS.values()), fill_value=0)
    table = table.fillna(0).astype("int64")
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "Age"
    table.columns.name = None
    return table


def _risk(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    assessed = int(frame["risk"].notna().sum())
    records = []
    for key, label in RISK_LABELS.items():
        n = int((frame["risk"] == key).sum())
        records.append({"risk": label, "incidents": n, "share_pct": share_pct(n, assessed)})
    records.append(
        {
            "risk": "Not assessed or not recorded",
            "incidents": int(frame["risk"].isna().sum()),
            "share_pct": None,
        }
    )
    records.append({"risk": "Total", "incidents": len(frame), "share_pct": None})
    out = pd.DataFrame.from_records(records)
    out["share_pct"] = out["share_pct"].astype("float64")
    return out


def _ward_counts(now: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    ward = now["ward"].fillna(NOT_RECORDED_LABEL)
    table = pd.DataFrame(
        {"incidents": ward.value_counts(), "crimes": ward[now["crime"] == "crime"].value_counts()}
    ).fillna(0)
    table = table.astype("int64").sort_values("incidents", ascending=False)
    rows = [r for r in table.index if r != NOT_RECORDED_LABEL] + (
        [NOT_RECORDED_LABEL] if NOT_RECORDED_LABEL in table.index else []
    )
    table = table.reindex(rows)
    out = table.reset_index(names="ward")
    total = pd.DataFrame(
        [{"ward": "Total", "incidents": len(now), "crimes": int((now["crime"] == "crime").sum())}]
    )
    return pd.concat([out, total], ignore_index=True)


def _by_deprivation(
    now: pd.DataFrame, deprivation: Deprivation, most: int | None, pop_col: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    import pandas as pd

    dep = deprivation.frame
    notes: list[str] = []
    lookup: dict[str, str] = {}
    for unit, code, name in dep[["unit", "code", "name"]].itertuples(index=False):
        for k in (unit, code, name):
            if k:
                lookup.setdefault(str(k).strip().lower(), unit)
    source_col = "lsoa" if deprivation.level == "LSOA" else "ward"
    if now[source_col].isna().all():
        raise InputError(
            deprivation.path,
            Problem(
                "no-match-column",
                f"the deprivation table is by {deprivation.level}, but the extract has no {deprivation.level} column",
            ),
        )
    unit = now[source_col].map(
        lambda v: None if v is None or v is pd.NA else lookup.get(str(v).strip().lower())
    )
    unmatched = now[source_col].notna() & unit.isna()
    if unmatched.any():
        shown = ", ".join(f'"{v}"' for v in sorted(now.loc[unmatched, source_col].unique())[:5])
        notes.append(
            f"{_about(int(unmatched.sum()), 'incident')} in a {deprivation.level} "
            f"not in the deprivation table ({shown}): shown as not matched."
        )
    crimes = now["crime"] == "crime"
    per_unit = pd.DataFrame({"incidents": unit.value_counts(), "crimes": unit[crimes].value_counts()})
    units = dep.set_index("unit").join(per_unit).fillna({"incidents": 0, "crimes": 0})
    units["incidents"] = units["incidents"].astype("int64")
    units["crimes"] = units["crimes"].astype("int64")
    units = units.sort_values("order")
    pop = units[pop_col]
    units["incidents_per_1000"] = [rate_per_1000(c, p) for c, p in zip(units["incidents"], pop, strict=True)]
    units["crimes_per_1000"] = [rate_per_1000(c, p) for c, p in zip(units["crimes"], pop, strict=True)]
    no_unit = int(unit.isna().sum())
    no_unit_crimes = int((unit.isna() & crimes).sum())
    wards = units.reset_index()[
        ["unit", "name", "order", "decile", "population", "population_16plus", "incidents", "crimes"]
        + ["incidents_per_1000", "crimes_per_1000"]
    ]
    extra = []
    if no_unit:
        extra.append(
            {
                "unit": "Not matched or not recorded",
                "name": "",
                "incidents": no_unit,
                "crimes": no_unit_crimes,
            }
        )
    extra.append(
        {
            "unit": "Total",
            "name": "",
            "population": dep["population"].sum(min_count=1),
            "population_16plus": dep["population_16plus"].sum(min_count=1),
            "incidents": len(now),
            "crimes": int(crimes.sum()),
            "incidents_per_1000": rate_per_1000(len(now), dep[pop_col].sum()),
            "crimes_per_1000": rate_per_1000(int(crimes.sum()), dep[pop_col].sum()),
        }
    )
    wards = pd.concat([wards, pd.DataFrame(extra)], ignore_index=True)
    for col in ("incidents", "crimes"):
        wards[col] = wards[col].astype("int64")
    unmatched_counts = (no_unit, no_unit_crimes)
    total = (len(now), int(crimes.sum()))
    deciles = _groups(
        [(d, part) for d, part in units.groupby("decile", sort=True)],
        "decile",
        pop_col,
        unmatched_counts,
        total,
    )
    n = min(most if most is not None else max(1, round(len(units) / 3)), len(units))
    unit_word, rest = deprivation.level, len(units) - n
    top_frame = _groups(
        [
            (
                f"The {n} most deprived {unit_word}s" if n != 1 else f"The most deprived {unit_word}",
                units.iloc[:n],
            ),
            (f"The other {rest} {unit_word}s" if rest != 1 else f"The other {unit_word}", units.iloc[n:]),
        ],
        "group",
        pop_col,
        unmatched_counts,
        total,
    )
    dec = deciles
    for f in (wards, dec, top_frame):
        for col in ("share_pct", "per_1000", "incidents_per_1000", "crimes_per_1000"):
            if col in f.columns:
                f[col] = f[col].astype("float64")
    return wards, dec, top_frame, notes


def _groups(
    parts: list[tuple[Any, pd.DataFrame]],
    label: str,
    pop_col: str,
    unmatched: tuple[int, int],
    total: tuple[int, int],
) -> pd.DataFrame:
    """Incidents and crimes for groups of wards (or LSOAs), not matched, and the total, with shares and rates."""
    import pandas as pd

    records: list[dict[str, Any]] = [
        {
            label: key,
            "units": len(part),
            "population": part[pop_col].sum(),
            "incidents": int(part["incidents"].sum()),
            "crimes": int(part["crimes"].sum()),
        }
        for key, part in parts
    ]
    if unmatched[0]:
        records.append(
            {label: "Not matched or not recorded", "units": 0, "population": None}
            | {"incidents": unmatched[0], "crimes": unmatched[1]}
        )
    population = sum(r["population"] for r in records if r["population"] is not None)
    records.append(
        {label: "Total", "units": sum(r["units"] for r in records), "population": population}
        | {"incidents": total[0], "crimes": total[1]}
    )
    out = pd.DataFrame.from_records(records)
    out[label] = out[label].astype("object")
    out["share_pct"] = [share_pct(n, total[0]) for n in out["incidents"]]
    out["per_1000"] = [
        None if p is None or p != p else rate_per_1000(n, p)
        for n, p in zip(out["incidents"], out["population"], strict=True)
    ]
    return out


def _peers(
    frame: pd.DataFrame,
    current: Period,
    population: Population,
    code: str,
    settings: PoliceSettings,
    peer_counts: PeerCounts | None,
    notes: list[str],
) -> pd.DataFrame | None:
    """Current-year counts and rates per 1,000 aged 16+ for the area and each peer, with a total row."""
    import pandas as pd

    areas = population.areas
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    lookup = {str(c).lower(): str(c) for c in areas["area_code"]} | {
        str(n).lower(): str(c) for c, n in zip(areas["area_code"], areas["area_name"], strict=True)
    }
    now = frame[_in_period(frame, current)]
    records: dict[str, dict[str, Any]] = {}
    in_extract = list(pd.unique(frame["area_code"].dropna()))
    for area_code in in_extract:
        part = now[now["area_code"] == area_code]
        figures = _figures(part)
        records[area_code] = {
            "area_code": area_code,
            "area_name": names.get(area_code, area_code),
            "source": "extract",
        }
        records[area_code].update({m: figures[m] for m in PEER_MEASURES})
    unmatched = sorted(frame.loc[frame["area_code"].isna() & frame["area"].notna(), "area"].unique())
    if unmatched:
        notes.append(
            "Areas in the extract not found in the population file (left out of the comparison): "
            + ", ".join(f'"{a}"' for a in unmatched[:8])
            + "."
        )
    if peer_counts is not None:
        for rec in peer_counts.frame.to_dict("records"):
            area_code = lookup.get(str(rec["area"]).strip().lower())
            if area_code is None:
                notes.append(f'Peer table: "{rec["area"]}" is not in the population file and is left out.')
                continue
            if area_code in records:
                continue  # the extract's own counts win
            records[area_code] = {
                "area_code": area_code,
                "area_name": names.get(area_code, area_code),
                "source": "peer table",
            }
            records[area_code].update(
                {m: (int(rec[m]) if m in rec and rec[m] == rec[m] else None) for m in PEER_MEASURES}
            )
            if (
                records[area_code]["incidents"] is None
                and records[area_code]["crimes"] is not None
                and records[area_code]["non_crime"] is not None
            ):
                records[area_code]["incidents"] = (
                    records[area_code]["crimes"] + records[area_code]["non_crime"]
                )
    if settings.peers is not None:
        wanted = [code]
        for peer in settings.peers:
            peer_code = lookup.get(str(peer).strip().lower())
            if peer_code is None or peer_code not in records:
                notes.append(f'Peer "{peer}" has no figures in the extract or the peer table.')
                continue
            if peer_code not in wanted:
                wanted.append(peer_code)
        records = {k: v for k, v in records.items() if k in wanted}
    if len(records) < 2:
        return None
    order = [code] + sorted((k for k in records if k != code), key=lambda k: records[k]["area_name"])
    out = pd.DataFrame.from_records([records[k] for k in order])
    out["population_16plus"] = [population_in_ages(select_area(population, k), 16, 90) for k in order]
    total: dict[str, Any] = {"area_code": "", "area_name": settings.total_name, "source": ""}
    total["population_16plus"] = int(out["population_16plus"].sum())
    for m in PEER_MEASURES:
        column = out[m]
        total[m] = int(column.sum()) if column.notna().all() else None
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for m in PEER_MEASURES:
        out[m] = pd.array(out[m], dtype="Int64")
        out[f"{m}_per_1000"] = [
            None if n is pd.NA or n is None else rate_per_1000(n, p)
            for n, p in zip(out[m], out["population_16plus"], strict=True)
        ]
        out[f"{m}_per_1000"] = out[f"{m}_per_1000"].astype("float64")
    return out


def _reading(
    incidents: Incidents, frame: pd.DataFrame, mine: pd.DataFrame, current: Period, baseline: Period | None
) -> pd.DataFrame:
    """Rows in = rows used + rows left out, with why."""
    import pandas as pd

    in_current = int(_in_period(mine, current).sum())
    in_baseline = int(_in_period(mine, baseline).sum()) if baseline is not None else 0
    other_area = len(frame) - len(mine)
    records = [
        ("Rows read from the extract", incidents.rows_read),
        ("Left out: repeating an earlier incident reference", incidents.duplicates),
        ("Incidents in other areas (used for peers and repeats)", other_area),
        (f"Incidents in {current.label}", in_current),
    ]
    if baseline is not None:
        records.append((f"Incidents in {baseline.label}", in_baseline))
    records.append(("Incidents in other months (monthly trend only)", len(mine) - in_current - in_baseline))
    return pd.DataFrame.from_records(records, columns=["what", "rows"])


# --- settings from assessment.toml ---------------------------------------------------------------------

POLICE_KEYS = {
    "enabled": "true or false",
    "file": "the incident extract (xlsx or csv), relative to assessment.toml",
    "sheet": "the sheet holding the incidents (name or 0-based number)",
    "header_row": "the spreadsheet row of the header (default: found)",
    "encoding": "the encoding of a csv extract (default: detected)",
    "area_column": "the header of the column naming each incident's area",
    "columns": 'a table of "header" = "field" for headers the built-in synonyms miss',
    "codes": 'tables [police.codes.FIELD] of "raw code" = "value"',
    "year_start_month": "the first month of the year: 4 for financial years (default), 1 for calendar years",
    "current": 'the year reported, e.g. "2015/16" (default: the year of the latest incident)',
    "baseline": 'the year compared with, e.g. "2014/15" (default: the year before)',
    "peers": "areas to compare with, by code or name (default: every area in the extract)",
    "peer_total_name": 'the name of the all-areas column, e.g. "Cleveland" (default "All areas")',
    "peer_counts": "a table of counts by area for peers the extract does not cover (csv or xlsx)",
    "deprivation": "deprivation by ward or LSOA with populations (csv or xlsx)",
    "most_deprived": "how many of the most deprived wards to group (default: a third of them)",
}


@dataclass
class PoliceOptions:
    """The [police] section, checked: where the files are and how to read and analyse them."""

    file: Path
    sheet: str | int | None
    header_row: int | None
    encoding: str | None
    columns: dict[str, str]
    codes: dict[str, dict[str, str]]
    settings: PoliceSettings
    deprivation: Path | None = None
    peer_counts: Path | None = None


def police_options(section: Mapping[str, Any], resolve: Any, where: str = "[police]") -> PoliceOptions:
    """Check a [police] section (every problem at once); `resolve` turns a relative path into a real one."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem("bad-value", f"{where} {key}: {message}"))

    for key in section:
        if key not in POLICE_KEYS:
            close = difflib.get_close_matches(key, list(POLICE_KEYS), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else "; expected one of " + ", ".join(POLICE_KEYS)
            problems.append(Problem("unknown-key", f'{where} unknown key "{key}"{hint}'))
    paths: dict[str, Path | None] = {}
    for key in ("file", "deprivation", "peer_counts"):
        value = section.get(key)
        if value is None:
            paths[key] = None
            if key == "file":
                problems.append(Problem("missing-key", f'{where} needs file = "<the incident extract>"'))
            continue
        if not isinstance(value, str) or not value:
            bad(key, f"{value!r} is not a path")
            paths[key] = None
            continue
        path = resolve(value)
        if not Path(path).is_file():
            problems.append(Problem("missing-file", f"{where} {key} {value} not found (looked in {path})"))
        paths[key] = path
    start = section.get("year_start_month", 4)
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 12:
        bad("year_start_month", f"{start!r} is not a month; expected 1 to 12 (4 for financial years)")
        start = 4
    periods: dict[str, Period | None] = {}
    for key in ("current", "baseline"):
        value = section.get(key)
        periods[key] = None
        if value is not None:
            try:
                periods[key] = parse_period(value, start)
            except ValueError as exc:
                bad(key, str(exc))
    columns = section.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        bad("columns", 'expected a table of "header" = "field"')
        columns = {}
    columns = dict(columns)
    area_column = section.get("area_column")
    if area_column is not None:
        if not isinstance(area_column, str):
            bad("area_column", "expected the header of the area column")
        else:
            columns[area_column] = "area"
    codes = section.get("codes", {})
    if not isinstance(codes, dict) or not all(isinstance(v, dict) for v in codes.values()):
        bad("codes", 'expected tables [police.codes.FIELD] of "raw code" = "value"')
        codes = {}
    peers = section.get("peers")
    if peers is not None and (not isinstance(peers, list) or not all(isinstance(p, str) for p in peers)):
        bad("peers", 'expected a list of area codes or names, e.g. ["Eastholm", "E06009903"]')
        peers = None
    most = section.get("most_deprived")
    if most is not None and (isinstance(most, bool) or not isinstance(most, int) or most < 1):
        bad("most_deprived", f"{most!r}; expected a whole number of wards, 1 or more")
        most = None
    header_row = section.get("header_row")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        bad("header_row", f"{header_row!r}; expected a row number, 1 or more")
        header_row = None
    sheet = section.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        bad("sheet", "expected a sheet name or a 0-based number")
        sheet = None
    if problems:
        raise ConfigError(None, problems)
    assert paths["file"] is not None
    settings = PoliceSettings(
        start_month=start,
        current=periods["current"],
        baseline=periods["baseline"],
        peers=peers,
        total_name=str(section.get("peer_total_name", "All areas")),
        most_deprived=most,
    )
    return PoliceOptions(
        file=paths["file"],
        sheet=sheet,
        header_row=header_row,
        encoding=section.get("encoding"),
        columns=columns,
        codes={k: dict(v) for k, v in codes.items()},
        settings=settings,
        deprivation=paths["deprivation"],
        peer_counts=paths["peer_counts"],
    )


@dataclass
class PoliceInputs:
    """The extract and the optional deprivation and peer tables, read and checked, with the options that
    named them (the analysis takes its settings from there)."""

    options: PoliceOptions
    incidents: Incidents
    deprivation: Deprivation | None
    peer_counts: PeerCounts | None


@dataclass
class PoliceRun(PoliceInputs):
    """A police analysis with the inputs it read (for the manifest and the Sources sheet)."""

    result: PoliceResult


def read_police(options: PoliceOptions, secret: Secret | None = None) -> PoliceInputs:
    """Read the extract and the optional deprivation and peer tables named in `options`."""
    incidents = read_incidents(
        options.file,
        options.sheet,
        columns=options.columns,
        codes=options.codes,
        header_row=options.header_row,
        encoding=options.encoding,
        secret=secret,
    )
    deprivation = read_deprivation(options.deprivation) if options.deprivation else None
    peers = read_peer_counts(options.peer_counts) if options.peer_counts else None
    return PoliceInputs(options, incidents, deprivation, peers)


def analyse_inputs(inputs: PoliceInputs, population: Population, area: str) -> PoliceRun:
    """Analyse what read_police read."""
    result = analyse_police(
        inputs.incidents, population, area, inputs.options.settings, inputs.deprivation, inputs.peer_counts
    )
    return PoliceRun(inputs.options, inputs.incidents, inputs.deprivation, inputs.peer_counts, result)


def run_police(
    options: PoliceOptions, population: Population, area: str, secret: Secret | None = None
) -> PoliceRun:
    """Read the extract and the optional deprivation and peer tables named in `options`, and analyse them."""
    return analyse_inputs(read_police(options, secret), population, area)


def load_mapping(path: str | Path) -> dict[str, Any]:
    """A police mapping file: TOML with any [police] keys but file (columns, codes, header_row ...)."""
    import tomllib

    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, Problem("missing-file", f"file not found: {path}"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, Problem("bad-toml", f"not valid TOML: {exc}")) from exc
    return dict(data.get("police", data))
