"""Write the small agency-file fixtures used by tests/test_clients_*.py, each named after its defect.

Synthetic people only. Run from the repository root:  python tests/data/make_agency_fixtures.py
The files are committed; rerun only to change them (and review the diff of the tests that use them).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent / "agencies"

HEADER = ["Client ref", "Forename", "Surname", "DOB", "Gender", "Referral date", "MH", "Any children?"]
ROWS = [
    ["A001", "Jane", "Smith", dt.date(1985, 3, 12), "F", dt.date(2015, 5, 1), "Y", "Y"],
    ["A002", "Ann", "Jones", dt.date(1990, 7, 1), "F", dt.date(2015, 6, 3), "N", "N"],
    ["A003", "Mark", "Brown", dt.date(1978, 1, 30), "M", dt.date(2015, 9, 9), "Unknown", "Y"],
    ["A004", "Lucy", "Taylor", dt.date(1999, 12, 24), "F", dt.date(2016, 1, 15), "", "Declined"],
]


def _xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = (), sheets: dict | None = None) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for name, extra in (sheets or {}).items():
        other = wb.create_sheet(name)
        for r in extra:
            other.append(r)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    wb.save(path)


def _csv(path: Path, rows: list[list], encoding: str = "utf-8") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(
            [[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in r] for r in rows]
        )


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    # A clean table, in every format.
    _xlsx(HERE / "clean.xlsx", [HEADER, *ROWS])
    _csv(HERE / "clean.csv", [HEADER, *ROWS])
    _xls(HERE / "clean.xls", [HEADER, *ROWS])
    _ods(HERE / "clean.ods", [HEADER, *ROWS])
    # Title and notes rows above the header.
    _xlsx(
        HERE / "title-rows.xlsx",
        [["Northmere Outreach: client return"], ["OFFICIAL-SENSITIVE"], [], HEADER, *ROWS],
        merges=("A1:H1",),
    )
    # A two-row header: merged group cells above, a perpetrator group whose Gender is not the client's.
    groups = ["Client", None, None, None, None, None, "Needs", None, "Perpetrator", None]
    lower = [*HEADER, "Gender", "Age"]
    body = [[*r, "M", 40] for r in ROWS]
    _xlsx(
        HERE / "merged-header.xlsx",
        [["Outreach return"], groups, lower, *body],
        merges=("A2:F2", "G2:H2", "I2:J2"),
    )
    # A totals row and a source note under the table.
    _xlsx(
        HERE / "totals-row.xlsx",
        [
            HEADER,
            *ROWS,
            ["Total", None, None, None, None, None, 1, 2],
            [],
            ["Source: case management system, extracted 05/04/2016"],
        ],
    )
    # Blank rows in the middle and at the end, and a blank column.
    spaced = [[*r[:4], None, *r[4:]] for r in ROWS]
    _xlsx(
        HERE / "blank-rows-and-columns.xlsx",
        [[*HEADER[:4], None, *HEADER[4:]], spaced[0], [], [None, " "], *spaced[1:], [], []],
    )
    # Dates as Excel dates, as bare serial numbers and as text, side by side.
    dated = [list(r) for r in ROWS]
    dated[1][5] = float((dt.date(2015, 6, 3) - dt.date(1899, 12, 30)).days)
    dated[2][5] = "09/09/2015"
    dated[3][3] = "24-Dec-99"
    _xlsx(HERE / "serial-dates.xlsx", [HEADER, *dated])
    # Numbers stored as text.
    counted = [[*r, n] for r, n in zip(ROWS, ["2", " 3 ", "0", "1.0"], strict=True)]
    _xlsx(HERE / "numbers-as-text.xlsx", [[*HEADER, "Number of children"], *counted])
    # "#N/A" from a broken VLOOKUP, as text.
    na = [list(r) for r in ROWS]
    na[0][6] = "#N/A"
    na[1][4] = "#N/A"
    _xlsx(HERE / "na-cells.xlsx", [HEADER, *na])
    # Windows-1252 text with accents.
    accented = [list(r) for r in ROWS]
    accented[0][1], accented[1][2] = "Zoë", "O’Brien"
    _csv(HERE / "cp1252.csv", [HEADER, *accented], encoding="cp1252")
    # The header repeated half way down (two exports pasted together).
    _csv(HERE / "repeated-header.csv", [HEADER, *ROWS[:2], HEADER, *ROWS[2:]])
    # No recognisable header anywhere.
    _csv(HERE / "no-header-row.csv", [["Ref", "Stuff", "Things"], ["1", "a", "b"]])
    # A table with no referral date.
    _csv(
        HERE / "no-referral-date.csv",
        [
            [h for h in HEADER if h != "Referral date"],
            *[[v for i, v in enumerate(r) if i != 5] for r in ROWS],
        ],
    )
    # Two columns that both mean sex.
    _csv(HERE / "duplicate-field.csv", [[*HEADER, "Sex"], *[[*r, r[4]] for r in ROWS]])
    # Bad cells: an unknown code, an impossible age, a future referral date, a missing one.
    bad = [list(r) for r in ROWS] + [
        ["A005", "Kim", "Hall", dt.date(1960, 2, 2), "F", dt.date(2015, 8, 8), "Y", "Y"]
    ]
    bad[0][4] = "Q"
    bad[1][3] = dt.date(1850, 1, 1)
    bad[2][5] = dt.date(2061, 5, 12)
    bad[3][5] = None
    bad[4][6] = "Maybe"
    _csv(HERE / "bad-cells.csv", [HEADER, *bad])
    # Several sheets, chosen by name or number.
    _xlsx(
        HERE / "sheets.xlsx",
        [["Read me first"], ["This workbook has a second sheet."]],
        sheets={
            "Victims": [HEADER, *ROWS],
            "Perpetrators": [
                ["Perp ref", "Name", "DOB", "Gender", "Date"],
                ["P1", "Gary Hall", dt.date(1980, 1, 1), "M", dt.date(2015, 5, 1)],
            ],
        },
    )
    print(f"wrote {len(list(HERE.iterdir()))} fixtures to {HERE}")


def _xls(path: Path, rows: list[list]) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Clients")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            sheet.write(i, j, v, date_style) if isinstance(v, dt.date) else sheet.write(i, j, v)
    book.save(str(path))


def _ods(path: Path, rows: list[list]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows[1:], columns=rows[0])
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(writer, sheet_name="Clients", index=False)


if __name__ == "__main__":
    main()
