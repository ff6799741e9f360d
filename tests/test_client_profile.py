"""The needs profile counted by hand on small frames: every share's numerator, base and not recorded."""

from __future__ import annotations

import pandas as pd
import pytest

from needsassess.errors import ConfigError
from needsassess.profile.characteristics import ALL_AGENCIES, NOT_RECORDED, Unit
from needsassess.profile.client_profile import profile_clients
from needsassess.profile.counting import combine_people
from needsassess.profile.perpetrators import profile_perpetrators
from needsassess.profile.publish import publish_profile
from needsassess.profile.representation import (
    PopulationShares,
    compare_with_population,
    parse_population_shares,
    population_shares_from,
    wilson_interval,
)
from needsassess.profile.safe_accommodation import profile_safe_accommodation
from needsassess.profile.victims import profile_victims

NR = NOT_RECORDED


def victims(rows: list[dict]) -> pd.DataFrame:
    """A merged client table of victims from a few dicts; unspecified fields are not recorded."""
    frame = pd.DataFrame(rows)
    frame["record_type"] = "victim"
    if "referral_date" not in frame:
        frame["referral_date"] = pd.date_range("2015-04-01", periods=len(frame), freq="D")
    frame["referral_date"] = pd.to_datetime(frame["referral_date"])
    frame["agency"] = frame.get("agency", pd.Series("Outreach", index=frame.index)).fillna("Outreach")
    if "client_key" not in frame:
        frame["client_key"] = [f"k{i}" for i in range(len(frame))]
    return frame


def test_a_flag_share_has_numerator_base_and_not_recorded() -> None:
    frame = victims(
        [{"has_children": "yes"}] * 6 + [{"has_children": "no"}] * 2 + [{"has_children": NR}] * 3
        + [{"has_children": None}]
    )  # fmt: skip
    item = profile_victims(frame).needs.item("has_children")
    assert item.count("yes") == 6
    assert item.recorded() == 8
    assert item.not_recorded() == 4  # "not recorded" and blank alike
    assert item.share() == pytest.approx(6 / 8)


def test_a_category_share_is_of_those_recorded() -> None:
    frame = victims([{"sex": "female"}] * 7 + [{"sex": "male"}] * 2 + [{"sex": "other"}] + [{"sex": NR}] * 2)
    item = profile_victims(frame).demographics.item("sex")
    assert [item.count(v) for v in ("female", "male", "other")] == [7, 2, 1]
    assert item.recorded() == 10
    assert item.not_recorded() == 2
    assert item.share("female") == pytest.approx(0.7)


def test_an_unknown_code_is_not_recorded_never_no() -> None:
    frame = victims([{"mental_health": "yes"}, {"mental_health": "maybe"}, {"mental_health": "no"}])
    item = profile_victims(frame).needs.item("mental_health")
    assert (item.count("yes"), item.count("no"), item.not_recorded()) == (1, 1, 1)


def test_people_combine_their_episodes_and_referrals_do_not() -> None:
    frame = victims(
        [
            {"client_key": "a", "agency": "Outreach", "mental_health": "no", "sex": NR, "age": 30},
            {"client_key": "a", "agency": "IDVA", "mental_health": "yes", "sex": "female", "age": 31},
            {"client_key": "b", "agency": "Outreach", "mental_health": NR, "sex": "male", "age": None},
        ]
    )
    profile = profile_victims(frame)
    assert (profile.people, profile.referrals) == (2, 3)
    mh = profile.needs.item("mental_health")
    assert mh.counts[ALL_AGENCIES].to_dict() == {"yes": 1, "no": 0, NR: 1}  # a: yes in any episode
    assert mh.counts["Outreach"].to_dict() == {"yes": 0, "no": 1, NR: 1}
    assert mh.counts["IDVA"].to_dict() == {"yes": 1, "no": 0, NR: 0}
    per_referral = profile.needs.item("mental_health", Unit.REFERRALS)
    assert per_referral.counts[ALL_AGENCIES].to_dict() == {"yes": 1, "no": 1, NR: 1}
    assert per_referral.additive and not mh.additive
    # At entry: the earliest episode that records it (a's sex from the IDVA episode, age from the first).
    sex = profile.demographics.item("sex")
    assert sex.counts[ALL_AGENCIES].to_dict() == {"female": 1, "male": 1, "other": 0, NR: 0}
    age = profile.demographics.item("age_band")
    assert age.count("25-34") == 1 and age.not_recorded() == 1


def test_outcomes_come_from_the_latest_episode() -> None:
    frame = victims(
        [
            {"client_key": "a", "feels_safer": "no", "referral_date": "2015-01-01"},
            {"client_key": "a", "feels_safer": "yes", "referral_date": "2015-06-01"},
            {"client_key": "b", "feels_safer": "yes", "referral_date": "2015-01-01"},
            {"client_key": "b", "feels_safer": "no", "referral_date": "2015-06-01"},
            {"client_key": "c", "feels_safer": "yes", "referral_date": "2015-01-01"},
            {"client_key": "c", "feels_safer": NR, "referral_date": "2015-06-01"},
        ]
    )
    item = profile_victims(frame).outcomes.item("feels_safer")
    assert (item.count("yes"), item.count("no"), item.not_recorded()) == (2, 1, 0)


def test_toxic_trio_counts_every_combination() -> None:
    combos = [("yes", "yes")] * 3 + [("yes", "no")] * 4 + [("no", "yes")] * 2 + [("no", "no")] * 5
    combos += [(NR, "yes"), ("no", NR)]
    frame = victims([{"mental_health": m, "substance_misuse": s} for m, s in combos])
    trio = profile_victims(frame).multiple_needs.item("toxic_trio")
    assert trio.counts[ALL_AGENCIES].to_dict() == {
        "neither": 5,
        "mental_health_only": 4,
        "substance_misuse_only": 2,
        "both": 3,
        NR: 2,
    }
    assert trio.share("both") == pytest.approx(3 / 14)


def test_number_of_needs_is_not_recorded_when_any_need_is() -> None:
    full = {
        "mental_health": "yes",
        "substance_misuse": "yes",
        "financial_problems": "no",
        "housing_need": "yes",
        "employment_status": "employed",
    }
    frame = victims([full, {**full, "housing_need": NR}, {**full, "mental_health": "no"}])
    needs = profile_victims(frame).multiple_needs.item("needs_count")
    assert needs.counts[ALL_AGENCIES].to_dict() == {"0": 0, "1": 0, "2": 1, "3 or more": 1, NR: 1}


def test_neet_and_children_are_derived() -> None:
    frame = victims(
        [
            {"employment_status": "employed", "has_children": "yes", "children_count": 2},
            {"employment_status": "education", "has_children": "no"},
            {"employment_status": "unemployed", "children_count": 5},
            {"employment_status": "sick_or_disabled", "has_children": "yes"},
            {"employment_status": NR},
        ]
    )
    profile = profile_victims(frame)
    neet = profile.needs.item("neet")
    assert (neet.count("yes"), neet.count("no"), neet.not_recorded()) == (2, 2, 1)
    band = profile.children.item("children_band")
    assert band.counts[ALL_AGENCIES].to_dict() == {"0": 1, "1": 0, "2": 1, "3": 0, "4 or more": 1, NR: 2}


def test_duration_mean_and_median() -> None:
    frame = victims(
        [{"abuse_duration_months": m} for m in (12, 24, 36, 120)] + [{"abuse_duration_months": None}] * 2
    )
    d = profile_victims(frame).duration_for()
    assert (d.recorded, d.not_recorded) == (4, 2)
    assert d.mean_months == pytest.approx(48.0)
    assert d.median_months == pytest.approx(30.0)


def test_duration_of_a_person_is_from_their_first_episode() -> None:
    frame = victims(
        [
            {"client_key": "a", "abuse_duration_months": 36, "referral_date": "2015-01-01"},
            {"client_key": "a", "abuse_duration_months": 48, "referral_date": "2015-09-01"},
            {"client_key": "b", "abuse_duration_months": 12, "referral_date": "2015-01-01"},
        ]
    )
    profile = profile_victims(frame)
    assert profile.duration_for().mean_months == pytest.approx(24.0)
    assert profile.duration_for(unit=Unit.REFERRALS).mean_months == pytest.approx(32.0)


def test_repeat_referrals_recorded_and_counted() -> None:
    frame = victims(
        [
            {"client_key": "a", "repeat_referral": "no", "referral_number": 1},
            {"client_key": "a", "repeat_referral": "yes", "referral_number": 2},
            {"client_key": "b", "repeat_referral": NR, "referral_number": 1},
        ]
    )
    context = profile_victims(frame).abuse_context
    again = context.item("referred_again")
    assert (again.count("yes"), again.count("no")) == (1, 1)
    assert context.item("referred_again", Unit.REFERRALS).count("yes") == 1
    recorded = context.item("repeat_referral")
    assert (recorded.count("yes"), recorded.not_recorded()) == (1, 1)


def test_perpetrator_profile_reads_perpetrator_rows_only() -> None:
    frame = pd.DataFrame(
        {
            "client_key": ["p1", "p2", "p3", "v1"],
            "record_type": ["perpetrator"] * 3 + ["victim"],
            "agency": ["Police"] * 4,
            "referral_date": pd.to_datetime(["2015-05-01"] * 4),
            "sex": ["male", "male", "female", "female"],
            "age": [22, 40, None, 30],
            "alcohol_misuse": ["yes", "no", NR, "yes"],
            "previous_da_record": ["yes", None, "no", None],
            "repeat_offender": ["no", "yes", "no", None],
        }
    )
    profile = profile_perpetrators(frame)
    assert profile.item("sex").counts[ALL_AGENCIES].to_dict() == {"female": 1, "male": 2, "other": 0, NR: 0}
    alcohol = profile.item("alcohol_misuse")
    assert (alcohol.count("yes"), alcohol.recorded(), alcohol.not_recorded()) == (1, 2, 1)
    previous = profile.item("previous_da_record")
    assert (previous.count("yes"), previous.recorded(), previous.not_recorded()) == (1, 2, 1)
    assert profile.item("age_band").count("18-24") == 1
    assert profile_victims(frame).people == 1


def test_no_records_no_profile() -> None:
    empty = victims([{"sex": "female"}]).iloc[0:0]
    assert profile_victims(empty) is None
    assert profile_perpetrators(empty) is None
    assert profile_safe_accommodation(empty) is None


def test_combine_people_counts_referrals() -> None:
    frame = victims([{"client_key": "a"}, {"client_key": "a"}, {"client_key": "b"}])
    people = combine_people(frame)
    assert dict(zip(people["client_key"], people["referrals"], strict=True)) == {"a": 2, "b": 1}


# --- representation -----------------------------------------------------------------------------------------


def test_population_shares_of_residents_aged_16_and_over() -> None:
    rows = [("female", age, 10) for age in range(0, 91)] + [("male", age, 30) for age in range(0, 91)]
    population = pd.DataFrame(rows, columns=["sex", "age", "population"]).assign(
        area_code="E1", area_name="Testshire", year=2015
    )
    sex, band = population_shares_from(population)
    assert sex.shares == pytest.approx({"female": 0.25, "male": 0.75})
    assert band.shares["16-17"] == pytest.approx(2 / 75)  # 2 of 75 single years aged 16-90
    assert band.shares["65+"] == pytest.approx(26 / 75)
    assert "under 16" not in band.shares
    assert "Testshire" in sex.source and "16+" in sex.source


def test_wilson_interval_and_the_comparison() -> None:
    low, high = wilson_interval(80, 100)
    assert (low, high) == pytest.approx((0.7111, 0.8666), abs=1e-4)
    assert compare_with_population(80, 100, 0.5) == "over-represented"
    assert compare_with_population(80, 100, 0.95) == "under-represented"
    assert compare_with_population(80, 100, 0.8) == "similar to the population"


def test_the_profile_keeps_population_shares() -> None:
    shares = PopulationShares("ethnic_group", {"white": 0.9}, "Census 2021, TS021")
    profile = profile_clients(victims([{"ethnic_group": "white"}]), [shares])
    assert profile.victims.population == [shares]


# --- safe accommodation (Part 4) ------------------------------------------------------------------------------


def refuge(rows: list[dict]) -> pd.DataFrame:
    frame = victims(rows)
    frame["service_type"] = "refuge"
    frame["agency"] = "Refuge"
    return frame


def test_people_supported_by_accommodation_type_women_men_children() -> None:
    frame = refuge(
        [
            {"accommodation_type": "refuge", "sex": "female", "children_supported": 2, "referral_outcome": "supported"},
            {"accommodation_type": "refuge", "sex": "female", "children_supported": 1},
            {"accommodation_type": "dispersed", "sex": "male", "children_supported": 0},
            {"accommodation_type": "sanctuary", "sex": NR, "children_supported": None},
            {"accommodation_type": "refuge", "sex": "female", "referral_outcome": "unable_to_support",
             "unable_reason": "no_space"},
        ]
    )  # fmt: skip
    part4 = profile_safe_accommodation(frame)
    people = part4.people_supported.counts
    assert people.loc["Refuge"].to_dict() == {
        "Women": 2,
        "Men": 0,
        "Other adults": 0,
        "Adults, sex not recorded": 0,
        "Children": 3,
        "Total": 5,
    }
    assert people.at["Dispersed accommodation", "Men"] == 1
    assert people.at["Sanctuary scheme", "Adults, sex not recorded"] == 1
    assert people.at["Total", "Total"] == 7  # 4 adults supported, 3 children
    assert part4.children_not_recorded == 1
    unable = part4.unable_to_support.counts
    assert unable.at["No space", "Refuge"] == 1 and unable.at["Total", "Total"] == 1


def test_an_adult_counts_once_in_their_latest_accommodation() -> None:
    frame = refuge(
        [
            {"client_key": "a", "accommodation_type": "refuge", "sex": "female", "referral_date": "2015-01-01"},
            {"client_key": "a", "accommodation_type": "second_stage", "sex": "female", "referral_date": "2015-08-01"},
        ]
    )  # fmt: skip
    people = profile_safe_accommodation(frame).people_supported.counts
    assert people.at["Total", "Women"] == 1
    assert people.at["Second stage / move-on", "Women"] == 1


def test_support_ended_move_on_and_out_of_area() -> None:
    frame = refuge(
        [
            {"accommodation_type": "refuge", "support_end_reason": "moved_on",
             "move_on_destination": "social_housing", "from_out_of_area": "yes"},
            {"accommodation_type": "refuge", "support_end_reason": "disengaged",
             "move_on_destination": NR, "from_out_of_area": "no"},
            {"accommodation_type": "sanctuary", "support_end_reason": "no_longer_needed",
             "move_on_destination": "own_home", "from_out_of_area": "no"},
            {"accommodation_type": "dispersed", "from_out_of_area": NR},
        ]
    )  # fmt: skip
    part4 = profile_safe_accommodation(frame)
    ended = part4.support_ended.counts
    assert ended.at["Moved on", "Refuge"] == 1
    assert ended.at["No longer needed", "Sanctuary scheme"] == 1
    assert ended.at["Total", "Total"] == 3
    move_on = part4.move_on.counts  # sanctuary schemes are not asked a destination: a row of their own
    assert move_on.at["Social housing", "Households"] == 1
    assert move_on.at["Own home", "Households"] == 0  # the sanctuary household's own home is not counted
    assert move_on.at["Not recorded", "Households"] == 1
    assert move_on.at["Sanctuary scheme (destination not asked)", "Households"] == 1
    assert move_on.at["Total", "Households"] == 3  # the support-ended total
    area = part4.out_of_area.counts
    assert area.at["Refuge", "From outside the area"] == 1
    assert area.at["Dispersed accommodation", "Not recorded"] == 1
    assert area.at["Total", "From within the area"] == 2


def test_specialist_characteristics_of_people_supported() -> None:
    frame = refuge(
        [
            {"ethnic_group": "black", "sex": "female", "age": 20, "disability": "no", "lgbt": "no",
             "mental_health": "no", "substance_misuse": "no"},
            {"ethnic_group": "white", "sex": "male", "age": 40, "disability": "no", "lgbt": "no",
             "mental_health": "no", "substance_misuse": "no"},
            {"ethnic_group": "white", "sex": "female", "age": 40, "disability": "no", "lgbt": "no",
             "mental_health": "no", "substance_misuse": "no"},
            {"ethnic_group": NR, "sex": "female", "age": 70},
        ]
    )  # fmt: skip
    specialist = profile_safe_accommodation(frame).specialist
    minoritised = specialist.item("minoritised")
    assert (minoritised.count("yes"), minoritised.recorded(), minoritised.not_recorded()) == (1, 3, 1)
    assert specialist.item("male_victim").count("yes") == 1
    assert specialist.item("young_victim").count("yes") == 1
    assert specialist.item("older_victim").count("yes") == 1
    anyone = specialist.item("any_specialist")
    # the third has none; the fourth is older (yes) whatever else is not recorded
    assert (anyone.count("yes"), anyone.count("no"), anyone.not_recorded()) == (3, 1, 0)


def test_non_accommodation_records_are_not_in_part4() -> None:
    frame = victims([{"sex": "female", "service_type": "outreach"}])
    assert profile_safe_accommodation(frame) is None


# --- publishing --------------------------------------------------------------------------------------------------


def published_row(table, **where):  # noqa: ANN001, ANN003
    frame = table.frame
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, where
    return frame.iloc[0]


def test_representation_compares_published_shares_with_the_population() -> None:
    frame = victims(
        [{"sex": "female", "age": 30}] * 80 + [{"sex": "male", "age": 40}] * 20 + [{"sex": NR, "age": 50}] * 6
    )
    population = [PopulationShares("sex", {"female": 0.5, "male": 0.5}, "mid-2015 estimates, aged 16+")]
    published = publish_profile(profile_clients(frame, population))
    table = published.table("victims_representation")
    women = published_row(table, Agency=ALL_AGENCIES, Characteristic="Sex", Value="Female")
    assert (women["Count"], women["Base compared"], women["Client share (%)"]) == (80, 100, 80.0)
    assert women["Population share (%)"] == 50.0
    assert women["Difference (percentage points)"] == 30.0
    assert women["Compared with the population"] == "over-represented"
    assert "mid-2015 estimates" in table.base


def test_representation_is_hidden_when_a_value_left_out_of_it_is() -> None:
    # Three under-16s are shown as "<5", so the base of those aged 16+ cannot be published either.
    frame = victims([{"age": 30}] * 60 + [{"age": 70}] * 20 + [{"age": 12}] * 3)
    population = [PopulationShares("age_band", {"25-34": 0.2, "65+": 0.3}, "estimates")]
    table = publish_profile(profile_clients(frame, population)).table("victims_representation")
    row = published_row(table, Agency=ALL_AGENCIES, Value="25-34")
    assert row["Count"] == 60
    assert row["Base compared"] == "*"
    assert row["Client share (%)"] == row["Compared with the population"] == "*"


def test_population_shares_from_the_configuration() -> None:
    shares = parse_population_shares(
        {
            "ethnic_group": {"source": "Census 2021 TS021", "white": 94.2, "asian": 2.1},
            "lgbt": {"source": "ONS", "yes": 3},
        }
    )
    assert (shares[0].column, shares[0].source) == ("ethnic_group", "Census 2021 TS021")
    assert shares[0].shares == pytest.approx({"white": 0.942, "asian": 0.021})
    assert shares[1].shares == pytest.approx({"yes": 0.03})


def test_bad_population_shares_name_every_problem() -> None:
    with pytest.raises(ConfigError) as err:
        parse_population_shares(
            {
                "religion": {"source": "x"},
                "sex": {"female": 50},
                "ethnic_group": {"source": "x", "purple": 3, "white": 140},
            }
        )
    assert err.value.slugs == ["unknown-characteristic", "missing-key", "unknown-value", "bad-value"]
    assert 'population_shares.ethnic_group: "purple" is not a value; expected white, mixed' in str(err.value)


def test_the_published_profile_holds_no_count_from_1_to_4_and_logs_every_hidden_cell() -> None:
    frame = victims(
        [{"mental_health": "yes", "has_children": "yes", "agency": "Outreach"}] * 3
        + [{"mental_health": "no", "has_children": "yes", "agency": "Outreach"}] * 30
        + [{"mental_health": "no", "has_children": "no", "agency": "IDVA"}] * 25
    )
    published = publish_profile(profile_clients(frame))
    for table in published.tables:
        for column in table.frame.columns:
            for value in table.frame[column]:
                if isinstance(value, int) and "%" not in column:
                    assert not 1 <= value <= 4, (table.name, column)
    logged = {(e.table, e.row, e.column) for e in published.log}
    assert ("Needs of victims", "Outreach, people: Mental health", "Count") in logged
    assert ("Needs of victims", "Outreach, people: Mental health", "Share of base (%)") in logged
    row = published_row(
        published.table("victims_needs"), Agency="Outreach", Counted="people", Characteristic="Mental health"
    )
    assert (row["Count"], row["Share of base (%)"]) == ("<5", "*")
