"""The police command, the Police, Provision and Reach sheets read back, disclosure control and leaks."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE, ages_flat, hartlepool_like, write_mye_workbook
from openpyxl import load_workbook
from police_fixtures import HEADER, NAMES, ROWS, write_deprivation, write_extract
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.config import load_config
from needsassess.disclosure import get_rule
from needsassess.packs import load_pack
from needsassess.police.analyse import PoliceSettings, analyse_police
from needsassess.police.deprivation import read_deprivation
from needsassess.police.periods import parse_period
from needsassess.police.read import read_incidents
from needsassess.population import read_population, select_area
from needsassess.provision import assess_provision
from needsassess.report.sheets.police import police_sheet_for
from needsassess.report.sheets.provision import provision_sheet_for

runner = CliRunner()
EXTRACT = SAMPLE / "police" / "ntv_police_da_incidents_2014-16.xlsx"


@pytest.fixture
def population_file(tmp_path: Path) -> Path:
    female, male = hartlepool_like()
    return write_mye_workbook(
        tmp_path / "mye2.xlsx",
        [
            ("E06000001", "Hartlepool", female, male),
            ("E06000002", "Middlesbrough", ages_flat(300), ages_flat(280)),
        ],
    )


@pytest.fixture
def small(tmp_path: Path, population_file: Path):
    """The hand-made extract's Police sheet, published under lt5."""
    incidents = read_incidents(write_extract(tmp_path / "incidents.xlsx"))
    deprivation = read_deprivation(write_deprivation(tmp_path / "wards.csv"))
    result = analyse_police(
        incidents,
        read_population(population_file),
        "Hartlepool",
        PoliceSettings(current=parse_period("2015/16"), most_deprived=2),
        deprivation,
    )
    return result, police_sheet_for(result, get_rule("lt5"))


def _table(sheet, name: str) -> pd.DataFrame:
    return next(t for t in sheet.tables if t.name == name).frame


def test_police_command_prints_and_writes_the_published_tables(
    tmp_path: Path, population_file: Path, small
) -> None:
    extract = write_extract(tmp_path / "x.xlsx")
    out = tmp_path / "csv"
    args = ["police", str(extract), "-p", str(population_file), "-a", "Hartlepool", "--current", "2015/16"]
    result = runner.invoke(app, [*args, "--csv-dir", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Domestic abuse recorded by the police in Hartlepool, 2015/16" in result.stdout
    assert re.search(r"Domestic abuse incidents and crimes\s+│\s+8 │", result.stdout)
    assert re.search(r"Non-crime domestic incidents\s+│\s+<5 │", result.stdout)
    names = sorted(p.name for p in out.iterdir())
    assert (
        "police_summary.csv" in names and "police_peers.csv" in names and "police_year_on_year.csv" in names
    )
    summary = pd.read_csv(out / "police_summary.csv", encoding="utf-8-sig", dtype=str)
    _, sheet = small
    expected = _table(sheet, "police_summary")
    assert summary["Number"].tolist() == [str(v) for v in expected["Number"]]
    again = runner.invoke(app, [*args, "--csv-dir", str(out)])
    assert again.exit_code == 2
    assert (
        again.stderr.startswith("Error: ") and "already exists; use --force to overwrite it" in again.stderr
    )


def test_police_command_errors_name_file_sheet_row_and_column(tmp_path: Path, population_file: Path) -> None:
    header = [h if h != "Date Reported" else "When" for h in HEADER]
    missing = write_extract(tmp_path / "missing-date-column.xlsx", [*ROWS[:2], ROWS[11]], header)
    result = runner.invoke(app, ["police", str(missing), "-p", str(population_file), "-a", "Hartlepool"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        'Error: missing-date-column.xlsx, sheet "DA incidents", row 3: no date column; expected a header such as '
    )
    rows = [list(r) for r in ROWS[:3]]
    rows[2][13] = -1
    negative = write_extract(tmp_path / "negative-children.xlsx", rows)
    result = runner.invoke(app, ["police", str(negative), "-p", str(population_file), "-a", "Hartlepool"])
    assert result.stderr == (
        'Error: negative-children.xlsx, sheet "DA incidents", row 6, column "No. of Children": -1 is negative; '
        "counts must be >= 0\n"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text('peer_total_name = "Cleveland"\nyear_start_month = 1\n[columns]\n"When" = "date"\n')
    ok = runner.invoke(
        app,
        ["police", str(missing), "-p", str(population_file), "-a", "Hartlepool", "--mapping", str(mapping)],
    )
    assert ok.exit_code == 0, ok.output
    assert "Cleveland per 1,000" in ok.stdout
    assert "Domestic abuse recorded by the police in Hartlepool, 2015\n" in ok.stdout  # calendar years


def test_disclosure_applies_to_every_police_table(small) -> None:
    result, sheet = small
    count_columns = 0
    for table in sheet.tables:
        for column, fmt in table.formats.items():
            if fmt != "#,##0" or column.startswith("Population") or column not in table.frame.columns:
                continue
            count_columns += 1
            for value in table.frame[column]:
                assert not (isinstance(value, int | float) and 1 <= value <= 4), (table.name, column, value)
    assert count_columns > 15
    summary = _table(sheet, "police_summary").set_index("Measure")
    # 3 non-crime incidents are "<5"; crimes (5) are hidden too, or they would give away the 3 (8 - 5)
    assert summary.at["Non-crime domestic incidents", "Number"] == "<5"
    assert summary.at["Domestic abuse-related crimes", "Number"] == "*"
    assert summary.at["Domestic abuse-related crimes", "Per 1,000 aged 16+"] == "*"
    assert summary.at["Domestic abuse incidents and crimes", "Number"] == 8
    assert summary.at["Domestic abuse incidents and crimes", "Per 1,000 aged 16+"] == pytest.approx(
        8 / 83_400 * 1000
    )
    wards = _table(sheet, "police_wards").set_index("Ward")
    assert wards.at["Ward A", "Incidents and crimes"] == "<5"
    assert wards.at["Ward A", "Incidents per 1,000"] == "*"
    assert wards.at["Ward E", "Incidents and crimes"] == 0  # zeros are shown
    yoy = _table(sheet, "police_year_on_year").set_index("Indicator")
    assert yoy.at["Domestic abuse incidents and crimes", "Baseline 2014/15"] == "<5"
    assert yoy.at["Domestic abuse incidents and crimes", "Change"] == "*"


def test_disclosure_applies_to_provision(tmp_path: Path, population_file: Path) -> None:
    area = select_area(read_population(population_file), "Hartlepool")
    stated = {"marac_cases": 3, "idva_fte": 1.0, "idva_referrals": 40}
    result = assess_provision(area, load_pack("safelives-benchmarks"), stated)
    frame = provision_sheet_for(result, get_rule("lt5")).tables[0].frame.set_index("Provision")
    marac = frame.loc["MARAC cases a year"]
    assert (marac["Actual"], marac["Gap (expected less actual)"], marac["Coverage (%)"]) == ("<5", "*", "*")
    # IDVAs needed for the actual volume come from the 40 referrals stated, which are shown
    assert frame.at["IDVAs (full-time equivalent)", "Needed for the actual volume"] == pytest.approx(0.4)
    admin = frame.loc["MARAC administrators (full-time equivalent)"]
    assert admin["Needed for the actual volume"] == "*"  # 3 / 400 would give away the 3 cases


def test_nhsd_rounds_counts_and_rates_follow_the_rounded_counts(
    tmp_path: Path, population_file: Path
) -> None:
    rows = [list(r) for r in ROWS if r[2] == "Hartlepool"] * 1
    extra = []
    for i in range(40):  # 40 more incidents in 2015/16, so that rounding to 5 shows
        row = list(ROWS[3])
        row[0], row[6] = f"X{i}", f"W{i}"
        extra.append(row)
    incidents = read_incidents(write_extract(tmp_path / "n.xlsx", rows + extra))
    result = analyse_police(
        incidents,
        read_population(population_file),
        "Hartlepool",
        PoliceSettings(current=parse_period("2015/16")),
    )
    summary = _table(police_sheet_for(result, get_rule("nhsd")), "police_summary").set_index("Measure")
    shown = summary.at["Domestic abuse incidents and crimes", "Number"]
    assert result.figures["incidents"] == 48 and shown == 50
    assert summary.at["Domestic abuse incidents and crimes", "Per 1,000 aged 16+"] == pytest.approx(
        50 / 83_400 * 1000
    )


# --- the sample assessment ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the sample assessment once for the read-back tests (a copy, so outputs go to a temporary folder)."""
    target = tmp_path_factory.mktemp("sample") / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    out = target / "out"
    result = runner.invoke(
        app, ["run", str(target / "assessment.toml"), "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    line = "  Police, 2015/16: 2,511 domestic abuse incidents and crimes, 34.3 per 1,000 residents aged 16+\n"
    assert line in result.stdout
    return out


def _tables(ws) -> dict[str, list[list]]:
    return {name: [[c.value for c in row] for row in ws[ws.tables[name].ref]] for name in ws.tables}


def _rows(table: list[list]) -> dict:
    return {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}


def test_sample_workbook_has_police_provision_and_reach_sheets(sample_run: Path) -> None:
    wb = load_workbook(sample_run / "northmere_needs_assessment.xlsx")
    names = wb.sheetnames
    assert names.index("Police") < names.index("Provision") < names.index("Reach") < names.index("Sources")
    police = _tables(wb["Police"])
    assert set(police) >= {
        "police_summary",
        "police_year_on_year",
        "police_offences",
        "police_monthly",
        "police_victims",
        "police_perpetrators",
        "police_risk",
        "police_wards",
        "police_most_deprived",
        "police_deciles",
        "police_peers",
        "police_peer_rates",
        "police_rows",
    }
    summary = _rows(police["police_summary"])
    incidents = summary["Domestic abuse incidents and crimes"]
    assert incidents["Number"] == 2511
    assert incidents["Per 1,000 aged 16+"] == pytest.approx(2511 / 73_291 * 1000)
    crimes = summary["Domestic abuse-related crimes"]
    assert (crimes["Number"], round(crimes["Share (%)"], 1)) == (937, 37.3)
    assert round(summary["High-risk incidents"]["Share (%)"]) == 10
    assert round(summary["Incidents with children present"]["Share (%)"]) == 15
    assert summary["Children involved (in incidents with children present)"]["Number"] > 700
    assert summary["Incidents with a female victim"]["Share (%)"] > 75
    most = _rows(police["police_most_deprived"])
    assert most["The 6 most deprived wards"]["Share of incidents (%)"] > 50
    wards = police["police_wards"]
    assert wards[0][:3] == ["Ward", "Code", "Deprivation order (1 = most deprived)"]
    assert len(wards) == 1 + 17 + 1
    sources = _tables(wb["Sources"])
    roles = [r[0] for r in sources["sources_inputs"][1:]]
    assert "police incidents" in roles and "deprivation" in roles
    assert "safelives-benchmarks" in [r[0] for r in sources["sources_packs"][1:]]


def test_sample_year_on_year_is_shaped_like_the_performance_tables(sample_run: Path) -> None:
    ws = load_workbook(sample_run / "northmere_needs_assessment.xlsx")["Police"]
    yoy = _tables(ws)["police_year_on_year"]
    assert yoy[0] == ["Indicator", "Baseline 2014/15", "2015/16", "Change", "% Change"]
    row = _rows(yoy)["Domestic abuse incidents and crimes"]
    assert row["Change"] == row["2015/16"] - row["Baseline 2014/15"]
    assert row["% Change"] == pytest.approx(100 * row["Change"] / row["Baseline 2014/15"])
    offences = _tables(ws)["police_offences"]
    assert offences[0] == ["Offence", "2014/15", "2015/16", "Change", "% Change"]
    assert offences[-1][0] == "Total" and offences[-1][2] == 937
    assert sum(r[2] for r in offences[1:-1]) == 937


def test_sample_peer_table_is_shaped_like_the_cleveland_table(sample_run: Path) -> None:
    ws = load_workbook(sample_run / "northmere_needs_assessment.xlsx")["Police"]
    peers = _tables(ws)["police_peers"]
    areas = ["Northmere", "Eastholm", "Redmoor", "Saltbridge", "Westcombe", "Northmere and Tees Vale"]
    expected_header = ["Measure"] + [c for a in areas for c in (a, f"{a} per 1,000")]
    assert peers[0] == expected_header
    rows = _rows(peers)
    incidents = rows["Domestic abuse incidents and crimes"]
    assert incidents["Northmere"] == 2511
    assert incidents["Northmere and Tees Vale"] == sum(incidents[a] for a in areas[:-1])
    assert incidents["Northmere and Tees Vale per 1,000"] == pytest.approx(
        incidents["Northmere and Tees Vale"] / 519_337 * 1000
    )
    rates = {a: incidents[f"{a} per 1,000"] for a in areas[:-1]}
    assert (
        sorted(rates, key=rates.get, reverse=True)[1] == "Northmere"
    )  # the second highest, as in Hartlepool
    crimes = rows["Domestic abuse-related crimes"]
    non_crime = rows["Non-crime domestic incidents"]
    assert all(crimes[a] + non_crime[a] == incidents[a] for a in areas)


def test_sample_charts_and_alt_text(sample_run: Path) -> None:
    path = sample_run / "northmere_needs_assessment.xlsx"
    wb = load_workbook(path)
    assert len(wb["Police"]._charts) == 2
    assert len(wb["Reach"]._charts) == 1
    with zipfile.ZipFile(path) as z:
        drawings = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing"))
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert (
        'descr="Line chart of domestic abuse incidents and crimes recorded each month in Northmere'
        in drawings
    )
    assert (
        'descr="Bar chart of domestic abuse incidents and crimes, and crimes, per 1,000 residents' in drawings
    )
    assert 'descr="Bar chart, a funnel from estimated victims to people supported.' in drawings
    assert sum(bool(re.search("<(c:)?lineChart>", c)) for c in charts) == 1


def test_sample_provision_and_reach(sample_run: Path) -> None:
    wb = load_workbook(sample_run / "northmere_needs_assessment.xlsx")
    provision = _rows(_tables(wb["Provision"])["provision"])
    marac = provision["MARAC cases a year"]
    assert marac["Expected"] == pytest.approx(149.3)  # 40 x 37,333 women aged 16+ / 10,000
    # not stated in [provision]: the MARAC's victim referrals in 2015/16, counted from the agency files
    assert (marac["Actual"], marac["Gap (expected less actual)"]) == (359, pytest.approx(149.3 - 359))
    assert marac["Coverage (%)"] == pytest.approx(100 * 359 / 149.332)
    idva = provision["IDVAs (full-time equivalent)"]
    assert (idva["Actual"], idva["Needed for the actual volume"]) == (2, pytest.approx(4.93))  # 493 referrals
    refuge = provision["Refuge family places"]
    assert (refuge["Expected"], refuge["Actual"]) == (pytest.approx(9.4), 6)
    intro = [c.value for c in wb["Provision"]["A"][:8] if c.value]
    assert any(str(v).startswith("Actual MARAC cases: counted from the agency data") for v in intro)
    reach = _tables(wb["Reach"])["reach"]
    assert reach[0][:5] == [
        "Step",
        "What it counts",
        "Number",
        "% of estimated victims",
        "% of the step before",
    ]
    steps = _rows(reach)
    assert list(steps) == [
        "Estimated victims in the last year",
        "Reported to the police",
        "Referred to specialist services",
        "Supported by specialist services",
    ]
    assert steps["Estimated victims in the last year"]["Number"] == 3200
    assert steps["Reported to the police"]["Number"] == 1846
    # people, not referrals: the agency stage's 1,065 victims (1,855 referrals), less those only unable to support
    referred, supported = steps["Referred to specialist services"], steps["Supported by specialist services"]
    assert (referred["Number"], supported["Number"]) == (1065, 1026)
    assert supported["% of the step before"] == pytest.approx(100 * 1026 / 1065)
    assert referred["Source"] == "agency data ([[agencies]])"
    intro = [c.value for c in wb["Reach"]["A"][:6] if c.value]
    assert any("measure different things" in str(v) for v in intro)


def test_no_name_reference_or_person_number_reaches_any_output(sample_run: Path, tmp_path: Path) -> None:
    raw = pd.read_excel(EXTRACT, sheet_name="DA Incidents", header=3, dtype=str, engine="calamine")
    secrets = (
        set(raw["Occurrence Ref"].dropna())
        | set(raw["Victim ID"].dropna())
        | set(raw["Victim Name"].dropna())
    )
    surnames = {n.split()[-1] for n in raw["Victim Name"].dropna()}
    assert len(secrets) > 10_000
    texts = []
    for path in sample_run.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    csv_dir = tmp_path / "csv"
    result = runner.invoke(
        app,
        ["police", str(EXTRACT), "-p", str(SAMPLE / "population" / "mye2_northmere_region_mid2015.xlsx")]
        + ["-a", "Northmere", "--sheet", "DA Incidents", "--csv-dir", str(csv_dir)],
        catch_exceptions=False,
    )
    texts.append(result.stdout)
    texts += [p.read_text(encoding="utf-8-sig") for p in csv_dir.iterdir()]
    everything = "\n".join(texts)
    assert not re.search(r"NTV/\d\d/\d{6}", everything)
    assert not re.search(r"\bP\d{7}\b", everything)
    tokens = set(re.findall(r"[A-Za-z]+", everything))
    assert not (surnames & tokens), sorted(surnames & tokens)[:5]
    for name in NAMES:
        assert name not in everything


def test_run_manifest_lists_the_police_inputs(sample_run: Path) -> None:
    manifest = json.loads((sample_run / "manifest.json").read_text())
    roles = {i["role"]: i for i in manifest["inputs"]}
    raw = pd.read_excel(EXTRACT, sheet_name="DA Incidents", header=3, dtype=str, engine="calamine")
    rows = int(raw["Date Reported"].notna().sum())
    assert (
        roles["police incidents"]["detail"]
        == f'{rows:,} rows, 01 Apr 2014 to 31 Mar 2016, sheet "DA Incidents"'
    )
    assert len(roles["deprivation"]["sha256"]) == 64
    assert "safelives-benchmarks" in [p["id"] for p in manifest["packs"]]


def test_config_errors_in_the_police_section_name_assessment_toml(tmp_path: Path) -> None:
    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out", "ntv_police_*.xlsx"))
    config = target / "assessment.toml"
    config.write_text(
        config.read_text().replace('current = "2015/16"', 'current = "2015-17"\nmost_deprivd = 6')
    )
    result = runner.invoke(app, ["run", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == 'Error: assessment.toml: [police] unknown key "most_deprivd"; did you mean "most_deprived"?'
    )
    assert (
        'assessment.toml: [police] current: "2015-17" is not a year; expected two consecutive years such as '
        '"2015/16"' in lines
    )
    assert any(
        "[police] file police/ntv_police_da_incidents_2014-16.xlsx not found" in line for line in lines
    )
    assert load_config(SAMPLE / "assessment.toml").section("police")["most_deprived"] == 6


def test_reach_leaves_out_missing_steps_with_a_note(tmp_path: Path) -> None:
    from needsassess.pipeline import run_assessment
    from needsassess.report.sheets import build_sheets

    target = tmp_path / "northmere"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out"))
    config = target / "assessment.toml"
    text = config.read_text()
    # no agency files and no referral figures: the funnel stops at the police
    no_agencies = text[: text.index("[[agencies]]")] + text[text.index("[police]") :]
    config.write_text(no_agencies)
    assessment = run_assessment(load_config(config))
    assert [s.key for s in assessment.reach.steps] == ["estimated", "police"]
    reach = next(s for s in build_sheets(assessment) if s.name == "Reach")
    assert (
        "Not shown: Referred to specialist services, because no agency data, and no people_referred stated in "
        "[provision]." in reach.intro
    )
    # stated figures stand in for the agency data
    config.write_text(no_agencies.replace("# people_referred = 1240", "people_referred = 1240"))
    assessment = run_assessment(load_config(config))
    assert [(s.key, s.value) for s in assessment.reach.steps][2] == ("referred", 1240)
    # without the police, the agencies and the stated numbers only the estimate is left: no Reach sheet
    config.write_text(text[: text.index("[[agencies]]")] + "[provision]\nidva_fte = 2.0\n")
    assessment = run_assessment(load_config(config))
    assert assessment.police is None and assessment.reach is None
    assert [s.name for s in build_sheets(assessment)][-2:] == ["Provision", "Sources"]


def test_monthly_trend_is_drawn_with_straight_lines(sample_run: Path) -> None:
    charts = load_workbook(sample_run / "northmere_needs_assessment.xlsx")["Police"]._charts
    (line,) = [c for c in charts if c.tagname == "lineChart"]
    assert line.series and not any(s.smooth for s in line.series)  # no smooth element, or val="0"


def test_hidden_police_cells_are_in_the_suppression_log(small, sample_run: Path) -> None:
    from needsassess.report.publish import published_log

    _, sheet = small
    log = published_log(sheet, get_rule("lt5"))
    summary = [e for e in log if e.table.startswith("Police-recorded domestic abuse in Hartlepool")]
    assert ("Non-crime domestic incidents", "Number", "primary") in [
        (e.row, e.column, e.kind) for e in summary
    ]
    assert ("Domestic abuse-related crimes", "Number", "secondary") in [
        (e.row, e.column, e.kind) for e in summary
    ]
    assert ("Domestic abuse-related crimes", "Per 1,000 aged 16+", "share") in [
        (e.row, e.column, e.kind) for e in summary
    ]
    # in a run, the log on the Notes sheet lists the Police sheet's hidden cells with the profile's
    wb = load_workbook(sample_run / "northmere_needs_assessment.xlsx")
    notes = _tables(wb["Notes"])["suppression_log"]
    tables = {row[0] for row in notes[1:]}
    assert "Victims by age and sex, 2015/16" in tables
    assert any("hidden in this workbook" in str(c.value) for c in wb["Cover"]["A"])
