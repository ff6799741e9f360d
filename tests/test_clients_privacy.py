"""Plant identifiers in agency files, run every command that writes or prints, and find none of them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from needsassess.cli import app

SECRET = "a planted-identifier test secret"
NAMES = ["Xanthe", "Quibble", "Ottoline", "Fenwickshaw", "Quentin", "Marigold", "Pemberthy"]
DOB = dt.date(1973, 8, 19)
DOB_TEXTS = [
    "1973-08-19",
    "19/08/1973",
    "19/08/73",
    "19-Aug-1973",
    "19-Aug-73",
    "1973/08/19",
    "19.08.1973",
    "19 Aug 1973",
    str((DOB - dt.date(1899, 12, 30)).days),  # the Excel serial number
]
NHS = ["943 476 5919", "9434765919"]
OTHERS = ["07700 900461", "NM7 4QX", "17 Larkspur Close", "NM/55555/15", "xanthe@example.org"]
PLANTED = NAMES + DOB_TEXTS + NHS + OTHERS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("planted")
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Confidential client list: Xanthe Quibble and others"])
    ws.append([])
    ws.append(
        [
            "Ref",
            "First name",
            "Surname",
            "DOB",
            "NHS number",
            "Phone",
            "Postcode",
            "Address",
            "Email",
            "Crime ref",
            "Gender",
            "Referral date",
            "Relationship",
            "Perpetrator name",
            "Perpetrator DOB",
            "Notes",
        ]
    )
    rows = [
        [
            "C1",
            "Xanthe",
            "Quibble",
            DOB,
            "943 476 5919",
            "07700 900461",
            "NM7 4QX",
            "17 Larkspur Close",
            "xanthe@example.org",
            "NM/55555/15",
            "F",
            dt.date(2015, 6, 1),
            "Ex-partner Quentin Quibble",
            "Quentin Quibble",
            dt.date(1970, 1, 5),
            "Xanthe Quibble disclosed at 17 Larkspur Close",
        ],
        [
            "C2",
            "Ottoline",
            "Fenwickshaw",
            "19/08/1973",
            9434765919,
            "",
            "",
            "",
            "",
            "",
            "Ottoline",
            "02/07/2015",
            "Partner",
            "Marigold Pemberthy",
            "",
            "Call 07700 900461",
        ],
    ]
    for r in rows:
        ws.append(r)
    wb.save(folder / "planted.xlsx")
    with open(folder / "planted.csv", "w", encoding="cp1252", newline="") as fh:
        fh.write("Client Name,D.O.B.,NHS No,Sex,Date Referred,Mental Health\n")
        fh.write('"QUIBBLE, Xanthe",19/08/73,943 476 5919,F,05-Jun-15,Yes\n')
        fh.write('"Pemberthy, Marigold",19-Aug-1973,9434765919,F,05-Jul-15,Marigold\n')
    return folder


def _scan_text(label: str, text: str) -> list[str]:
    lowered = text.lower()
    return [f"{label}: {p}" for p in PLANTED if p.lower() in lowered]


def _scan_file(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        text = " ".join(map(str, frame.columns)) + " " + frame.astype(str).to_csv(index=False)
        return _scan_text(path.name, text)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return [
                hit
                for name in z.namelist()
                for hit in _scan_text(f"{path.name}:{name}", z.read(name).decode())
            ]
    return _scan_text(path.name, path.read_bytes().decode("utf-8", errors="replace"))


def test_no_identifier_reaches_any_output(inputs, tmp_path):
    runner = CliRunner()
    env = {"NEEDSASSESS_SECRET": SECRET}
    out = tmp_path / "out"
    out.mkdir()
    printed = []
    for merged in ("merged.csv", "merged.parquet"):
        result = runner.invoke(
            app,
            [
                "profile",
                str(inputs / "planted.xlsx"),
                str(inputs / "planted.csv"),
                "--merged",
                str(out / merged),
                "--as-of",
                "2016-04-30",
            ],
            env=env,
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        printed.append(result.output)
    for name in ("planted.xlsx", "planted.csv"):
        result = runner.invoke(app, ["map", str(inputs / name), "-o", str(out / f"{name}.toml")], env=env)
        assert result.exit_code == 0, result.output
        printed.append(result.output)
        printed.append(runner.invoke(app, ["map", str(inputs / name)], env=env).output)
    result = runner.invoke(app, ["template", "-o", str(out / "templates")])
    assert result.exit_code == 0, result.output

    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 7
    hits = [hit for f in files for hit in _scan_file(f)]
    hits += [hit for i, text in enumerate(printed) for hit in _scan_text(f"terminal output {i}", text)]
    assert hits == []
    # The rows were really read: the identifiers were there to find.
    merged = pd.read_csv(out / "merged.csv")
    assert len(merged) == 4 and merged["key_basis"].tolist() == ["name+dob"] * 4
    keys = merged["client_key"].tolist()
    assert keys[0] == keys[2] and len(set(keys)) == 3  # Xanthe is in both files; the others share only a DOB


def test_a_name_in_a_coded_column_is_withheld_from_the_report(inputs):
    from needsassess.clients.agencies import merge_agencies, plan_agencies
    from needsassess.clients.merge import Secret

    result = merge_agencies(
        plan_agencies([inputs / "planted.xlsx", inputs / "planted.csv"]),
        Secret(SECRET.encode(), "test"),
        as_of=dt.date(2016, 4, 30),
    )
    reasons = [i.reason for i in result.reconciliation.issues]
    assert (
        "the value (withheld: it may identify someone) is not one of the allowed codes "
        "(female, male, other); "
        "set to not recorded" in reasons
    )
    assert (
        "the value (withheld: it may identify someone) is not a yes/no code; set to not recorded" in reasons
    )
    assert _scan_text("issues", result.reconciliation.issues_frame().to_csv()) == []
