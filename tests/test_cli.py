from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from needsassess import __version__
from needsassess.cli import app

runner = CliRunner()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample assessment, so tests write their outputs in a temporary folder."""
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target / "assessment.toml"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"needsassess {__version__}"


def test_help_runs_in_a_fresh_interpreter_without_heavy_imports() -> None:
    code = (
        "import sys, runpy; sys.argv=['needsassess','--help'];\n"
        "try:\n runpy.run_module('needsassess', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print('HEAVY', sorted(m for m in ('pandas','numpy','openpyxl','xlsxwriter','matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout
    assert "Usage: needsassess" in out
    assert out.strip().splitlines()[-1] == "HEAVY []"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.stdout, name
        assert f"needsassess {name}" in readme, name


def test_help_lists_the_commands_in_their_order() -> None:
    """The order is set once, in needsassess/cli/__init__.py, whatever module a command lives in."""
    result = runner.invoke(app, ["--help"])
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == [
        *("prevalence", "cost", "packs", "run", "workbook", "draft", "batch"),
        *("map", "profile", "template", "police", "population", "indicators"),
    ]


def test_prevalence_command_prints_estimates_and_writes_csv(mye_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "est.csv"
    result = runner.invoke(
        app,
        ["prevalence", "--population", str(mye_xlsx), "--area", "Hartlepool", "--csv", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "Hartlepool (E06000001), mid-2015: csew-2015-16to59" in result.stdout
    assert re.search(r"Domestic abuse in the last year\s+│ female .* 2,181\.2 │\s+2,200", result.stdout)
    import pandas as pd

    frame = pd.read_csv(out, encoding="utf-8-sig")
    first = frame.iloc[0]
    assert (first["area_code"], first["measure"], first["rounded"]) == ("E06000001", "da_last_year", 2200)
    again = runner.invoke(app, ["prevalence", "-p", str(mye_xlsx), "-a", "Hartlepool", "--csv", str(out)])
    assert again.exit_code == 2
    assert again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"


def test_prevalence_bad_input_is_one_line_without_traceback(mye_xlsx: Path) -> None:
    result = runner.invoke(app, ["prevalence", "-p", str(mye_xlsx), "-a", "Hartlepol"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == 'Error: mye2.xlsx: no area "Hartlepol" in this file; closest: "Hartlepool" (E06000001)\n'
    )
    result = runner.invoke(app, ["prevalence", "-p", str(mye_xlsx), "-a", "Hartlepool", "--pack", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith('Error: no pack "nope". Available: ')


def test_packs_lists_and_shows() -> None:
    result = runner.invoke(app, ["packs"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "csew-2015-16to59" in result.stdout
    result = runner.invoke(app, ["packs", "csew-2015-16to59"], catch_exceptions=False)
    assert "publisher: Office for National Statistics" in result.stdout
    assert "period: year ending March 2015" in result.stdout


def test_run_writes_workbook_and_manifest(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(sample), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Domestic abuse in the last year: 2,200 women and 1,000 men (csew-2015-16to59)" in result.stdout
    workbook = out / "northmere_needs_assessment.xlsx"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == __version__
    assert manifest["area"] == {"code": "E06009901", "name": "Northmere"}
    assert [p["id"] for p in manifest["packs"]] == [
        "csew-2015-16to59",
        "ho-horr107-2019",
        "ho-horr99-2018",
        "safelives-benchmarks",
    ]
    assert {i["role"] for i in manifest["inputs"]} == {
        "population",
        "crimes",
        "agency mapping",
        "agency data",
        "police incidents",
        "deprivation",
    }
    population = next(i for i in manifest["inputs"] if i["role"] == "population")
    assert len(population["sha256"]) == 64
    assert {Path(o["path"]).name for o in manifest["outputs"]} >= {workbook.name}

    again = runner.invoke(app, ["run", str(sample), "-o", str(out)])
    assert again.exit_code == 2
    assert "use --force to overwrite it" in again.stderr
    forced = runner.invoke(app, ["run", str(sample), "-o", str(out), "--force"])
    assert forced.exit_code == 0


def test_workbook_reads_back(sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "nm.xlsx"
    result = runner.invoke(app, ["workbook", str(sample), "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["Cover", "Contents", "Notes", "Prevalence"]
    assert wb.sheetnames[-1] == "Sources"
    assert wb["Cover"]["A1"].value == "Domestic abuse needs assessment: Northmere (SYNTHETIC SAMPLE)"
    ws = wb["Prevalence"]
    assert ws["A1"].value == "Estimated prevalence of domestic abuse in Northmere"
    tables = {name: ws.tables[name].ref for name in ws.tables}
    headline = _table_rows(ws, tables["prevalence_headline_1"])
    assert headline[0] == ["Measure", "Women", "Men", "All"]
    assert headline[1] == ["Domestic abuse in the last year", 2200, 1000, 3200]
    assert ["Domestic abuse since age 16", 7200, 3400, "[x]"] in headline
    detail = _table_rows(ws, tables["prevalence_detail_1"])
    header = detail[0]
    first = dict(zip(header, detail[1], strict=True))
    assert first["Population"] == 26600
    assert first["Rate (%)"] == 8.2
    assert first["Estimate"] == pytest.approx(2181.2)
    assert first["Rounded estimate"] == 2200
    assert first["Lower"] == "[x]"
    assert first["Status"] == "verified"
    # The title of each table sits above it, with its source beneath.
    top = int(re.match(r"A(\d+)", tables["prevalence_headline_1"]).group(1))
    assert ws.cell(row=top - 2, column=1).value.startswith("Estimated residents aged 16-59")
    assert ws.cell(row=top - 1, column=1).value.startswith("Source: needsassess estimate:")
    assert len(ws._charts) == 1
    with zipfile.ZipFile(path) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    assert 'descr="Bar chart of estimated victims in Northmere by sex.' in drawing
    sources = wb["Sources"]
    packs = _table_rows(sources, sources.tables["sources_packs"].ref)
    assert packs[1][0] == "csew-2015-16to59"
    assert "secondary" in packs[1][packs[0].index("Statuses")]
    contents = _table_rows(wb["Contents"], wb["Contents"].tables["contents"].ref)
    assert [r[0] for r in contents[1:]] == [
        "Notes",
        "Prevalence",
        "Cost",
        "Agency clients",
        "Victims",
        "Perpetrators",
        "Safe accommodation",
        "Police",
        "Provision",
        "Reach",
        "Data quality",
        "Sources",
    ]
    assert (
        wb["Contents"]["A4"].hyperlink.location == "'Notes'!A1"
        or "Notes" in wb["Contents"]["A4"].hyperlink.target
    )


def _table_rows(ws, ref: str) -> list[list]:
    return [[c.value for c in row] for row in ws[ref]]


def test_text_from_inputs_never_becomes_a_formula(tmp_path: Path) -> None:
    import pandas as pd

    from needsassess.report.model import Sheet, Table
    from needsassess.report.workbook import Cover, write_workbook

    frame = pd.DataFrame(
        {"Agency": ['=HYPERLINK("http://evil","x")', "+1+1", "@SUM(A1)"], "Count": [1, 2, 3]}
    )
    path = tmp_path / "inj.xlsx"
    write_workbook(
        path, Cover("t", []), [Sheet("S", "=cmd|' /C calc'!A0", [], [Table("t", "=1+1", frame, "src")])]
    )
    ws = load_workbook(path)["S"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet4.xml").decode()


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "a.toml"
    bad.write_text('[assessment]\ntitle = "x"\n[populaton]\nfile = "p.xlsx"\n')
    result = runner.invoke(app, ["run", str(bad)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: a.toml: unknown section [populaton]; expected one of ")
    assert 'a.toml: [assessment] needs area = "<GSS code or name>"' in lines


def test_csv_text_never_becomes_a_formula(tmp_path: Path) -> None:
    import pandas as pd

    from needsassess.report.csv import write_csv

    frame = pd.DataFrame({"agency": pd.Series(["=1+1", "-x", "ok"], dtype="str"), "n": [-1, 2, 3]})
    frame["obj"] = pd.Series(["@SUM(A1)", "+cmd", "-2"], dtype=object)
    path = write_csv(frame, tmp_path / "x.csv")
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert text[1:] == ["'=1+1,-1,'@SUM(A1)", "'-x,2,'+cmd", "ok,3,-2"]
