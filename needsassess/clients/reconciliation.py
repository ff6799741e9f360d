"""Account for every row of every agency file: rows read = rows used + rows rejected + rows set aside.

Rows are *rejected* when a field whose rule is `reject` is bad (a missing or future referral date);
*set aside* when they are not client rows at all (blank rows, totals rows, notes under the table, a header
repeated mid-table). Cells set to "not recorded" under a `warn` rule leave their row in use and are counted
as warnings, grouped by column and problem. This is the Data quality sheet of the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd


class Outcome(StrEnum):
    REJECTED = "rejected"
    SET_ASIDE = "set aside"
    WARNING = "warning"  # the row is used; one or more cells became "not recorded"


@dataclass(frozen=True)
class Issue:
    """One rejected or set-aside row (or run of blank rows), or one kind of bad cell in a column."""

    file: str
    sheet: str | None
    outcome: Outcome
    reason: str
    row: int | None = None  # spreadsheet row number
    last_row: int | None = None  # for a run of rows (blank rows at the end of a sheet)
    column: str | None = None  # 'F "Gender"'
    count: int = 1  # rows affected
    rows_sample: tuple[int, ...] = ()  # for warnings: the first few rows affected

    @property
    def rows_text(self) -> str:
        if self.row is not None:
            return (
                f"{self.row}-{self.last_row}"
                if self.last_row and self.last_row != self.row
                else str(self.row)
            )
        if self.rows_sample:
            shown = ", ".join(str(r) for r in self.rows_sample)
            return shown + (", ..." if self.count > len(self.rows_sample) else "")
        return ""


@dataclass
class FileReconciliation:
    """The row account of one agency file (one sheet)."""

    agency: str
    file: str
    sheet: str | None
    header_row: int | None
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    rows_set_aside: int = 0
    cells_not_recorded: int = 0
    unmapped_columns: list[str] = field(default_factory=list)

    @property
    def adds_up(self) -> bool:
        return self.rows_read == self.rows_used + self.rows_rejected + self.rows_set_aside


@dataclass
class Reconciliation:
    """Every file's row account and every row-level issue, in file order."""

    files: list[FileReconciliation] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def extend(self, other: Reconciliation) -> None:
        self.files.extend(other.files)
        self.issues.extend(other.issues)

    @property
    def adds_up(self) -> bool:
        return all(f.adds_up for f in self.files)

    def summary_frame(self) -> pd.DataFrame:
        """One row per file: agency, file, sheet, header row, rows read/used/rejected/set aside, warnings."""
        rows = [
            {
                "agency": f.agency,
                "file": f.file,
                "sheet": f.sheet or "",
                "header_row": f.header_row,
                "rows_read": f.rows_read,
                "rows_used": f.rows_used,
                "rows_rejected": f.rows_rejected,
                "rows_set_aside": f.rows_set_aside,
                "cells_not_recorded": f.cells_not_recorded,
            }
            for f in self.files
        ]
        columns = [
            "agency",
            "file",
            "sheet",
            "header_row",
            "rows_read",
            "rows_used",
            "rows_rejected",
            "rows_set_aside",
            "cells_not_recorded",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        if len(frame):
            total = {c: frame[c].sum() for c in columns[4:]}
            frame = pd.concat([frame, pd.DataFrame([{"agency": "Total", **total}])], ignore_index=True)
        frame["header_row"] = frame["header_row"].astype("Int64")
        frame[["file", "sheet"]] = frame[["file", "sheet"]].fillna("")
        return frame

    def issues_frame(self) -> pd.DataFrame:
        """One row per rejected or set-aside row (blank runs grouped) and per kind of bad cell."""
        columns = ["file", "sheet", "rows", "column", "outcome", "reason", "count"]
        rows = [
            {
                "file": i.file,
                "sheet": i.sheet or "",
                "rows": i.rows_text,
                "column": i.column or "",
                "outcome": i.outcome.value,
                "reason": i.reason,
                "count": i.count,
            }
            for i in self.issues
        ]
        return pd.DataFrame(rows, columns=columns)
