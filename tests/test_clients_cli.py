"""The map, profile and template commands, through typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.clients.agencies import merge_agencies, plan_agencies
from needsassess.clients.merge import load_secret
from needsassess.clients.template import TEMPLATES

DATA = Path(__file__).parent / "data" / "agencies"
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "northmere" / "agencies"
ENV = {"NEEDSASSESS_SECRET": "a cli test secret, not real"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", ["map", "profile", "template"])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: needsassess" in result.output or "Example:" in result.output


def test_map_prints_toml(runner):
    result = runner.invoke(app, ["map", str(DATA / "title-rows.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0
    data = tomllib.loads(result.output)
    assert data["header_row"] == 4
    assert data["columns"] == {
        "Client ref": "client_ref",
        "Forename": "first_name",
        "Surname": "surname",
        "DOB": "date_of_birth",
        "Gender": "sex",
        "Referral date": "referral_date",
        "MH": "mental_health",
        "Any children?": "has_children",
    }


def test_map_writes_a_file_and_refuses_to_overwrite(runner, tmp_path):
    out = tmp_path / "m.toml"
    args = ["map", str(DATA / "sheets.xlsx"), "--sheet", "Perpetrators", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    data = tomllib.loads(out.read_text("utf-8"))
    assert (data["sheet"], data["record_type"]) == ("Perpetrators", "perpetrator")
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert again.output == f"Error: {out} already exists; use --force to overwrite it\n"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_map_reports_bad_input_without_a_traceback(runner):
    result = runner.invoke(app, ["map", str(DATA / "no-header-row.csv")])
    assert result.exit_code == 2
    assert result.output == (
        "Error: no-header-row.csv: no header row found in the first 40 rows (no row has 2 or more recognised "
        "column names); set header_row in the mapping\n"
    )
    result = runner.invoke(app, ["map", str(DATA / "nope.csv")])
    assert result.output.startswith("Error: nope.csv: file not found: ")


def test_profile_without_a_secret(runner):
    result = runner.invoke(app, ["profile", str(DATA / "clean.csv")], env={"NEEDSASSESS_SECRET": ""})
    assert result.exit_code == 2
    assert result.output == (
        'Error: clean.csv has identifying columns ("Client ref", "Forename", "Surname", "DOB") '
        "but no secret to "
        "pseudonymise them; set NEEDSASSESS_SECRET or give a secret file (--secret-file, or secret_file under [clients])\n"
    )


def test_profile_with_a_secret_file(runner, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("a secret from a file, long enough\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["profile", str(DATA / "clean.csv"), "--secret-file", str(secret)],
        env={"NEEDSASSESS_SECRET": ""},
    )
    assert result.exit_code == 0, result.output
    assert "Rows read = used + rejected + set aside" in result.output


def test_profile_needs_files_or_mappings(runner):
    result = runner.invoke(app, ["profile"], env=ENV)
    assert result.exit_code == 2
    assert "give agency files, or --mapping files that name them" in result.output


def test_profile_bad_as_of(runner):
    result = runner.invoke(app, ["profile", str(DATA / "clean.csv"), "--as-of", "31/03/2016"], env=ENV)
    assert result.exit_code == 2
    assert '"31/03/2016" is not a date like 2016-03-31' in result.output


def test_profile_samples_prints_what_the_core_computes(runner, tmp_path, monkeypatch):
    mappings = [SAMPLES / f"{n}.toml" for n in ("outreach", "idva", "refuge", "marac")]
    merged = tmp_path / "clients.csv"
    args = ["profile", "--as-of", "2016-04-30", "--merged", str(merged)]
    for m in mappings:
        args += ["-m", str(m)]
    result = runner.invoke(app, args, env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("NEEDSASSESS_SECRET", ENV["NEEDSASSESS_SECRET"])
    core = merge_agencies(plan_agencies([], mappings), load_secret(), as_of=dt.date(2016, 4, 30))
    printed = [[cell.strip() for cell in line.split("│")[1:-1]] for line in result.output.splitlines()]
    for f in core.reconciliation.files:
        numbers = [
            str(n) for n in (f.header_row, f.rows_read, f.rows_used, f.rows_rejected, f.rows_set_aside)
        ]
        assert [f.agency, f.file, f.sheet or "", *numbers, str(f.cells_not_recorded)] in printed
    assert f"Wrote {merged} ({len(core.clients)} rows, no identifiers)." in result.output.replace("\n", "")
    written = pd.read_csv(merged)
    assert written["client_key"].tolist() == core.clients["client_key"].tolist()
    assert written.columns.tolist() == core.clients.columns.tolist()
    again = runner.invoke(app, args, env=ENV)
    assert again.exit_code == 2 and "already exists; use --force to overwrite it" in again.output


def test_merged_table_formats(runner, tmp_path):
    bad = tmp_path / "clients.xlsx"
    result = runner.invoke(app, ["profile", str(DATA / "clean.csv"), "--merged", str(bad)], env=ENV)
    assert result.exit_code == 2
    assert result.output.endswith(
        'Error: cannot write "clients.xlsx": the merged table is written as .csv or .parquet\n'
    )
    parquet = tmp_path / "clients.parquet"
    assert (
        runner.invoke(app, ["profile", str(DATA / "clean.csv"), "--merged", str(parquet)], env=ENV).exit_code
        == 0
    )
    frame = pd.read_parquet(parquet)
    assert frame["sex"].tolist() == ["female", "female", "male", "female"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    from needsassess.report.clients import write_merged

    frame = pd.DataFrame(
        {
            "source_sheet": ['=HYPERLINK("x")', "@SUM(A1)", "plain"],
            "age": [-1, 2, 3],
            "referral_date": pd.to_datetime(["2015-04-01", "2015-04-02", "2015-04-03"]),
        }
    )
    path = write_merged(frame, tmp_path / "out.csv")
    assert path.read_text("utf-8-sig").splitlines() == [
        "source_sheet,age,referral_date",
        '"\'=HYPERLINK(""x"")",-1,2015-04-01',
        "'@SUM(A1),2,2015-04-02",
        "plain,3,2015-04-03",
    ]


def test_template_writes_workbooks_with_drop_downs(runner, tmp_path):
    result = runner.invoke(app, ["template", "-o", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.filename for t in TEMPLATES)
    wb = load_workbook(tmp_path / "safe-accommodation-data-return.xlsx")
    assert wb.sheetnames == ["Return", "Lists", "Notes"]
    ws = wb["Return"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Client reference", "First name", "Surname", "Date of birth", "Referral date"]
    assert "Accommodation type" in headers and "Reason unable to support" in headers
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    column = ws.cell(row=1, column=headers.index("Accommodation type") + 1).column_letter
    assert lists[column].startswith("Lists!$")
    allowed = [c.value for c in wb["Lists"]["A"]]
    assert allowed[0] == "sex" and "not recorded" in allowed
    again = runner.invoke(app, ["template", "-o", str(tmp_path)])
    assert again.exit_code == 2 and "already exists; use --force to overwrite it" in again.output


def test_a_filled_template_maps_with_no_configuration(runner, tmp_path):
    assert runner.invoke(app, ["template", "-o", str(tmp_path)]).exit_code == 0
    path = tmp_path / "victim-services-data-return.xlsx"
    wb = load_workbook(path)
    ws = wb["Return"]
    headers = [c.value for c in ws[1]]
    values = {
        "Client reference": "V1",
        "First name": "Ann",
        "Surname": "Jones",
        "Date of birth": dt.date(1990, 1, 1),
        "Referral date": dt.date(2015, 6, 1),
        "Sex": "female",
        "Relationship to perpetrator": "ex partner",
        "Mental health": "not recorded",
        "Risk level": "high",
        "Length of abuse (months)": 30,
    }
    for header, value in values.items():
        ws.cell(row=2, column=headers.index(header) + 1, value=value)
    wb.save(path)
    result = merge_agencies(plan_agencies([path]), load_secret(None, ENV), as_of=dt.date(2016, 4, 30))
    record = result.clients.iloc[0]
    assert (
        record["sex"],
        record["perpetrator_relationship"],
        record["mental_health"],
        record["risk_level"],
    ) == ("female", "ex_partner", "not recorded", "high")
    assert record["age"] == 25 and record["abuse_duration_months"] == 30
    assert result.reconciliation.issues == [] or all(
        i.reason == "blank rows" for i in result.reconciliation.issues
    )
