"""Pseudonymous person keys, de-duplication within and across agencies, the overlap table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from needsassess.clients.agencies import AgencyFilesError, merge_agencies, plan_agencies
from needsassess.clients.mapping import default_mapping
from needsassess.clients.merge import (
    KeyInputs,
    Secret,
    SecretError,
    agency_overlap,
    count_people,
    load_secret,
    person_keys,
)

DATA = Path(__file__).parent / "data" / "agencies"
SECRET = Secret(b"a test secret, not a real one", "test")
AS_OF = dt.date(2024, 1, 1)


def keys_for(people: list[tuple[str, str, str]], secret: Secret = SECRET, agency: str = "A") -> list[str]:
    arrays = [np.array(col, dtype=object) for col in zip(*people, strict=True)]
    inputs = KeyInputs(arrays[0], arrays[1], arrays[2], np.full(len(people), "", dtype=object))
    keys, _ = person_keys(inputs, agency, secret, np.arange(2, 2 + len(people)))
    return list(keys)


def test_spelling_variants_share_a_key():
    a, b, c, d = keys_for(
        [
            ("Joanne", "Smith", "1985-03-12"),
            ("Jo", "Smyth", "1985-03-12"),
            ("JOANNE", "smith", "1985-03-12"),
            ("Joanne", "Smith", "1985-03-13"),
        ]
    )
    assert a == b == c
    assert a != d


def test_the_same_person_has_the_same_key_in_every_agency():
    assert keys_for([("Jane", "Smith", "1985-03-12")], agency="Outreach") == keys_for(
        [("Jane", "Smith", "1985-03-12")], agency="IDVA"
    )


def test_keys_depend_on_the_secret_and_reveal_nothing():
    person = [("Jane", "Smith", "1985-03-12")]
    one = keys_for(person)[0]
    other = keys_for(person, Secret(b"another secret, also not real", "test"))[0]
    assert one != other
    assert len(one) == 16 and all(c in "0123456789abcdef" for c in one)
    for text in ("jane", "smith", "s530", "1985"):
        assert text not in one.lower()
    assert "test secret" not in repr(SECRET)


@given(st.text(max_size=12), st.text(max_size=12), st.dates(dt.date(1900, 1, 1), dt.date(2020, 1, 1)))
def test_keys_are_stable_and_fixed_length(first, surname, born):
    first_key = keys_for([(first, surname, born.isoformat())])
    assert first_key == keys_for([(first, surname, born.isoformat())])


def test_fallback_to_agency_reference_then_row():
    inputs = KeyInputs(
        np.array(["Jane", "", ""], dtype=object),
        np.array(["Smith", "", ""], dtype=object),
        np.array(["", "", ""], dtype=object),
        np.array(["R1", "R1", ""], dtype=object),
    )
    keys, basis = person_keys(inputs, "Refuge", SECRET, np.array([2, 3, 4]))
    assert list(basis) == ["agency ref", "agency ref", "row"]
    assert keys[0] == keys[1]
    assert keys[2] == "Refuge#4"


def test_load_secret(tmp_path):
    assert load_secret(None, {}) is None
    assert repr(load_secret(None, {"NEEDSASSESS_SECRET": "x" * 20})) == "Secret(from NEEDSASSESS_SECRET)"
    path = tmp_path / "secret.txt"
    path.write_text("y" * 20 + "\n", encoding="utf-8")
    assert repr(load_secret(path, {"NEEDSASSESS_SECRET": "x" * 20})) == "Secret(from file secret.txt)"
    with pytest.raises(SecretError) as caught:
        load_secret(None, {"NEEDSASSESS_SECRET": "short"})
    assert str(caught.value) == (
        "the secret in NEEDSASSESS_SECRET is 5 characters; use at least 16 "
        "(a short secret could be guessed, and with it every person key)"
    )
    with pytest.raises(SecretError, match="^secret file not found: "):
        load_secret(tmp_path / "missing.txt", {})


def _records(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"record_type": "victim", "agency": [a for a, _ in rows], "client_key": [k for _, k in rows]}
    )


def test_people_and_overlap():
    records = _records(
        [
            ("Outreach", "p1"),
            ("Outreach", "p1"),
            ("Outreach", "p2"),
            ("IDVA", "p1"),
            ("IDVA", "p3"),
            ("Refuge", "p1"),
            ("Refuge", "p3"),
            ("Refuge", "p4"),
        ]
    )
    people = count_people(records)
    assert people.to_dict("records") == [
        {"record_type": "victim", "agency": "Outreach", "referrals": 3, "people": 2, "repeat_referrals": 1},
        {"record_type": "victim", "agency": "IDVA", "referrals": 2, "people": 2, "repeat_referrals": 0},
        {"record_type": "victim", "agency": "Refuge", "referrals": 3, "people": 3, "repeat_referrals": 0},
        {
            "record_type": "victim",
            "agency": "All agencies",
            "referrals": 8,
            "people": 4,
            "repeat_referrals": 1,
        },
    ]
    overlap = agency_overlap(records)
    assert overlap.by_count["people"].tolist() == [2, 1, 1]  # p2, p4 | p3 | p1
    assert overlap.pairs.to_dict("records") == [
        {"record_type": "victim", "agency_a": "Outreach", "agency_b": "IDVA", "people": 1},
        {"record_type": "victim", "agency_a": "Outreach", "agency_b": "Refuge", "people": 1},
        {"record_type": "victim", "agency_a": "IDVA", "agency_b": "Refuge", "people": 2},
    ]


def test_the_same_people_in_two_files_are_matched():
    plan = [default_mapping(DATA / "clean.csv"), default_mapping(DATA / "clean.xlsx")]
    plan[1].name = "Other"
    result = merge_agencies(plan, SECRET, as_of=AS_OF)
    assert result.reconciliation.adds_up
    assert result.clients["agencies_known_to"].tolist() == [2] * 8
    assert result.overlap.by_count["people"].tolist() == [0, 4, 0]
    assert result.clients["referral_number"].tolist() == [1] * 8


def test_repeat_referrals_are_numbered_by_date():
    result = merge_agencies([default_mapping(DATA / "repeated-header.csv")], SECRET, as_of=AS_OF)
    assert result.clients["referral_number"].tolist() == [1, 1, 1, 1]
    twice = merge_agencies(
        [default_mapping(DATA / "clean.csv"), default_mapping(DATA / "cp1252.csv")], SECRET, as_of=AS_OF
    )
    # cp1252.csv spells two names differently ("Zoë" for Jane, "O’Brien" for Jones): those are other people.
    assert sorted(twice.clients["agencies_known_to"].tolist()) == [1, 1, 1, 1, 2, 2, 2, 2]


def test_problems_in_several_files_are_reported_together():
    plan = plan_agencies([DATA / "no-header-row.csv", DATA / "clean.csv", DATA / "duplicate-field.csv"])
    with pytest.raises(AgencyFilesError) as caught:
        merge_agencies(plan, SECRET, as_of=AS_OF)
    assert str(caught.value).splitlines() == [
        "no-header-row.csv: no header row found in the first 40 rows (no row has 2 or more recognised column "
        "names); set header_row in the mapping",
        'duplicate-field.csv: columns "Gender" and "Sex" both map to sex; map one of them to "ignore"',
    ]


def test_plan_pairs_files_with_mappings(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'name = "Outreach"\nfile = "elsewhere/clean.csv"\nservice_type = "outreach"\n', "utf-8"
    )
    plan = plan_agencies([DATA / "clean.csv", DATA / "clean.xlsx"], [mapping])
    assert [(m.name, m.file.name, m.service_type) for m in plan] == [
        ("Outreach", "clean.csv", "outreach"),
        ("clean", "clean.xlsx", None),
    ]
    assert [m.name for m in plan_agencies([], [mapping])] == ["Outreach"]


def test_referral_numbers_follow_dates_within_each_agency():
    from needsassess.clients.merge import number_referrals

    records = pd.DataFrame(
        {
            "record_type": ["victim"] * 5 + ["perpetrator"],
            "agency": ["A", "A", "B", "A", "B", "A"],
            "client_key": ["p1", "p1", "p1", "p2", "p1", "p1"],
            "referral_date": pd.to_datetime(
                ["2015-09-01", "2015-05-01", "2015-06-01", "2015-05-01", "2015-04-01", "2015-01-01"]
            ),
            "source_file": "f.csv",
            "source_row": [2, 3, 4, 5, 6, 7],
        }
    )
    numbered = number_referrals(records)
    assert numbered["referral_number"].tolist() == [2, 1, 2, 1, 1, 1]
    assert numbered["agencies_known_to"].tolist() == [2, 2, 2, 1, 2, 1]
