"""Writers for agency client data: the merged pseudonymised table, and blank data-return workbooks.

The merged table is written as csv (text that could run as a formula is neutralised) or parquet. The
data-return workbooks are written with openpyxl: they need drop-down lists and cell checks, which the
assessment workbook (report/workbook.py, XlsxWriter) does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.clients.schema import FIELD_BY_NAME, Field, Kind
from needsassess.clients.template import NOTES, TEMPLATES, ReturnTemplate, allowed_text, display_value
from needsassess.errors import OutputError
from needsassess.outputs import write_atomic

if TYPE_CHECKING:
    import pandas as pd

MERGED_SUFFIXES = (".csv", ".parquet")
ROWS_VALIDATED = 5000  # rows of the Return sheet with drop-downs and checks
DATE_ROWS_FORMATTED = 200


def write_merged(clients: pd.DataFrame, path: str | Path, force: bool = False) -> Path:
    """Write the merged, pseudonymised client table as csv (formula-safe) or parquet."""
    from needsassess.report.csv import write_csv

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MERGED_SUFFIXES:
        raise OutputError(f'cannot write "{path.name}": the merged table is written as .csv or .parquet')
    if suffix == ".csv":
        text = clients.copy()
        text["referral_date"] = text["referral_date"].dt.strftime("%Y-%m-%d")
        return write_csv(text, path, force)
    try:
        import pyarrow  # noqa: F401  (pandas writes parquet through it)
    except ImportError:
        raise OutputError(
            f'cannot write "{path.name}": parquet needs pyarrow; install it with '
            'pip install "needsassess[parquet]", or write the merged table as .csv'
        ) from None
    return write_atomic(path, lambda tmp: clients.to_parquet(tmp, index=False), force)


def write_templates(folder: str | Path, force: bool = False) -> list[Path]:
    """Write every data-return workbook into `folder`; refuse to overwrite unless force."""
    folder = Path(folder)
    written = []
    for template in TEMPLATES:

        def writer(tmp: Path, template: ReturnTemplate = template) -> None:
            _write_template(template, tmp)

        written.append(write_atomic(folder / template.filename, writer, force))
    return written


def _write_template(template: ReturnTemplate, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fields = [FIELD_BY_NAME[name] for name in template.fields]
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    lists = wb.create_sheet("Lists")
    notes = wb.create_sheet("Notes")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    list_ranges: dict[tuple[str, ...], str] = {}
    for j, f in enumerate(fields, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=f.label)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(12, min(28, len(f.label) + 4))
        validation = _validation(f, lists, list_ranges)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{ROWS_VALIDATED + 1}")
        if f.kind is Kind.DATE:
            for r in range(2, DATE_ROWS_FORMATTED + 2):
                ws.cell(row=r, column=j).number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    _write_notes(notes, template, fields)
    wb.save(path)


def _validation(f: Field, lists: Any, list_ranges: dict[tuple[str, ...], str]) -> Any:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorTitle": f.label}
    if f.values:
        values = tuple(display_value(v) for v in f.values)
        if values not in list_ranges:  # drop-downs read their values from the hidden Lists sheet
            j = len(list_ranges) + 1
            col = get_column_letter(j)
            lists.cell(row=1, column=j, value=f.name)
            for i, v in enumerate(values, start=2):
                lists.cell(row=i, column=j, value=v)
            list_ranges[values] = f"Lists!${col}$2:${col}${len(values) + 1}"
        return DataValidation(
            type="list", formula1=list_ranges[values], error=f"Choose one of: {', '.join(values)}", **common
        )
    if f.kind is Kind.INTEGER:
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(int(f.minimum or 0)),
            formula2=str(int(f.maximum or 0)),
            error=f"A whole number from {f.minimum:g} to {f.maximum:g}",
            **common,
        )
    if f.kind is Kind.DATE:
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2100,12,31)",
            error="A date, day/month/year",
            **common,
        )
    if f.kind is Kind.DURATION:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(f.maximum),
            error=f"A number of months from 0 to {f.maximum:g}",
            **common,
        )
    return None


def _write_notes(ws: Any, template: ReturnTemplate, fields: list[Field]) -> None:
    from openpyxl.styles import Font

    ws["A1"] = template.title
    ws["A1"].font = Font(bold=True, size=14)
    row = 3
    for note in NOTES:
        ws.cell(row=row, column=1, value=note)
        row += 1
    row += 1
    for j, header in enumerate(("Column", "What it means", "Allowed values"), start=1):
        ws.cell(row=row, column=j, value=header).font = Font(bold=True)
    for f in fields:
        row += 1
        ws.cell(row=row, column=1, value=f.label)
        ws.cell(row=row, column=2, value=f.description)
        ws.cell(row=row, column=3, value=allowed_text(f))
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 60
