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
from needsassess.clients.merge import KeyInputs, Secret, person_keys, secret_missing, split_full_name
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
from needsassess.clients.values import CodeBook, header_key, may_identify, name_words
from needsassess.errors import Problem
from needsassess.tables import Grid, column_letter, find_header_row, is_blank, normalise_header, read_grid

HEADER_SEARCH_ROWS = 40
MIN_RECOGNISED_HEADERS = 2
EARLIEST_REFERRAL = dt.date(1980, 1, 1)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
WARNING_ROWS_SHOWN = 5
_TOTALS = re.compile(
    r"^\s*(grand\s+|sub[\s-]?)?totals?\b|^\s*(sum|count|all clients)\s*:?\s*$", re.IGNORECASE
)


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
                Problem(
                    "bad-header-row",
                    f"header_row is {mapping.header_row} but the sheet has {len(grid.rows)} rows",
                )
            )
        lower = mapping.header_row - 1
        upper = (
            lower - 1
            if lower
            and _combined_score(grid, lower - 1, lower, recognised)
            > _combined_score(grid, None, lower, recognised)
            else None
        )
    else:
        found = find_header_row(
            grid, lambda cells: sum(recognised(c) for c in cells), MIN_RECOGNISED_HEADERS, HEADER_SEARCH_ROWS
        )
        if found is None:
            raise grid.error(
                Problem(
                    "no-header-row",
                    f"no header row found in the first {HEADER_SEARCH_ROWS} rows (no row has "
                    f"{MIN_RECOGNISED_HEADERS} or more recognised column names); "
                    "set header_row in the mapping",
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
                Problem(
                    "missing-column",
                    f'the mapping names column "{header}", which is not in the header row; '
                    f"the columns are {names}",
                )
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
                    f"this column looks like an identifier ({looks.field}) "
                    f"but the mapping sends it to {target}; "
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
        if match and not (match.field in taken and _single_column(match.field)):  # the mapping's choice wins
            c.field, c.confidence = match.field, match.confidence
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


@dataclass
class _Body:
    """The rows under the header as one object array per column, each factorised once."""

    columns: list[np.ndarray]
    rows: np.ndarray  # spreadsheet row numbers
    _factorised: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, j: int) -> np.ndarray:
        return self.columns[j] if j < len(self.columns) else np.full(len(self.rows), "", dtype=object)

    def factorised(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of column j; codes index into the distinct values."""
        if j not in self._factorised:
            codes, uniques = pd.factorize(self.column(j), use_na_sentinel=False)
            self._factorised[j] = (codes, np.asarray(uniques, dtype=object))
        return self._factorised[j]


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
    key_columns = [c.name for c in layout.mapped() if c.field and FIELD_BY_NAME[c.field].key_input]
    if key_columns and secret is None:
        raise secret_missing(grid.file, key_columns)

    body = _body(grid, layout)
    account = FileReconciliation(
        agency=mapping.name,
        file=grid.file,
        sheet=grid.sheet,
        header_row=layout.header_row,
        rows_read=len(body),
        unmapped_columns=[c.name for c in layout.columns if not c.field and not c.name.startswith("Column ")],
    )
    recon = Reconciliation([account])
    aside = _set_aside(body, layout, grid, recon)
    reader = _Reader(mapping, grid, body, np.flatnonzero(~aside), as_of, recon)
    records = reader.read(layout, secret)
    account.rows_set_aside = int(aside.sum())
    account.rows_rejected = int(reader.rejected.sum())
    account.rows_used = len(records)
    account.cells_not_recorded = reader.warnings
    recon.issues.sort(key=lambda i: i.row or (i.rows_sample[0] if i.rows_sample else 0))
    return AgencyRecords(mapping, layout, records, recon)


def data_rows(grid: Grid, layout: Layout) -> pd.DataFrame:
    """The client rows of a table (blank, totals and note rows left out), columns numbered from 0."""
    body = _body(grid, layout)
    keep = ~_set_aside(body, layout, grid, Reconciliation())
    return pd.DataFrame({j: col[keep] for j, col in enumerate(body.columns)})


def _body(grid: Grid, layout: Layout) -> _Body:
    start = layout.header_row  # 0-based index of the first row under the header
    raw = grid.rows[start:]
    lengths = {len(r) for r in raw}
    width = max([len(layout.columns), *lengths])
    if len(lengths) > 1:  # ragged csv lines
        raw = [list(r) + [""] * (width - len(r)) for r in raw]
    table = np.empty((len(raw), max(lengths, default=0)), dtype=object)
    if raw:
        table[:] = raw
    columns = [np.ascontiguousarray(table[:, j]) for j in range(table.shape[1])]
    for col in columns:
        col[_none(col)] = ""
    while len(columns) < width:
        columns.append(np.full(len(raw), "", dtype=object))
    return _Body(columns, np.arange(start + 1, start + 1 + len(raw)))


def _set_aside(body: _Body, layout: Layout, grid: Grid, recon: Reconciliation) -> np.ndarray:
    """Mark rows that are not client records and report them; returns the mask of rows set aside."""
    n = len(body)
    if not n:
        return np.zeros(0, dtype=bool)
    counts = np.zeros(n, dtype=np.int64)
    first = np.full(n, -1)
    labels = np.full(n, "", dtype=object)
    mapped = {c.index for c in layout.mapped()}
    for j in range(len(body.columns)):
        if j in mapped:  # factorised anyway to be read: whitespace-only cells count as blank
            codes, uniques = body.factorised(j)
            filled = ~np.array([is_blank(u) for u in uniques], dtype=bool)[codes]
        else:
            filled = ~np.equal(body.columns[j], "")
        new = filled & (first < 0)
        first[new] = j
        labels[new] = body.columns[j][new]
        counts += filled
    blank = counts == 0
    label_codes, label_uniques = pd.factorize(labels, use_na_sentinel=False)
    totals = (
        np.array([isinstance(u, str) and bool(_TOTALS.match(u)) for u in label_uniques], dtype=bool)[
            label_codes
        ]
        & ~blank
    )
    # A header repeated mid-table (pasted blocks): its first cell is a header; check the whole row.
    header_cells = {str(c.child or c.name).strip() for c in layout.columns}
    maybe = np.array([isinstance(u, str) and u.strip() in header_cells for u in label_uniques], dtype=bool)
    header_texts = [normalise_header(c.child or c.name) for c in layout.columns]
    repeated = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(maybe[label_codes] & ~blank):
        cells = [
            normalise_header(body.columns[k][i]) for k in range(min(len(body.columns), len(header_texts)))
        ]
        repeated[i] = sum(a == b and a != "" for a, b in zip(cells, header_texts, strict=False)) >= 2
    data_like = np.flatnonzero((counts >= 2) & ~totals & ~repeated)
    last_data = data_like[-1] if len(data_like) else -1
    notes = (np.arange(n) > last_data) & (counts == 1) & ~totals
    file, sheet, rows = grid.file, grid.sheet, body.rows
    for i in np.flatnonzero(totals | repeated | notes):
        reason = (
            "totals row" if totals[i] else "header row repeated" if repeated[i] else "note below the table"
        )
        recon.issues.append(Issue(file, sheet, Outcome.SET_ASIDE, reason, row=int(rows[i])))
    for start, end in _runs(np.flatnonzero(blank)):
        recon.issues.append(
            Issue(
                file,
                sheet,
                Outcome.SET_ASIDE,
                "blank row" if start == end else "blank rows",
                row=int(rows[start]),
                last_row=int(rows[end]),
                count=end - start + 1,
            )
        )
    return blank | totals | repeated | notes


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], int(i))
        else:
            runs.append((int(i), int(i)))
    return runs


_NAT = np.datetime64("NaT", "D")
_NUMERIC = (Kind.INTEGER, Kind.NUMBER, Kind.DURATION)


class _Reader:
    """Reads the mapped columns of the data rows; collects rejections and warnings.

    Values are numpy arrays over the data rows: objects (None = not recorded) or datetime64[D] (NaT).
    """

    def __init__(
        self,
        mapping: AgencyMapping,
        grid: Grid,
        body: _Body,
        keep: np.ndarray,
        as_of: dt.date,
        recon: Reconciliation,
    ):
        self.mapping = mapping
        self.grid = grid
        self.body = body
        self.keep = keep  # indices of the data rows within the body
        self.rows = body.rows[keep]
        self.as_of = np.datetime64(as_of, "D")
        self.as_of_date = as_of
        self.recon = recon
        self.rejected = np.zeros(len(keep), dtype=bool)
        self.warnings = 0
        self.values: dict[str, np.ndarray] = {}
        self.columns: dict[str, Column] = {}
        self.name_tokens: set[str] = set()

    def read(self, layout: Layout, secret: Secret | None) -> pd.DataFrame:
        mapped = layout.mapped()
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

    def _codes(self, c: Column) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = self.body.factorised(c.index)
        return codes[self.keep], uniques

    def _read_identifier(self, c: Column) -> None:
        assert c.field is not None
        if c.field == OTHER_IDENTIFIER:  # someone else's name: read only to withhold it from reports
            _, uniques = self._codes(c)
            for value in uniques:
                if isinstance(value, str):
                    self.name_tokens |= name_words(value)
            return
        if not FIELD_BY_NAME[c.field].key_input:
            return  # dropped unread
        codes, uniques = self._codes(c)
        text = np.array(["" if is_blank(u) else _plain(u) for u in uniques], dtype=object)
        self.values[c.field] = text[codes]
        self.columns[c.field] = c
        if c.field in ("first_name", "surname", "full_name"):
            for value in text[np.unique(codes)] if len(codes) else ():
                self.name_tokens |= name_words(value)

    def _read_column(self, c: Column) -> None:
        assert c.field is not None
        f = FIELD_BY_NAME[c.field]
        book = CodeBook(f, self.mapping.codes.get(c.field), two_digit_years_past=c.field == "date_of_birth")
        codes, uniques = self._codes(c)
        readings = [book.read(u) for u in uniques]
        if f.kind is Kind.DATE:
            distinct = np.array(
                [r.value if r.value is not None else _NAT for r in readings], dtype="datetime64[D]"
            )
        elif f.kind in _NUMERIC:
            distinct = np.array([r.value if r.value is not None else np.nan for r in readings], dtype=float)
        else:
            distinct = np.array([r.value for r in readings] + [None], dtype=object)[:-1]
        self.values[c.field] = distinct[codes]
        self.columns[c.field] = c
        bad = np.array([not r.ok for r in readings], dtype=bool)
        if bad.any():
            reasons = {
                int(i): self._safe(str(readings[i].problem), uniques[i], c.field) for i in np.flatnonzero(bad)
            }
            by_reason: dict[str, list[int]] = {}
            for i in np.flatnonzero(bad[codes]):
                by_reason.setdefault(reasons[int(codes[i])], []).append(int(i))
            for reason, rows in by_reason.items():
                mask = np.zeros(len(codes), dtype=bool)
                mask[rows] = True
                self._problem(c, f.rule, mask & ~self.rejected, reason)
        if f.required:
            missing = _missing(self.values[c.field]) & ~bad[codes] & ~self.rejected
            self._problem(c, Rule.REJECT, missing, f"{f.label.lower()} is blank; it is required")

    def _safe(self, problem: str, raw: Any, field_name: str) -> str:
        """Withhold a bad cell's text from the report if it may identify someone."""
        if field_name == "date_of_birth":
            return problem
        if may_identify(raw, self.name_tokens):
            return re.sub(r'^".*?" ', "the value (withheld: it may identify someone) ", problem, count=1)
        return problem

    def _problem(self, c: Column, rule: Rule, mask: np.ndarray, reason: str) -> None:
        count = int(mask.sum())
        if not count:
            return
        file, sheet = self.grid.file, self.grid.sheet
        if rule is Rule.REJECT:
            self.rejected |= mask
            for row in self.rows[mask]:
                self.recon.issues.append(
                    Issue(file, sheet, Outcome.REJECTED, reason, row=int(row), column=c.label)
                )
            return
        values = self.values.get(c.field or "")
        if values is not None:
            values[mask] = {"M": _NAT, "f": np.nan}.get(values.dtype.kind)
        self.warnings += count
        sample = tuple(int(r) for r in self.rows[mask][:WARNING_ROWS_SHOWN])
        self.recon.issues.append(
            Issue(
                file,
                sheet,
                Outcome.WARNING,
                f"{reason}; set to not recorded",
                column=c.label,
                count=count,
                rows_sample=sample,
            )
        )

    # Checks across fields.
    def _check_dates(self) -> None:
        referral = self.values.get("referral_date")
        if referral is not None:
            c = self.columns["referral_date"]
            self._problem(
                c,
                Rule.REJECT,
                (referral > self.as_of) & ~self.rejected,
                f"referral date is after {self.as_of_date:%d/%m/%Y}",
            )
            self._problem(
                c,
                Rule.REJECT,
                (referral < np.datetime64(EARLIEST_REFERRAL, "D")) & ~self.rejected,
                f"referral date is before {EARLIEST_REFERRAL:%d/%m/%Y}; is it a placeholder?",
            )
        dob = self.values.get("date_of_birth")
        if dob is None:
            return
        c = self.columns["date_of_birth"]
        self._problem(c, Rule.WARN, (dob > self.as_of) & ~self.rejected, "date of birth is in the future")
        self._problem(
            c,
            Rule.WARN,
            (dob < np.datetime64(EARLIEST_BIRTH, "D")) & ~self.rejected,
            f"date of birth is before {EARLIEST_BIRTH.year}",
        )
        when = referral if referral is not None else np.full(len(dob), self.as_of)
        ages = _age_at(dob, when)
        limit = FIELD_BY_NAME["date_of_birth"].maximum
        impossible = ~np.isnan(ages) & ((ages < 0) | (ages > limit)) & ~self.rejected
        self._problem(
            c,
            Rule.WARN,
            impossible,
            f"age at referral worked out from the date of birth is outside 0 to {limit:g}",
        )
        ages[impossible] = np.nan
        self.values["age_from_dob"] = ages

    def _derive(self) -> None:
        v = self.values
        if "age_from_dob" in v:
            from_dob = v.pop("age_from_dob")
            given = v.get("age")
            v["age"] = from_dob if given is None else np.where(np.isnan(from_dob), given, from_dob)
        if "abuse_duration_years" in v:
            years = v.pop("abuse_duration_years")
            months = v.get("abuse_duration_months")
            v["abuse_duration_months"] = (
                years if months is None else np.where(_missing(months), years, months)
            )
        if "children_count" in v:
            count = v["children_count"]
            derived = np.where(count > 0, "yes", "no").astype(object)
            derived[np.isnan(count)] = None
            has = v.get("has_children")
            v["has_children"] = derived if has is None else np.where(_missing(has), derived, has)
        if "substance_misuse" not in v and ("alcohol_misuse" in v or "drug_misuse" in v):
            empty = np.full(len(self.rows), None, dtype=object)
            alcohol, drugs = v.get("alcohol_misuse", empty), v.get("drug_misuse", empty)
            either = (alcohol == "yes") | (drugs == "yes")
            both_no = (alcohol == "no") & (drugs == "no")
            substance = np.full(len(self.rows), None, dtype=object)
            substance[both_no] = "no"
            substance[either] = "yes"
            v["substance_misuse"] = substance

    def _keys(self, secret: Secret | None) -> tuple[np.ndarray, np.ndarray]:
        v, n = self.values, len(self.rows)
        empty = np.full(n, "", dtype=object)
        first, surname = v.get("first_name", empty), v.get("surname", empty)
        if "full_name" in v:
            codes, uniques = pd.factorize(v["full_name"], use_na_sentinel=False)
            parts = [split_full_name(u) for u in uniques]
            from_full_first = np.array([p[0] for p in parts] + [""], dtype=object)[:-1][codes]
            from_full_surname = np.array([p[1] for p in parts] + [""], dtype=object)[:-1][codes]
            first = np.where(first == "", from_full_first, first)
            surname = np.where(surname == "", from_full_surname, surname)
        dob = v.get("date_of_birth")
        dob_text = np.where(np.isnat(dob), "", dob.astype(str)).astype(object) if dob is not None else empty
        inputs = KeyInputs(first, surname, dob_text, v.get("client_ref", empty))
        return person_keys(inputs, self.mapping.name, secret, self.rows)

    def _assemble(self, keys: np.ndarray, basis: np.ndarray) -> pd.DataFrame:
        keep = ~self.rejected
        n = int(keep.sum())
        data: dict[str, Any] = {}
        for name in output_columns(self.mapping.record_type):
            f = FIELD_BY_NAME.get(name)
            values = self.values[name][keep] if name in self.values else None
            if f is not None and f.kind in (Kind.FLAG, Kind.CATEGORY):
                if values is None:  # the file has no such column: not collected, which is not "not recorded"
                    values = np.full(n, None, dtype=object)
                else:
                    values = values.copy()
                    values[_missing(values)] = NOT_RECORDED
            elif f is not None and f.kind is Kind.DATE:
                values = pd.to_datetime(values if values is not None else np.full(n, _NAT)).astype(
                    "datetime64[s]"
                )
            elif f is not None and f.kind is Kind.INTEGER:
                values = pd.array(values if values is not None else np.full(n, np.nan)).astype("Int64")
            elif f is not None and f.kind in (Kind.NUMBER, Kind.DURATION):
                values = values if values is not None else np.full(n, np.nan)
            data[name] = values
        data["client_key"] = keys[keep]
        data["key_basis"] = basis[keep]
        data["record_type"] = self.mapping.record_type.value
        data["agency"] = self.mapping.name
        if self.mapping.service_type:
            service = data["service_type"]
            data["service_type"] = np.where(
                _none(service) | (service == NOT_RECORDED), self.mapping.service_type, service
            ).astype(object)
        data["referral_number"] = pd.array(np.full(n, None), dtype="Int64")
        data["agencies_known_to"] = pd.array(np.full(n, None), dtype="Int64")
        if "age_band" in data:
            ages = self.values["age"][keep] if "age" in self.values else np.full(n, np.nan)
            known = ~np.isnan(ages)
            bands = np.array([age_band(a) for a in range(0, 121)], dtype=object)
            data["age_band"] = np.full(n, NOT_RECORDED, dtype=object)
            data["age_band"][known] = bands[np.clip(ages[known].astype(int), 0, 120)]
        data["source_file"] = self.grid.file
        data["source_sheet"] = self.grid.sheet or ""
        data["source_row"] = self.rows[keep].astype("int64")
        # Object columns stay object: inferring arrow strings costs more than everything else put together.
        frame = pd.DataFrame(
            {
                k: pd.Series(v, dtype=object, copy=False)
                if isinstance(v, np.ndarray) and v.dtype == object
                else v
                for k, v in data.items()
            },
            index=pd.RangeIndex(n),
        )
        return frame[output_columns(self.mapping.record_type)]


def _missing(values: np.ndarray) -> np.ndarray:
    """Not-recorded cells of a value array: None in object arrays, NaT in dates."""
    if values.dtype.kind == "M":
        return np.isnat(values)
    if values.dtype.kind == "f":
        return np.isnan(values)
    return _none(values)


def _none(values: np.ndarray) -> np.ndarray:
    """Cells that are None, in an object array (a vectorised `is None`)."""
    return np.equal(values, None)  # type: ignore[call-overload]


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _age_at(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whole years from dob to when (datetime64[D] arrays), as floats; NaN where either is missing."""
    born, at = pd.DatetimeIndex(dob), pd.DatetimeIndex(when)
    years = (at.year - born.year).to_numpy(dtype=float)
    before = (at.month < born.month) | ((at.month == born.month) & (at.day < born.day))
    return years - np.asarray(before, dtype=float)
