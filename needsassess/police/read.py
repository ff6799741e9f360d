"""Read an incident-level extract -> `Incidents`: the header row found, every cell checked, victims pseudonymised.

The reader takes the extract as the force sends it (xlsx or csv, title rows above the header, its own
column names and codes), maps its columns to the fields of police/codes.py (built-in synonyms,
overridden by `columns` and `codes`), checks every cell and returns a tidy frame of incidents. Police
reference numbers are used only to drop duplicate rows and never leave the reader; victim keys are
pseudonymised as they are read, so the frame never holds them.
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

from needsassess.clients.merge import KEY_VERSION, Secret
from needsassess.clients.values import code_key, parse_date
from needsassess.errors import ConfigError, Problem
from needsassess.police.codes import (
    CODE_BOOKS,
    CODE_EXPECTED,
    CODE_VALUES,
    FIELD_CODE_BOOK,
    FIELD_LABELS,
    FIELDS,
    FRAME_COLUMNS,
    IDENTIFYING_WORDS,
    IGNORE,
    MAX_AGE,
    NOT_RECORDED,
    SYNONYM_INDEX,
    plain_header,
)
from needsassess.tables import Grid, find_header_row, is_blank, read_grid

if TYPE_CHECKING:
    import pandas as pd

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
        out[plain_header(header)] = str(target)
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
        keys = [plain_header(c) for c in cells]
        return sum(1 for k in keys if k in SYNONYM_INDEX or k in custom)

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
        key = plain_header(cell)
        if key in custom:
            target = custom[key]
            if target == IGNORE:
                continue
            rank = -1
        elif key in SYNONYM_INDEX:
            target, rank = SYNONYM_INDEX[key]
        else:
            if set(key.split()) & IDENTIFYING_WORDS:
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
        return (None, None) if text.lower() in NOT_RECORDED else (digest(text), None)
    key = code_key(value) if not isinstance(value, dt.date) else ""
    if key in custom:
        return (custom[key] or None), None
    if name == "date":
        if is_blank(value):
            return None, "blank; expected a date (day/month/year or an Excel date)"
        parsed = parse_date(value)
        if parsed is None:
            return None, f"{shown_cell(value)} is not a date; expected day/month/year or an Excel date"
        return parsed, None
    if name in ("victim_age", "perpetrator_age"):
        if key in NOT_RECORDED:
            return None, None
        number = cell_number(value)
        if number is None or not number.is_integer():
            return (
                None,
                f"{shown_cell(value)} is not an age; expected a whole number of years, 0 to {MAX_AGE}",
            )
        if number < 0:
            return None, f"{number:g} is negative; expected an age of 0 to {MAX_AGE}"
        if number > MAX_AGE:
            return None, f"{number:g} is not an age; expected 0 to {MAX_AGE}"
        return int(number), None
    if name == "children_count":
        if key in NOT_RECORDED:
            return None, None
        number = cell_number(value)
        if number is None or not number.is_integer():
            return None, f"{shown_cell(value)} is not a count; expected a whole number >= 0"
        if number < 0:
            return None, f"{number:g} is negative; counts must be >= 0"
        return int(number), None
    if name in FIELD_CODE_BOOK:
        book = CODE_BOOKS[FIELD_CODE_BOOK[name]]
        if key in book:
            return (book[key] or None), None
        if key in NOT_RECORDED:
            return None, None
        return (
            None,
            f"{shown_cell(value)} is not a {FIELD_LABELS[name]} code; {CODE_EXPECTED[FIELD_CODE_BOOK[name]]}",
        )
    # text fields
    if is_blank(value) or key in NOT_RECORDED:
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if name == "lsoa":
        return text.upper(), None
    return text, None


def shown_cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return f'"{text[:37]}..."' if len(text) > 40 else f'"{text}"'


def cell_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(?:yrs?|years?)?\s*", value.replace(",", ""))
        return float(match.group(1)) if match else None
    return None
