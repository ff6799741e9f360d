"""The Agencies stage of an assessment run: [[agencies]], [clients], the Agency clients and Data quality sheets."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.clients.agencies import mappings_from_entries
from needsassess.config import load_config
from needsassess.errors import ConfigError
from needsassess.pipeline import run_assessment

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "northmere"
runner = CliRunner()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target / "assessment.toml"


def _rows(ws, name: str) -> list[dict]:
    cells = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def test_sample_run_has_agency_sheets_that_add_up(sample, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(sample), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (
        "Agencies: 4 files (5 tables), 2,222 rows read, 2,214 used, 3 rejected, 5 set aside; 1,065 people"
        in (result.output)
    )
    wb = load_workbook(out / "northmere_needs_assessment.xlsx")
    files = _rows(wb["Data quality"], "data_quality_files")
    assert [f["File"] for f in files] == [
        "outreach.xlsx",
        "idva.csv",
        "refuge.ods",
        "marac.xls",
        "marac.xls",
        None,
    ]
    for f in files:
        assert f["Rows read"] == f["Rows used"] + f["Rows rejected"] + f["Rows set aside"]
    assert files[-1]["Agency"] == "Total" and files[-1]["Rows read"] == 2222
    issues = _rows(wb["Data quality"], "data_quality_rows")
    assert {i["Outcome"] for i in issues} == {"rejected", "set aside", "warning"}
    assert issues[1] == {
        "File": "outreach.xlsx",
        "Sheet": "Clients 2015-16",
        "Rows": "724",
        "Column": 'H "Client / Referral date"',
        "Outcome": "rejected",
        "Reason": "referral date is blank; it is required",
        "Count": 1,
    }
    people = _rows(wb["Agency clients"], "agency_people_victim")
    assert [p["Agency"] for p in people] == ["Outreach", "IDVA", "Refuge", "MARAC", "All agencies"]
    overlap = _rows(wb["Agency clients"], "agency_overlap")
    assert [o["Known to"] for o in overlap] == ["1 agency", "2 agencies", "3+ agencies", "All people"]
    assert sum(o["People"] for o in overlap[:3]) == overlap[3]["People"]
    manifest = json.loads((out / "manifest.json").read_text())
    data = [i for i in manifest["inputs"] if i["role"] == "agency data"]
    assert len(data) == 5 and all(len(i["sha256"]) == 64 for i in data)
    assert (
        data[0]["detail"]
        == 'Outreach, sheet "Clients 2015-16": 725 rows read, 719 used, 2 rejected, 4 set aside'
    )
    assert manifest["config"]["settings"]["clients"]["as_of"] == "2016-04-30"


def test_merged_table_beside_the_workbook(sample, tmp_path):
    text = sample.read_text().replace('# merged = "clients.parquet"', 'merged = "clients.csv"')
    sample.write_text(text)
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(sample), "-o", str(out)], catch_exceptions=False).exit_code == 0
    assert (out / "clients.csv").read_text("utf-8-sig").startswith("client_key,key_basis,record_type,agency")


def _assessment(folder: Path, agencies: str, clients: str = "") -> Path:
    shutil.copytree(SAMPLE / "population", folder / "population")
    path = folder / "assessment.toml"
    path.write_text(
        '[assessment]\narea = "E06009901"\n[population]\nfile = "population/mye2_northmere_region_mid2015.xlsx"\n'
        f"[prevalence]\npacks = []\n{agencies}\n{clients}\n",
        encoding="utf-8",
    )
    return path


def _small_file(path: Path, people: int) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Client ref", "Gender", "Referral date", "MH"])
    for i in range(people):
        ws.append([f"R{i}", "F", dt.date(2015, 6, 1), "Y"])
    wb.save(path)


def test_small_counts_are_suppressed(tmp_path):
    _small_file(tmp_path / "small.xlsx", 3)
    _small_file(tmp_path / "big.xlsx", 12)
    path = _assessment(
        tmp_path,
        '[[agencies]]\nname = "Small"\nfile = "small.xlsx"\n[[agencies]]\nname = "Big"\nfile = "big.xlsx"\n',
        '[clients]\nsecret_file = "secret.txt"\n',
    )
    (tmp_path / "secret.txt").write_text("a secret long enough for the test\n")
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["workbook", str(path), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    people = _rows(load_workbook(out)["Agency clients"], "agency_people_victim")
    assert people[0] == {"Agency": "Small", "Referrals": "<5", "People": "<5", "Repeat referrals": 0}
    assert people[1]["People"] == 12


def test_inline_and_file_mappings_with_every_problem_reported(tmp_path):
    (tmp_path / "m.toml").write_text('file = "x.csv"\n[columns]\n"A" = "colour"\n', encoding="utf-8")
    entries = [
        {"name": "Inline", "file": "a.csv", "service_type": "gp"},
        {"mapping": "m.toml"},
        {"mapping": "missing.toml"},
        {"mapping": "m.toml", "sheet": 1},
    ]
    with pytest.raises(ConfigError) as caught:
        mappings_from_entries(entries, tmp_path / "assessment.toml")
    assert str(caught.value).splitlines() == [
        'assessment.toml: agencies[1].service_type "gp" is not one of outreach, idva, refuge, marac, police, '
        "substance_misuse, childrens_services, health, housing, perpetrator_programme, other",
        'assessment.toml: m.toml: columns."A": unknown field "colour" (see docs/mapping.md for the fields)',
        f"assessment.toml: agencies[3].mapping: file not found: {tmp_path / 'missing.toml'}",
        'assessment.toml: agencies[4].mapping: give either mapping = "FILE" or the mapping\'s own keys (sheet), '
        "not both",
    ]


def test_clients_settings_are_checked(tmp_path):
    path = _assessment(tmp_path, '[[agencies]]\nfile = "a.csv"\n', "[clients]\nsecret = 'x'\n")
    with pytest.raises(ConfigError) as caught:
        run_assessment(load_config(path))
    assert str(caught.value) == (
        "assessment.toml: [clients] has no setting secret; expected one of as_of, merged, secret_file"
    )


def test_run_without_a_secret_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("NEEDSASSESS_SECRET", raising=False)
    _small_file(tmp_path / "small.xlsx", 6)
    wb = load_workbook(tmp_path / "small.xlsx")
    wb.active["E1"] = "Surname"
    wb.save(tmp_path / "small.xlsx")
    path = _assessment(tmp_path, '[[agencies]]\nname = "Small"\nfile = "small.xlsx"\n')
    result = runner.invoke(app, ["run", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == (
        'Error: small.xlsx has identifying columns ("Client ref", "Surname") but no secret to pseudonymise '
        "them; set NEEDSASSESS_SECRET or give a secret file (--secret-file, or secret_file under [clients])\n"
    )


def test_no_identifier_reaches_the_workbook_or_manifest(tmp_path):
    planted = ["Xanthe", "Quibble", "943 476 5919", "1973-08-19", "19/08/1973", "NM7 4QX"]
    wb = Workbook()
    ws = wb.active
    ws.append(["Forename", "Surname", "DOB", "NHS number", "Postcode", "Gender", "Referral date", "MH"])
    ws.append(
        [
            "Xanthe",
            "Quibble",
            dt.date(1973, 8, 19),
            "943 476 5919",
            "NM7 4QX",
            "Quibble",
            dt.date(2015, 6, 1),
            "943 476 5919",
        ]
    )
    ws.append(["Xanthe", "Quibble", "19/08/1973", "943 476 5919", "NM7 4QX", "F", dt.date(2015, 7, 1), "Y"])
    wb.save(tmp_path / "planted.xlsx")
    path = _assessment(
        tmp_path,
        '[[agencies]]\nname = "Planted"\nfile = "planted.xlsx"\n',
        '[clients]\nsecret_file = "secret.txt"\nmerged = "clients.parquet"\n',
    )
    (tmp_path / "secret.txt").write_text("a secret long enough for the test\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    texts = {"terminal": result.output}
    for file in (f for f in out.rglob("*") if f.is_file() and f.suffix != ".png"):
        if file.suffix in (".xlsx", ".docx"):  # the workbook and the Word draft
            with zipfile.ZipFile(file) as z:
                texts.update(
                    {
                        f"{file.name}:{n}": z.read(n).decode()
                        for n in z.namelist()
                        if n.endswith((".xml", ".rels"))
                    }
                )
        elif file.suffix == ".parquet":
            import pandas as pd

            texts[file.name] = pd.read_parquet(file).astype(str).to_csv()
        else:
            texts[file.name] = file.read_text()
    assert len(texts) > 10
    found = [(where, p) for where, text in texts.items() for p in planted if p.lower() in text.lower()]
    assert found == []
