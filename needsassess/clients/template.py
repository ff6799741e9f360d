"""Blank agency data-return workbooks, so that next year's data arrive clean.

One workbook per kind of return (community victim services, safe accommodation, perpetrators): a Return
sheet with one row per client episode, headers that map with no configuration, drop-down lists of the
schema's allowed values, date and whole-number checks; and a Notes sheet explaining every column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from needsassess.clients.schema import FIELD_BY_NAME, Field, Kind

ROWS_VALIDATED = 5000
_IDENTIFIERS = ("client_ref", "first_name", "surname", "date_of_birth")
_PERSON = (
    "referral_date",
    "sex",
    "ethnic_group",
    "disability",
    "lgbt",
    "pregnant",
    "has_children",
    "children_count",
)
_NEEDS = (
    "mental_health",
    "alcohol_misuse",
    "drug_misuse",
    "financial_problems",
    "housing_need",
    "employment_status",
)
_ABUSE = (
    "physical",
    "sexual",
    "emotional",
    "financial",
    "jealous_controlling",
    "harassment_stalking",
    "abuse_duration_months",
    "risk_level",
    "perpetrator_sex",
    "perpetrator_relationship",
    "lives_with_perpetrator",
    "repeat_referral",
)
_OUTCOMES = ("abuse_reduced", "feels_safer", "quality_of_life_improved")
_ACCOMMODATION = (
    "accommodation_type",
    "from_out_of_area",
    "referral_outcome",
    "unable_reason",
    "support_end_reason",
    "move_on_destination",
    "children_supported",
)
_PERPETRATOR = (
    "referral_date",
    "sex",
    "ethnic_group",
    "alcohol_misuse",
    "drug_misuse",
    "mental_health",
    "financial_problems",
    "employment_status",
    "previous_da_record",
    "repeat_offender",
)


@dataclass(frozen=True)
class ReturnTemplate:
    filename: str
    title: str
    record_type: str
    fields: tuple[str, ...]


TEMPLATES: tuple[ReturnTemplate, ...] = (
    ReturnTemplate(
        "victim-services-data-return.xlsx",
        "Domestic abuse victim services: client data return",
        "victim",
        _IDENTIFIERS + _PERSON + _NEEDS + _ABUSE + _OUTCOMES,
    ),
    ReturnTemplate(
        "safe-accommodation-data-return.xlsx",
        "Domestic abuse safe accommodation (Part 4): referrals and residents data return",
        "victim",
        _IDENTIFIERS + _PERSON + _NEEDS + ("risk_level",) + _ACCOMMODATION,
    ),
    ReturnTemplate(
        "perpetrator-data-return.xlsx",
        "Domestic abuse perpetrators: data return",
        "perpetrator",
        _IDENTIFIERS + _PERPETRATOR,
    ),
)

NOTES = (
    "One row per client episode: a person referred twice in the year has two rows.",
    'Use the drop-down lists. If something was not asked or not known, choose "not recorded" or leave the '
    'cell blank: never "no". "No" means the question was asked and the answer was no.',
    "Names, dates of birth and your client reference are used only to build a pseudonymous key, so that a "
    "person known to several services is counted once. They are dropped on reading and appear in no output. "
    "Share this "
    "return only under your data-sharing agreement, by a secure route.",
    "Dates as day/month/year. Do not add totals rows, merged cells or extra header rows; "
    "do not rename columns.",
)


def display_value(value: str) -> str:
    """A canonical value as agencies see it in drop-downs: "ex_partner" -> "ex partner"."""
    return value.replace("_", " ")


def write_templates(folder: str | Path, force: bool = False) -> list[Path]:
    """Write every data-return workbook into `folder`; refuse to overwrite unless force."""
    from needsassess.clients.outputs import write_atomic

    folder = Path(folder)
    written = []
    for template in TEMPLATES:
        path = folder / template.filename
        write_atomic(path, lambda tmp, t=template: _write_template(t, tmp), force)
        written.append(path)
    return written


def _write_template(template: ReturnTemplate, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = [FIELD_BY_NAME[name] for name in template.fields]
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    lists = wb.create_sheet("Lists")
    notes = wb.create_sheet("Notes")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    list_columns: dict[tuple[str, ...], str] = {}
    for j, f in enumerate(fields, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=f.label)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(12, min(28, len(f.label) + 4))
        rows = f"{letter}2:{letter}{ROWS_VALIDATED + 1}"
        validation = _validation(f, lists, list_columns, DataValidation, get_column_letter)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(rows)
        if f.kind is Kind.DATE:
            for r in range(2, 202):  # a formatted block; Excel extends the format as rows are typed
                ws.cell(row=r, column=j).number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    _write_notes(notes, template, fields, Font)
    wb.save(path)


def _validation(f: Field, lists, list_columns, DataValidation, get_column_letter):
    if f.values:
        values = tuple(display_value(v) for v in f.values)
        if values not in list_columns:
            col = get_column_letter(len(list_columns) + 1)
            lists.cell(row=1, column=len(list_columns) + 1, value=f.name)
            for i, v in enumerate(values, start=2):
                lists.cell(row=i, column=len(list_columns) + 1, value=v)
            list_columns[values] = f"Lists!${col}$2:${col}${len(values) + 1}"
        return DataValidation(
            type="list",
            formula1=list_columns[values],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f.label,
            error=f"Choose one of: {', '.join(values)}",
        )
    if f.kind is Kind.INTEGER:
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(int(f.minimum or 0)),
            formula2=str(int(f.maximum or 0)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f.label,
            error=f"A whole number from {f.minimum:g} to {f.maximum:g}",
        )
    if f.kind is Kind.DATE:
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2100,12,31)",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f.label,
            error="A date, day/month/year",
        )
    if f.kind is Kind.DURATION:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(f.maximum),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f.label,
            error=f"A number of months from 0 to {f.maximum:g}",
        )
    return None


def _write_notes(ws, template: ReturnTemplate, fields: list[Field], Font) -> None:
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
        ws.cell(row=row, column=3, value=_allowed_text(f))
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 60


def _allowed_text(f: Field) -> str:
    if f.values:
        return ", ".join(display_value(v) for v in f.values)
    if f.kind is Kind.DATE:
        return "a date (day/month/year)"
    if f.kind is Kind.INTEGER:
        return f"a whole number, {f.minimum:g} to {f.maximum:g}"
    if f.kind is Kind.DURATION:
        return f"a number of months, 0 to {f.maximum:g}"
    return "text (used only for the pseudonymous key)"
