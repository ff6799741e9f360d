"""The Victims, Perpetrators and Safe accommodation sheets, read back from the workbook as a user sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE
from openpyxl import load_workbook

from needsassess.assessment import Assessment
from needsassess.clients.agencies import AgencyResult
from needsassess.clients.merge import agency_overlap, count_people
from needsassess.clients.reconciliation import Reconciliation
from needsassess.config import load_config
from needsassess.pipeline import run_assessment, write_workbook_file
from needsassess.population.stage import population_stage
from needsassess.profile.stage import profile_stage

NR = "not recorded"


def read_table(path: Path, sheet: str, name: str) -> pd.DataFrame:
    """An Excel table of the workbook as a frame of cell values (header from its first row)."""
    ws = load_workbook(path)[sheet]
    ref = ws.tables[name].ref
    rows = [[c.value for c in row] for row in ws[ref]]
    return pd.DataFrame(rows[1:], columns=rows[0])


def sheet_text(path: Path, sheet: str) -> str:
    ws = load_workbook(path)[sheet]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target / "assessment.toml"


def small_service() -> pd.DataFrame:
    """Twenty clients of one outreach service; three of them with a mental health need."""
    n = 20
    frame = pd.DataFrame(
        {
            "client_key": [f"k{i:02d}" for i in range(n)],
            "record_type": "victim",
            "agency": "Outreach",
            "service_type": "outreach",
            "referral_date": pd.date_range("2015-04-01", periods=n, freq="7D"),
            "sex": ["female"] * 16 + ["male"] * 4,
            "age": [30] * n,
            "mental_health": ["yes"] * 3 + ["no"] * 15 + [NR] * 2,
            "has_children": ["yes"] * 14 + ["no"] * 6,
            "jealous_controlling": ["yes"] * 17 + ["no"] * 3,
            "abuse_duration_months": [36.0] * 10 + [None] * 10,
        }
    )
    return frame


def agency_result(clients: pd.DataFrame) -> AgencyResult:
    return AgencyResult(clients, Reconciliation(), count_people(clients), agency_overlap(clients))


def workbook_for(config_path: Path, clients: pd.DataFrame, tmp_path: Path) -> tuple[Assessment, Path]:
    config = load_config(config_path)
    assessment = run_assessment(config, stages=[population_stage])
    assessment.agencies = agency_result(clients)  # what the Agencies stage leaves for the Profile stage
    profile_stage(assessment)
    path = write_workbook_file(assessment, tmp_path / "out.xlsx")
    return assessment, path


def test_a_group_of_three_shows_fewer_than_five_and_its_share_is_hidden(
    config_path: Path, tmp_path: Path
) -> None:
    _, path = workbook_for(config_path, small_service(), tmp_path)
    needs = read_table(path, "Victims", "victims_needs")
    mental = needs[(needs["Characteristic"] == "Mental health") & (needs["Counted"] == "people")].iloc[0]
    assert mental["Count"] == "<5"
    assert mental["Share of base (%)"] == "*"
    # Two not recorded are hidden too; then the base (18 = 20 - 2) must go, or it would give them away
    assert mental["Not recorded"] == "<5"
    assert mental["Base (recorded)"] == "*"
    children = needs[(needs["Characteristic"] == "Has children") & (needs["Counted"] == "people")].iloc[0]
    assert (children["Count"], children["Base (recorded)"], children["Share of base (%)"]) == (14, 20, 70.0)
    demographics = read_table(path, "Victims", "victims_demographics")
    men = demographics[(demographics["Value"] == "Male") & (demographics["Counted"] == "people")].iloc[0]
    assert men["Count"] == "<5" and men["Share of base (%)"] == "*"


def test_the_cover_names_the_preset_and_the_notes_log_each_hidden_cell(
    config_path: Path, tmp_path: Path
) -> None:
    assessment, path = workbook_for(config_path, small_service(), tmp_path)
    cover = sheet_text(path, "Cover")
    assert 'preset "lt5": counts of 1 to 4 are shown as "<5"' in cover
    assert f"{len(assessment.suppression_log):,} cells are hidden" in cover
    log = read_table(path, "Notes", "suppression_log")
    assert list(log.columns) == ["Table", "Row", "Column", "Kind", "Rule"]
    row = log[(log["Table"] == "Needs of victims") & (log["Row"] == "All agencies, people: Mental health")]
    assert set(zip(row["Column"], row["Kind"], row["Rule"], strict=True)) >= {
        ("Count", "primary", "primary: 1-4"),
        ("Share of base (%)", "share", "share of suppressed count"),
        ("Not recorded", "primary", "primary: 1-4"),
    }
    assert len(log) == len(assessment.suppression_log)
    assert "This worksheet contains 2 tables" in sheet_text(path, "Notes")


def test_every_published_count_is_outside_1_to_4(config_path: Path, tmp_path: Path) -> None:
    _, path = workbook_for(config_path, small_service(), tmp_path)
    wb = load_workbook(path)
    for sheet in ("Victims",):
        ws = wb[sheet]
        for name in ws.tables:
            table = read_table(path, sheet, name)
            for column in table.columns:
                if "%" in str(column) or "Mean" in str(column) or "Median" in str(column):
                    continue
                for v in table[column]:
                    assert not (isinstance(v, int | float) and 1 <= v <= 4), (name, column, v)


def test_the_nhsd_preset_rounds_to_fives(config_path: Path, tmp_path: Path) -> None:
    text = config_path.read_text().replace('preset = "lt5"', 'preset = "nhsd"')
    config_path.write_text(text)
    assessment, path = workbook_for(config_path, small_service(), tmp_path)
    assert assessment.published_profile.rule.name == "nhsd"
    needs = read_table(path, "Victims", "victims_needs")
    children = needs[(needs["Characteristic"] == "Has children") & (needs["Counted"] == "people")].iloc[0]
    assert (children["Count"], children["Base (recorded)"], children["Share of base (%)"]) == (15, 20, 75.0)
    mental = needs[(needs["Characteristic"] == "Mental health") & (needs["Counted"] == "people")].iloc[0]
    assert (mental["Count"], mental["Share of base (%)"]) == ("*", "*")
    assert 'preset "nhsd"' in sheet_text(path, "Cover")


def test_an_unknown_preset_is_a_config_error(config_path: Path, tmp_path: Path) -> None:
    config_path.write_text(config_path.read_text().replace('preset = "lt5"', 'preset = "lt3"'))
    from needsassess.errors import ConfigError

    with pytest.raises(
        ConfigError, match=r'\[disclosure\] no disclosure preset "lt3". Available: lt5, nhsd, ons10'
    ):
        workbook_for(config_path, small_service(), tmp_path)


def test_charts_of_needs_and_abuse_types(config_path: Path, tmp_path: Path) -> None:
    _, path = workbook_for(config_path, small_service(), tmp_path)
    ws = load_workbook(path)["Victims"]
    assert len(ws._charts) == 2  # needs, abuse types (openpyxl keeps charts it reads)


def test_no_clients_no_profile_sheets(config_path: Path, tmp_path: Path) -> None:
    config = load_config(config_path)
    assessment = run_assessment(config, stages=[population_stage, profile_stage])
    path = write_workbook_file(assessment, tmp_path / "out.xlsx")
    names = load_workbook(path).sheetnames
    assert not {"Victims", "Perpetrators", "Safe accommodation"} & set(names)
