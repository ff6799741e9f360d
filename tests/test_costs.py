"""Cost of domestic abuse: uplift, offence names, crime files and both methods, against hand calculations."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from needsassess.costs import (
    NOT_AVAILABLE,
    CostMethod,
    cost_per_crime,
    cost_per_victim,
    financial_year,
    find_deflators,
    match_offence,
    read_crime_counts,
    uplift_factor,
)
from needsassess.errors import InputError, PackError
from needsassess.packs import load_pack

DATA = Path(__file__).resolve().parent / "data"
# A synthetic deflator pack (2015/16 = 80, 2016/17 = 81, 2023/24 = 100) for hand-worked examples;
# needsassess ships no real one.
DEFLATORS = load_pack(DATA / "test-deflators")
POPULATION = 92_000
PER_CRIME = load_pack("ho-horr99-2018")
PER_VICTIM = load_pack("ho-horr107-2019")


def _category(result, category: str) -> pd.Series:
    return result.categories.set_index("category").loc[category]


# ---------------------------------------------------------------------------------------------- uplift


def test_uplift_factor_is_the_ratio_of_the_indices():
    # Hand-worked: £100 in 2015/16 prices (index 80) is £125 in 2023/24 prices (index 100).
    assert uplift_factor(DEFLATORS, "2015/16", "2023/24") == pytest.approx(1.25)
    assert 100 * uplift_factor(DEFLATORS, "2015/16", "2023/24") == pytest.approx(125)
    assert uplift_factor(DEFLATORS, "2023/24", "2015/16") == pytest.approx(0.8)
    assert uplift_factor(DEFLATORS, "2016/17", "2023/24") == pytest.approx(100 / 81)


def test_uplift_to_the_same_year_needs_no_deflators():
    assert uplift_factor(None, "2016/17", "2016-17") == 1.0


@pytest.mark.parametrize("text", ["2016/17", "2016-17", "2016/2017", "2016", 2016, " 2016 / 17 "])
def test_financial_year_spellings(text):
    assert financial_year(text) == "2016/17"


@pytest.mark.parametrize("text", ["2016/18", "16/17", "next year", ""])
def test_bad_financial_year(text):
    with pytest.raises(InputError) as err:
        financial_year(text)
    assert str(err.value) == f'"{text}" is not a financial year; expected e.g. 2023/24 or 2023 (= 2023/24)'


def test_uplift_beyond_the_series_is_an_error():
    with pytest.raises(PackError) as err:
        uplift_factor(DEFLATORS, "2015/16", "2030/31")
    assert str(err.value) == (
        'price year 2030/31 is beyond the deflator series in pack "test-deflators", '
        "which covers 2015/16 to 2023/24"
    )
    assert err.value.slugs == ["year-outside-deflators"]


def test_uplift_from_a_year_missing_inside_the_series_is_an_error():
    with pytest.raises(PackError) as err:
        uplift_factor(DEFLATORS, "2019/20", "2023/24")
    assert str(err.value) == (
        'price year 2019/20 is missing from the deflator series in pack "test-deflators", '
        "which covers 2015/16 to 2023/24"
    )


def test_default_deflators_are_the_shipped_stand_in_until_hm_treasury_is_added(tmp_path):
    assert find_deflators().id == "gdp-deflator-uk-worldbank"
    hmt = tmp_path / "hmt-gdp-deflators"
    hmt.mkdir()
    toml = (
        (DATA / "test-deflators" / "pack.toml").read_text().replace('"test-deflators"', '"hmt-gdp-deflators"')
    )
    (hmt / "pack.toml").write_text(toml)
    for f in (DATA / "test-deflators").glob("*.csv"):
        (hmt / f.name).write_text(f.read_text())
    assert find_deflators(extra_dirs=[tmp_path]).id == "hmt-gdp-deflators"


def test_shipped_deflators_uplift_2016_17_to_2023_24():
    """0.75 x 2016 + 0.25 x 2017 = 90.3; 0.75 x 2023 + 0.25 x 2024 = 113.925 (calendar index 2020 = 100)."""
    assert uplift_factor(find_deflators(), "2016/17", "2023/24") == pytest.approx(113.925 / 90.3)


def test_a_deflator_pack_is_found_by_folder():
    assert find_deflators(str(DATA / "test-deflators")).id == "test-deflators"


def test_a_prevalence_pack_is_not_a_deflator_series():
    with pytest.raises(PackError) as err:
        uplift_factor(load_pack("csew-2015-16to59"), "2016/17", "2023/24")
    assert str(err.value) == 'pack "csew-2015-16to59" holds prevalence, not deflators'


def test_uplift_without_a_deflator_pack_names_the_missing_pack():
    with pytest.raises(PackError) as err:
        uplift_factor(None, "2016/17", "2023/24")
    assert str(err.value) == (
        'no pack "hmt-gdp-deflators" (kind deflators) to uplift 2016/17 prices to 2023/24; '
        "add a pack of HM Treasury GDP deflators (columns year, index) or leave the price year out "
        "to report costs in the pack's own prices"
    )


# ---------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("VWI", "violence_with_injury"),
        ("vwi", "violence_with_injury"),
        ("Violence with injury", "violence_with_injury"),
        ("ABH", "violence_with_injury"),
        ("  Actual Bodily Harm ", "violence_with_injury"),
        ("violence_with_injury", "violence_with_injury"),
        ("Common assault", "violence_without_injury"),
        ("Violence without injury", "violence_without_injury"),
        ("Stalking & Harassment", "stalking_harassment"),
        ("Controlling or coercive behaviour", "stalking_harassment"),
        ("Rape", "rape"),
        ("Murder", "homicide"),
        ("Other Sexual Offences", "other_sexual_offences"),
        ("Theft of a motor vehicle", "theft_of_vehicle"),
        ("Criminal damage", "criminal_damage_other"),
        ("Burglary - dwelling", "domestic_burglary"),
        ("Theft from the Person", "theft_from_person"),
    ],
)
def test_match_offence_synonyms(name, item):
    assert match_offence(name) == item


@pytest.mark.parametrize("name", ["Headbutting", "", None, "Sexual offences", "Total", "violence"])
def test_unmatched_offences_are_none(name):
    assert match_offence(name) is None


# ---------------------------------------------------------------------------------------------- files


def test_read_crime_counts_finds_the_header_below_a_title():
    counts = read_crime_counts(DATA / "crimes.csv")
    assert list(counts.columns) == ["row", "offence", "item", "count"]
    assert counts["row"].tolist() == [4, 5, 6, 7, 8, 9]
    assert counts["offence"].tolist() == [
        "VWI",
        "ABH",
        "Rape",
        "Homicide",
        "Common assault",
        "Theft of a motor vehicle",
    ]
    assert counts["item"].tolist() == [
        "violence_with_injury",
        "violence_with_injury",
        "rape",
        "homicide",
        "violence_without_injury",
        "theft_of_vehicle",
    ]
    assert counts["count"].tolist() == [100, 20, 10, 1, 50, 2]


def test_read_crime_counts_reads_a_spreadsheet_the_same_way():
    from_xlsx = read_crime_counts(DATA / "crimes.xlsx")
    from_csv = read_crime_counts(DATA / "crimes.csv")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("negative-count.csv", 'negative-count.csv, row 4, column "Count": count is -3; counts must be >= 0'),
        (
            "not-a-number-count.csv",
            'not-a-number-count.csv, row 2, column "Count": count "twelve" is not a number',
        ),
        (
            "fractional-count.csv",
            'fractional-count.csv, row 2, column "Count": count is 12.5; counts must be whole numbers',
        ),
        (
            "blank-count.csv",
            'blank-count.csv, row 2, column "Count": count is blank; put 0 if there were none',
        ),
        (
            "blank-offence.csv",
            'blank-offence.csv, row 2, column "Offence": '
            "offence is blank but the count is 12; name the offence type",
        ),
        (
            "total-row.csv",
            'total-row.csv, row 4, column "Offence": "Total" is a total of the rows above it; '
            "give those counts instead and leave total rows out",
        ),
        (
            "missing-count-column.csv",
            "missing-count-column.csv: no header row with an offence column and a count column; "
            'expected headers such as "offence" and "count"',
        ),
        ("no-rows.csv", "no-rows.csv, row 1: no offence rows under the header"),
    ],
)
def test_malformed_crime_files(fixture, message):
    with pytest.raises(InputError) as err:
        read_crime_counts(DATA / fixture)
    assert str(err.value) == message


def test_unknown_offences_are_all_reported_with_the_known_names():
    with pytest.raises(InputError) as err:
        read_crime_counts(DATA / "unknown-offence.csv")
    known = (
        "homicide, rape, violence with injury, violence without injury, stalking and harassment, "
        "other sexual offences, robbery, theft of vehicle, theft from vehicle, arson, criminal damage, "
        "domestic burglary, theft from the person, cyber crime, other theft, public order offences, "
        "possession of weapons, drug offences, miscellaneous crimes against society "
        '(or a synonym such as "VWI" or "ABH")'
    )
    assert str(err.value) == (
        'unknown-offence.csv, row 3, column "Offence": '
        f'"Headbutting" is not an offence type needsassess knows; use one of {known}\n'
        'unknown-offence.csv, row 5, column "Offence": '
        f'"Spoons" is not an offence type needsassess knows; use one of {known}'
    )
    assert err.value.slugs == ["unknown-offence", "unknown-offence"]


def test_every_problem_in_a_file_is_collected_before_raising():
    with pytest.raises(InputError) as err:
        read_crime_counts(DATA / "many-problems.csv")
    assert err.value.slugs == ["negative-count", "not-a-number", "aggregate-offence", "blank-offence"]
    assert [p.row for p in err.value.problems] == [2, 3, 4, 5]


# ---------------------------------------------------------------------------------------------- per crime


def test_cost_per_crime_equals_the_hand_calculation():
    result = cost_per_crime(read_crime_counts(DATA / "crimes.csv"), PER_CRIME, population=POPULATION)

    # By hand, from the pack's 2015/16 unit costs:
    #   violence with injury (VWI 100 + ABH 20) 120 x 14,050 = 1,686,000
    #   rape 10 x 39,360 = 393,600; homicide 1 x 3,200,000; theft of vehicle 2 x 10,290 = 20,580
    total = 1_686_000 + 393_600 + 3_200_000 + 20_580
    assert total == 5_300_180
    assert result.method is CostMethod.PER_CRIME
    assert result.pack_id == "ho-horr99-2018"
    assert (result.pack_price_year, result.price_year, result.uplift_factor) == ("2015/16", "2015/16", 1.0)
    assert result.deflator_pack_id is None
    assert result.total_gbp == pytest.approx(total)
    assert result.per_head_gbp == pytest.approx(total / 92_000)

    items = result.items.set_index("item")
    assert items.loc["violence_with_injury", "offence"] == "VWI, ABH"
    assert items.loc["violence_with_injury", "count"] == 120
    assert items["cost_gbp"].to_dict() == pytest.approx(
        {
            "violence_with_injury": 1_686_000,
            "rape": 393_600,
            "homicide": 3_200_000,
            "theft_of_vehicle": 20_580,
        }
    )

    # Police: homicide 11,960 + rape 10 x 6,360 + theft of vehicle 2 x 2,030; no figure for VWI.
    police = _category(result, "police")
    assert police["cost_gbp"] == pytest.approx(11_960 + 63_600 + 4_060)
    assert police["coverage"] == "partial"
    assert police["note"] == "partial: no figure for violence with injury"
    cjs = _category(result, "criminal_justice")
    assert cjs["cost_gbp"] == pytest.approx(800_980)
    assert cjs["coverage"] == "partial"
    assert _category(result, "not_broken_down")["cost_gbp"] == pytest.approx(total - 79_620 - 800_980)
    assert _category(result, "total")["cost_gbp"] == pytest.approx(total)
    assert _category(result, "lost_output")["coverage"] == NOT_AVAILABLE
    assert math.isnan(_category(result, "lost_output")["cost_gbp"])

    # Common assault is matched but the pack does not cost it: listed, never dropped.
    assert result.not_costed.to_dict("records") == [
        {
            "item": "violence_without_injury",
            "offence": "Common assault",
            "count": 50.0,
            "reason": 'no cost per offence in pack "ho-horr99-2018"',
        }
    ]
    assert result.caveats[1] == (
        "50 crimes of types the pack does not cost (Common assault) are not costed, "
        "so the total understates the cost."
    )
    assert result.statuses == ["secondary"]


def test_cost_per_crime_after_uplift_equals_the_hand_calculation():
    result = cost_per_crime(
        read_crime_counts(DATA / "crimes.csv"),
        PER_CRIME,
        population=POPULATION,
        price_year="2023/24",
        deflators=DEFLATORS,
    )
    # Factor 100 / 80 = 1.25 on every figure: 5,300,180 x 1.25 = 6,625,225.
    assert result.uplift_factor == pytest.approx(1.25)
    assert (result.pack_price_year, result.price_year, result.deflator_pack_id) == (
        "2015/16",
        "2023/24",
        "test-deflators",
    )
    assert result.total_gbp == pytest.approx(6_625_225)
    assert result.per_head_gbp == pytest.approx(6_625_225 / 92_000)
    assert _category(result, "police")["cost_gbp"] == pytest.approx(79_620 * 1.25)
    assert _category(result, "criminal_justice")["cost_gbp"] == pytest.approx(1_001_225)
    assert result.items.set_index("item").loc["rape", "unit_cost_gbp"] == pytest.approx(49_200)
    assert (
        'Uplifted from 2015/16 to 2023/24 prices by a factor of 1.2500 (deflator pack "test-deflators").'
        in result.caveats
    )


def test_cost_per_crime_accepts_a_mapping_of_names():
    result = cost_per_crime({"Violence with injury": 2, "Rape": 1}, PER_CRIME)
    assert result.total_gbp == pytest.approx(2 * 14_050 + 39_360)
    assert result.per_head_gbp is None


def test_cost_per_crime_rejects_unknown_names_and_negative_counts():
    with pytest.raises(InputError) as err:
        cost_per_crime({"Headbutting": 2, "Rape": -1}, PER_CRIME)
    assert err.value.slugs == ["unknown-offence", "negative-count"]
    assert str(err.value).splitlines()[1] == 'count for "Rape" is -1; counts must be >= 0'


def test_cost_per_crime_refuses_uplift_without_deflators():
    with pytest.raises(PackError) as err:
        cost_per_crime({"Rape": 1}, PER_CRIME, price_year="2023/24")
    assert err.value.slugs == ["missing-deflators"]
    assert str(err.value).startswith(
        'no pack "hmt-gdp-deflators" (kind deflators) to uplift 2015/16 prices to 2023/24'
    )


def test_cost_per_crime_refuses_a_price_year_beyond_the_series():
    with pytest.raises(PackError) as err:
        cost_per_crime({"Rape": 1}, PER_CRIME, price_year=2031, deflators=DEFLATORS)
    assert err.value.slugs == ["year-outside-deflators"]


def test_a_per_victim_pack_has_no_per_offence_costs():
    with pytest.raises(PackError) as err:
        cost_per_crime({"Rape": 1}, PER_VICTIM)
    assert str(err.value) == 'pack "ho-horr107-2019" has no per-offence costs'


# ---------------------------------------------------------------------------------------------- per victim


def test_cost_per_victim_equals_the_hand_calculation():
    result = cost_per_victim({"female": 2_200, "male": 1_000}, PER_VICTIM, population=POPULATION)

    # By hand: 3,200 victims x £34,015 = £108,848,000 (2016/17 prices).
    assert result.method is CostMethod.PER_VICTIM
    assert (result.pack_price_year, result.price_year, result.uplift_factor) == ("2016/17", "2016/17", 1.0)
    assert result.total_gbp == pytest.approx(108_848_000)
    assert result.per_head_gbp == pytest.approx(108_848_000 / 92_000)
    assert result.items.set_index("group")["cost_gbp"].to_dict() == pytest.approx(
        {"female": 74_833_000, "male": 34_015_000}
    )
    expected = {
        "police": 3_200 * 645,
        "criminal_legal": 3_200 * 170,
        "civil_legal": 3_200 * 70,
        "victim_services": 3_200 * 372,
    }
    for category, cost in expected.items():
        assert _category(result, category)["cost_gbp"] == pytest.approx(cost)
        assert _category(result, category)["coverage"] == "complete"
    assert _category(result, "victim_services")["status"] == "derived"
    # No per-victim figure in the pack: shown as not available, and the remainder holds them.
    assert result.not_available == [
        "anticipation",
        "physical_emotional_harms",
        "lost_output",
        "health_services",
    ]
    remainder = _category(result, "not_broken_down")
    assert remainder["cost_gbp"] == pytest.approx(108_848_000 - sum(expected.values()))
    assert remainder["cost_gbp"] == pytest.approx(104_825_600)
    assert result.caveats[0].startswith("Costs are per victim and cover the whole period of abuse")
    assert result.statuses == ["derived", "secondary"]
    assert result.not_costed.empty


def test_cost_per_victim_after_uplift_equals_the_hand_calculation():
    result = cost_per_victim(
        3_200, PER_VICTIM, population=POPULATION, price_year="2023-24", deflators=DEFLATORS
    )
    factor = 100 / 81  # 2016/17 index 81 -> 2023/24 index 100
    assert result.uplift_factor == pytest.approx(factor)
    assert result.total_gbp == pytest.approx(108_848_000 * factor)
    assert result.total_gbp == pytest.approx(134_380_246.91, abs=0.01)
    assert _category(result, "police")["cost_gbp"] == pytest.approx(2_064_000 * factor)
    assert result.items["group"].tolist() == ["all"]


@pytest.mark.parametrize(
    ("victims", "message"),
    [
        ({"female": -5}, "victims (female) is -5; counts must be >= 0"),
        ({"female": 10, "all": 12}, 'give victims by sex or one total ("all"), not both'),
        (float("nan"), "victims (all) is nan; counts must be >= 0"),
    ],
)
def test_cost_per_victim_rejects_bad_counts(victims, message):
    with pytest.raises(InputError) as err:
        cost_per_victim(victims, PER_VICTIM)
    assert str(err.value) == message


def test_a_per_offence_pack_has_no_per_victim_costs():
    with pytest.raises(PackError) as err:
        cost_per_victim(100, PER_CRIME)
    assert str(err.value) == 'pack "ho-horr99-2018" has no per-victim costs for domestic abuse'


def test_footnotes_under_the_table_carry_no_count_and_are_skipped():
    counts = read_crime_counts(DATA / "footnote-row.csv")
    assert counts["offence"].tolist() == ["Violence with injury", "Rape"]
