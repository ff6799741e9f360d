"""Fast paths added for large inputs give exactly what the general code gives."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

import needsassess.clients.values as values
from needsassess.clients.merge import Secret

TODAY = dt.date(2016, 3, 31)
MONTHS = ["jan", "Apr", "SEP", "Sept", "May", "xyz", "dec"]


@given(
    day=st.integers(0, 35),
    month=st.one_of(
        st.integers(0, 14).map(str), st.integers(0, 14).map("{:02d}".format), st.sampled_from(MONTHS)
    ),
    year=st.one_of(st.integers(0, 99).map("{:02d}".format), st.integers(0, 9999).map("{:04d}".format)),
    sep=st.sampled_from(["/", "-", ".", " "]),
    pad=st.booleans(),
    past=st.booleans(),
)
def test_quick_dates_equal_the_strptime_formats(
    *, day: int, month: str, year: str, sep: str, pad: bool, past: bool
) -> None:
    text = f"{day:02d}" if pad else str(day)
    text = f"{text}{sep}{month}{sep}{year}"
    quick = values._quick_date(text, past, TODAY)
    original = values._quick_date
    try:
        values._quick_date = lambda *args: None  # the general path alone
        slow = values.parse_date(text, past, TODAY)
    finally:
        values._quick_date = original
    if quick is not None:
        assert quick == slow
    assert values.parse_date(text, past, TODAY) == slow


def test_quick_dates_of_the_common_shapes() -> None:
    assert values._quick_date("03/04/2023", False, TODAY) == dt.date(2023, 4, 3)
    assert values._quick_date("12/10/55", True, TODAY) == dt.date(1955, 10, 12)
    assert values._quick_date("01-Apr-15", False, TODAY) == dt.date(2015, 4, 1)
    assert values._quick_date("31/02/2015", False, TODAY) is None  # left to the general path


def test_keyed_hmac_copy_gives_the_same_digest() -> None:
    secret = Secret(b"a-secret-of-sixteen-or-more", "test")
    for message in ("v1|a|S530|1980-01-02", "", "v1|ref|idva|id-1"):
        expected = hmac.new(b"a-secret-of-sixteen-or-more", message.encode(), hashlib.sha256).hexdigest()
        assert secret.digest(message) == expected[: len(secret.digest(message))]
    assert secret.digest("x") == secret.digest("x")


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path, monkeypatch) -> None:
    import sys

    import pandas as pd
    import pytest

    from needsassess.errors import OutputError
    from needsassess.report.clients import write_merged

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed
    with pytest.raises(OutputError) as err:
        write_merged(pd.DataFrame({"agency": ["a"]}), tmp_path / "clients.parquet")
    assert str(err.value) == (
        'cannot write "clients.parquet": parquet needs pyarrow; install it with '
        'pip install "needsassess[parquet]", or write the merged table as .csv'
    )
    assert not (tmp_path / "clients.parquet").exists()


def test_merged_parquet_reads_back_smaller_than_csv(tmp_path) -> None:
    import pandas as pd

    from needsassess.report.clients import write_merged

    frame = pd.DataFrame(
        {
            "agency": ["outreach", "idva"] * 500,
            "referral_date": pd.to_datetime(["2015-04-01", "2015-05-02"] * 500),
            "client_key": [f"{i:016x}" for i in range(1000)],
        }
    )
    write_merged(frame, tmp_path / "m.parquet")
    write_merged(frame, tmp_path / "m.csv")
    back = pd.read_parquet(tmp_path / "m.parquet")
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert (tmp_path / "m.parquet").stat().st_size < (tmp_path / "m.csv").stat().st_size


def test_prefetched_sheets_are_the_grids_read_grid_gives(tmp_path) -> None:
    from openpyxl import Workbook

    from needsassess import tables

    path = tmp_path / "extract.xlsx"
    book = Workbook()
    book.active.title = "First"
    book.active.append(["not this one"])
    sheet = book.create_sheet("DA Incidents")
    sheet.append(["Title row"])
    sheet.append(["Date", "Victim ref", "Crime?"])
    sheet.append([dt.date(2015, 4, 2), "V1", "Y"])
    book.save(path)
    plain = tables.read_grid(path, "DA Incidents")
    with tables.prefetch([(path, "DA Incidents"), (tmp_path / "missing.xlsx", None)]):
        fetched = tables.read_grid(tmp_path / "." / "extract.xlsx", "DA Incidents")  # the same file
        assert not tables._PREFETCHED  # handed over once, not kept
        again = tables.read_grid(path, "DA Incidents")  # read afresh
    assert fetched.rows == plain.rows == again.rows and fetched.sheet == "DA Incidents"
    assert not tables._PREFETCHED


def test_a_prefetched_sheet_that_cannot_be_read_fails_where_it_is_used(tmp_path) -> None:
    import pytest

    from needsassess import tables
    from needsassess.errors import InputError

    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with tables.prefetch([(path, None)]):
        with pytest.raises(InputError, match="cannot open as a spreadsheet"):
            tables.read_grid(path)
    assert not tables._PREFETCHED
