from __future__ import annotations

from pathlib import Path

import pytest
from test_packs import HEADER, TOML, make_pack

from needsassess.errors import InputError, PackError
from needsassess.packs import load_pack
from needsassess.population import read_population, select_area
from needsassess.prevalence import combine_estimates, estimate_prevalence
from needsassess.rounding import NO_ROUNDING


@pytest.fixture
def hartlepool(mye_xlsx: Path):
    return select_area(read_population(mye_xlsx), "E06000001")


def test_reproduces_the_hartlepool_2016_strategy(hartlepool) -> None:
    """Hartlepool Domestic Abuse Strategy 2016-2019 (shared/reference/hartlepool_2016_strategy_extract.md):
    2,200 women & 1,000 men last year; 7,200 & 3,400 since 16; 700 women sexually assaulted.
    The published 150 men sexually assaulted does not follow from the published 0.7%: 0.7% of 25,800 is
    180.6, which rounds to 200 by the nearest-50 rule. The tool shows its own figure; the discrepancy is
    recorded here, not hidden."""
    result = estimate_prevalence(hartlepool, load_pack("csew-2015-16to59"))
    assert result.headline("da_last_year", "female") == 2200
    assert result.headline("da_last_year", "male") == 1000
    assert result.headline("da_since_16", "female") == 7200
    assert result.headline("da_since_16", "male") == 3400
    assert result.headline("sexual_assault_last_year", "female") == 700
    published_men_sexual_assault = 150
    assert result.headline("sexual_assault_last_year", "male") == 200 != published_men_sexual_assault
    row = result.estimates[
        (result.estimates.measure == "sexual_assault_last_year") & (result.estimates.sex == "male")
    ]
    assert row["estimate"].iloc[0] == pytest.approx(180.6)


def test_estimates_carry_population_rate_status_and_source(hartlepool) -> None:
    result = estimate_prevalence(hartlepool, load_pack("csew-2015-16to59"))
    row = result.estimates.iloc[0]
    assert (row["measure"], row["sex"], row["population"], row["rate_pct"]) == (
        "da_last_year",
        "female",
        26600,
        8.2,
    )
    assert row["estimate"] == pytest.approx(2181.2)
    assert row["status"] == "verified"
    assert "Focus on Violent Crime" in row["source"]
    secondary = result.estimates[result.estimates["status"] == "secondary"]
    assert list(secondary["measure"]) == ["partner_abuse_since_16"]


def test_combine_estimates_keeps_every_row_with_its_area_and_year(hartlepool) -> None:
    results = [estimate_prevalence(hartlepool, load_pack("csew-2015-16to59"))] * 2
    combined = combine_estimates(results)
    assert len(combined) == 2 * len(results[0].estimates)
    assert set(combined["area_code"]) == {"E06000001"} and set(combined["area_name"]) == {"Hartlepool"}
    assert set(combined["year"]) == {results[0].year}
    assert list(combined.index) == list(range(len(combined)))


def test_restricting_ages_within_the_pack(hartlepool) -> None:
    result = estimate_prevalence(
        hartlepool, load_pack("csew-2015-16to59"), ages="18-59", rounding=NO_ROUNDING
    )
    row = result.estimates.iloc[0]
    assert row["age_band"] == "18-59"
    assert row["population"] == 26600 - 2 * (26600 // 44 + 1)


def test_extending_ages_beyond_the_pack_is_an_error(hartlepool) -> None:
    with pytest.raises(PackError) as err:
        estimate_prevalence(hartlepool, load_pack("csew-2015-16to59"), ages="16-74")
    assert str(err.value) == (
        'the rates in "csew-2015-16to59" were measured on ages 16-59; ages 16-74 go beyond them. '
        "Choose ages within 16-59 or a pack measured on those ages."
    )


def test_population_missing_ages_the_pack_needs(tmp_path: Path) -> None:
    path = tmp_path / "adults.csv"
    rows = ["area_code,area_name,year,sex,age,population"]
    rows += [f"E1,X,2015,{s},{a},10" for s in ("female", "male") for a in range(18, 91)]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as err:
        estimate_prevalence(read_population(path), load_pack("csew-2015-16to59"))
    assert str(err.value) == (
        'adults.csv: the population has no figures for ages 16-17, which the pack "csew-2015-16to59" needs '
        "(ages 16-59)"
    )


def test_age_bands_give_a_sum_beside_the_single_rate(tmp_path: Path, hartlepool) -> None:
    rows = (
        HEADER
        + "da_last_year,female,16-59,8,7,9,verified\n"
        + "da_last_year,female,16-29,12,10,14,verified\n"
        + "da_last_year,female,30-59,6,5,7,derived\n"
    )
    pack = load_pack(make_pack(tmp_path, rows))
    result = estimate_prevalence(hartlepool, pack, rounding=NO_ROUNDING)
    e = result.estimates.set_index("method")
    assert list(result.estimates["method"]) == [
        "single rate",
        "by age band",
        "by age band",
        "sum of age bands",
    ]
    per_age = 26600 // 44  # 26600 = 44 * 604 + 24: the first 24 ages have 605
    young = 14 * (per_age + 1)
    assert result.estimates.iloc[1]["population"] == young
    assert e.loc["single rate", "estimate"] == pytest.approx(26600 * 0.08)
    assert e.loc["single rate", "low"] == pytest.approx(26600 * 0.07)
    assert e.loc["sum of age bands", "estimate"] == pytest.approx(young * 0.12 + (26600 - young) * 0.06)
    assert e.loc["sum of age bands", "status"] == "derived"
    assert result.has_intervals


def test_rates_for_a_subgroup_are_listed_as_not_estimated(tmp_path: Path, hartlepool) -> None:
    rows = (
        "measure,sex,age_band,rate_pct,status,population\n"
        "da_last_year,female,16-59,17.5,secondary,disabled\n"
        "da_last_year,female,16-59,8.2,verified,\n"
    )
    result = estimate_prevalence(hartlepool, load_pack(make_pack(tmp_path, rows)))
    assert len(result.estimates) == 1
    assert result.not_estimated == [
        ("da_last_year", "the rate applies to disabled residents only, whom a population file does not count")
    ]


def test_children_on_their_own_ages(tmp_path: Path, hartlepool) -> None:
    rows = "measure,sex,age_band,rate_pct,status\nchild_exposed_dv,all,0-17,14.2,secondary\n"
    pack = load_pack(make_pack(tmp_path, rows, "kids", toml=TOML.replace('"16-59"', '"0-17"')))
    result = estimate_prevalence(hartlepool, pack, ages="0-15", rounding=NO_ROUNDING)
    row = result.estimates.iloc[0]
    assert row["population"] == 16 * 1000  # 500 girls and 500 boys at each age 0-15
    assert row["estimate"] == pytest.approx(16000 * 0.142)


def test_a_pack_of_subgroup_rates_only_estimates_nothing_and_says_why(tmp_path: Path, hartlepool) -> None:
    rows = (
        "measure,sex,age_band,rate_pct,status,population\nda_last_year,female,16-59,17.5,secondary,disabled\n"
    )
    result = estimate_prevalence(hartlepool, load_pack(make_pack(tmp_path, rows)))
    assert result.estimates.empty
    assert [m for m, _ in result.not_estimated] == ["da_last_year"]
