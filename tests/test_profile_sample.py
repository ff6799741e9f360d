"""The sample agency files, profiled as a user would: every share in the workbook equals a hand count.

`needsassess profile ... --merged clients.csv --summary profile.xlsx` is run once; the hand counts are
made here from the merged csv with plain pandas, independently of needsassess.profile, and
compared with every visible count, base, not recorded and share of the published workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from needsassess.cli import app

ROOT = Path(__file__).resolve().parents[1]
AGENCIES = ROOT / "samples" / "northmere" / "agencies"
MAPPINGS = [AGENCIES / f"{name}.toml" for name in ("outreach", "idva", "refuge", "marac")]
SECRET = "northmere sample secret, not for real use"

NEEDS = {
    "has_children": "Has children",
    "mental_health": "Mental health",
    "substance_misuse": "Substance misuse (alcohol or drugs)",
    "alcohol_misuse": "Alcohol misuse",
    "drug_misuse": "Drug misuse",
    "financial_problems": "Financial problems",
    "housing_need": "Housing need",
}
ABUSE = {
    "jealous_controlling": "Jealous and controlling behaviour",
    "harassment_stalking": "Harassment and stalking",
    "physical": "Physical abuse",
    "sexual": "Sexual abuse",
    "emotional": "Emotional abuse",
    "financial": "Financial abuse",
}
OUTCOMES = {
    "abuse_reduced": "Abuse stopped or reduced",
    "feels_safer": "Feels safer",
    "quality_of_life_improved": "Quality of life improved",
}
PERPETRATOR = {
    "alcohol_misuse": "Alcohol misuse",
    "drug_misuse": "Drug misuse",
    "mental_health": "Mental health",
    "financial_problems": "Financial problems",
    "previous_da_record": "Previous domestic abuse record",
    "repeat_offender": "Repeat domestic abuse perpetrator",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path, str]:
    out = tmp_path_factory.mktemp("sample")
    args = ["profile", *[a for m in MAPPINGS for a in ("-m", str(m))], "--as-of", "2016-04-30"]
    args += ["--merged", str(out / "clients.csv"), "--summary", str(out / "profile.xlsx")]
    result = CliRunner().invoke(app, args, env={"NEEDSASSESS_SECRET": SECRET}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    merged = pd.read_csv(out / "clients.csv", dtype=str, keep_default_na=False)
    return merged, out / "profile.xlsx", result.output


def table(path: Path, sheet: str, name: str) -> pd.DataFrame:
    ws = load_workbook(path)[sheet]
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return pd.DataFrame(rows[1:], columns=rows[0])


def hand_flag(
    merged: pd.DataFrame,
    record_type: str,
    field: str,
    agency: str | None,
    people: bool,
    at_exit: bool = False,
):
    """(yes, recorded, not recorded) counted by hand: a person is yes if any of their rows says yes; for
    outcomes at exit, what their latest row that records it says."""
    rows = merged[merged["record_type"] == record_type]
    if agency is not None:
        rows = rows[rows["agency"] == agency]
    if people and at_exit:
        rows = rows.assign(order=pd.to_datetime(rows["referral_date"]))
        rows = rows.sort_values(["order", "referral_number", "source_row"], kind="stable")
        recorded = rows[rows[field].isin(["yes", "no"])].groupby("client_key")[field].last()
        values = recorded.reindex(rows["client_key"].unique()).fillna("?")
    elif people:
        values = rows.groupby("client_key")[field].agg(
            lambda s: "yes" if (s == "yes").any() else ("no" if (s == "no").any() else "?")
        )
    else:
        values = rows[field]
    yes, no = int((values == "yes").sum()), int((values == "no").sum())
    return yes, yes + no, len(values) - yes - no


def check_flags(
    merged: pd.DataFrame,
    published: pd.DataFrame,
    fields: dict[str, str],
    record_type: str = "victim",
    at_exit: bool = False,
) -> int:
    """Compare every visible figure of the flag rows; return how many shares were compared."""
    compared = 0
    for _, row in published.iterrows():
        field = next((f for f, label in fields.items() if label == row["Characteristic"]), None)
        if field is None:
            continue
        agency = None if row["Agency"] == "All agencies" else row["Agency"]
        people = row["Counted"] == "people"
        yes, base, not_recorded = hand_flag(merged, record_type, field, agency, people, at_exit)
        where = (row["Agency"], row["Counted"], row["Characteristic"])
        for column, expected in (("Count", yes), ("Base (recorded)", base), ("Not recorded", not_recorded)):
            shown = row[column]
            if isinstance(shown, str):
                assert shown in ("<5", "*"), where
                assert shown == "*" or 1 <= expected <= 4, (where, column, expected)
            else:
                assert shown == expected, (where, column)
        share = row["Share of base (%)"]
        if isinstance(share, int | float):
            assert share == pytest.approx(round(100 * yes / base, 1), abs=1e-9), where
            compared += 1
        else:
            assert share in ("*", "[x]"), where
    return compared


def test_needs_shares_equal_hand_counts(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    merged, path, _ = outputs
    assert check_flags(merged, table(path, "Victims", "victims_needs"), NEEDS) > 40


def test_abuse_type_and_outcome_shares_equal_hand_counts(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    merged, path, _ = outputs
    assert check_flags(merged, table(path, "Victims", "victims_abuse_types"), ABUSE) > 30
    assert check_flags(merged, table(path, "Victims", "victims_outcomes"), OUTCOMES, at_exit=True) > 10


def test_perpetrator_shares_equal_hand_counts(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    merged, path, _ = outputs
    published = table(path, "Perpetrators", "perpetrators_needs")
    assert check_flags(merged, published, PERPETRATOR, "perpetrator") >= 6


def test_the_headline_figures_of_the_sample(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    """The sample was made to look like the Hartlepool strategy's profile (73% with children...)."""
    merged, path, _ = outputs
    needs = table(path, "Victims", "victims_needs")
    first = needs[(needs["Agency"] == "All agencies") & (needs["Counted"] == "people")]
    share = dict(zip(first["Characteristic"], first["Share of base (%)"], strict=True))
    yes, base, _ = hand_flag(merged, "victim", "has_children", None, True)
    assert share["Has children"] == round(100 * yes / base, 1)
    assert 65 <= share["Has children"] <= 80
    assert 25 <= share["Mental health"] <= 36


def test_sex_at_entry_equals_a_hand_count(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    merged, path, _ = outputs
    victims = merged[merged["record_type"] == "victim"].copy()
    victims["order"] = pd.to_datetime(victims["referral_date"])
    victims = victims.sort_values(["order", "referral_number", "source_row"], kind="stable")
    recorded = victims[victims["sex"].isin(["female", "male", "other"])]
    first = recorded.groupby("client_key")["sex"].first()
    people = victims["client_key"].nunique()
    demographics = table(path, "Victims", "victims_demographics")
    women = demographics[
        (demographics["Agency"] == "All agencies")
        & (demographics["Counted"] == "people")
        & (demographics["Characteristic"] == "Sex")
        & (demographics["Value"] == "Female")
    ].iloc[0]
    assert women["Count"] == int((first == "female").sum())
    assert women["Base (recorded)"] == len(first)
    assert women["Not recorded"] == people - len(first)
    assert women["Share of base (%)"] == round(100 * (first == "female").sum() / len(first), 1)


def test_length_of_abuse_equals_a_hand_count(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    merged, path, _ = outputs
    victims = merged[merged["record_type"] == "victim"].copy()
    victims["months"] = pd.to_numeric(victims["abuse_duration_months"], errors="coerce")
    victims["order"] = pd.to_datetime(victims["referral_date"])
    victims = victims.sort_values(["order", "referral_number", "source_row"], kind="stable")
    first = victims.dropna(subset=["months"]).groupby("client_key")["months"].first()
    duration = table(path, "Victims", "victims_abuse_duration")
    row = duration[(duration["Agency"] == "All agencies") & (duration["Counted"] == "people")].iloc[0]
    assert row["Recorded"] == len(first)
    assert row["Mean (years)"] == round(first.mean() / 12, 1)
    assert row["Median (months)"] == round(first.median(), 1)


def test_no_visible_count_in_the_workbook_is_between_1_and_4(outputs: tuple[pd.DataFrame, Path, str]) -> None:
    _, path, _ = outputs
    wb = load_workbook(path)
    checked = 0
    for sheet in ("Victims", "Perpetrators", "Safe accommodation"):
        for name in wb[sheet].tables:
            frame = table(path, sheet, name)
            for column in frame.columns:
                if any(word in str(column) for word in ("%", "Mean", "Median", "points")):
                    continue
                for v in frame[column]:
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        assert not 1 <= v <= 4, (sheet, name, column, v)
                        checked += 1
    assert checked > 1000


def test_the_part4_out_of_area_table_adds_up_to_supported_households(
    outputs: tuple[pd.DataFrame, Path, str],
) -> None:
    merged, path, _ = outputs
    refuge = merged[(merged["record_type"] == "victim") & (merged["service_type"] == "refuge")]
    supported = refuge[refuge["referral_outcome"] != "unable_to_support"]
    area = table(path, "Safe accommodation", "safe_out_of_area")
    total = area[area["Accommodation type"] == "Total"].iloc[0]
    assert total["Total"] == len(supported)
    assert total["From outside the area"] == int((supported["from_out_of_area"] == "yes").sum())


def test_the_terminal_shows_the_published_headline_and_the_suppression(
    outputs: tuple[pd.DataFrame, Path, str],
) -> None:
    _, _, output = outputs
    assert "Needs of victims (all agencies, people): has children" in output
    assert "Wrote" in output and "cells suppressed" in output


def test_the_summary_as_csv_holds_every_published_table_long(tmp_path: Path) -> None:
    args = ["profile", *[a for m in MAPPINGS for a in ("-m", str(m))], "--as-of", "2016-04-30"]
    args += ["--summary", str(tmp_path / "profile.csv"), "--disclosure", "ons10"]
    result = CliRunner().invoke(app, args, env={"NEEDSASSESS_SECRET": SECRET}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "preset ons10" in result.output
    frame = pd.read_csv(tmp_path / "profile.csv", dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == ["table", "title", "row", "column", "value"]
    assert {"victims_needs", "perpetrators_needs", "safe_people_supported"} <= set(frame["table"])
    counts = frame[frame["column"].isin(["Count", "Base (recorded)", "Not recorded"])]["value"]
    numbers = pd.to_numeric(counts, errors="coerce").dropna()
    assert not ((numbers >= 1) & (numbers <= 9)).any()
    assert (counts == "<10").any()
    row = frame[
        (frame["table"] == "victims_needs") & (frame["row"] == "All agencies | people | Has children")
    ]
    assert set(row["column"]) == {"Count", "Base (recorded)", "Not recorded", "Share of base (%)"}


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--summary", "profile.txt", "the summary must be an .xlsx or .csv file"),
        ("--disclosure", "lt3", 'no disclosure preset "lt3". Available: lt5, nhsd, ons10.'),
    ],
)
def test_bad_summary_options_are_named(tmp_path: Path, option: str, value: str, message: str) -> None:
    args = [
        "profile",
        "-m",
        str(MAPPINGS[0]),
        option,
        str(tmp_path / value) if option == "--summary" else value,
    ]
    result = CliRunner().invoke(app, args, env={"NEEDSASSESS_SECRET": SECRET})
    assert result.exit_code == 2
    assert f"Invalid value for {option}: {message}" in result.output
