"""Police extract: every figure against a hand count of the small extract in police_fixtures.py.

The hand count, for Hartlepool in 2015/16 (1 April 2015 to 31 March 2016): rows R03-R10 are its 8
incidents (R01, R02 are 2014/15, R11 is 2016/17, R12-R14 are Middlesbrough, the second R03 is a repeated
row). Crimes R03 R05 R07 R09 R10; victims V1-V5 (R08 has no key); repeats R03 (V2, 26 days after R02,
across the year boundary), R06 (V3, next day), R09 (V1, after R04), R10 (V5, after R14 in Middlesbrough);
not R04 (V1's last incident, 10 May 2014, is more than 12 months before 1 June 2015).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import ages_flat, hartlepool_like, write_mye_workbook
from police_fixtures import HEADER, ROWS, write_deprivation, write_extract

from needsassess.clients.merge import SecretError, load_secret
from needsassess.clients.values import parse_date
from needsassess.errors import ConfigError, InputError
from needsassess.police.analyse import PoliceSettings, analyse_police
from needsassess.police.deprivation import read_deprivation, read_peer_counts
from needsassess.police.options import police_options
from needsassess.police.periods import Period, parse_period, period_containing
from needsassess.police.read import read_incidents
from needsassess.population import read_population

POP_16PLUS = 83_400  # Hartlepool in the fixture: 26,600 + 25,800 aged 16-59 and 500 a year from 60 to 90+
MIDDLESBROUGH_16PLUS = 43_500  # (300 + 280) x 75 ages


@pytest.fixture
def population(tmp_path: Path):
    female, male = hartlepool_like()
    path = write_mye_workbook(
        tmp_path / "mye2.xlsx",
        [
            ("E06000001", "Hartlepool", female, male),
            ("E06000002", "Middlesbrough", ages_flat(300), ages_flat(280)),
        ],
    )
    return read_population(path)


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    return write_extract(tmp_path / "incidents.xlsx")


@pytest.fixture
def result(extract: Path, population, tmp_path: Path):
    incidents = read_incidents(extract)
    deprivation = read_deprivation(write_deprivation(tmp_path / "wards.csv"))
    settings = PoliceSettings(current=parse_period("2015/16"), most_deprived=2)
    return analyse_police(incidents, population, "Hartlepool", settings, deprivation)


def test_reader_maps_the_headers_and_drops_identifiers(extract: Path) -> None:
    incidents = read_incidents(extract)
    assert incidents.header_row == 3
    assert incidents.columns["date"] == "Date Reported"
    assert incidents.columns["children_present"] == "Children Present (Y/N)"
    assert incidents.columns["children_count"] == "No. of Children"
    assert incidents.columns["victim_key"] == "Victim ID"
    assert incidents.ignored_identifiers == ["Victim Name"]
    assert incidents.rows_read == 15  # the footnote under the table is not a row
    assert incidents.duplicates == 1
    frame = incidents.frame
    assert len(frame) == 14
    text = frame.astype(str).to_string()
    assert "R0" not in text and "V1" not in text and "Alice" not in text
    assert frame["victim_key"].str.fullmatch(r"[0-9a-f]{16}").fillna(True).all()
    first = frame.iloc[0]
    assert (first["crime"], first["victim_sex"], first["children_count"], first["risk"]) == (
        "non_crime",
        "female",
        2,
        "standard",
    )


def test_victim_keys_repeat_with_the_secret_and_not_without(extract: Path) -> None:
    secret = load_secret(environ={"NEEDSASSESS_SECRET": "a long enough test secret"})
    one = read_incidents(extract, secret=secret)
    two = read_incidents(extract, secret=secret)
    assert list(one.frame["victim_key"].dropna()) == list(two.frame["victim_key"].dropna())
    assert one.key_origin == "NEEDSASSESS_SECRET"
    three = read_incidents(extract)
    assert list(three.frame["victim_key"].dropna()) != list(one.frame["victim_key"].dropna())
    assert three.key_origin == "a one-off key for this run"
    with pytest.raises(SecretError, match="use at least 16"):
        load_secret(environ={"NEEDSASSESS_SECRET": "short"})


def test_headline_figures_match_the_hand_count(result) -> None:
    f = result.figures
    assert (result.area_code, result.area_name, result.population_16plus) == (
        "E06000001",
        "Hartlepool",
        POP_16PLUS,
    )
    assert (result.current.label, result.baseline.label) == ("2015/16", "2014/15")
    assert f["incidents"] == 8
    assert (f["crimes"], f["non_crime"], f["crime_not_recorded"]) == (5, 3, 0)
    assert (f["victims"], f["keyed_incidents"]) == (5, 7)
    assert (f["repeat_incidents"], f["repeat_victims"]) == (4, 4)
    assert (f["risk_assessed"], f["high_risk"], f["medium_risk"], f["standard_risk"]) == (6, 3, 1, 2)
    assert (f["children_present"], f["children_counted"], f["children_involved"]) == (4, 3, 5)
    assert (f["alcohol"], f["alcohol_recorded"]) == (2, 6)
    assert (f["female_victims"], f["victim_sex_recorded"]) == (5, 7)
    s = result.summary.set_index("key")
    assert s.at["incidents", "per_1000"] == pytest.approx(8 / POP_16PLUS * 1000)
    assert s.at["crimes", "share_pct"] == pytest.approx(62.5)
    assert s.at["crimes", "per_1000"] == pytest.approx(5 / POP_16PLUS * 1000)
    assert s.at["repeat_victims", "share_pct"] == pytest.approx(80.0)
    assert s.at["repeat_incidents", "share_pct"] == pytest.approx(400 / 7)
    assert s.at["high_risk", "share_pct"] == pytest.approx(50.0)
    assert s.at["children_present", "share_pct"] == pytest.approx(50.0)
    assert s.at["alcohol", "share_pct"] == pytest.approx(100 / 3)


def test_repeats_within_12_months_across_the_year_boundary(extract: Path, population) -> None:
    incidents = read_incidents(extract)
    result = analyse_police(incidents, population, "Hartlepool", PoliceSettings(current=Period(2015)))
    # R03 (15 April 2015) repeats R02 (20 March 2015), the year before; R04 is 12 months and 22 days after R01
    assert result.figures["repeat_incidents"] == 4
    yoy = result.year_on_year.set_index("key")
    assert (yoy.at["repeat_incidents", "baseline"], yoy.at["repeat_incidents", "current"]) == (0, 4)
    # exactly 12 months later is still within 12 months; a day more is not
    rows = [list(ROWS[0]), list(ROWS[0])]
    rows[1][0] = "R99"
    for later, repeat in ((date(2015, 5, 10), 1), (date(2015, 5, 11), 0)):
        rows[1][1] = later
        path = write_extract(extract.parent / f"edge-{later}.xlsx", rows)
        edge = analyse_police(
            read_incidents(path), population, "Hartlepool", PoliceSettings(current=Period(2015))
        )
        assert edge.figures["repeat_incidents"] == repeat, later


def test_year_on_year_and_offences(result) -> None:
    yoy = result.year_on_year.set_index("key")
    assert list(yoy.loc["incidents", ["baseline", "current", "change", "pct_change"]]) == [2, 8, 6, 300.0]
    assert list(yoy.loc["crimes", ["baseline", "current", "change"]]) == [1, 5, 4]
    assert list(yoy.loc["victims", ["baseline", "current"]]) == [2, 5]
    assert list(yoy.loc["children_involved", ["baseline", "current"]]) == [2, 5]
    assert yoy.at["high_risk", "pct_change"] != yoy.at["high_risk", "pct_change"]  # baseline 0: no % change
    offences = result.offences.set_index("offence")
    assert offences.loc["Violence with injury", ["baseline", "current"]].tolist() == [1, 2]
    assert offences.loc["Total", ["baseline", "current", "change"]].tolist() == [1, 5, 4]
    assert offences.index[-1] == "Total"


def test_monthly_counts_cover_the_whole_extract(result) -> None:
    m = result.monthly.set_index("label")
    assert m.index[0] == "May 2014" and m.index[-1] == "Apr 2016" and len(m) == 24
    assert m.loc["Jun 2015", ["incidents", "crimes", "non_crime"]].tolist() == [3, 1, 2]
    assert m.loc["Jul 2015", "incidents"] == 0
    assert m.loc["Apr 2016", "year"] == "2016/17"
    assert m["incidents"].sum() == 11


def test_victims_and_perpetrators_by_age_and_sex(result) -> None:
    v = result.victims
    assert v.loc["25-34", "Female"] == 3
    assert v.loc["Under 18", "Female"] == 1 and v.loc["18-24", "Female"] == 1
    assert v.loc["45-54", "Male"] == 2
    assert v.loc["65 and over", "Other or not recorded"] == 1
    assert v.loc["Total"].tolist() == [5, 2, 1, 8]
    p = result.perpetrators
    assert p.loc["25-34", "Male"] == 4 and p.loc["35-44", "Female"] == 2 and p.loc["18-24", "Male"] == 1
    assert p.loc["Not recorded", "Other or not recorded"] == 1
    assert p.loc["Total", "Total"] == 8


def test_risk_levels(result) -> None:
    r = result.risk.set_index("risk")
    assert r["incidents"].tolist() == [2, 1, 3, 2, 8]
    assert r.at["High", "share_pct"] == pytest.approx(50.0)


def test_wards_deprivation_and_the_most_deprived(result) -> None:
    w = result.wards.set_index("name")
    assert w.loc["Ward A", ["incidents", "crimes"]].tolist() == [4, 2]
    assert w.loc["Ward A", "incidents_per_1000"] == pytest.approx(4.0)
    assert w.loc["Ward C", "incidents_per_1000"] == pytest.approx(2 / 1500 * 1000)
    assert w.loc["Ward E", "incidents"] == 0
    unmatched = result.wards[result.wards["unit"] == "Not matched or not recorded"].iloc[0]
    assert (unmatched["incidents"], unmatched["crimes"]) == (1, 1)
    assert result.wards.iloc[-1]["incidents"] == 8
    top = result.most_deprived.set_index("group")
    assert top.loc["The 2 most deprived wards", ["units", "incidents"]].tolist() == [2, 5]
    assert top.loc["The 2 most deprived wards", "share_pct"] == pytest.approx(62.5)
    assert top.loc["The other 2 wards", "incidents"] == 2
    d = result.deciles.set_index("decile")
    assert d.loc[1, ["units", "population", "incidents"]].tolist() == [1, 1000, 4]
    assert d.loc[2, ["units", "population", "incidents"]].tolist() == [2, 3500, 3]
    assert d.loc[2, "per_1000"] == pytest.approx(3 / 3500 * 1000)
    assert d.loc["Total", "incidents"] == 8
    assert any("Ward D" in n for n in result.notes)


def test_peers_per_1000(result) -> None:
    p = result.peers.set_index("area_name")
    assert list(p.index) == ["Hartlepool", "Middlesbrough", "All areas"]
    assert p.loc["Middlesbrough", ["incidents", "crimes", "non_crime", "repeat_incidents"]].tolist() == [
        3,
        1,
        2,
        1,
    ]
    assert p.loc["Middlesbrough", "population_16plus"] == MIDDLESBROUGH_16PLUS
    assert p.loc["Middlesbrough", "incidents_per_1000"] == pytest.approx(3 / MIDDLESBROUGH_16PLUS * 1000)
    assert p.loc["All areas", "incidents"] == 11
    assert p.loc["All areas", "incidents_per_1000"] == pytest.approx(
        11 / (POP_16PLUS + MIDDLESBROUGH_16PLUS) * 1000
    )


def test_rows_in_equal_rows_used_plus_rows_left_out(result) -> None:
    r = dict(result.reading.itertuples(index=False))
    assert r["Rows read from the extract"] == 15
    assert r["Left out: repeating an earlier incident reference"] == 1
    assert r["Incidents in other areas (used for peers and repeats)"] == 3
    assert (r["Incidents in 2015/16"], r["Incidents in 2014/15"]) == (8, 2)
    assert r["Incidents in other months (monthly trend only)"] == 1
    assert sum(v for k, v in r.items() if k != "Rows read from the extract") == 15


def test_peer_counts_table_adds_areas_the_extract_lacks(tmp_path: Path, population) -> None:
    only_hartlepool = [r for r in ROWS if r[2] == "Hartlepool"]
    incidents = read_incidents(write_extract(tmp_path / "h.xlsx", only_hartlepool))
    table = tmp_path / "peers.csv"
    table.write_text("Area,Incidents,Crimes\nMiddlesbrough,870,400\nNowhere,5,5\n")
    result = analyse_police(
        incidents,
        population,
        "E06000001",
        PoliceSettings(current=Period(2015)),
        peer_counts=read_peer_counts(table),
    )
    p = result.peers.set_index("area_name")
    assert p.loc["Middlesbrough", ["incidents", "crimes", "source"]].tolist() == [870, 400, "peer table"]
    assert p.loc["Middlesbrough", "incidents_per_1000"] == pytest.approx(870 / MIDDLESBROUGH_16PLUS * 1000)
    assert p.loc["All areas", "incidents"] == 878
    assert any('"Nowhere" is not in the population file' in n for n in result.notes)


def test_csv_extract_and_default_years(tmp_path: Path, population) -> None:
    path = tmp_path / "x.csv"
    lines = ["Incident ID,Date,Area,Crime or incident,DASH risk level,Victim ID"]
    lines += ["1,03/04/2015,Hartlepool,Crime,High,A", "2,2015-05-01,Hartlepool,Non-crime,standard,A"]
    lines += ["3,12/12/2016,Hartlepool,Crime,H,B"]
    path.write_text("\n".join(lines) + "\n")
    result = analyse_police(read_incidents(path), population, "Hartlepool")
    assert result.current.label == "2016/17"  # the year of the latest incident
    assert result.baseline.label == "2015/16"  # the year before, which the extract covers
    assert result.figures["incidents"] == 1
    assert result.year_on_year.set_index("key").loc["incidents", "baseline"] == 2
    assert result.figures["repeat_incidents"] == 0  # B's first; A's repeat was in 2015/16
    assert result.year_on_year.set_index("key").loc["repeat_incidents", "baseline"] == 1
    later = [ln for ln in lines if not ln.startswith("1,")]
    path.write_text("\n".join(later) + "\n")
    result = analyse_police(read_incidents(path), population, "Hartlepool")
    assert result.baseline is None  # the extract starts in May 2015: 2015/16 is not covered from its start


def test_periods() -> None:
    assert parse_period("2015/16").label == "2015/16"
    assert parse_period("2015/16").start == date(2015, 4, 1)
    assert parse_period("2015/16").end == date(2016, 3, 31)
    assert parse_period(2015, 1).label == "2015" and parse_period(2015, 1).end == date(2015, 12, 31)
    assert period_containing(date(2016, 3, 31)).label == "2015/16"
    assert period_containing(date(2016, 4, 1)).label == "2016/17"
    with pytest.raises(ValueError, match="two consecutive years"):
        parse_period("2015/17")


def test_parse_date() -> None:
    assert parse_date("03/04/2015") == date(2015, 4, 3)
    assert parse_date("2015-04-03 14:22") == date(2015, 4, 3)
    assert parse_date(42097.0) == date(2015, 4, 3)
    assert parse_date("31/02/2015") is None


# --- malformed extracts: exact messages -------------------------------------------------------------------


def _error(path: Path, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        read_incidents(path, **kwargs)
    return str(info.value)


def test_missing_date_column(tmp_path: Path) -> None:
    header = [h if h != "Date Reported" else "When" for h in HEADER]
    path = write_extract(tmp_path / "missing-date-column.xlsx", ROWS[:2], header)
    message = _error(path)
    assert message.startswith(
        'missing-date-column.xlsx, sheet "DA incidents", row 3: no date column; expected a header such as '
        '"Date", "Incident date" or "Date reported" (or map one in [police.columns]); the headers are '
        '"Occurrence Ref", "When", '
    )
    mapped = read_incidents(path, columns={"When": "date"})
    assert mapped.columns["date"] == "When"


def test_unparseable_dates_and_negative_children_are_all_reported(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS[:4]]
    rows[0][1] = "31/02/2015"
    rows[1][1] = "soon"
    rows[2][13] = -2
    rows[3][8] = 140
    path = write_extract(tmp_path / "bad-cells.xlsx", rows)
    assert _error(path).splitlines() == [
        'bad-cells.xlsx, sheet "DA incidents", row 4, column "Date Reported": "31/02/2015" is not a date; '
        "expected day/month/year or an Excel date",
        'bad-cells.xlsx, sheet "DA incidents", row 5, column "Date Reported": "soon" is not a date; '
        "expected day/month/year or an Excel date",
        'bad-cells.xlsx, sheet "DA incidents", row 7, column "Victim Age": 140 is not an age; expected 0 to 120',
        'bad-cells.xlsx, sheet "DA incidents", row 6, column "No. of Children": -2 is negative; counts must be >= 0',
    ]


def test_unknown_codes_and_blank_dates(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS[:3]]
    rows[0][14] = "Amber"
    rows[1][1] = ""
    path = write_extract(tmp_path / "codes.csv.xlsx", rows)
    with pytest.raises(InputError) as info:
        read_incidents(path)
    assert info.value.slugs == ["missing-date", "unknown-code"]
    assert (
        str(info.value)
        .splitlines()[1]
        .endswith(
            'column "DASH Risk": "Amber" is not a risk level code; expected Standard, Medium, High or Not assessed'
        )
    )
    rows[1][1] = date(2015, 3, 20)
    path = write_extract(tmp_path / "amber.xlsx", rows)
    assert read_incidents(path, codes={"risk": {"Amber": "medium"}}).frame["risk"].iloc[0] == "medium"


def test_bad_mapping_names_the_field(tmp_path: Path, extract: Path) -> None:
    with pytest.raises(ConfigError) as info:
        read_incidents(extract, columns={"Ward": "wrd"}, codes={"risk": {"Amber": "amber"}})
    assert str(info.value).startswith('[police.columns] "Ward" = "wrd": unknown field; did you mean "ward"?')


def test_police_options_collect_every_problem(tmp_path: Path, extract: Path) -> None:
    section = {
        "file": "nope.xlsx",
        "year_start_month": 13,
        "current": "2015/17",
        "peers": "Eastholm",
        "colums": {},
    }
    with pytest.raises(ConfigError) as info:
        police_options(section, lambda p: tmp_path / p)
    lines = str(info.value).splitlines()
    assert lines[0] == '[police] unknown key "colums"; did you mean "columns"?'
    assert f"[police] file nope.xlsx not found (looked in {tmp_path / 'nope.xlsx'})" in lines
    assert "[police] year_start_month: 13 is not a month; expected 1 to 12 (4 for financial years)" in lines
    assert '[police] peers: expected a list of area codes or names, e.g. ["Eastholm", "E06009903"]' in lines
    options = police_options({"file": str(extract), "area_column": "Local Authority"}, Path)
    assert options.columns == {"Local Authority": "area"}
    assert options.settings.start_month == 4


def test_area_not_in_extract(extract: Path, tmp_path: Path) -> None:
    female, male = hartlepool_like()
    pop = read_population(
        write_mye_workbook(tmp_path / "other.xlsx", [("E06000003", "Redcar and Cleveland", female, male)])
    )
    with pytest.raises(InputError) as info:
        analyse_police(read_incidents(extract), pop, "Redcar and Cleveland")
    assert str(info.value) == (
        'incidents.xlsx, sheet "DA incidents": no incidents for Redcar and Cleveland (E06000003) in the area '
        'column "Local Authority"; the areas are "Hartlepool", "Middlesbrough"'
    )


def test_deprivation_by_lsoa_with_deciles_only(tmp_path: Path, population) -> None:
    path = tmp_path / "lsoa.csv"
    lines = ["Date,Area,LSOA code,Crime/Non-crime"]
    lines += [
        f"0{d}/06/2015,Hartlepool,{lsoa},Crime" for d, lsoa in enumerate(["E01000001"] * 3 + ["e01000002"], 1)
    ]
    lines += ["09/06/2015,Hartlepool,E01000009,Non-crime", "10/06/2015,Hartlepool,,Non-crime"]
    path.write_text("\n".join(lines) + "\n")
    table = tmp_path / "imd_lsoa.csv"
    table.write_text(
        "LSOA code,Ward,IMD decile,Population\nE01000001,Ward A,1,1500\nE01000002,Ward A,3,1200\n"
    )
    deprivation = read_deprivation(table)
    assert (deprivation.level, deprivation.decile_basis) == ("LSOA", "national IMD decile (from the file)")
    result = analyse_police(
        read_incidents(path), population, "Hartlepool", PoliceSettings(most_deprived=1), deprivation
    )
    assert result.population_basis == "population"  # no 16+ column: rates per 1,000 of all ages
    d = result.deciles.set_index("decile")
    assert d.loc[1, ["units", "population", "incidents"]].tolist() == [1, 1500, 3]
    assert d.loc[3, "incidents"] == 1
    assert d.loc["Not matched or not recorded", "incidents"] == 2  # E01000009 and the blank LSOA
    top = result.most_deprived.set_index("group")
    assert top.loc["The most deprived LSOA", "share_pct"] == pytest.approx(50.0)
    assert result.wards.set_index("unit").loc["E01000001", "incidents_per_1000"] == pytest.approx(2.0)
