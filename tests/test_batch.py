from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from conftest import hartlepool_like, write_mye_workbook
from openpyxl import load_workbook
from test_packs import HEADER, make_pack
from typer.testing import CliRunner

from needsassess.batch import area_level, estimate_every_area, read_region_lookup, run_batch
from needsassess.cli import app
from needsassess.errors import InputError, PackError
from needsassess.packs import load_pack
from needsassess.population import read_population, select_area
from needsassess.prevalence import estimate_prevalence
from needsassess.rounding import NO_ROUNDING

runner = CliRunner()


def _ages(rng: random.Random, scale: int) -> list[int]:
    return [rng.randint(scale // 2, scale) for _ in range(91)]


@pytest.fixture
def three_areas(tmp_path: Path) -> Path:
    """A region row, then three unitary authorities of different sizes and age structures."""
    rng = random.Random(8)
    hf, hm = hartlepool_like()
    areas = [
        ("E06000001", "Hartlepool", hf, hm),
        ("E06000002", "Middlesbrough", _ages(rng, 1000), _ages(rng, 1000)),
        ("E06000003", "Redcar and Cleveland", _ages(rng, 1500), _ages(rng, 1400)),
    ]
    region = [
        (
            "E12000001",
            "North East",
            *[[sum(v) for v in zip(*(a[i] for a in areas), strict=True)] for i in (2, 3)],
        )
    ]
    return write_mye_workbook(
        tmp_path / "mye2_three.xlsx", region + areas, geographies={"E12000001": "Region"}
    )


def test_every_area_equals_the_single_area_estimate(three_areas: Path) -> None:
    population = read_population(three_areas)
    pack = load_pack("csew-2015-16to59")
    result = estimate_every_area(population, [pack])
    (comparison,) = result.comparisons
    for code in ("E06000001", "E06000002", "E06000003", "E12000001"):
        single = estimate_prevalence(select_area(population, code), pack)
        batch = comparison.estimates[comparison.estimates["area_code"] == code]
        pd.testing.assert_frame_equal(
            batch.drop(columns=["area_code", "area_name"]).reset_index(drop=True), single.estimates
        )
        row = comparison.areas.set_index("area_code").loc[code]
        assert row["rounded_female"] == single.headline("da_last_year", "female")
        assert row["rounded_male"] == single.headline("da_last_year", "male")
        e = single.estimates.set_index(["measure", "sex", "method"])["estimate"]
        total = e[("da_last_year", "female", "single rate")] + e[("da_last_year", "male", "single rate")]
        assert row["estimate_total"] == pytest.approx(total)
        everyone = int(select_area(population, code).frame["population"].sum())
        assert row["population_all_ages"] == everyone
        assert row["per_1000"] == pytest.approx(1000 * total / everyone)


def test_age_bands_and_restricted_ages_match_the_single_area_too(three_areas: Path, tmp_path: Path) -> None:
    rows = (
        HEADER
        + "da_last_year,female,16-59,8,7,9,verified\n"
        + "da_last_year,female,16-29,12,10,14,verified\n"
        + "da_last_year,female,30-59,6,5,7,derived\n"
        + "da_last_year,male,16-59,4,3,5,verified\n"
    )
    pack = load_pack(make_pack(tmp_path, rows))
    population = read_population(three_areas)
    result = estimate_every_area(population, [pack], ages="20-59", rounding=NO_ROUNDING)
    for code in ("E06000001", "E06000003"):
        single = estimate_prevalence(select_area(population, code), pack, "20-59", NO_ROUNDING)
        batch = result.comparisons[0].estimates
        batch = batch[batch["area_code"] == code].drop(columns=["area_code", "area_name"])
        pd.testing.assert_frame_equal(batch.reset_index(drop=True), single.estimates)


def test_ranks_levels_regions_and_peers(three_areas: Path) -> None:
    result = estimate_every_area(read_population(three_areas), [load_pack("csew-2015-16to59")])
    assert result.regions_from == "file order"
    c = result.comparisons[0]
    local = c.local_authorities
    assert list(local["rank"]) == [1, 2, 3]
    assert local["per_1000"].is_monotonic_decreasing
    assert set(local["region_name"]) == {"North East"}
    assert list(c.aggregates["area_code"]) == ["E12000001"]
    assert c.aggregates["rank"].isna().all()
    (region,) = c.regions.to_dict("records")
    assert region["areas"] == 3
    assert region["population_all_ages"] == local["population_all_ages"].sum()
    assert region["per_1000"] == pytest.approx(
        1000 * local["estimate_total"].sum() / local["population_all_ages"].sum()
    )
    # The region's own row in the file agrees with its areas added up.
    own = c.aggregates.iloc[0]
    assert own["estimate_total"] == pytest.approx(local["estimate_total"].sum())
    peers = c.peers
    assert list(peers["rank_in_region"]) == [1, 2, 3]
    assert peers["difference_per_1000"].to_list() == pytest.approx(
        (peers["per_1000"] - region["per_1000"]).to_list()
    )


@pytest.mark.parametrize(
    ("code", "geography", "level"),
    [
        ("E92000001", "", "country"),
        ("W92000004", "Country", "country"),
        ("E12000001", "", "region"),
        ("E10000002", "County", "county"),
        ("E11000007", "Metropolitan County", "county"),
        ("E06000001", "Unitary Authority", "local authority"),
        ("E07000004", "Non-metropolitan District", "local authority"),
        ("W06000001", "", "local authority"),
        ("X1", "Region", "region"),
    ],
)
def test_area_levels(code: str, geography: str, level: str) -> None:
    assert area_level(code, geography) == level


def test_region_lookup_overrides_file_order(three_areas: Path, tmp_path: Path) -> None:
    lookup = tmp_path / "forces.csv"
    lookup.write_text(
        "Force areas 2015\n\narea_code,region_code,region_name\n"
        "E06000001,E23000013,Cleveland\nE06000002,E23000013,Cleveland\n"
    )
    result = run_batch(three_areas, ["csew-2015-16to59"], regions_path=lookup)
    assert result.regions_from == "lookup forces.csv"
    areas = result.areas.set_index("area_code")
    assert areas.loc["E06000001", "region_name"] == "Cleveland"
    assert areas.loc["E06000003", "region_name"] == "Not assigned"
    assert result.warnings[0] == "1 area is not in the region lookup (E06000003); shown as not assigned"
    assert [i.role for i in result.inputs] == ["population", "regions"]


def test_region_lookup_errors_name_the_row(tmp_path: Path) -> None:
    lookup = tmp_path / "bad.csv"
    lookup.write_text("area_code,region_code,region_name\nE1,R1,One\nE1,R2,Two\nE2,,\n")
    with pytest.raises(InputError) as err:
        read_region_lookup(lookup)
    assert str(err.value).splitlines() == [
        'bad.csv, row 3, column "region_code": area E1 is in two regions (R1 and R2)',
        "bad.csv, row 4: needs an area_code and a region_code or region_name",
    ]


def test_file_without_region_rows_has_no_peers(tidy_csv: Path) -> None:
    result = estimate_every_area(read_population(tidy_csv), [load_pack("csew-2015-16to59")])
    assert result.regions_from == ""
    assert result.comparisons[0].local_authorities["rank"].tolist() == [1]


def test_an_area_missing_ages_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    rows = ["area_code,area_name,year,sex,age,population"]
    rows += [f"E1,One,2015,{s},{a},10" for s in ("female", "male") for a in range(91)]
    rows += [f"E2,Two,2015,{s},{a},10" for s in ("female", "male") for a in range(91) if a != 40]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as err:
        estimate_every_area(read_population(path), [load_pack("csew-2015-16to59")])
    assert str(err.value) == (
        'gaps.csv: 1 area lacks figures for some ages 16-59, which the pack "csew-2015-16to59" needs: E2'
    )


def test_unknown_measure(three_areas: Path) -> None:
    with pytest.raises(PackError) as err:
        estimate_every_area(read_population(three_areas), [load_pack("csew-2015-16to59")], measure="nope")
    assert str(err.value).startswith('pack "csew-2015-16to59" has no measure "nope"; it has da_last_year, ')


def _table(ws, name: str) -> list[dict]:
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_batch_command_workbook_reads_back_with_the_single_area_figures(
    three_areas: Path, tmp_path: Path
) -> None:
    out, csv = tmp_path / "areas.xlsx", tmp_path / "areas.csv"
    result = runner.invoke(
        app,
        ["batch", "--population", str(three_areas), "-o", str(out), "--csv", str(csv)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "csew-2015-16to59: domestic abuse in the last year, 3 local authorities" in result.stdout
    assert "━" not in result.output  # no progress bar when not on a terminal
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "Comparison", "Peers", "Sources"]
    packs = _table(wb["Sources"], "sources_packs")
    assert [p["Pack"] for p in packs] == ["csew-2015-16to59", "ho-horr107-2019"]
    rows = _table(wb["Comparison"], "comparison_1")
    assert [r["Rank"] for r in rows] == [1, 2, 3]
    population = read_population(three_areas)
    for row in rows:
        single_csv = tmp_path / f"{row['Area code']}.csv"
        single = runner.invoke(
            app,
            ["prevalence", "-p", str(three_areas), "-a", row["Area code"], "--csv", str(single_csv)],
            catch_exceptions=False,
        )
        assert single.exit_code == 0
        e = pd.read_csv(single_csv, encoding="utf-8-sig")
        e = e[(e["measure"] == "da_last_year") & (e["method"] == "single rate")].set_index("sex")
        assert row["Estimated women"] == e.loc["female", "rounded"]
        assert row["Estimated men"] == e.loc["male", "rounded"]
        assert row["Women aged 16-59"] == e.loc["female", "population"]
        assert row["Estimated total (unrounded)"] == pytest.approx(
            e.loc["female", "estimate"] + e.loc["male", "estimate"], abs=0.05
        )
        area = estimate_prevalence(select_area(population, row["Area code"]), load_pack("csew-2015-16to59"))
        assert row["Estimated men"] == area.headline("da_last_year", "male")
        assert row["Region"] == "North East"
    larger = _table(wb["Comparison"], "comparison_larger_areas_1")
    assert [(r["Area code"], r["Level"]) for r in larger] == [("E12000001", "Region")]
    regions = _table(wb["Peers"], "peers_regions_1")
    assert regions[0]["Local authorities"] == 3
    peers = _table(wb["Peers"], "peers_areas_1")
    assert [p["Rank in region"] for p in peers] == [1, 2, 3]
    assert len(wb["Peers"]._charts) == 1
    assert rows[0]["Cost (£, 2016/17 prices)"] > 0
    assert rows[0]["Cost per head (£)"] == pytest.approx(
        rows[0]["Cost (£, 2016/17 prices)"] / rows[0]["Population (all ages)"], abs=0.01
    )
    inputs = _table(wb["Sources"], "sources_inputs")
    assert inputs[0]["File"] == "mye2_three.xlsx" and len(inputs[0]["SHA-256"]) == 64
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert set(frame["area_code"]) == {"E06000001", "E06000002", "E06000003", "E12000001"}
    again = runner.invoke(app, ["batch", "-p", str(three_areas), "-o", str(out)])
    assert again.exit_code == 2
    assert again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"


def test_batch_command_rejects_a_non_xlsx_output(three_areas: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", "-p", str(three_areas), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "the workbook must be an .xlsx file" in result.output


def test_cost_per_head_equals_the_single_area_per_victim_cost(three_areas: Path) -> None:
    from needsassess.costs import cost_per_victim, victims_from_prevalence
    from needsassess.population import residents

    result = run_batch(three_areas, ["csew-2015-16to59"])
    assert result.unit_cost is not None and result.unit_cost.pack.id == "ho-horr107-2019"
    assert [p.id for p in result.packs] == ["csew-2015-16to59", "ho-horr107-2019"]
    population = read_population(three_areas)
    areas = result.comparisons[0].areas.set_index("area_code")
    for code in ("E06000001", "E06000002", "E06000003"):
        local = select_area(population, code)
        victims, _ = victims_from_prevalence(estimate_prevalence(local, load_pack("csew-2015-16to59")))
        single = cost_per_victim(victims, load_pack("ho-horr107-2019"), population=residents(local))
        assert areas.loc[code, "cost_gbp"] == pytest.approx(single.total_gbp, rel=1e-12)
        assert areas.loc[code, "cost_per_head_gbp"] == pytest.approx(single.per_head_gbp, rel=1e-12)


def test_no_cost_and_a_measure_without_unit_costs(three_areas: Path) -> None:
    assert run_batch(three_areas, ["csew-2015-16to59"], cost_pack=None).unit_cost is None
    result = run_batch(three_areas, ["csew-2015-16to59"], measure="da_since_16")
    assert not result.comparisons[0].costed
    assert "not costed for csew-2015-16to59: per-victim costs are for da last year, not da since 16" in (
        result.warnings
    )


def test_progress_steps_are_silent_off_a_terminal_and_count_on_one() -> None:
    from needsassess.report.terminal import Steps

    with Steps(total=2) as steps:  # pytest's output is not a terminal
        assert not steps.enabled
        steps.step("one")
    with Steps(total=2, first="Loading", enabled=True) as steps:
        assert steps._progress.tasks[0].description == "Loading"
        steps.step("Reading")
        steps.step("Writing")
        assert steps._progress.tasks[0].completed == 1
    assert steps._progress.tasks[0].completed == 2


def test_a_pack_with_only_subgroup_rates_estimates_nothing_without_error(
    three_areas: Path, tmp_path: Path
) -> None:
    from needsassess.prevalence import apply_rates, plan_rates

    rows = (
        "measure,sex,age_band,rate_pct,status,population\nda_last_year,female,16-59,17.5,secondary,disabled\n"
    )
    pack = load_pack(make_pack(tmp_path, rows))
    population = read_population(three_areas)
    single = estimate_prevalence(select_area(population, "E06000001"), pack)
    assert single.estimates.empty and [m for m, _ in single.not_estimated] == ["da_last_year"]
    plan = plan_rates(pack)
    assert apply_rates(plan, [[], [], []], NO_ROUNDING).empty
