"""Reading agency files as they arrive: every malformed-file case, with the exact message or row account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needsassess.clients import synonyms as syn
from needsassess.clients.mapping import AgencyMapping, RecordType, default_mapping, header_index
from needsassess.clients.merge import Secret, SecretError
from needsassess.clients.reader import locate_table, read_agency
from needsassess.errors import InputError
from needsassess.tables import Grid

DATA = Path(__file__).parent / "data" / "agencies"
SECRET = Secret(b"a test secret, not a real one", "test")
AS_OF = dt.date(2024, 1, 1)


def read(name: str, **changes) -> object:
    mapping = default_mapping(DATA / name)
    for key, value in changes.items():
        setattr(mapping, key, value)
    return read_agency(mapping, SECRET, as_of=AS_OF)


def account(result) -> tuple[int, int, int, int]:
    f = result.reconciliation.files[0]
    assert f.adds_up
    return f.rows_read, f.rows_used, f.rows_rejected, f.rows_set_aside


def issues(result) -> list[tuple[str, str, str, str]]:
    return [(i.outcome.value, i.rows_text, i.column or "", i.reason) for i in result.reconciliation.issues]


CLEAN_VALUES = {
    "sex": ["female", "female", "male", "female"],
    "age": [30, 24, 37, 16],
    "age_band": ["25-34", "18-24", "35-44", "16-17"],
    "mental_health": ["yes", "no", "not recorded", "not recorded"],
    "has_children": ["yes", "no", "yes", "not recorded"],
}


@pytest.mark.parametrize("name", ["clean.xlsx", "clean.csv", "clean.xls", "clean.ods"])
def test_every_format_reads_the_same(name):
    result = read(name)
    assert account(result) == (4, 4, 0, 0)
    records = result.records
    for column, values in CLEAN_VALUES.items():
        assert records[column].tolist() == values, column
    assert records["referral_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-05-01",
        "2015-06-03",
        "2015-09-09",
        "2016-01-15",
    ]
    assert records["source_row"].tolist() == [2, 3, 4, 5]
    assert not {"first_name", "surname", "date_of_birth", "client_ref"} & set(records.columns)


def test_title_rows_are_skipped():
    result = read("title-rows.xlsx")
    assert result.layout.header_row == 4
    assert account(result) == (4, 4, 0, 0)
    assert result.records["source_row"].tolist() == [5, 6, 7, 8]


def test_merged_group_headers():
    result = read("merged-header.xlsx")
    layout = result.layout
    assert (layout.top_header_row, layout.header_row) == (2, 3)
    names = {c.name: c.field for c in layout.columns}
    assert names["Client / Gender"] == "sex"
    assert names["Perpetrator / Gender"] == "perpetrator_sex"
    assert names["Perpetrator / Age"] is None  # the perpetrator's age is not the client's
    assert result.records["age"].tolist() == CLEAN_VALUES["age"]
    assert result.records["perpetrator_sex"].tolist() == ["male"] * 4


def test_totals_row_and_note_are_set_aside():
    result = read("totals-row.xlsx")
    assert account(result) == (7, 4, 0, 3)
    assert issues(result) == [
        ("set aside", "6", "", "totals row"),
        ("set aside", "7", "", "blank row"),
        ("set aside", "8", "", "note below the table"),
    ]


def test_blank_rows_and_columns():
    result = read("blank-rows-and-columns.xlsx")
    assert account(result) == (6, 4, 0, 2)
    assert issues(result) == [("set aside", "3-4", "", "blank rows")]
    assert "Column E" not in result.reconciliation.files[0].unmapped_columns


def test_excel_serial_dates_beside_text_dates():
    result = read("serial-dates.xlsx")
    assert account(result) == (4, 4, 0, 0)
    assert result.records["referral_date"].dt.strftime("%d/%m/%Y").tolist() == [
        "01/05/2015",
        "03/06/2015",
        "09/09/2015",
        "15/01/2016",
    ]
    assert result.records["age"].tolist() == CLEAN_VALUES["age"]


def test_numbers_stored_as_text():
    result = read("numbers-as-text.xlsx")
    assert result.records["children_count"].tolist() == [2, 3, 0, 1]
    assert result.records["has_children"].tolist() == ["yes", "no", "yes", "yes"]  # filled from the count


def test_na_cells_are_not_recorded():
    result = read("na-cells.xlsx")
    assert account(result) == (4, 4, 0, 0)
    assert result.records["mental_health"].tolist()[0] == "not recorded"
    assert result.records["sex"].tolist()[1] == "not recorded"
    assert issues(result) == []


@pytest.mark.parametrize("encoding", [None, "cp1252"])
def test_windows_1252_csv(encoding):
    result = read("cp1252.csv", encoding=encoding)
    assert account(result) == (4, 4, 0, 0)


def test_repeated_header_is_set_aside():
    result = read("repeated-header.csv")
    assert account(result) == (5, 4, 0, 1)
    assert issues(result) == [("set aside", "4", "", "header row repeated")]


def test_bad_cells_are_warned_or_rejected_by_field_rule():
    result = read("bad-cells.csv")
    assert account(result) == (5, 3, 2, 0)
    assert issues(result) == [
        (
            "warning",
            "2",
            'E "Gender"',
            '"Q" is not one of the allowed codes (female, male, other); set to not recorded',
        ),
        ("warning", "3", 'D "DOB"', "date of birth is before 1900; set to not recorded"),
        ("rejected", "4", 'F "Referral date"', "referral date is after 01/01/2024"),
        ("rejected", "5", 'F "Referral date"', "referral date is blank; it is required"),
        ("warning", "6", 'G "MH"', '"Maybe" is not a yes/no code; set to not recorded'),
    ]
    assert result.records["sex"].tolist() == ["not recorded", "female", "female"]
    assert result.records["age_band"].tolist() == ["25-34", "not recorded", "55-64"]
    assert result.reconciliation.files[0].cells_not_recorded == 3


@pytest.mark.parametrize("sheet", ["Victims", 1, "1", "victims"])
def test_sheets_by_name_or_number(sheet):
    result = read("sheets.xlsx", sheet=sheet)
    assert result.records["source_sheet"].unique().tolist() == ["Victims"]
    assert account(result) == (4, 4, 0, 0)


def test_perpetrator_sheet():
    result = read("sheets.xlsx", sheet="Perpetrators", record_type=RecordType.PERPETRATOR)
    assert result.records["record_type"].tolist() == ["perpetrator"]
    assert result.records["sex"].tolist() == ["male"]
    assert "perpetrator_sex" not in result.records


def _message(name: str, **changes) -> str:
    with pytest.raises(InputError) as caught:
        read(name, **changes)
    return str(caught.value)


def test_no_header_row():
    assert _message("no-header-row.csv") == (
        "no-header-row.csv: no header row found in the first 40 rows (no row has 2 or more recognised column "
        "names); set header_row in the mapping"
    )


def test_no_referral_date_column():
    assert _message("no-referral-date.csv") == (
        "no-referral-date.csv: no column maps to referral_date, which is required; add it under [columns] in "
        'the mapping (e.g. "Date referred" = "referral_date")'
    )


def test_two_columns_for_one_field():
    assert _message("duplicate-field.csv") == (
        'duplicate-field.csv: columns "Gender" and "Sex" both map to sex; map one of them to "ignore"'
    )
    result = read("duplicate-field.csv", columns={"Sex": "ignore"})
    assert account(result) == (4, 4, 0, 0)


def test_mapping_names_a_missing_column_and_misuses_an_identifier():
    message = _message("clean.csv", columns={"Gendre": "sex", "Surname": "ethnic_group"})
    assert message.splitlines() == [
        'clean.csv: the mapping names column "Gendre", which is not in the header row; the columns are '
        '"Client ref", "Forename", "Surname", "DOB", "Gender", "Referral date", "MH", "Any children?"',
        'clean.csv, column "Surname": this column looks like an identifier (surname) '
        "but the mapping sends it "
        'to ethnic_group; map it to an identifier field or "ignore"',
    ]


def test_header_row_past_the_end():
    assert _message("clean.csv", header_row=99) == "clean.csv: header_row is 99 but the sheet has 5 rows"


def test_missing_sheet():
    assert _message("sheets.xlsx", sheet="Nope") == (
        'sheets.xlsx: no sheet "Nope"; the sheets are "Clients", "Victims", "Perpetrators"'
    )


def test_identifiers_without_a_secret():
    with pytest.raises(SecretError) as caught:
        read_agency(default_mapping(DATA / "clean.csv"), None, as_of=AS_OF)
    assert str(caught.value) == (
        'clean.csv has identifying columns ("Client ref", "Forename", "Surname", "DOB") but no secret to '
        "pseudonymise them; set NEEDSASSESS_SECRET or give a secret file (--secret-file, or secret_file under [clients])"
    )


def test_no_secret_is_needed_without_identifiers():
    mapping = default_mapping(DATA / "clean.csv")
    mapping.columns = {"Client ref": "ignore", "Forename": "ignore", "Surname": "ignore", "DOB": "ignore"}
    result = read_agency(mapping, None, as_of=AS_OF)
    assert result.records["key_basis"].unique().tolist() == ["row"]
    assert result.records["client_key"].tolist() == ["clean#2", "clean#3", "clean#4", "clean#5"]


# --- the header finder, as a property -------------------------------------------------------------

VICTIM = header_index(RecordType.VICTIM)
KNOWN_HEADERS = sorted(
    {h for f, hs in syn.HEADER_SYNONYMS.items() for h in hs if f != "referral_date" and VICTIM.match(h)}
)
CODES = ["Y", "N", "Yes", "No", "F", "M", "Unknown", "", "2", "High", "Ex-partner", 3.0, dt.date(2015, 5, 1)]
TITLES = ["Northmere outreach return", "OFFICIAL-SENSITIVE", "Q1-Q4 2015/16", "Prepared by: data team", "v2"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*TITLES, None]), max_size=12),
    st.lists(st.sampled_from(KNOWN_HEADERS), min_size=1, max_size=8, unique=True),
    st.integers(0, 3),
    st.lists(st.lists(st.sampled_from(CODES), min_size=9, max_size=9), min_size=1, max_size=6),
)
def test_header_row_is_found_under_any_title_rows(titles, headers, blank_columns, data):
    headers = ["Referral date", *headers]
    fields = {VICTIM.match(h).field for h in headers}
    headers = list(dict.fromkeys(headers))
    if len(fields) != len(headers):  # two synonyms of one field would (rightly) be an error
        return
    pad = [""] * blank_columns
    rows = [[t] if t else [] for t in titles]
    rows.append(pad + headers)
    rows += [pad + [dt.date(2015, 6, 1), *r[: len(headers) - 1]] for r in data]
    grid = Grid(Path("property.xlsx"), "Sheet1", rows)
    layout = locate_table(grid, AgencyMapping("p", Path("property.xlsx")))
    assert layout.header_row == len(titles) + 1
    mapped = {c.name: c.field for c in layout.columns if c.field}
    assert mapped == {h: VICTIM.match(h).field for h in headers}


def test_xlsm_reads_like_xlsx(tmp_path):
    import shutil

    path = tmp_path / "clean.xlsm"
    shutil.copy(DATA / "clean.xlsx", path)
    result = read_agency(default_mapping(path), SECRET, as_of=AS_OF)
    assert account(result) == (4, 4, 0, 0)
