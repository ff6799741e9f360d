"""Quick-look tables for the terminal (rich). The only module that imports rich."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table as RichTable

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.report.model import Sheet


def console(stderr: bool = False) -> Console:
    """A console that is wide when output goes to a file or pipe, so tables are not folded to 80 columns."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def print_frame(
    frame: pd.DataFrame,
    title: str = "",
    formats: dict[str, str] | None = None,
    out: Console | None = None,
    right: set[str] | None = None,
) -> None:
    """Print a frame as a table; numbers (and the columns in `right`) right-aligned and formatted."""
    out = out or console()
    formats = formats or {}
    table = RichTable(title=title or None, title_justify="left", show_lines=False)
    for column in frame.columns:
        numeric = frame[column].dtype.kind in "iuf" or str(column) in (right or set())
        table.add_column(
            str(column),
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=numeric,
            max_width=60,
        )
    for row in frame.itertuples(index=False, name=None):
        table.add_row(*(_fmt(v, formats.get(str(c))) for c, v in zip(frame.columns, row, strict=True)))
    out.print(table)


def _fmt(value: Any, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if fmt and isinstance(value, int | float):
        return fmt.format(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_lines(lines: list[str], out: Console | None = None) -> None:
    out = out or console()
    for line in lines:
        out.print(line, markup=False)


_EXCEL_TO_PYTHON = {
    "#,##0": "{:,.0f}",
    "0": "{:.0f}",
    "0.0": "{:.1f}",
    "#,##0.0": "{:,.1f}",
    "#,##0.00": "{:,.2f}",
}


def print_sheet(sheet: Sheet, out: Console | None = None) -> None:
    """Print a sheet's title, explanation and tables as the workbook shows them (numbers as formatted)."""
    out = out or console()
    print_lines([sheet.title, *sheet.intro, ""], out)
    for table in sheet.tables:
        formats = {c: _EXCEL_TO_PYTHON[f] for c, f in table.formats.items() if f in _EXCEL_TO_PYTHON}
        print_frame(table.frame, title=table.title, formats=formats, out=out, right=set(table.formats))
        print_lines([f"Source: {table.source}", *table.notes, ""], out)


class Steps:
    """A progress bar over named steps on a terminal (stderr); silent when output is not a terminal."""

    def __init__(self, total: int, first: str = "Starting", enabled: bool | None = None) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        out = console(stderr=True)
        self.enabled = out.is_terminal if enabled is None else enabled
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=out,
            transient=True,
            disable=not self.enabled,
        )
        self._task = self._progress.add_task(first, total=total)
        self._started = False

    def __enter__(self) -> Steps:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.update(self._task, completed=self._progress.tasks[0].total)
        self._progress.stop()

    def step(self, description: str) -> None:
        """Mark the previous step done and show this one."""
        if self._started:
            self._progress.advance(self._task)
        self._started = True
        self._progress.update(self._task, description=description)
