"""The sample Northmere agency files merge with the committed mappings alone; every row is accounted for."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from needsassess.clients.agencies import merge_agencies, plan_agencies
from needsassess.clients.merge import Secret

ROOT = Path(__file__).resolve().parents[1]
AGENCIES = ROOT / "samples" / "northmere" / "agencies"
MAPPINGS = [AGENCIES / f"{name}.toml" for name in ("outreach", "idva", "refuge", "marac")]
AS_OF = dt.date(2016, 4, 30)  # the extracts were taken in April 2016
SECRET = Secret(b"northmere sample secret, not for real use", "test")


@pytest.fixture(scope="module")
def result():
    return merge_agencies(plan_agencies([], MAPPINGS), SECRET, as_of=AS_OF)


def test_reconciliation_adds_up_file_by_file(result):
    rows = [
        (f.agency, f.file, f.sheet, f.header_row, f.rows_read, f.rows_used, f.rows_rejected, f.rows_set_aside)
        for f in result.reconciliation.files
    ]
    assert rows == [
        ("Outreach", "outreach.xlsx", "Clients 2015-16", 5, 725, 719, 2, 4),
        ("IDVA", "idva.csv", None, 1, 494, 493, 1, 0),
        ("Refuge", "refuge.ods", "Referrals", 4, 284, 284, 0, 0),
        ("MARAC", "marac.xls", "Cases", 3, 360, 359, 0, 1),
        ("MARAC", "marac.xls", "Perpetrators", 1, 359, 359, 0, 0),
    ]
    for f in result.reconciliation.files:
        assert f.rows_read == f.rows_used + f.rows_rejected + f.rows_set_aside
    assert len(result.clients) == sum(f.rows_used for f in result.reconciliation.files)


def test_only_the_planted_defects_are_reported(result):
    found = [(i.file, i.outcome.value, i.reason.split(";")[0]) for i in result.reconciliation.issues]
    assert found == [
        ("outreach.xlsx", "set aside", "blank row"),
        ("outreach.xlsx", "rejected", "referral date is blank"),
        ("outreach.xlsx", "rejected", "referral date is after 30/04/2016"),
        (
            "outreach.xlsx",
            "warning",
            "date of birth is not a date (expected day/month/year or an Excel date)",
        ),
        ("outreach.xlsx", "warning", '"FM" is not one of the allowed codes (female, male, other)'),
        ("outreach.xlsx", "set aside", "totals row"),
        ("outreach.xlsx", "set aside", "blank row"),
        ("outreach.xlsx", "set aside", "note below the table"),
        ("idva.csv", "warning", '"Critical" is not one of the allowed codes (standard, medium, high)'),
        ("idva.csv", "rejected", "referral date is blank"),
        (
            "refuge.ods",
            "warning",
            '"Waiting list" is not one of the allowed codes (supported, unable_to_support)',
        ),
        ("marac.xls", "set aside", "totals row"),
    ]


def test_people_overlap_across_agencies(result):
    victims = result.overlap.by_count[result.overlap.by_count["record_type"] == "victim"]
    known = dict(zip(victims["agencies_known_to"], victims["people"], strict=True))
    assert known["2"] > 200 and known["3+"] > 50
    people = result.people.set_index(["record_type", "agency"])
    assert (
        people.loc[("victim", "MARAC"), "repeat_referrals"]
        > 0.15 * people.loc[("victim", "MARAC"), "referrals"]
    )
    assert (result.clients["key_basis"] == "name+dob").mean() > 0.95


def test_rates_look_like_a_real_needs_profile(result):
    victims = result.clients[result.clients["record_type"] == "victim"]

    def share(column: str, value: str = "yes") -> float:
        recorded = victims[column][victims[column].notna() & (victims[column] != "not recorded")]
        return (recorded == value).mean()

    assert 0.65 < share("has_children") < 0.8
    assert 0.25 < share("mental_health") < 0.35
    assert 0.75 < share("jealous_controlling") < 0.9
    assert 0.8 < share("perpetrator_sex", "male") < 0.95
    refuge = victims[victims["agency"] == "Refuge"]
    assert set(refuge["accommodation_type"]) == {"refuge", "dispersed", "sanctuary", "second_stage"}
    assert set(refuge["referral_outcome"]) == {"supported", "unable_to_support", "not recorded"}


def test_generator_is_deterministic(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "generate_agencies", ROOT / "samples" / "generate_agencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "generate_agencies", module)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    assert (tmp_path / "idva.csv").read_bytes() == (AGENCIES / "idva.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "idva.csv",
        "marac.xls",
        "outreach.xlsx",
        "refuge.ods",
    ]
