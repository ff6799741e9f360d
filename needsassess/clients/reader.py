"""Read one agency file into canonical, validated, pseudonymised records.

The steps: find the header row (one row, or two where a merged group header sits above); name each column
and map it to a field (the mapping first, then built-in synonyms); set aside rows that are not clients
(blank, totals, notes under the table, a repeated header); read each mapped column through its code book,
one distinct value at a time; reject or warn per field rule; turn the date of birth into age at referral;
make the person key; drop every identifier. Identifiers never leave this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from needsassess.clients.mapping import (
    IGNORE,
    OTHER_IDENTIFIER,
    AgencyMapping,
    Confidence,
    HeaderIndex,
    header_index,
)
from needsassess.clients.merge import KeyInputs, Secret, person_keys, secret_missing
from needsassess.clients.reconciliation import FileReconciliation, Issue, Outcome, Reconciliation
from needsassess.clients.schema import (
    FIELD_BY_NAME,
    IDENTIFIER_FIELDS,
    NOT_RECORDED,
    Kind,
    Rule,
    age_band,
    output_columns,
)
from needsassess.clients.values import CodeBook, Reading, header_key
from needsassess.errors import InputError, Problem
from needsassess.tables import Grid, column_letter, find_header_row, is_blank, normalise_header, read_grid

HEADER_SEARCH_ROWS = 40
MIN_RECOGNISED_HEADERS = 2
EARLIEST_REFERRAL = dt.date(1980, 1, 1)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
WARNING_ROWS_SHOWN = 5
_TOTALS = re.compile(r"^\s*(grand\s+|sub[\s-]?)?totals?\b|^\s*(sum|count|all clients)\s*:?\s*$", re.IGNORECASE)


@dataclass
class Column:
    """One column of the table: where it is, what it is called and what it maps to."""

    index: int
    name: str  # display name, "Abuse types / Physical" under a merged group header
    parent: str = ""
    child: str = ""
    field: str | None = None
    confidence: Confidence | None = None
    explicit: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        return f'{self.letter} "{self.name}"'


@dataclass
class Layout:
    """Where the table sits: header rows (spreadsheet numbers) and its columns."""

    header_row: int  # the lowest header row; data start below it
    top_header_row: int  # the group row above, if any (else = header_row)
    columns: list[Column]
    problems: list[Problem] = field(default_factory=list)

    def mapped(self) -> list[Column]:
        return [c for c in self.columns if c.field and c.field != IGNORE]


@dataclass
class AgencyRecords:
    """What one file gave: canonical records (no identifiers), its row account and issues."""

    mapping: AgencyMapping
    layout: Layout
    records: pd.DataFrame
    reconciliation: Reconciliation = field(default_factory=Reconciliation)


# --- layout ---------------------------------------------------------------------------------------------


def locate_table(grid: Grid, mapping: AgencyMapping, strict: bool = True) -> Layout:
    """Find the header row(s) and map the columns; raise InputError listing every mapping problem.

    With strict=False the mapping problems (a missing column, no referral date) are kept in
    `Layout.problems` instead, for suggestions.
    """
    index = header_index(mapping.record_type)
    explicit = {header_key(k): v for k, v in mapping.columns.items()}

    def recognised(text: str) -> bool:
        return header_key(text) in explicit or index.match(text) is not None

    if mapping.header_row is not None:
        if mapping.header_row > len(grid.rows):
            raise grid.error(
                Problem("bad-header-row", f"header_row is {mapping.header_row} but the sheet has {len(grid.rows)} rows")
            )
        lower = mapping.header_row - 1
        upper = lower - 1 if lower and _combined_score(grid, lower - 1, lower, recognised) > _combined_score(
            grid, None, lower, recognised
        ) else None
    else:
        found = find_header_row(
            grid, lambda cells: sum(recognised(c) for c in cells), MIN_RECOGNISED_HEADERS, HEADER_SEARCH_ROWS
        )
        if found is None:
            raise grid.error(
                Problem(
                    "no-header-row",
                    f"no header row found in the first {HEADER_SEARCH_ROWS} rows (no row has "
                    f"{MIN_RECOGNISED_HEADERS} or more recognised column names); set header_row in the mapping",
                )
            )
        lower, upper = found, None
        below = _combined_score(grid, found, found + 1, recognised)
        above = _combined_score(grid, found - 1, found, recognised)
        single = _combined_score(grid, None, found, recognised)
        if below > max(single, above):
            lower, upper = found + 1, found
        elif above > single:
            upper = found - 1
    columns = _name_columns(grid, upper, lower)
    problems = _map_columns(columns, mapping, index)
    if problems and strict:
        raise grid.error(problems)
    return Layout(lower + 1, (upper if upper is not None else lower) + 1, columns, problems)


def _combined_score(grid: Grid, upper: int | None, lower: int, recognised) -> int:
    if lower >= len(grid.rows) or (upper is not None and upper < 0):
        return -1
    columns = _name_columns(grid, upper, lower)
    score = 0
    for c in columns:
        for candidate in _candidates(c):
            if recognised(candidate):
                score += 1
                break
    return score


def _name_columns(grid: Grid, upper: int | None, lower: int) -> list[Column]:
    """Columns named from the header row, prefixed by the merged group header above where there is one."""
    width = max((len(r) for r in grid.rows[lower : lower + 200]), default=0)
    width = max(width, len(grid.rows[lower]))
    children = [_cell_text(grid.rows[lower], j) for j in range(width)]
    parents = _parents(grid, upper, children) if upper is not None else [""] * width
    columns: list[Column] = []
    seen: dict[str, int] = {}
    for j in range(width):
        parent, child = parents[j], children[j]
        if parent and child and parent != child:
            name = f"{parent} / {child}"
        else:
            name = child or parent
        if not name:
            name = f"Column {column_letter(j)}"
        key = name.lower()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            name = f"{name} ({seen[key]})"
        columns.append(Column(j, name, parent, child))
    return columns


def _cell_text(row: list[Any], j: int) -> str:
    if j >= len(row) or is_blank(row[j]):
        return ""
    value = row[j]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _parents(grid: Grid, upper: int, children: list[str]) -> list[str]:
    width = len(children)
    row = grid.rows[upper]
    parents = [_cell_text(row, j) for j in range(width)]
    spans = [r for r in (grid.merged or []) if r[0][0] == upper and r[1][1] > r[0][1]]
    if grid.merged is not None:
        for (_, c0), (_, c1) in spans:
            if c1 - c0 + 1 >= 0.9 * width and width > 2:
                continue  # a title across the whole table, not a group header
            for j in range(c0 + 1, min(c1 + 1, width)):
                parents[j] = parents[c0]
        return parents
    # No merge information (csv, ods): a group label runs right over the blank cells after it.
    filled = list(parents)
    current = ""
    for j in range(width):
        if parents[j]:
            current = parents[j]
        elif current and children[j]:
            filled[j] = current
        else:
            current = ""
    if sum(1 for p in parents if p) < 2:
        return parents  # one lone cell above is a title or a note, not a group header
    return filled


def _candidates(column: Column) -> list[str]:
    """Texts to match, most specific first: "Abuse types Physical", then "Physical"."""
    if column.parent and column.child:
        return [f"{column.parent} {column.child}", column.child]
    return [column.name]


def _map_columns(columns: list[Column], mapping: AgencyMapping, index: HeaderIndex) -> list[Problem]:
    problems: list[Problem] = []
    by_full = {header_key(c.name): c for c in columns}
    by_child: dict[str, list[Column]] = {}
    for c in columns:
        if c.child:
            by_child.setdefault(header_key(c.child), []).append(c)
    for header, target in mapping.columns.items():
        key = header_key(header)
        column = by_full.get(key) or by_full.get(header_key(header.replace("/", " ")))
        if column is None and len(by_child.get(key, [])) == 1:
            column = by_child[key][0]
        if column is None:
            names = ", ".join(f'"{c.name}"' for c in columns if not c.name.startswith("Column "))
            problems.append(
                Problem("missing-column", f'the mapping names column "{header}", which is not in the header row; '
                        f"the columns are {names}")
            )
            continue
        looks = index.match(column.name)
        if (
            looks is not None
            and (looks.field in IDENTIFIER_FIELDS)
            and target != IGNORE
            and target not in IDENTIFIER_FIELDS
        ):
            problems.append(
                Problem(
                    "identifier-mapped",
                    f"this column looks like an identifier ({looks.field}) but the mapping sends it to {target}; "
                    'map it to an identifier field or "ignore"',
                    column=column.name,
                )
            )
            continue
        column.field, column.confidence, column.explicit = target, Confidence.HIGH, True
    taken = {c.field for c in columns if c.explicit and c.field != IGNORE}
    for c in columns:
        if c.explicit:
            continue
        match = _best_match(c, index)
        if match and not (match.field in taken and _single_column(match.field)):
            c.field, c.confidence = match.field, match.confidence
            taken.add(match.field)
    seen: dict[str, Column] = {}
    for c in columns:
        if c.field and c.field != IGNORE and _single_column(c.field):
            if c.field in seen:
                problems.append(
                    Problem(
                        "duplicate-field",
                        f'columns "{seen[c.field].name}" and "{c.name}" both map to {c.field}; '
                        'map one of them to "ignore"',
                    )
                )
            seen[c.field] = c
    if "referral_date" not in seen:
        problems.append(
            Problem(
                "missing-field",
                "no column maps to referral_date, which is required; add it under [columns] in the mapping "
                '(e.g. "Date referred" = "referral_date")',
            )
        )
    return problems


def _best_match(column: Column, index: HeaderIndex):
    """The surest match among "Group Header" and "Header"; the group header decides a tie."""
    found = []
    for text in _candidates(column):
        if column.parent and text == column.child and index.about_someone_else(column.parent):
            break  # "Perpetrator / Age" is not the victim's age
        match = index.match(text)
        if match:
            found.append(match)
    found.sort(key=lambda m: m.confidence is not Confidence.HIGH)
    return found[0] if found else None


def _single_column(field_name: str) -> bool:
    f = FIELD_BY_NAME[field_name]
    return f.kind is not Kind.IDENTIFIER or f.key_input


# --- rows -----------------------------------------------------------------------------------------------


def read_agency(
    mapping: AgencyMapping,
    secret: Secret | None,
    as_of: dt.date | None = None,
    grid: Grid | None = None,
) -> AgencyRecords:
    """Read, map, validate and pseudonymise one agency file; every row is accounted for."""
    as_of = as_of or dt.date.today()
    grid = grid or read_grid(mapping.file, mapping.sheet, mapping.encoding)
    layout = locate_table(grid, mapping)
    key_columns = [c.name for c in layout.mapped() if FIELD_BY_NAME[c.field].key_input]
    if key_columns and secret is None:
        raise secret_missing(grid.file, key_columns)

    body, rows = _body(grid, layout)
    account = FileReconciliation(
        agency=mapping.name,
        file=grid.file,
        sheet=grid.sheet,
        header_row=layout.header_row,
        rows_read=len(body),
        unmapped_columns=[c.name for c in layout.columns if not c.field and not c.name.startswith("Column ")],
    )
    recon = Reconciliation([account])
    aside = _set_aside(body, rows, layout, grid, recon)
    data = body[~aside]
    data_rows = rows[~aside]

    reader = _Reader(mapping, grid, layout, data, data_rows, as_of, recon)
    records = reader.read(secret)
    account.rows_set_aside = int(aside.sum())
    account.rows_rejected = int(reader.rejected.sum())
    account.rows_used = len(records)
    account.cells_not_recorded = reader.warnings
    recon.issues.sort(key=lambda i: i.row or (i.rows_sample[0] if i.rows_sample else 0))
    return AgencyRecords(mapping, layout, records, recon)


def data_rows(grid: Grid, layout: Layout) -> pd.DataFrame:
    """The client rows of a table (blank, totals and note rows left out), columns numbered from 0."""
    body, rows = _body(grid, layout)
    aside = _set_aside(body, rows, layout, grid, Reconciliation())
    return body[~aside]


def _body(grid: Grid, layout: Layout) -> tuple[pd.DataFrame, pd.Series]:
    start = layout.header_row  # 0-based index of the first row under the header
    raw = grid.rows[start:]
    frame = pd.DataFrame(raw, dtype=object) if raw else pd.DataFrame(columns=range(len(layout.columns)), dtype=object)
    for j in range(frame.shape[1], len(layout.columns)):
        frame[j] = ""
    frame = frame.fillna("")
    rows = pd.Series(np.arange(start + 1, start + 1 + len(frame)), index=frame.index)
    return frame, rows


def _blank_mask(column: pd.Series) -> pd.Series:
    uniques = pd.unique(column)
    blanks = [u for u in uniques if is_blank(u)]
    return column.isin(blanks) if blanks else pd.Series(False, index=column.index)


def _set_aside(body: pd.DataFrame, rows: pd.Series, layout: Layout, grid: Grid, recon: Reconciliation) -> pd.Series:
    """Mark rows that are not client records and report them; returns the mask of rows set aside."""
    if body.empty:
        return pd.Series(False, index=body.index)
    filled = ~pd.concat([_blank_mask(body[c]) for c in body.columns], axis=1).to_numpy()
    counts = filled.sum(axis=1)
    blank = counts == 0
    first = filled.argmax(axis=1)
    labels = pd.Series(body.to_numpy()[np.arange(len(body)), first], index=body.index)
    label_text = labels.map(_cached_text)
    totals = (~blank) & label_text.str.match(_TOTALS).to_numpy()
    header_texts = [normalise_header(c.child or c.name) for c in layout.columns]
    repeated = np.zeros(len(body), dtype=bool)
    candidates = np.flatnonzero(
        label_text.map(normalise_header).to_numpy() == np.array(header_texts, dtype=object)[first]
    )
    for i in candidates:
        cells = [normalise_header(v) for v in body.iloc[i].tolist()[: len(header_texts)]]
        repeated[i] = sum(a == b and a != "" for a, b in zip(cells, header_texts, strict=False)) >= 2
    data_like = np.flatnonzero((counts >= 2) & ~totals & ~repeated)
    last_data = data_like[-1] if len(data_like) else -1
    notes = (np.arange(len(body)) > last_data) & (counts == 1) & ~totals
    aside = blank | totals | repeated | notes
    file, sheet = grid.file, grid.sheet
    row_numbers = rows.to_numpy()
    for i in np.flatnonzero(totals | repeated | notes):
        reason = "totals row" if totals[i] else "header row repeated" if repeated[i] else "note below the table"
        recon.issues.append(Issue(file, sheet, Outcome.SET_ASIDE, reason, row=int(row_numbers[i])))
    for start, end in _runs(np.flatnonzero(blank)):
        recon.issues.append(
            Issue(file, sheet, Outcome.SET_ASIDE, "blank row" if start == end else "blank rows",
                  row=int(row_numbers[start]), last_row=int(row_numbers[end]), count=end - start + 1)
        )
    return pd.Series(aside, index=body.index)


def _cached_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], int(i))
        else:
            runs.append((int(i), int(i)))
    return runs


class _Reader:
    """Reads the mapped columns of the data rows; collects rejections and warnings."""

    def __init__(self, mapping, grid, layout, data, rows, as_of, recon):
        self.mapping: AgencyMapping = mapping
        self.grid: Grid = grid
        self.layout: Layout = layout
        self.data: pd.DataFrame = data
        self.rows: pd.Series = rows
        self.as_of: dt.date = as_of
        self.recon: Reconciliation = recon
        self.rejected = pd.Series(False, index=data.index)
        self.reject_reasons: dict[int, list[str]] = {}
        self.warnings = 0
        self.values: dict[str, pd.Series] = {}
        self.columns: dict[str, Column] = {}
        self.name_tokens: set[str] = set()

    # Reading each column through its code book, one distinct value at a time.
    def read(self, secret: Secret | None) -> pd.DataFrame:
        mapped = self.layout.mapped()
        for c in mapped:  # identifiers first, so that their words can be withheld from warnings
            if c.field in IDENTIFIER_FIELDS and c.field != "date_of_birth":
                self._read_identifier(c)
        for c in mapped:
            if c.field not in IDENTIFIER_FIELDS or c.field == "date_of_birth":
                self._read_column(c)
        self._check_dates()
        self._derive()
        keys, basis = self._keys(secret)
        return self._assemble(keys, basis)

    def _read_identifier(self, c: Column) -> None:
        if c.field == OTHER_IDENTIFIER or not FIELD_BY_NAME[c.field].key_input:
            return  # dropped unread
        column = self.data[c.index]
        text = column.map(lambda v: "" if is_blank(v) else _plain(v))
        self.values[c.field] = text
        self.columns[c.field] = c
        if c.field in ("first_name", "surname", "full_name"):
            for value in pd.unique(text):
                self.name_tokens.update(w for w in re.split(r"[^a-z]+", value.lower()) if len(w) >= 3)

    def _read_column(self, c: Column) -> None:
        f = FIELD_BY_NAME[c.field]
        book = CodeBook(f, self.mapping.codes.get(c.field), two_digit_years_past=c.field == "date_of_birth")
        column = self.data[c.index]
        readings: dict[Any, Reading] = {u: book.read(u) for u in pd.unique(column)}
        values = column.map({u: r.value for u, r in readings.items()})
        self.values[c.field] = values.astype(object).where(values.notna(), None)
        self.columns[c.field] = c
        bad = {u: self._safe(r.problem, u, c.field) for u, r in readings.items() if not r.ok}
        problems = column.map(bad) if bad else pd.Series(np.nan, index=column.index, dtype=object)
        if bad:
            for reason, index in problems.groupby(problems, sort=False).groups.items():
                mask = pd.Series(False, index=column.index)
                mask[index] = True
                self._problem(c, f.rule, mask & ~self.rejected, str(reason))
        if f.required:
            missing = self.values[c.field].isna() & problems.isna() & ~self.rejected
            self._problem(c, Rule.REJECT, missing, f"{f.label.lower()} is blank; it is required")

    def _safe(self, problem: str, raw: Any, field_name: str) -> str:
        """Withhold a bad cell's text from the report if it may identify someone."""
        if field_name == "date_of_birth":
            return problem
        text = str(raw).lower()
        words = set(re.split(r"[^a-z]+", text))
        if words & self.name_tokens or len(re.sub(r"\D", "", text)) >= 6 or "@" in text:
            return re.sub(r'^".*?" ', "the value (withheld: it may identify someone) ", problem, count=1)
        return problem

    def _problem(self, c: Column | None, rule: Rule, mask: pd.Series, reason: str) -> None:
        count = int(mask.sum())
        if not count:
            return
        file, sheet = self.grid.file, self.grid.sheet
        label = c.label if c else None
        if rule is Rule.REJECT:
            self.rejected |= mask
            for row in self.rows[mask]:
                self.recon.issues.append(Issue(file, sheet, Outcome.REJECTED, reason, row=int(row), column=label))
        else:
            if c is not None and c.field in self.values:
                self.values[c.field] = self.values[c.field].where(~mask, None)
            self.warnings += count
            sample = tuple(int(r) for r in self.rows[mask].iloc[:WARNING_ROWS_SHOWN])
            reason = f"{reason}; set to not recorded"
            self.recon.issues.append(
                Issue(file, sheet, Outcome.WARNING, reason, column=label, count=count, rows_sample=sample)
            )

    # Checks across fields.
    def _check_dates(self) -> None:
        as_of = self.as_of
        referral = self.values.get("referral_date")
        if referral is not None:
            future = referral.map(lambda d: d is not None and d > as_of).astype(bool) & ~self.rejected
            self._problem(
                self.columns["referral_date"], Rule.REJECT, future, f"referral date is after {as_of:%d/%m/%Y}"
            )
            old = referral.map(lambda d: d is not None and d < EARLIEST_REFERRAL).astype(bool) & ~self.rejected
            self._problem(
                self.columns["referral_date"], Rule.REJECT, old,
                f"referral date is before {EARLIEST_REFERRAL:%d/%m/%Y}; is it a placeholder?",
            )
        dob = self.values.get("date_of_birth")
        if dob is None:
            return
        c = self.columns["date_of_birth"]
        future = dob.map(lambda d: d is not None and d > as_of).astype(bool) & ~self.rejected
        self._problem(c, Rule.WARN, future, "date of birth is in the future")
        old = dob.map(lambda d: d is not None and d < EARLIEST_BIRTH).astype(bool) & ~self.rejected
        self._problem(c, Rule.WARN, old, f"date of birth is before {EARLIEST_BIRTH.year}")
        dob = self.values["date_of_birth"]
        when = referral if referral is not None else pd.Series(as_of, index=dob.index, dtype=object)
        ages = _age_at(dob, when)
        limit = FIELD_BY_NAME["date_of_birth"].maximum
        impossible = (ages.notna() & ((ages < 0) | (ages > limit))).fillna(False).astype(bool) & ~self.rejected
        self._problem(
            c, Rule.WARN, impossible, f"age at referral worked out from the date of birth is outside 0 to {limit:g}"
        )
        self.values["age_from_dob"] = ages.where(~impossible)

    def _derive(self) -> None:
        v = self.values
        if "age_from_dob" in v:
            from_dob = v.pop("age_from_dob")
            given = v.get("age")
            v["age"] = from_dob.where(from_dob.notna(), given if given is not None else np.nan)
        if "abuse_duration_years" in v:
            years = v.pop("abuse_duration_years")
            months = v.get("abuse_duration_months")
            v["abuse_duration_months"] = years if months is None else months.where(months.notna(), years)
        if "children_count" in v:
            count = v["children_count"]
            derived = count.map(lambda n: None if n is None or n != n else ("yes" if n > 0 else "no"))
            has = v.get("has_children")
            v["has_children"] = derived if has is None else has.where(has.notna(), derived)
        if "substance_misuse" not in v and ("alcohol_misuse" in v or "drug_misuse" in v):
            empty = pd.Series(None, index=self.data.index, dtype=object)
            alcohol, drugs = v.get("alcohol_misuse", empty), v.get("drug_misuse", empty)
            either = (alcohol == "yes") | (drugs == "yes")
            both_no = (alcohol == "no") & (drugs == "no")
            v["substance_misuse"] = pd.Series(
                np.where(either, "yes", np.where(both_no, "no", None)), index=self.data.index, dtype=object
            )

    def _keys(self, secret: Secret | None) -> tuple[pd.Series, pd.Series]:
        v, idx = self.values, self.data.index
        empty = pd.Series("", index=idx, dtype=object)
        first, surname = v.get("first_name", empty), v.get("surname", empty)
        if "full_name" in v:
            parts = v["full_name"].map(_split_name)
            first = first.where(first != "", parts.str[0])
            surname = surname.where(surname != "", parts.str[1])
        dob = v.get("date_of_birth")
        dob_text = dob.map(lambda d: d.isoformat() if d is not None else "") if dob is not None else empty
        inputs = KeyInputs(first.astype(str), surname.astype(str), dob_text.astype(str),
                           v.get("client_ref", empty).astype(str))
        return person_keys(inputs, self.mapping.name, secret, self.rows)

    def _assemble(self, keys: pd.Series, basis: pd.Series) -> pd.DataFrame:
        keep = ~self.rejected
        columns = output_columns(self.mapping.record_type)
        out = pd.DataFrame(index=self.data.index[keep])
        for name in columns:
            f = FIELD_BY_NAME.get(name)
            if name in self.values:
                series = self.values[name][keep]
            else:
                series = pd.Series(None, index=out.index, dtype=object)
            if f is not None and f.kind in (Kind.FLAG, Kind.CATEGORY):
                series = series.where(series.notna(), NOT_RECORDED).astype(object)
            out[name] = series
        out["client_key"] = keys[keep]
        out["key_basis"] = basis[keep]
        out["record_type"] = self.mapping.record_type.value
        out["agency"] = self.mapping.name
        if self.mapping.service_type:
            out["service_type"] = out["service_type"].where(
                out["service_type"] != NOT_RECORDED, self.mapping.service_type
            )
        out["referral_date"] = pd.to_datetime(out["referral_date"])
        for name in ("age", "children_count", "children_supported", "referral_number", "agencies_known_to"):
            if name in out:
                out[name] = pd.to_numeric(out[name], errors="coerce").astype("Int64")
        if "abuse_duration_months" in out:
            out["abuse_duration_months"] = pd.to_numeric(out["abuse_duration_months"], errors="coerce")
        if "age_band" in out:
            out["age_band"] = out["age"].map(lambda a: age_band(None if pd.isna(a) else int(a))).astype(object)
        out["source_file"] = self.grid.file
        out["source_sheet"] = self.grid.sheet or ""
        out["source_row"] = self.rows[keep].astype("int64")
        return out[columns].reset_index(drop=True)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split_name(name: str) -> tuple[str, str]:
    from needsassess.clients.merge import split_full_name

    return split_full_name(name)


def _age_at(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Whole years between two date columns (None where either is missing)."""
    born = pd.to_datetime(dob, errors="coerce")
    at = pd.to_datetime(when, errors="coerce")
    years = at.dt.year - born.dt.year
    before_birthday = (at.dt.month < born.dt.month) | ((at.dt.month == born.dt.month) & (at.dt.day < born.dt.day))
    return (years - before_birthday.astype(int)).astype("Float64")
