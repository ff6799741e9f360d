"""Small-number suppression for published tables: primary, secondary, shares, and a log of why.

A table about a handful of people can identify them, so counts 1-4 are shown as "<5" (or another
preset's rule), and further cells are hidden so a hidden count cannot be worked back from the totals.

How a reader is assumed to attack a table (the model every check below uses):

- a visible count is exact (for `nhsd`, the unrounded value is used: a stricter test than the reader's);
- the primary marker ("<5") means 1 to threshold-1 (0 to threshold-1 when zeros are suppressed too);
- the secondary marker ("*") means a count the algorithm hid to protect another. The algorithm only
  ever hides, as secondary, a visible non-zero count, so "*" means at least the threshold. The method is
  public, so the reader is assumed to know that. If both markers are the same, the reader knows only
  that the count is at least 1;
- every row and column with a declared total is an equation: cells add up to the total.

The guarantees, each checked after every change until nothing changes:

1. no visible count is in 1..threshold-1 (primary suppression);
2. no equation has exactly one hidden entry (the classic subtraction attack): the smallest visible
   non-zero cell of that row or column is hidden too, or the total when no cell is left;
3. no hidden cell is fixed by the equations taken together: x_i is determined exactly when the unit
   vector e_i lies in the row space of the constraint matrix restricted to the hidden entries; this
   catches two-dimensional patterns that pass check 2 (a hidden cell bridging two closed groups);
4. no hidden cell is pinned to one value by bounds: intervals from the markers are propagated through
   the equations ("<5", "<5" in a row whose hidden part is 2 must be 1 and 1; "<5", "*" adding to 6
   must be 1 and 5), and another cell is hidden when one is pinned.

Zeros: a visible zero is never hidden to protect another cell. A zero is usually structural or known
(no men in a women's refuge), so hiding it reveals nothing and protects nothing; the next smallest
non-zero count is hidden instead. If a table cannot be protected cell by cell (say four people, one in
each of four categories, with the total itself below five) the whole table is withheld: every cell,
zeros included, shows the secondary marker.

Check 4 is per equation, propagated to a fixed point (capped at 100 sweeps); it is sound but not the
full linear-programming attack of tau-argus, and a narrow range (1 or 2) is allowed as long as it is not
a single value. Margins must add up: a multi-response total (people with any abuse type) is not a
margin; leave it out of the table and use it as a share denominator column instead.

`nhsd` follows NHS Digital's HES rule (since 2018): 1-7 as "*", every other count rounded to the
nearest 5, shares from the rounded figures, and no secondary suppression (the rounding replaced it).
Set `secondary=True` on the rule to add it anyway.

Unsuppressed counts stay in the caller's frame; `Disclosed.display` is what writers publish.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from needsassess.errors import ConfigError, InputError, Problem
from needsassess.rounding import round_half_up

_VISIBLE, _PRIMARY, _SECONDARY, _WITHHELD = 0, 1, 2, 3
_MAX_SWEEPS = 100


class Preset(StrEnum):
    """Named disclosure rules an assessment can choose."""

    LT5 = "lt5"
    NHSD = "nhsd"
    ONS10 = "ons10"


@dataclass(frozen=True)
class Rule:
    """A disclosure rule: which counts are hidden, how they and their protectors are shown.

    `threshold` is the smallest count shown: counts 1..threshold-1 are hidden.
    `round_to` rounds every shown count to a multiple (nhsd: 5), halves up.
    `share_marker` shows a hidden share; "<5" in a percentage column would read as "under 5%", so it is
    "*" in every preset.
    """

    name: str
    threshold: int
    marker: str
    secondary_marker: str = "*"
    share_marker: str = "*"
    round_to: int = 1
    suppress_zero: bool = False
    secondary: bool = True

    def __post_init__(self) -> None:
        problems = []
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 3:
            problems.append(
                Problem(
                    "disclosure-bad-threshold",
                    f"disclosure threshold {self.threshold!r} must be a whole number of 3 or more; "
                    "with 2, a hidden count could only be 1",
                )
            )
        if isinstance(self.round_to, bool) or not isinstance(self.round_to, int) or self.round_to < 1:
            problems.append(
                Problem("disclosure-bad-rounding", f"round_to {self.round_to!r} must be 1 or more")
            )
        for name in ("marker", "secondary_marker", "share_marker"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                problems.append(Problem("disclosure-bad-marker", f"{name} must be a non-empty string"))
        if problems:
            raise ConfigError(None, problems)

    @property
    def lowest_hidden(self) -> int:
        return 0 if self.suppress_zero else 1

    @property
    def primary_reason(self) -> str:
        return f"primary: {self.lowest_hidden}-{self.threshold - 1}"

    def is_primary(self, n: int) -> bool:
        """True when the count itself is too small to show."""
        return self.lowest_hidden <= n < self.threshold

    def shown(self, n: int) -> int:
        """The figure published for a count that is not hidden."""
        return int(round_half_up(n, self.round_to)) if self.round_to > 1 else int(n)

    def describe(self) -> str:
        """The rule in words, for a cover sheet or a methods note."""
        low, high = self.lowest_hidden, self.threshold - 1
        parts = [f'preset "{self.name}": counts of {low} to {high} are shown as "{self.marker}"']
        if self.round_to > 1:
            parts.append(
                f"other counts are rounded to the nearest {self.round_to}, and shares are worked out "
                "from the rounded figures"
            )
        if self.secondary:
            parts.append(
                f'in tables with totals, further cells are shown as "{self.secondary_marker}" so that no hidden '
                "count can be worked out from the totals"
            )
        parts.append(f'shares of a hidden count are shown as "{self.share_marker}"')
        if not self.suppress_zero:
            parts.append("zero is shown as 0")
        return "; ".join(parts) + "."


PRESETS: dict[Preset, Rule] = {
    Preset.LT5: Rule("lt5", threshold=5, marker="<5"),
    Preset.NHSD: Rule("nhsd", threshold=8, marker="*", round_to=5, secondary=False),
    Preset.ONS10: Rule("ons10", threshold=10, marker="<10"),
}
DEFAULT_RULE = PRESETS[Preset.LT5]


def get_rule(preset: str | Preset = Preset.LT5, *, threshold: int | None = None) -> Rule:
    """Return a preset rule, optionally with its own threshold ("lt5" with 10 hides 1-9 as "<10")."""
    try:
        key = Preset(str(preset).strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Preset)
        raise ConfigError(
            None,
            Problem("unknown-disclosure-preset", f'no disclosure preset "{preset}". Available: {names}.'),
        ) from None
    rule = PRESETS[key]
    if threshold is None or threshold == rule.threshold:
        return rule
    marker = f"<{threshold}" if rule.marker.startswith("<") else rule.marker
    return dataclasses.replace(
        rule, name=f"{rule.name}, threshold {threshold}", threshold=threshold, marker=marker
    )


@dataclass(frozen=True)
class SuppressionEntry:
    """Why one cell is hidden. The hidden value itself is never logged."""

    table: str
    row: str
    column: str
    kind: str  # primary | secondary | share | withheld
    reason: str


LOG_COLUMNS = ["Table", "Row", "Column", "Kind", "Rule"]


def log_frame(entries: Iterable[SuppressionEntry]) -> pd.DataFrame:
    """A suppression log as a table (table, row, column, kind, rule) for a workbook's notes or a csv."""
    return pd.DataFrame(
        [
            {"Table": e.table, "Row": e.row, "Column": e.column, "Kind": e.kind, "Rule": e.reason}
            for e in entries
        ],
        columns=LOG_COLUMNS,
    )


@dataclass(frozen=True)
class Margin:
    """One more equation a reader can use: the cell `total` is the sum of `cells`.

    Cells are (row label, column label). Use margins for subtotals beside a total: a "Recorded" row that
    adds up the categories, under a "Total" row that adds "Recorded" and "Not recorded".
    """

    total: tuple[Hashable, Hashable]
    cells: tuple[tuple[Hashable, Hashable], ...]


def margins_of(
    rows: Sequence[tuple[Hashable, Sequence[Hashable]]] = (),
    columns: Sequence[tuple[Hashable, Sequence[Hashable]]] = (),
    *,
    row_labels: Sequence[Hashable],
    column_labels: Sequence[Hashable],
) -> list[Margin]:
    """Margins for whole rows and columns of totals and subtotals.

    `rows`: (total row, rows it adds up), repeated down every column; `columns`: (total column,
    columns it adds up), repeated along every row. For a "Recorded" subtotal and a "Total":
    rows=[("Recorded", categories), ("Total", ["Recorded", "Not recorded"])].
    """
    out = [Margin((total, c), tuple((r, c) for r in parts)) for total, parts in rows for c in column_labels]
    out += [Margin((r, total), tuple((r, c) for c in parts)) for total, parts in columns for r in row_labels]
    return out


@dataclass
class Disclosed:
    """A table ready to publish: display values (ints, floats for shares, marker strings) and why."""

    display: pd.DataFrame
    suppressed: pd.DataFrame
    log: list[SuppressionEntry] = field(default_factory=list)
    rule: Rule = DEFAULT_RULE
    withheld: bool = False


def format_count(n: int, rule: Rule = DEFAULT_RULE) -> int | str:
    """Show one count on its own (no totals to protect): 3 -> "<5", 12 -> 12 (nhsd: 12 -> 10)."""
    count = _as_count(n)
    if count is None:
        raise InputError(None, Problem("not-a-count", f"{n!r} is not a count; expected a whole number >= 0"))
    return rule.marker if rule.is_primary(count) else rule.shown(count)


def suppress_counts(
    counts: pd.Series | Sequence[int],
    rule: Rule = DEFAULT_RULE,
    *,
    total: Hashable | None = None,
    name: str = "",
) -> pd.Series:
    """Suppress one column of counts; `total` labels its total entry, if any, for secondary suppression."""
    series = counts if isinstance(counts, pd.Series) else pd.Series(list(counts))
    column = series.name if series.name is not None else "count"
    frame = series.to_frame(name=column)
    return apply_disclosure(frame, rule, table_name=name, total_row=total).display[column]


def apply_disclosure(
    table: pd.DataFrame,
    rule: Rule = DEFAULT_RULE,
    *,
    table_name: str = "",
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
    shares: Mapping[str, tuple[Hashable, Hashable | None]] | None = None,
    margins: Sequence[Margin] = (),
    share_base_row: Hashable | None = None,
    known: Iterable[tuple[Hashable, Hashable]] = (),
    hidden: Iterable[tuple[Hashable, Hashable]] = (),
) -> Disclosed:
    """Apply a disclosure rule to a table of counts with optional margins, and add suppressed shares.

    `table`: index = row labels, every column a count. `total_row`/`total_col` label the margins, which
    must add up. `shares` maps a new column to (numerator column, denominator column); a denominator of
    None means the numerator column's total row. Shares are fractions (0-1) of the published figures
    (the rounded ones under nhsd), or None when the denominator is 0.

    `margins` adds equations beyond one total row and column (subtotals: see `Margin`, `margins_of`);
    every one is checked like a row or column with a total. `share_base_row` names the row a share with
    denominator None divides by, when it is not the total row (a "Recorded" subtotal, say).

    Tables that share cells must agree on them, or one table undoes another: `known` names cells the
    reader already has from another table (a group's size, say), which are never hidden here; `hidden`
    names cells another table hid, which start hidden here (a zero hidden elsewhere, only possible when
    that table was withheld, is left visible). Primary cells are hidden whatever these say.
    """
    name = table_name or "table"
    counts = _validate(table, name, total_row, total_col)
    rows, cols = list(table.index), list(table.columns)
    lines = _lines(rows, cols, total_row, total_col) + _margin_lines(rows, cols, counts, margins, name)
    grid = _Grid(counts, rows, cols, lines)
    status = np.array(
        [_PRIMARY if rule.is_primary(v) else _VISIBLE for r in counts for v in r], dtype=np.int64
    )
    log = [
        SuppressionEntry(name, *grid.where(int(k)), "primary", rule.primary_reason)
        for k in np.flatnonzero(status == _PRIMARY)
    ]
    grid.known = _derivable({grid.index(cell, name) for cell in known}, grid, status)
    for cell in hidden:
        k = grid.index(cell, name)
        if status[k] == _VISIBLE and grid.values[k] > 0:
            status[k] = _SECONDARY
            log.append(
                SuppressionEntry(name, *grid.where(k), "secondary", "secondary: hidden in another table")
            )
    withheld = False
    if rule.secondary and grid.lines:
        withheld = _protect(grid, status, rule, name, log)

    n = len(cols)
    cells: list[list[object]] = [[None] * n for _ in rows]
    hides: list[list[bool]] = [[False] * n for _ in rows]
    for k, s in enumerate(status.tolist()):
        i, j = divmod(k, n)
        if s == _VISIBLE:
            cells[i][j] = rule.shown(counts[i][j])
        else:
            cells[i][j] = rule.marker if s == _PRIMARY else rule.secondary_marker
            hides[i][j] = True
    columns = table.columns
    if shares:
        base_row = share_base_row if share_base_row is not None else total_row
        if base_row is not None and base_row not in grid.row_at:
            raise InputError(None, Problem("missing-total", f'table "{name}" has no row "{base_row}"'))
        for share, (values, hidden_share) in _shares(
            grid, cells, hides, shares, base_row, rule, name, log, withheld
        ).items():
            columns = columns.insert(len(columns), share)  # as display[share] = ... would label it
            for i, (v, h) in enumerate(zip(values, hidden_share, strict=True)):
                cells[i].append(v)
                hides[i].append(h)
    display = pd.DataFrame(_object_array(cells), index=table.index, columns=columns, dtype=object)
    mask = pd.DataFrame(np.array(hides, dtype=bool), index=table.index, columns=columns)
    return Disclosed(display=display, suppressed=mask, log=log, rule=rule, withheld=withheld)


def _object_array(cells: list[list[object]]) -> np.ndarray:
    """Cells as a 2-D object array, each cell kept as the Python object it is (no numpy conversion)."""
    out = np.empty((len(cells), len(cells[0]) if cells else 0), dtype=object)
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            out[i, j] = v
    return out


def _derivable(known: set[int], grid: _Grid, status: np.ndarray) -> set[int]:
    """Known cells and every cell they give away: the last unknown entry of an equation whose other
    entries are known or visible zeros (zeros are never hidden to protect another cell). Hiding one of
    these would protect nothing, so none is chosen as a protector."""
    if not known:
        return known
    known = set(known)
    zero = {int(k) for k in np.flatnonzero((grid.values == 0) & (status == _VISIBLE))}
    changed = True
    while changed:
        changed = False
        for line in grid.lines:
            unknown = [k for k in line.members if k not in known and k not in zero]
            if len(unknown) == 1 and status[unknown[0]] == _VISIBLE:
                known.add(unknown[0])
                changed = True
    return known


# --- validation --------------------------------------------------------------------------------------


def _as_count(v: object) -> int | None:
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
        return None
    f = float(v)
    if not math.isfinite(f) or f < 0 or not f.is_integer():
        return None
    return int(v) if isinstance(v, numbers.Integral) else int(f)


def _shown(v: object) -> str:
    return repr(v) if isinstance(v, str) else str(v)


def _validate(
    table: pd.DataFrame, name: str, total_row: Hashable | None, total_col: Hashable | None
) -> list[list[int]]:
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise InputError(None, Problem("empty-table", f'table "{name}" has no rows or no columns'))
    problems: list[Problem] = []
    if not table.index.is_unique:
        problems.append(Problem("duplicate-row", f'table "{name}" has two rows with the same label'))
    if not table.columns.is_unique:
        problems.append(Problem("duplicate-column", f'table "{name}" has two columns with the same label'))
    if total_row is not None and total_row not in table.index:
        problems.append(Problem("missing-total", f'table "{name}" has no total row "{total_row}"'))
    if total_col is not None and total_col not in table.columns:
        problems.append(Problem("missing-total", f'table "{name}" has no total column "{total_col}"'))
    if problems:
        raise InputError(None, problems)
    counts: list[list[int]] = []
    cells = table.to_numpy(dtype=object)  # the cells as Python objects, read once
    for i, label in enumerate(table.index):
        row: list[int] = []
        for j, col in enumerate(table.columns):
            v = cells[i, j]
            c = _as_count(v)
            if c is None:
                problems.append(
                    Problem(
                        "not-a-count",
                        f'table "{name}", row "{label}", column "{col}": {_shown(v)} is not a count; '
                        "expected a whole number >= 0",
                    )
                )
                c = 0
            row.append(c)
        counts.append(row)
    if problems:
        raise InputError(None, problems)
    rows, cols = list(table.index), list(table.columns)
    if total_col is not None:
        tc = cols.index(total_col)
        for i, label in enumerate(rows):
            got = sum(v for j, v in enumerate(counts[i]) if j != tc)
            if got != counts[i][tc]:
                problems.append(
                    Problem(
                        "total-mismatch",
                        f'table "{name}", row "{label}": the cells add up to {got} but the total column '
                        f'"{total_col}" says {counts[i][tc]}',
                    )
                )
    if total_row is not None:
        tr = rows.index(total_row)
        for j, col in enumerate(cols):
            got = sum(counts[i][j] for i in range(len(rows)) if i != tr)
            if got != counts[tr][j]:
                problems.append(
                    Problem(
                        "total-mismatch",
                        f'table "{name}", column "{col}": the cells add up to {got} but the total row '
                        f'"{total_row}" says {counts[tr][j]}',
                    )
                )
    if problems:
        raise InputError(None, problems)
    return counts


# --- the equations a reader can use ------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One row or column with a declared total: sum(cells) - total = 0."""

    kind: str  # "row" or "column"
    label: str
    cells: tuple[int, ...]
    total: int

    @property
    def members(self) -> tuple[int, ...]:
        return (*self.cells, self.total)


@dataclass
class _Grid:
    counts: list[list[int]]
    rows: list[Hashable]
    cols: list[Hashable]
    lines: list[_Line]

    def __post_init__(self) -> None:
        self.known: set[int] = set()  # cells published elsewhere: never hidden as protectors
        self.values = np.array(self.counts, dtype=np.int64).reshape(-1)
        self.margins = {line.total for line in self.lines}
        self.lines_of: dict[int, list[_Line]] = {}
        for line in self.lines:
            for k in line.members:
                self.lines_of.setdefault(k, []).append(line)
        self.matrix = np.zeros((len(self.lines), len(self.values)))
        for r, line in enumerate(self.lines):
            self.matrix[r, list(line.cells)] = 1.0
            self.matrix[r, line.total] = -1.0

        self.row_at = {label: i for i, label in enumerate(self.rows)}
        self.col_at = {label: j for j, label in enumerate(self.cols)}

    def where(self, k: int) -> tuple[str, str]:
        i, j = divmod(k, len(self.cols))
        return str(self.rows[i]), str(self.cols[j])

    def index(self, cell: tuple[Hashable, Hashable], name: str) -> int:
        """The flat position of a (row label, column label) cell."""
        r, c = cell
        if r not in self.row_at or c not in self.col_at:
            raise InputError(
                None, Problem("missing-cell", f'table "{name}" has no cell at row "{r}", column "{c}"')
            )
        return self.row_at[r] * len(self.cols) + self.col_at[c]


def _lines(
    rows: list[Hashable], cols: list[Hashable], total_row: Hashable, total_col: Hashable
) -> list[_Line]:
    n = len(cols)
    lines = []
    if total_col is not None:
        tc = cols.index(total_col)
        for i, label in enumerate(rows):
            cells = tuple(i * n + j for j in range(n) if j != tc)
            if cells:
                lines.append(_Line("row", str(label), cells, i * n + tc))
    if total_row is not None:
        tr = rows.index(total_row)
        for j, label in enumerate(cols):
            cells = tuple(i * n + j for i in range(len(rows)) if i != tr)
            if cells:
                lines.append(_Line("column", str(label), cells, tr * n + j))
    return lines


def _margin_lines(
    rows: list[Hashable], cols: list[Hashable], counts: list[list[int]], margins: Sequence[Margin], name: str
) -> list[_Line]:
    """Equations from explicit margins; each must name cells of the table and add up."""
    n = len(cols)
    row_at = {label: i for i, label in enumerate(rows)}
    col_at = {label: j for j, label in enumerate(cols)}
    problems: list[Problem] = []
    lines: list[_Line] = []

    def position(cell: tuple[Hashable, Hashable]) -> int | None:
        r, c = cell
        if r not in row_at or c not in col_at:
            problems.append(
                Problem("missing-cell", f'table "{name}" has no cell at row "{r}", column "{c}" for a margin')
            )
            return None
        return row_at[r] * n + col_at[c]

    for m in margins:
        total = position(m.total)
        cells = [position(c) for c in m.cells]
        if total is None or any(c is None for c in cells):
            continue
        members = [c for c in cells if c is not None]
        got = sum(counts[k // n][k % n] for k in members)
        want = counts[total // n][total % n]
        if got != want:
            problems.append(
                Problem(
                    "total-mismatch",
                    f'table "{name}": the cells of the total at row "{m.total[0]}", column "{m.total[1]}" '
                    f"add up to {got} but it says {want}",
                )
            )
        if members:
            lines.append(_Line("total", f"{m.total[0]}, {m.total[1]}", tuple(members), total))
    if problems:
        raise InputError(None, problems)
    return lines


# --- secondary suppression ---------------------------------------------------------------------------


def _protect(grid: _Grid, status: np.ndarray, rule: Rule, name: str, log: list[SuppressionEntry]) -> bool:
    """Hide cells until checks 2-4 of the module docstring hold; True if the table had to be withheld."""

    def hide(k: int, reason: str) -> None:
        status[k] = _SECONDARY
        row, col = grid.where(k)
        log.append(SuppressionEntry(name, row, col, "secondary", reason))

    while True:
        changed = False
        for line in grid.lines:  # check 2: one hidden entry in a row or column
            if sum(1 for k in line.members if status[k]) == 1:
                options = _candidates(grid, status, [line])
                if not options:
                    return _withhold(grid, status, name, log, line.members[0])
                hide(options[0], f"secondary: protects {line.kind} {line.label}")
                changed = True
        if changed:
            continue

        pinned = _pinned(grid, status, rule)  # check 4: a hidden value fixed by bounds
        if pinned:
            k = pinned[0]
            options = _candidates(grid, status, grid.lines_of[k]) + _candidates(grid, status, grid.lines)
            chosen = _first_that_frees(options, k, lambda s: _pinned(grid, s, rule), status)
            if chosen is None:
                # No single cell frees it (a protector at exactly the threshold in a row whose total is
                # the sum of its lower bounds, held by its column too): hide the smallest candidate and
                # look again. Only when nothing is left to hide do the markers themselves give it away
                # (four "<5" cells under a "<5" total), and the table is withheld.
                if not options:
                    return _withhold(grid, status, name, log, k)
                chosen = options[0]
            hide(chosen, f"secondary: protects {_reason_place(grid, k, chosen)} (narrow range)")
            continue

        determined = _determined(grid, status)  # check 3: a hidden value fixed by the equations
        if determined:
            k = determined[0]
            options = _candidates(grid, status, grid.lines_of[k]) + _candidates(grid, status, grid.lines)
            chosen = _first_that_frees(options, k, lambda s: _determined(grid, s), status)
            if chosen is None:
                # No single cell frees it: hide the smallest in its lines (or anywhere) and look again.
                # Hiding every non-zero entry leaves nothing determined, so this ends.
                if not options:
                    return _withhold(grid, status, name, log, k)
                chosen = options[0]
            hide(chosen, f"secondary: protects {_reason_place(grid, k, chosen)}")
            continue
        return False


def _candidates(grid: _Grid, status: np.ndarray, lines: Iterable[_Line]) -> list[int]:
    """Visible non-zero entries of these lines: cells before totals, then smallest first, then in order."""
    found = {
        k
        for line in lines
        for k in line.members
        if not status[k] and grid.values[k] > 0 and k not in grid.known
    }
    return sorted(found, key=lambda k: (k in grid.margins, int(grid.values[k]), k))


def _first_that_frees(
    options: list[int], k: int, exposed: Callable[[np.ndarray], list[int]], status: np.ndarray
) -> int | None:
    """The first option whose hiding takes cell k out of `exposed`, or None when no single option does."""
    seen: set[int] = set()
    for c in options:
        if c in seen:
            continue
        seen.add(c)
        trial = status.copy()
        trial[c] = _SECONDARY
        if k not in exposed(trial):
            return c
    return None


def _reason_place(grid: _Grid, protected: int, chosen: int) -> str:
    shared = [line for line in grid.lines_of[protected] if chosen in line.members]
    if shared:
        return f"{shared[0].kind} {shared[0].label}"
    row, col = grid.where(protected)
    return f"row {row}, column {col}"


def _withhold(grid: _Grid, status: np.ndarray, name: str, log: list[SuppressionEntry], exposed: int) -> bool:
    """Hide every cell, zeros too, behind one marker: the last resort when cells cannot be protected."""
    status[:] = _WITHHELD
    row, col = grid.where(exposed)
    reason = f"withheld: row {row}, column {col} cannot be protected cell by cell; merge small categories"
    log.clear()
    for k in range(len(status)):
        log.append(SuppressionEntry(name, *grid.where(k), "withheld", reason))
    return True


def _bounds(grid: _Grid, status: np.ndarray, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows about each entry from the display alone (see the module docstring)."""
    lo = grid.values.astype(float)
    hi = grid.values.astype(float)
    primary, secondary = status == _PRIMARY, status == _SECONDARY
    if rule.secondary_marker == rule.marker:  # the reader cannot tell a small count from its protector
        hidden = primary | secondary
        lo[hidden], hi[hidden] = rule.lowest_hidden, math.inf
        return lo, hi
    lo[primary], hi[primary] = rule.lowest_hidden, rule.threshold - 1
    lo[secondary], hi[secondary] = rule.threshold, math.inf
    return lo, hi


def _pinned(grid: _Grid, status: np.ndarray, rule: Rule) -> list[int]:
    """Hidden entries whose interval shrinks to one value when bounds are pushed through the equations."""
    bounds = _bounds(grid, status, rule)
    # plain lists of floats: the sweeps index them cell by cell, which numpy arrays make several times slower
    lo, hi = bounds[0].tolist(), bounds[1].tolist()
    is_hidden = status.astype(bool).tolist()
    lines = [(line, [k for k in line.members if is_hidden[k]]) for line in grid.lines]
    lines = [(line, hidden) for line, hidden in lines if hidden]
    for _ in range(_MAX_SWEEPS):
        changed = False
        for line, hidden in lines:
            for k in hidden:
                # cells - total = 0: the total is the sum of the cells, a cell is the total less the others.
                # Lower bounds are always finite, so no inf - inf arises.
                if k == line.total:
                    new_lo = sum(lo[c] for c in line.cells)
                    new_hi = sum(hi[c] for c in line.cells)
                else:
                    others = [c for c in line.cells if c != k]
                    new_lo = lo[line.total] - sum(hi[c] for c in others)
                    new_hi = hi[line.total] - sum(lo[c] for c in others)
                if new_lo > lo[k]:
                    lo[k], changed = new_lo, True
                if new_hi < hi[k]:
                    hi[k], changed = new_hi, True
        if not changed:
            break
    assert all(a <= b for a, b in zip(lo, hi, strict=True)), "bounds crossed: the margins cannot add up"
    return [int(k) for k in np.flatnonzero(status) if lo[k] == hi[k]]


def _determined(grid: _Grid, status: np.ndarray) -> list[int]:
    """Hidden entries the equations fix exactly: no null-space vector of the hidden part moves them."""
    hidden = np.flatnonzero(status)
    if hidden.size == 0:
        return []
    sub = grid.matrix[:, hidden]
    sub = sub[np.any(sub != 0, axis=1)]
    if sub.shape[0] == 0:
        return []
    _, s, vt = np.linalg.svd(sub)
    tol = max(sub.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
    rank = int(np.sum(s > tol))
    null = vt[rank:].T
    free = np.linalg.norm(null, axis=1) > 1e-9 if null.size else np.zeros(hidden.size, dtype=bool)
    return [int(k) for k, f in zip(hidden, free, strict=True) if not f]


# --- shares ------------------------------------------------------------------------------------------


def _shares(
    grid: _Grid,
    cells: list[list[object]],
    hides: list[list[bool]],
    shares: Mapping[str, tuple[Hashable, Hashable | None]],
    total_row: Hashable | None,
    rule: Rule,
    name: str,
    log: list[SuppressionEntry],
    withheld: bool,
) -> dict[str, tuple[list[object], list[bool]]]:
    """Each share column's values and hidden flags, from the published cells and which are hidden."""
    problems = []
    for share, (num, den) in shares.items():
        if share in grid.col_at:
            problems.append(Problem("duplicate-column", f'table "{name}" already has a column "{share}"'))
        for col in (num, den):
            if col is not None and col not in grid.col_at:
                problems.append(
                    Problem("missing-column", f'table "{name}" has no column "{col}" for share "{share}"')
                )
        if den is None and total_row is None:
            problems.append(
                Problem(
                    "missing-total",
                    f'share "{share}" is of the total row, but table "{name}" has no total row',
                )
            )
    if problems:
        raise InputError(None, problems)
    out: dict[str, tuple[list[object], list[bool]]] = {}
    for share, (num, den) in shares.items():
        values: list[object] = []
        hidden: list[bool] = []
        nj = grid.col_at[num]
        for i, label in enumerate(grid.rows):
            di, dj = (i, grid.col_at[den]) if den is not None else (grid.row_at[total_row], nj)
            if withheld:
                reason = next(e.reason for e in log if e.kind == "withheld")
            elif hides[i][nj]:
                reason = "share of suppressed count"
            elif hides[di][dj]:
                reason = "share with suppressed denominator"
            else:
                d = cells[di][dj]
                values.append(None if d == 0 else cells[i][nj] / d)  # type: ignore[operator]
                hidden.append(False)
                continue
            values.append(rule.share_marker)
            hidden.append(True)
            log.append(
                SuppressionEntry(name, str(label), str(share), "withheld" if withheld else "share", reason)
            )
        out[share] = (values, hidden)
    return out
