"""A small hand-made police extract whose every figure is counted by hand in test_police.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "Occurrence Ref",
    "Date Reported",
    "Local Authority",
    "Ward",
    "Crime/Non-Crime",
    "Offence Type",
    "Victim ID",
    "Victim Name",
    "Victim Age",
    "Victim Gender",
    "Suspect Age",
    "Suspect Gender",
    "Children Present (Y/N)",
    "No. of Children",
    "DASH Risk",
    "Alcohol Involved",
]
H, M = "Hartlepool", "Middlesbrough"
# One incident a line, in the extract's column order.
# fmt: off
ROWS = [
    ["R01", date(2014, 5, 10), H, "Ward A", "Non-Crime", "", "V1", "Alice Example", 30, "F", 32, "M", "Y", 2, "Standard", "Y"],
    ["R02", date(2015, 3, 20), H, "Ward B", "Crime", "Violence with injury", "V2", "Bea Sample", 22, "F", 25, "M", "N", "", "Medium", "N"],
    # repeat across the year boundary: V2's last incident was 26 days earlier, in 2014/15
    ["R03", date(2015, 4, 15), H, "Ward B", "Crime", "Violence with injury", "V2", "Bea Sample", 22, "F", 25, "M", "Y", 1, "High", "Y"],
    # not a repeat: V1's last incident (10 May 2014) is more than 12 months before
    ["R04", date(2015, 6, 1), H, "Ward A", "Non-Crime", "", "V1", "Alice Example", 31, "F", 33, "M", "N", 0, "Standard", "N"],
    ["R05", date(2015, 6, 10), H, "Ward A", "Crime", "Criminal damage", "V3", "Carl Test", 45, "M", 44, "F", "Y", 3, "Medium", "Unknown"],
    # repeat the next day; children present with no number given
    ["R06", date(2015, 6, 11), H, "Ward C", "Non-Crime", "", "V3", "Carl Test", 45, "M", 44, "F", "Y", "", "Not assessed", "N"],
    ["R07", date(2015, 8, 1), H, "Ward A", "Crime", "Stalking and harassment", "V4", "Dee Dummy", 17, "F", 19, "M", "N", 0, "Standard", "N"],
    # no victim key, sex and risk not recorded
    ["R08", date(2015, 8, 2), H, "Ward A", "Non-Crime", "", "", "", 70, "U", "", "", "N", "", "", ""],
    # repeat of V1 (1 June 2015)
    ["R09", date(2015, 12, 30), H, "Ward C", "Crime", "Violence without injury", "V1", "Alice Example", 31, "F", 33, "M", "N", 0, "High", "Y"],
    # repeat of V5, whose earlier incident was in Middlesbrough; Ward D is not in the deprivation table
    ["R10", date(2016, 3, 31), H, "Ward D", "Crime", "Violence with injury", "V5", "Eve Placeholder", 28, "F", 30, "M", "Y", 1, "High", "N"],
    # after both years: in the monthly trend only
    ["R11", date(2016, 4, 1), H, "Ward A", "Non-Crime", "", "V5", "Eve Placeholder", 28, "F", 30, "M", "N", 0, "Standard", "N"],
    ["R12", date(2015, 5, 5), M, "Central", "Crime", "Violence with injury", "V6", "Fay Fiction", 35, "F", 36, "M", "N", 0, "Medium", "N"],
    ["R13", date(2015, 5, 6), M, "Central", "Non-Crime", "", "V6", "Fay Fiction", 35, "F", 36, "M", "N", 0, "Standard", "N"],
    ["R14", date(2016, 2, 1), M, "Central", "Non-Crime", "", "V5", "Eve Placeholder", 28, "F", 30, "M", "N", 0, "Standard", "N"],
    # the same incident sent twice
    ["R03", date(2015, 4, 15), H, "Ward B", "Crime", "Violence with injury", "V2", "Bea Sample", 22, "F", 25, "M", "Y", 1, "High", "Y"],
]
# fmt: on
NAMES = ["Alice Example", "Bea Sample", "Carl Test", "Dee Dummy", "Eve Placeholder", "Fay Fiction"]

DEPRIVATION = """Ward,Ward code,IMD score,IMD decile,Population,Population 16+
Ward A,E05000001,40,1,1200,1000
Ward B,E05000002,30,2,2500,2000
Ward C,E05000003,20,2,1800,1500
Ward E,E05000005,10,5,600,500
"""


def write_extract(path: Path, rows: list[list] | None = None, header: list[str] | None = None) -> Path:
    """The extract as a force might send it: a title row, a blank row, the table, a footnote."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DA incidents"
    ws.append(["Domestic abuse incidents and crimes, extract for the partnership"])
    ws.append([])
    ws.append(header or HEADER)
    for row in rows if rows is not None else ROWS:
        ws.append(row)
    ws.append([])
    ws.append(["Source: test force records system"])
    wb.save(path)
    return path


def write_deprivation(path: Path) -> Path:
    path.write_text(DEPRIVATION)
    return path
