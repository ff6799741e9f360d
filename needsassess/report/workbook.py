"""The needs-assessment workbook, laid out as the Government Analysis Function asks for published
spreadsheets ("Releasing statistics in spreadsheets"): a cover sheet, a contents sheet and a notes sheet;
each sheet's title in A1 with its source beneath; tables marked up as Excel tables with no merged cells
or blank rows inside; alt text on every chart; text from inputs always stored as text.

This is the only module that writes with openpyxl.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from needsassess.report.model import Chart, Note, Sheet, Table

NOT_AVAILABLE = "[x]"
TITLE_FONT = Font(bold=True, size=15)
HEADING_FONT = Font(bold=True, size=12)
HEADER_FONT = Font(bold=True)
RIGHT = Alignment(horizontal="right")  # styles are shared by value, so one instance serves every cell
MAX_WIDTH = 60


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
    wb = Workbook()
    ws = wb.active
    ws.title = "Cover"
    _write_cover(ws, cover)
    contents = wb.create_sheet("Contents")
    notes_ws = wb.create_sheet("Notes")
    names = _unique_sheet_names([s.name for s in sheets])
    for sheet, name in zip(sheets, names, strict=True):
        _write_sheet(wb.create_sheet(name), sheet)
    _write_contents(
        contents,
        [("Notes", "Notes referred to in the tables of this workbook")]
        + [(n, s.description or s.title) for s, n in zip(sheets, names, strict=True)],
    )
    _write_notes(notes_ws, cover.notes, cover.notes_tables)
    for sheet_ws in wb.worksheets:
        # Printable as well as browsable: landscape, one page wide
        sheet_ws.page_setup.orientation = "landscape"
        sheet_ws.page_setup.paperSize = sheet_ws.PAPERSIZE_A4
        sheet_ws.sheet_properties.pageSetUpPr.fitToPage = True
        sheet_ws.page_setup.fitToWidth = 1
        sheet_ws.page_setup.fitToHeight = 0
        sheet_ws.oddHeader.center.text = cover.protective_marking
        sheet_ws.oddFooter.center.text = cover.protective_marking
        sheet_ws.oddFooter.right.text = "&A"
    wb.properties.title = cover.title
    wb.properties.creator = "needsassess"
    wb.save(path)


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


def _write_cover(ws: Worksheet, cover: Cover) -> None:
    _text(ws["A1"], cover.title)
    ws["A1"].font = TITLE_FONT
    row = 3
    for label, text in cover.lines:
        _text(ws.cell(row=row, column=1), label).font = HEADING_FONT
        _text(ws.cell(row=row + 1, column=1), text)
        _wrap(ws, row + 1, 1, 110)
        row += 3
    ws.column_dimensions["A"].width = 110


def _write_contents(ws: Worksheet, entries: list[tuple[str, str]]) -> None:
    _text(ws["A1"], "Contents")
    ws["A1"].font = TITLE_FONT
    _text(ws["A2"], "This worksheet contains one table. Select a sheet name to go to that sheet.")
    ws.append(["Sheet name", "Sheet title"])
    for name, title in entries:
        row = ws.max_row + 1
        _text(ws.cell(row=row, column=2), title)
        cell = _text(ws.cell(row=row, column=1), name)
        cell.hyperlink = f"#'{name}'!A1"
        cell.style = "Hyperlink"
    _mark_table(ws, "contents", 3, 1, ws.max_row, 2)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90


def _write_notes(ws: Worksheet, notes: list[Note], tables: Sequence[Table] = ()) -> None:
    _text(ws["A1"], "Notes")
    ws["A1"].font = TITLE_FONT
    n = 1 + len(tables)
    _text(
        ws["A2"],
        f"This worksheet contains {'one table' if n == 1 else f'{n} tables'}. "
        "Notes are referred to as [note N] in table titles and text.",
    )
    ws.append(["Note number", "Note text", "Applies to"])
    for i, note in enumerate(notes, 1):
        ws.append([f"note {i}"])
        _text(ws.cell(row=ws.max_row, column=2), note.text)
        _text(ws.cell(row=ws.max_row, column=3), note.applies_to or "All sheets")
    if not notes:
        ws.append(["note 1", "No notes for this assessment.", "All sheets"])
    _mark_table(ws, "notes", 3, 1, ws.max_row, 3)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    ws.column_dimensions["C"].width = 24
    for r in range(4, ws.max_row + 1):
        _wrap(ws, r, 2, 100)
    if tables:
        widths: dict[int, float] = {}
        _write_tables(ws, list(tables), ws.max_row + 2, widths)
        for j, width in widths.items():
            if j > 3:  # the notes table sets the first three
                ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(10, width))
        ws.column_dimensions["A"].width = max(14, min(MAX_WIDTH, widths.get(1, 14)))


def _write_tables(
    ws: Worksheet, tables: list[Table], row: int, widths: dict[int, float]
) -> tuple[int, dict[str, tuple[int, int, Table]]]:
    """Write each table with its title, source and notes from `row`; return the next free row."""
    positions: dict[str, tuple[int, int, Table]] = {}
    for table in tables:
        _text(ws.cell(row=row, column=1), table.title).font = HEADING_FONT
        row += 1
        _text(ws.cell(row=row, column=1), f"Source: {table.source}")
        row += 1
        for note in table.notes:
            _text(ws.cell(row=row, column=1), note)
            row += 1
        header_row = row
        _write_frame(ws, table, header_row, widths)
        last = header_row + max(len(table.frame), 1)
        _mark_table(ws, table.name, header_row, 1, last, max(1, len(table.frame.columns)))
        positions[table.name] = (header_row, last, table)
        row = last + 2
    return row, positions


def _wrap(ws: Worksheet, row: int, column: int, width: float) -> None:
    """Wrap a long text cell and give its row the height it needs (LibreOffice does not grow rows)."""
    cell = ws.cell(row=row, column=column)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    lines = max(1, math.ceil(len(str(cell.value or "")) / (width * 1.05)))
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 15, 15 * lines)


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    _text(ws["A1"], sheet.title)
    ws["A1"].font = TITLE_FONT
    row = 2
    for line in sheet.intro:
        _text(ws.cell(row=row, column=1), line)
        row += 1
    n_tables = len(sheet.tables)
    _text(
        ws.cell(row=row, column=1),
        f"This worksheet contains {n_tables} table{'s' if n_tables != 1 else ''}"
        + (
            f" and {len(sheet.charts)} chart{'s' if len(sheet.charts) != 1 else ''}." if sheet.charts else "."
        ),
    )
    row += 2
    widths: dict[int, float] = {}
    row, positions = _write_tables(ws, sheet.tables, row, widths)
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(10, width))
    anchor_row = row + 1
    for chart in sheet.charts:
        _add_chart(ws, chart, positions, f"A{anchor_row}")
        anchor_row += 22


def _write_frame(ws: Worksheet, table: Table, header_row: int, widths: dict[int, float]) -> None:
    frame = table.frame
    columns = list(frame.columns)
    for j, column in enumerate(columns, 1):
        _text(ws.cell(row=header_row, column=j), str(column)).font = HEADER_FONT
        widths[j] = max(widths.get(j, 0), min(len(str(column)) + 2, 40))
    if frame.empty:
        ws.cell(row=header_row + 1, column=1, value="No data")
        return
    formats = [table.formats.get(column) for column in columns]
    data = [_column_values(column) for _name, column in frame.items()]
    for i, values in enumerate(zip(*data, strict=True), 1):
        r = header_row + i
        for j, (fmt, value) in enumerate(zip(formats, values, strict=True), 1):
            cell = ws.cell(row=r, column=j)
            _set_value(cell, value)
            if cell.value == NOT_AVAILABLE or (fmt and isinstance(cell.value, str)):
                # "[x]", and markers such as "<5" or "*" in a column of numbers, line up with the numbers
                cell.alignment = RIGHT
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
            widths[j] = max(widths.get(j, 0), len(_display(value)) + 2)
    for column, width in table.widths.items():
        if column in frame.columns:
            widths[columns.index(column) + 1] = width


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


def _set_value(cell: Any, value: Any) -> None:
    """Numbers as numbers; everything else as text, so '=cmd|...' from an input can never run."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        _text(cell, NOT_AVAILABLE)
    elif isinstance(value, bool):
        _text(cell, "yes" if value else "no")
    elif isinstance(value, int | float):
        cell.value = value
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        _set_value(cell, value.item())
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        _text(cell, str(value))


def _text(cell: Any, text: str) -> Any:
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _mark_table(ws: Worksheet, name: str, top: int, left: int, bottom: int, right: int) -> None:
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
    display = re.sub(r"\W", "_", name)
    if not re.match(r"[A-Za-z_]", display):
        display = "t_" + display
    existing = {t for s in ws.parent.worksheets for t in s.tables}
    candidate, n = display, 2
    while candidate in existing:
        candidate = f"{display}_{n}"
        n += 1
    table = ExcelTable(displayName=candidate, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def _add_chart(
    ws: Worksheet, chart: Chart, positions: dict[str, tuple[int, int, Table]], anchor: str
) -> None:
    header_row, last, table = positions[chart.table]
    columns = list(table.frame.columns)
    first = header_row + 1
    if chart.rows is not None:
        indices = range(len(table.frame))[chart.rows]
        first, last = header_row + 1 + indices.start, header_row + indices.stop
    if chart.kind == "line":
        obj: Any = LineChart()
    else:
        obj = BarChart()
        obj.type = "bar" if chart.kind == "bar" else "col"
        if chart.kind == "bar":  # list categories top to bottom in table order, values along the bottom
            obj.x_axis.scaling.orientation = "maxMin"
            obj.y_axis.crosses = "max"
    obj.title = chart.title
    obj.y_axis.title = chart.y_title or None
    obj.x_axis.title = chart.x_title or None
    obj.width, obj.height = 22, 11
    # Excel and LibreOffice hide axes unless told not to
    obj.x_axis.delete = False
    obj.y_axis.delete = False
    for name in chart.values:
        j = columns.index(name) + 1
        obj.add_data(Reference(ws, min_col=j, min_row=first, max_row=last), titles_from_data=False)
        obj.series[-1].tx = SeriesLabel(v=str(name))
        if chart.kind == "line":
            obj.series[-1].smooth = False  # straight lines between points: counts, not a fitted curve
    cat_col = columns.index(chart.categories) + 1
    obj.set_categories(Reference(ws, min_col=cat_col, min_row=first, max_row=last))
    obj.alt_text = chart.alt_text  # read by the drawing patch below
    ws.add_chart(obj, anchor)


_original_chart_frame = SpreadsheetDrawing._chart_frame


def _chart_frame_with_alt_text(self: SpreadsheetDrawing, idx: int) -> Any:
    """openpyxl writes no alt text for charts; screen readers need it (GAF accessibility guidance)."""
    frame = _original_chart_frame(self, idx)
    objects = self.charts + self.images
    chart = objects[idx - 1] if idx - 1 < len(objects) else None
    alt = getattr(chart, "alt_text", None)
    if alt:
        frame.nvGraphicFramePr.cNvPr.descr = alt
        frame.nvGraphicFramePr.cNvPr.title = getattr(chart, "title_text", None) or None
    return frame


SpreadsheetDrawing._chart_frame = _chart_frame_with_alt_text  # type: ignore[method-assign]
