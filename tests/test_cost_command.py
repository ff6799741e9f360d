"""The cost command, the Cost stage of a run and the Cost sheet read back from the workbook."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, SAMPLE
from openpyxl import load_workbook
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.costs import cost_per_crime, read_crime_counts
from needsassess.packs import load_pack

runner = CliRunner()
CRIMES = SAMPLE / "police" / "da_crimes_2015_16.csv"
POPULATION = SAMPLE / "population" / "mye2_northmere_region_mid2015.xlsx"
# The sample's synthetic crimes, costed by hand with ho-horr99-2018 (2015/16 prices):
# VWI 262 x 14,050 + rape 14 x 39,360 + other sexual 21 x 6,520 + criminal damage 104 x 1,350
# + arson 3 x 8,420 + theft of vehicle 2 x 10,290 + theft from vehicle 1 x 870 + robbery 4 x 11,320.
PER_CRIME_TOTAL = 3_681_100 + 551_040 + 136_920 + 140_400 + 25_260 + 20_580 + 870 + 45_280
# Its prevalence estimates (26,600 women x 8.2% + 25,800 men x 4.0%, unrounded) x £34,015 (2016/17).
PER_VICTIM_TOTAL = (2_181.2 + 1_032) * 34_015
RESIDENTS = 94_212


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    return target / "assessment.toml"


def _with_cost_section(config: Path, section: str) -> Path:
    text = config.read_text()
    start = text.index("[cost]")
    end = text.index("[disclosure]")
    config.write_text(text[:start] + section + "\n" + text[end:])
    return config


def test_hand_totals():
    assert PER_CRIME_TOTAL == 4_601_450
    assert PER_VICTIM_TOTAL == pytest.approx(109_296_998)


def test_cost_crimes_prints_the_core_result_and_writes_csv(tmp_path: Path):
    out = tmp_path / "costs.csv"
    args = ["cost", "--crimes", str(CRIMES), "-p", str(POPULATION), "-a", "Northmere", "--csv", str(out)]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    core = cost_per_crime(read_crime_counts(CRIMES), load_pack("ho-horr99-2018"), population=RESIDENTS)
    assert core.total_gbp == pytest.approx(PER_CRIME_TOTAL)
    assert (
        f"Total: £{core.total_gbp:,.0f}; £{core.per_head_gbp:,.2f} per head of 94,212 residents"
        in result.stdout
    )
    assert "Total: £4,601,450; £48.84 per head of 94,212 residents" in result.stdout
    assert "Cost per recorded crime, 2015/16 prices: ho-horr99-2018" in result.stdout
    assert "494 crimes of types the pack does not cost" in result.stdout
    frame = pd.read_csv(out, encoding="utf-8-sig")
    categories = frame[frame["table"] == "category"].set_index("name")
    assert categories.loc["total", "cost_gbp"] == pytest.approx(PER_CRIME_TOTAL)
    assert categories.loc["lost_output", "coverage"] == "not available"
    assert frame.loc[frame["table"] == "not_costed", "name"].tolist() == [
        "violence_without_injury",
        "stalking_harassment",
    ]
    assert set(frame["pack"]) == {"ho-horr99-2018"}


def test_cost_victims_from_an_assessment(sample: Path):
    result = runner.invoke(app, ["cost", "--victims-from", str(sample)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Total: £109,296,998; £1,160.12 per head of 94,212 residents" in result.stdout
    assert "Cost per victim, 2016/17 prices: ho-horr107-2019" in result.stdout
    assert "cover the whole period of abuse" in result.stdout


def test_cost_uplifts_with_a_deflator_pack(tmp_path: Path):
    args = ["cost", "--crimes", str(CRIMES), "--price-year", "2023", "--deflators", "test-deflators"]
    result = runner.invoke(app, [*args, "--pack-dir", str(DATA)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # 2015/16 index 80 -> 2023/24 index 100: x 1.25
    assert f"Total: £{PER_CRIME_TOTAL * 1.25:,.0f};" in result.stdout
    assert "Cost per recorded crime, 2023/24 prices" in result.stdout
    assert 'by a factor of 1.2500 (deflator pack "test-deflators")' in result.stdout


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["--crimes", str(DATA / "negative-count.csv")],
            'Error: negative-count.csv, row 4, column "Count": count is -3; counts must be >= 0\n',
        ),
        (
            ["--crimes", str(CRIMES), "--price-year", "2024/25"],
            'Error: price year 2024/25 is beyond the deflator series in pack "gdp-deflator-uk-worldbank", '
            "which covers 2010/11 to 2023/24\n",
        ),
        (
            ["--crimes", str(CRIMES), "--price-year", "2030/31", "--deflators", "test-deflators"],
            'Error: price year 2030/31 is beyond the deflator series in pack "test-deflators", '
            "which covers 2015/16 to 2023/24\n",
        ),
        (
            ["--crimes", str(CRIMES), "--price-year", "soon"],
            'Error: "soon" is not a financial year; expected e.g. 2023/24 or 2023 (= 2023/24)\n',
        ),
        (
            ["--crimes", str(CRIMES), "--pack", "nope"],
            'Error: no pack "nope". Available: ho-horr107-2019, ho-horr99-2018, walby-2004, walby-2009\n',
        ),
        (
            ["--crimes", str(CRIMES), "--pack", "csew-2015-16to59"],
            None,
        ),
    ],
)
def test_cost_errors(args: list[str], stderr: str | None):
    result = runner.invoke(app, ["cost", *args, "--pack-dir", str(DATA)])
    assert result.exit_code == 2
    if stderr is None:
        assert result.stderr.endswith(
            'pack "csew-2015-16to59" holds prevalence, but unit_costs are needed here\n'
        )
    else:
        assert result.stderr == stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give one of --crimes FILE or --victims-from ASSESSMENT.toml"),
        (
            ["--crimes", str(CRIMES), "--victims-from", "a.toml"],
            "give one of --crimes FILE or --victims-from",
        ),
        (
            ["--crimes", str(CRIMES), "-p", str(POPULATION)],
            "--population and --area go together, with --crimes",
        ),
    ],
)
def test_cost_needs_one_method(args: list[str], message: str):
    result = runner.invoke(app, ["cost", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_cost_sheet_reads_back(sample: Path, tmp_path: Path):
    path = tmp_path / "nm.xlsx"
    result = runner.invoke(app, ["workbook", str(sample), "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    assert wb.sheetnames[3:5] == ["Prevalence", "Cost"]
    assert wb.sheetnames[-2:] == ["Data quality", "Sources"]
    ws = wb["Cost"]
    assert ws["A1"].value == "Estimated cost of domestic abuse in Northmere"
    tables = {name: ws.tables[name].ref for name in ws.tables}
    assert list(tables) == [
        "cost_summary",
        "cost_categories_1",
        "cost_items_1",
        "cost_categories_2",
        "cost_items_2",
        "cost_not_costed_2",
    ]

    summary = _records(ws, tables["cost_summary"])
    assert [r["Method"] for r in summary] == ["Per victim", "Per recorded crime"]
    assert summary[0]["Total (£)"] == pytest.approx(PER_VICTIM_TOTAL)
    assert summary[1]["Total (£)"] == pytest.approx(PER_CRIME_TOTAL)
    assert summary[1]["Per head (£)"] == pytest.approx(PER_CRIME_TOTAL / RESIDENTS)
    assert summary[1]["Residents (all ages)"] == RESIDENTS
    assert [r["Price year"] for r in summary] == ["2016/17", "2015/16"]
    assert [r["Uplift factor"] for r in summary] == [1, 1]
    assert [r["Unit costs pack"] for r in summary] == ["ho-horr107-2019", "ho-horr99-2018"]

    per_victim = {r["Category"]: r for r in _records(ws, tables["cost_categories_1"])}
    assert per_victim["Police"]["Cost (£)"] == pytest.approx((2_181.2 + 1_032) * 645)
    assert per_victim["Victim services"]["Status"] == "derived"
    assert per_victim["Physical and emotional harms"]["Cost (£)"] == "[x]"
    assert per_victim["Physical and emotional harms"]["Coverage"] == "not available"
    assert per_victim["Total"]["Cost (£)"] == pytest.approx(PER_VICTIM_TOTAL)
    assert ws.cell(row=2, column=1).value.startswith(
        "Estimated cost to society of domestic abuse in Northmere"
    )

    offences = {r["Offence type"]: r for r in _records(ws, tables["cost_items_2"])}
    assert offences["Violence with injury"]["Crimes"] == 262
    assert offences["Violence with injury"]["Cost (£)"] == pytest.approx(262 * 14_050)
    assert offences["Theft of vehicle"]["As named in the file"] == "Theft of a motor vehicle"
    not_costed = _records(ws, tables["cost_not_costed_2"])
    assert [(r["Offence type"], r["Crimes"]) for r in not_costed] == [
        ("Violence without injury", 398),
        ("Stalking and harassment", 96),
    ]
    per_crime = {r["Category"]: r for r in _records(ws, tables["cost_categories_2"])}
    assert per_crime["Police"]["Coverage"] == "partial"
    assert per_crime["Police"]["Cost (£)"] == pytest.approx(14 * 6_360 + 2 * 2_030)

    # Caveats sit between each table's source line and its header.
    top = int(tables["cost_categories_1"].split(":")[0][1:])
    above = [ws.cell(row=r, column=1).value for r in range(top - 6, top)]
    assert any(str(v).startswith("Costs are per victim and cover the whole period of abuse") for v in above)

    assert len(ws._charts) == 2
    with zipfile.ZipFile(path) as z:
        drawings = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing")]
    assert any(
        'descr="Bar chart of the cost per victim of domestic abuse in 2016/17 prices' in d for d in drawings
    )
    sources = wb["Sources"]
    packs = [r["Pack"] for r in _records(sources, sources.tables["sources_packs"].ref)]
    assert packs[:3] == ["csew-2015-16to59", "ho-horr107-2019", "ho-horr99-2018"]
    inputs = [r["Role"] for r in _records(sources, sources.tables["sources_inputs"].ref)]
    assert inputs[:2] == ["population", "crimes"]


def test_run_uplifts_with_a_deflator_pack_from_pack_dirs(sample: Path, tmp_path: Path):
    text = sample.read_text().replace(
        "[prevalence]\n", f"[prevalence]\npack_dirs = [{str(DATA)!r}]\n".replace("'", '"'), 1
    )
    sample.write_text(text)
    _with_cost_section(
        sample,
        '[cost]\ncrimes = "police/da_crimes_2015_16.csv"\nprice_year = "2023/24"\ndeflators = "test-deflators"\n',
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(sample), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"Cost, per recorded crime: £{PER_CRIME_TOTAL * 1.25:,.0f}" in result.stdout
    assert f"Cost, per victim: £{PER_VICTIM_TOTAL * 100 / 81:,.0f}" in result.stdout
    wb = load_workbook(out / "northmere_needs_assessment.xlsx")
    summary = _records(wb["Cost"], wb["Cost"].tables["cost_summary"].ref)
    assert [r["Uplift factor"] for r in summary] == pytest.approx([100 / 81, 1.25])
    assert [r["Price year"] for r in summary] == ["2023/24", "2023/24"]
    packs = [r["Pack"] for r in _records(wb["Sources"], wb["Sources"].tables["sources_packs"].ref)]
    assert "test-deflators" in packs


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            '[cost]\ncrimes_file = "x.csv"\n',
            "Error: assessment.toml: [cost] has no setting crimes_file; expected one of crimes, crimes_sheet, "
            "deflators, enabled, per_crime_pack, per_victim_pack, price_year, victims_from\n",
        ),
        (
            '[cost]\ncrimes = "police/missing.csv"\n',
            "Error: assessment.toml: [cost] crimes file police/missing.csv not found (looked in ",
        ),
        (
            '[cost]\nvictims_from = "csew-2023-16plus"\n',
            'Error: assessment.toml: [cost] victims_from = "csew-2023-16plus" is not one of the prevalence '
            "packs: csew-2015-16to59\n",
        ),
        (
            '[cost]\nprice_year = "2026/27"\n',
            'Error: price year 2026/27 is beyond the deflator series in pack "gdp-deflator-uk-worldbank", ',
        ),
    ],
)
def test_cost_section_errors(sample: Path, section: str, message: str):
    _with_cost_section(sample, section)
    result = runner.invoke(app, ["run", str(sample), "-o", str(sample.parent / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_cost_section_can_be_switched_off(sample: Path, tmp_path: Path):
    _with_cost_section(sample, "[cost]\nenabled = false\n")
    path = tmp_path / "nm.xlsx"
    result = runner.invoke(app, ["workbook", str(sample), "-o", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Cost" not in load_workbook(path).sheetnames


def _records(ws, ref: str) -> list[dict]:
    rows = [[c.value for c in row] for row in ws[ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
