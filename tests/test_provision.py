"""Provision against benchmarks, and the reach funnel, checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import hartlepool_like, write_mye_workbook

from needsassess.errors import ConfigError, PackError
from needsassess.packs import load_pack
from needsassess.population import read_population, select_area
from needsassess.provision import ReachStep, assess_provision, build_reach, check_stated

# The fixture area: women aged 16+ = 26,600 + 500 x 31 = 42,100; all residents = 26,600 + 25,800 + 47 x 500 x 2
WOMEN_16PLUS = 42_100
RESIDENTS = 26_600 + 25_800 + 47 * 500 * 2


@pytest.fixture
def area(tmp_path: Path):
    female, male = hartlepool_like()
    return select_area(
        read_population(
            write_mye_workbook(tmp_path / "mye2.xlsx", [("E06000001", "Hartlepool", female, male)])
        ),
        "Hartlepool",
    )


def test_expected_provision_from_the_safelives_and_council_of_europe_benchmarks(area) -> None:
    stated = {"marac_cases": 130, "idva_fte": 1.0, "marac_admin_fte": 0.5, "refuge_family_places": 12}
    result = assess_provision(area, load_pack("safelives-benchmarks"), stated, "2015/16")
    items = result.items.set_index("item")
    assert list(items.index) == ["marac_cases", "idva_fte", "marac_admin_fte", "refuge_family_places"]
    marac = items.loc["marac_cases"]
    assert marac["base_value"] == WOMEN_16PLUS
    assert marac["expected"] == pytest.approx(40 * WOMEN_16PLUS / 10_000)  # 168.4
    assert marac["gap"] == pytest.approx(168.4 - 130)
    assert marac["coverage_pct"] == pytest.approx(100 * 130 / 168.4)
    assert marac["benchmark"] == "40 per 10,000 women aged 16 and over"
    assert bool(marac["is_people"])
    idva = items.loc["idva_fte"]
    assert (
        idva["status"] == "verified"
    )  # the verified 1 per 100 referrals wins over the derived 4 per 100,000
    assert idva["expected"] == pytest.approx(168.4 / 100)
    assert idva["needed_for_stated"] == pytest.approx(1.3)  # for the 130 MARAC cases stated
    admin = items.loc["marac_admin_fte"]
    assert admin["expected"] == pytest.approx(168.4 / 400)
    assert admin["needed_for_stated"] == pytest.approx(130 / 400)
    assert admin["coverage_pct"] == pytest.approx(100 * 0.5 / (168.4 / 400))
    refuge = items.loc["refuge_family_places"]
    assert refuge["base_value"] == RESIDENTS
    assert refuge["expected"] == pytest.approx(RESIDENTS / 10_000)
    assert refuge["gap"] == pytest.approx(RESIDENTS / 10_000 - 12)
    assert any("IDVA referrals are taken as the expected MARAC cases" in n for n in result.notes)


def test_nothing_stated_leaves_the_gaps_empty(area) -> None:
    result = assess_provision(area, load_pack("safelives-benchmarks"))
    assert result.items["stated"].isna().all() and result.items["gap"].isna().all()
    assert result.items["expected"].notna().all()
    assert result.notes[-1].startswith("No actual figure, so no gap is shown: MARAC cases a year")


def test_stated_values_are_checked() -> None:
    stated, problems = check_stated({"marac_cases": -1, "idva_fte": "two", "refuge_family_places": 4})
    assert stated == {"refuge_family_places": 4.0}
    assert [p.message for p in problems] == [
        "[provision] marac_cases = -1; expected a number >= 0 (MARAC cases heard in the year)",
        "[provision] idva_fte = 'two'; expected a number >= 0 (IDVAs in post, full-time equivalent)",
    ]


def test_a_prevalence_pack_is_not_benchmarks(area) -> None:
    with pytest.raises(PackError, match='pack "csew-2015-16to59" holds prevalence, not benchmarks'):
        assess_provision(area, load_pack("csew-2015-16to59"))


def test_reach_funnel_and_missing_steps() -> None:
    steps = {
        "estimated": ReachStep(
            "estimated", "Estimated victims in the last year", "x", 3181.0, "csew", True, 3200.0
        ),
        "police": ReachStep("police", "Reported to the police", "y", 1846.0, "police"),
        "referred": None,
        "supported": ReachStep("supported", "Supported by specialist services", "z", 860.0, "stated"),
    }
    reach = build_reach("Northmere", steps, {"referred": "no agency data"})
    table = reach.table().set_index("key")
    assert list(table.index) == ["estimated", "police", "supported"]
    assert table.at["estimated", "value"] == 3200  # rounded estimate shown
    assert table.at["police", "pct_of_estimated"] == pytest.approx(100 * 1846 / 3181)  # of the unrounded
    assert table.at["supported", "pct_of_previous"] == pytest.approx(100 * 860 / 1846)
    assert reach.missing == [("Referred to specialist services", "no agency data")]
    assert "measure different things" in reach.caveat
    with pytest.raises(ConfigError, match="the reach funnel needs at least two steps"):
        build_reach("Northmere", {"estimated": steps["estimated"]}, {})
