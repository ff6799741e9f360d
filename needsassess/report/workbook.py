"""The needs-assessment workbook, laid out as the Government Analysis Function asks for published
spreadsheets ("Releasing statistics in spreadsheets"): a cover sheet, a contents sheet and a notes sheet;
each sheet's title in A1 with its source beneath; tables marked up as Excel tables with no merged cells
or blank rows inside; alt text on every chart; text from inputs always stored as text.

Written with XlsxWriter, which writes a workbook in about half the time openpyxl takes and writes chart alt
text itself. This is the only module that writes the workbook; rows and columns here count from 0, as
XlsxWriter's do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from needsassess.report.model import Chart, Note, Sheet, Table

NOT_AVAILABLE = "[x]"
MAX_WIDTH = 60
CHART_SIZE = {"width": 832, "height": 416}  # pixels: 22 cm by 11 cm


@dataclass
class Cover:
    """What the cover sheet says about the assessment."""

    title: str
    lines: list[tuple[str, str]]  # (label, text)
    protective_marking: str = "OFFICIAL"
    notes: list[Note] = field(default_factory=list)
    notes_tables: list[Table] = field(default_factory=list)  # below the notes, e.g. the suppression log


def write_workbook(path: Path, cover: Cover, sheets: list[Sheet]) -> None:
    """Write the workbook to `path` (the caller makes it atomic)."""
    import xlsxwriter

    # Text is never read as a number, a formula or a link: '=cmd|...' from an input stays text.
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    w = _Writer(wb)
    names = _unique_sheet_names([s.name for s in sheets])
    cover_ws, contents, notes_ws = (
        wb.add_worksheet("Cover"),
        wb.add_worksheet("Contents"),
        wb.add_worksheet("Notes"),
    )
    w.cover(cover_ws, cover)
    for sheet, name in zip(sheets, names, strict=True):
        w.sheet(wb.add_worksheet(name), sheet)
    w.contents(
        contents,
        [("Notes", "Notes referred to in the tables of this workbook")]
        + [(n, s.description or s.title) for s, n in zip(sheets, names, strict=True)],
    )
    w.notes(notes_ws, cover.notes, cover.notes_tables)
    marking = cover.protective_marking.replace("&", "&&")
    for ws in wb.worksheets():
        # Printable as well as browsable: landscape, A4, one page wide
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_header(f"&C{marking}")
        ws.set_footer(f"&C{marking}&R&A")
    wb.set_properties({"title": cover.title, "author": "needsassess"})
    wb.close()


def _unique_sheet_names(names: list[str]) -> list[str]:
    seen: set[str] = {"cover", "contents", "notes"}
    out = []
    for name in names:
        base = re.sub(r"[\[\]\*\?/\\:]", " ", name)[:31].strip() or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in seen:
            suffix = f" {n}"
            candidate = base[: 31 - len(suffix)] + suffix
            n += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


class _Writer:
    """One workbook's formats (XlsxWriter wants each made once) and table names (unique in a workbook)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 15})
        self.heading = wb.add_format({"bold": True, "font_size": 12})
        self.header = wb.add_format({"bold": True})
        self.wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
        self.link = wb.add_format({"font_color": "blue", "underline": 1})
        self.right = wb.add_format({"align": "right"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.numbers: dict[str, Any] = {}
        self.table_names: set[str] = set()

    def number(self, fmt: str) -> Any:
        if fmt not in self.numbers:
            self.numbers[fmt] = self.wb.add_format({"num_format": fmt})
        return self.numbers[fmt]

    def cover(self, ws: Any, cover: Cover) -> None:
        ws.write_string(0, 0, cover.title, self.title)
        row = 2
        for label, text in cover.lines:
            ws.write_string(row, 0, label, self.heading)
            self.wrap(ws, row + 1, 0, text, 110)
            row += 3
        ws.set_column(0, 0, 110)

    def contents(self, ws: Any, entries: list[tuple[str, str]]) -> None:
        ws.write_string(0, 0, "Contents", self.title)
        ws.write_string(1, 0, "This worksheet contains one table. Select a sheet name to go to that sheet.")
        for i, (name, title) in enumerate(entries, 3):
            quoted = name.replace("'", "''")
            ws.write_url(i, 0, f"internal:'{quoted}'!A1", self.link, string=name)
            ws.write_string(i, 1, title)
        self.mark_table(ws, "contents", 2, 0, 2 + len(entries), ["Sheet name", "Sheet title"])
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 90)

    def notes(self, ws: Any, notes: list[Note], tables: Sequence[Table] = ()) -> None:
        ws.write_string(0, 0, "Notes", self.title)
        n = 1 + len(tables)
        ws.write_string(
            1,
            0,
            f"This worksheet contains {'one table' if n == 1 else f'{n} tables'}. "
            "Notes are referred to as [note N] in table titles and text.",
        )
        rows = [(f"note {i}", note.text, note.applies_to or "All sheets") for i, note in enumerate(notes, 1)]
        rows = rows or [("note 1", "No notes for this assessment.", "All sheets")]
        for i, (number, text, applies_to) in enumerate(rows, 3):
            ws.write_string(i, 0, number)
            self.wrap(ws, i, 1, text, 100)
            ws.write_string(i, 2, applies_to)
        self.mark_table(ws, "notes", 2, 0, 2 + len(rows), ["Note number", "Note text", "Applies to"])
        widths = {0: 14.0, 1: 100.0, 2: 24.0}
        if tables:
            found: dict[int, float] = {}
            self.tables(ws, list(tables), 2 + len(rows) + 2, found)
            widths |= {j: min(MAX_WIDTH, max(10, w)) for j, w in found.items() if j > 2}  # the notes set 0-2
            widths[0] = max(14, min(MAX_WIDTH, found.get(0, 14)))
        for j, width in widths.items():
            ws.set_column(j, j, width)

    def sheet(self, ws: Any, sheet: Sheet) -> None:
        ws.write_string(0, 0, sheet.title, self.title)
        row = 1
        for line in sheet.intro:
            ws.write_string(row, 0, line)
            row += 1
        n_tables, n_charts = len(sheet.tables), len(sheet.charts)
        ws.write_string(
            row,
            0,
            f"This worksheet contains {n_tables} table{'s' if n_tables != 1 else ''}"
            + (f" and {n_charts} chart{'s' if n_charts != 1 else ''}." if n_charts else "."),
        )
        widths: dict[int, float] = {}
        row, positions = self.tables(ws, sheet.tables, row + 2, widths)
        for j, width in widths.items():
            ws.set_column(j, j, min(MAX_WIDTH, max(10, width)))
        anchor = row + 1
        for chart in sheet.charts:
            self.chart(ws, chart, positions, anchor)
            anchor += 22

    def tables(
        self, ws: Any, tables: list[Table], row: int, widths: dict[int, float]
    ) -> tuple[int, dict[str, tuple[int, int, Table]]]:
        """Write each table with its title, source and notes from `row`; return the next free row."""
        positions: dict[str, tuple[int, int, Table]] = {}
        for table in tables:
            ws.write_string(row, 0, table.title, self.heading)
            ws.write_string(row + 1, 0, f"Source: {table.source}")
            row += 2
            for note in table.notes:
                ws.write_string(row, 0, note)
                row += 1
            header_row = row
            self.frame(ws, table, header_row, widths)
            last = header_row + max(len(table.frame), 1)
            headers = [str(c) for c in table.frame.columns] or ["No data"]
            self.mark_table(ws, table.name, header_row, 0, last, headers)
            positions[table.name] = (header_row, last, table)
            row = last + 2
        return row, positions

    def frame(self, ws: Any, table: Table, header_row: int, widths: dict[int, float]) -> None:
        frame = table.frame
        columns = list(frame.columns)
        for j, column in enumerate(columns):
            widths[j] = max(widths.get(j, 0), min(len(str(column)) + 2, 40))
        if frame.empty:
            ws.write_string(header_row + 1, 0, "No data")
            return
        formats = [self.number(f) if (f := table.formats.get(c)) else None for c in columns]
        data = [_column_values(column) for _name, column in frame.items()]
        for i, values in enumerate(zip(*data, strict=True), header_row + 1):
            for j, (fmt, value) in enumerate(zip(formats, values, strict=True)):
                self.value(ws, i, j, value, fmt)
                widths[j] = max(widths.get(j, 0), len(_display(value)) + 2)
        for column, width in table.widths.items():
            if column in frame.columns:
                widths[columns.index(column)] = width

    def value(self, ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
        """Numbers as numbers; everything else as text. "[x]", and markers such as "<5" in a column of
        numbers, are aligned right, with the numbers."""
        if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
            value = value.item()
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_string(row, col, NOT_AVAILABLE, self.right)
        elif isinstance(value, bool):
            ws.write_string(row, col, "yes" if value else "no", self.right if fmt else None)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        elif isinstance(value, datetime | date):
            if value != value:  # NaT  # noqa: PLR0124
                ws.write_string(row, col, NOT_AVAILABLE, self.right)
            else:
                ws.write_datetime(row, col, value, self.date)
        elif text := str(value):  # "" is left an empty cell
            ws.write_string(row, col, text, self.right if fmt or text == NOT_AVAILABLE else None)

    def wrap(self, ws: Any, row: int, col: int, text: str, width: float) -> None:
        """A long text cell, wrapped, with the row height it needs (LibreOffice does not grow rows)."""
        ws.write_string(row, col, text, self.wrapped)
        lines = max(1, math.ceil(len(text) / (width * 1.05)))
        ws.set_row(row, max(15, 15 * lines))

    def mark_table(self, ws: Any, name: str, top: int, left: int, bottom: int, headers: list[str]) -> None:
        """An Excel table over cells already written (the header row too: XlsxWriter writes it again)."""
        display = re.sub(r"\W", "_", name)
        # not a cell reference (A1 or R1C1) and starting with a letter or _, as Excel requires
        if not re.match(r"[A-Za-z_]", display) or re.fullmatch(r"(?i)[a-z]{1,3}\d+|r\d*c\d*|[rc]", display):
            display = "t_" + display
        candidate, n = display, 2
        while candidate.lower() in self.table_names:
            candidate = f"{display}_{n}"
            n += 1
        self.table_names.add(candidate.lower())
        ws.add_table(
            top,
            left,
            bottom,
            left + len(headers) - 1,
            {
                "name": candidate,
                "style": "Table Style Light 9",
                "columns": [{"header": h, "header_format": self.header} for h in _unique_headers(headers)],
            },
        )

    def chart(self, ws: Any, chart: Chart, positions: dict[str, tuple[int, int, Table]], anchor: int) -> None:
        header_row, last, table = positions[chart.table]
        columns = list(table.frame.columns)
        first = header_row + 1
        if chart.rows is not None:
            indices = range(len(table.frame))[chart.rows]
            first, last = header_row + 1 + indices.start, header_row + indices.stop
        kind = {"bar": "bar", "column": "column", "line": "line"}[chart.kind]
        obj = self.wb.add_chart({"type": kind})
        name = ws.get_name()
        cat = columns.index(chart.categories)
        for value in chart.values:
            j = columns.index(value)
            series: dict[str, Any] = {
                "name": str(value),
                "categories": [name, first, cat, last, cat],
                "values": [name, first, j, last, j],
            }
            if kind == "line":
                series["smooth"] = False  # straight lines between points: counts, not a fitted curve
            obj.add_series(series)
        obj.set_title({"name": chart.title})
        # For a bar chart XlsxWriter's x axis is the value axis along the bottom and its y axis the
        # categories; they are listed top to bottom in table order, the values staying at the bottom.
        category_axis: dict[str, Any] = {"name": chart.x_title} if chart.x_title else {}
        value_axis: dict[str, Any] = {"name": chart.y_title} if chart.y_title else {}
        if fmt := table.formats.get(chart.values[0]):
            value_axis["num_format"] = fmt  # as the table shows the values: 1,000 or £1,000
        if kind == "bar":
            category_axis |= {"reverse": True, "crossing": "max"}
            obj.set_x_axis(value_axis)
            obj.set_y_axis(category_axis)
        else:
            obj.set_x_axis(category_axis)
            obj.set_y_axis(value_axis)
        obj.set_size(CHART_SIZE)
        ws.insert_chart(anchor, 0, obj, {"description": chart.alt_text})


def _unique_headers(headers: list[str]) -> list[str]:
    """Excel table headers must differ (case aside) and not be blank."""
    seen: set[str] = set()
    out = []
    for h in headers:
        base = h.strip() or "Column"
        candidate, n = base, 2
        while candidate.lower() in seen:
            candidate, n = f"{base} {n}", n + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _column_values(column: Any) -> list[Any]:
    """A column's values as iterating it gives them; text columns read in one step, not cell by cell."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return list(column.to_numpy(dtype=object, na_value=column.dtype.na_value))
    return list(column)


def _display(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
