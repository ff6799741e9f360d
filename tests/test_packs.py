from __future__ import annotations

from pathlib import Path

import pytest

from needsassess.errors import PackError
from needsassess.packs import Kind, available_packs, describe_packs, load_pack, parse_age_band

TOML = """id = "{id}"
kind = "prevalence"
title = "Test rates"
publisher = "Test"
publication = "Test publication"
period = "2015"
population_base = "16-59"
url = "https://example.org"
data = "rates.csv"
"""
HEADER = "measure,sex,age_band,rate_pct,ci_low_pct,ci_high_pct,status\n"


def make_pack(root: Path, rows: str, pack_id: str = "test-pack", toml: str = TOML) -> Path:
    folder = root / pack_id
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(toml.format(id=pack_id))
    (folder / "rates.csv").write_text(rows)
    return folder


def test_shipped_packs_all_load() -> None:
    packs = available_packs()
    assert "csew-2015-16to59" in packs
    for path in packs.values():
        pack = load_pack(path)
        assert len(pack.data) > 0
        assert pack.meta["url"].startswith("http")


def test_csew_2015_pack_has_the_published_rates() -> None:
    pack = load_pack("csew-2015-16to59", kind=Kind.PREVALENCE)
    rates = {(r["measure"], r["sex"]): r["rate_pct"] for r in pack.data.to_dict("records")}
    assert rates[("da_last_year", "female")] == 8.2
    assert rates[("da_since_16", "male")] == 13.2
    assert rates[("sexual_assault_last_year", "male")] == 0.7
    assert pack.base_band is not None and (pack.base_band.low, pack.base_band.high) == (16, 59)


def test_unknown_pack_lists_the_available_ones() -> None:
    with pytest.raises(PackError) as err:
        load_pack("csew-2019")
    assert str(err.value).startswith('no pack "csew-2019". Available: ')
    assert "csew-2015-16to59" in str(err.value)


def test_rate_out_of_range(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, HEADER + "da_last_year,female,16-59,108,,,verified\n")
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert (
        str(err.value)
        == 'rates.csv, row 2, column "rate_pct": 108 is out of range; expected between 0 and 100'
    )


def test_bounds_must_surround_the_rate(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, HEADER + "da_last_year,female,16-59,8.2,8.5,9.0,verified\n")
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert str(err.value) == (
        "rates.csv, row 2: bounds 8.5 to 9.0 do not surround the rate 8.2; expected low <= rate <= high"
    )


def test_every_row_needs_a_known_status_sex_and_band(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        HEADER + "da_last_year,women,16-59,8.2,,,verified\nda_last_year,male,sixteen,4.0,,,seen\n",
    )
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert err.value.slugs == ["unknown-sex", "bad-status", "bad-age-band"]
    assert str(err.value).splitlines()[0] == (
        'rates.csv, row 2, column "sex": "women" is not a sex; expected female, male or all'
    )


def test_crossing_age_bands_are_rejected_but_nested_ones_allowed(tmp_path: Path) -> None:
    ok = make_pack(tmp_path, HEADER + "m,female,16-59,8,,,verified\nm,female,16-19,9,,,verified\n", "ok")
    assert len(load_pack(ok).data) == 2
    bad = make_pack(tmp_path, HEADER + "m,female,16-24,8,,,verified\nm,female,20-29,9,,,verified\n", "bad")
    with pytest.raises(PackError) as err:
        load_pack(bad)
    assert str(err.value) == (
        'rates.csv, row 3, column "age_band": age band 20-29 overlaps 16-24 for m, female'
    )


def test_missing_column(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, "measure,sex,rate_pct,status\nm,female,8,verified\n")
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert str(err.value) == (
        'rates.csv, row 1: missing column "age_band"; expected measure, sex, age_band, rate_pct, status'
    )


def test_pack_toml_must_name_its_folder_and_sources(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, HEADER, "renamed", toml=TOML.replace('id = "{id}"', 'id = "other"'))
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert str(err.value) == 'pack.toml: id "other" differs from the folder name "renamed"'
    folder = make_pack(tmp_path, HEADER, "nourl", toml=TOML.replace('url = "https://example.org"\n', ""))
    with pytest.raises(PackError) as err:
        load_pack(folder)
    assert str(err.value) == 'pack.toml: missing "url" in pack.toml'


def test_wrong_kind(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, HEADER + "m,female,16-59,8,,,verified\n")
    with pytest.raises(PackError) as err:
        load_pack(folder, kind=Kind.UNIT_COSTS)
    assert err.value.slugs == ["wrong-kind"]


def test_user_pack_dir_is_found_by_id(tmp_path: Path) -> None:
    make_pack(tmp_path, HEADER + "m,female,16-59,8,,,verified\n", "my-local-rates")
    assert load_pack("my-local-rates", extra_dirs=[tmp_path]).id == "my-local-rates"


def test_describe_packs_lists_every_pack_with_its_figures_and_user_packs(tmp_path: Path) -> None:
    make_pack(
        tmp_path, HEADER + "m,female,16-59,8,,,verified\nm,male,16-59,4,,,secondary\n", "my-local-rates"
    )
    rows = {row["pack"]: row for row in describe_packs([tmp_path])}
    assert set(rows) == set(available_packs([tmp_path]))
    mine = rows["my-local-rates"]
    assert (mine["kind"], mine["figures"], mine["status"]) == ("prevalence", 2, "secondary, verified")
    assert rows["csew-2015-16to59"]["figures"] == len(load_pack("csew-2015-16to59").data)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("16-59", 16, 59),
        ("16+", 16, 90),
        ("75 and over", 75, 90),
        ("under 16", 0, 15),
        ("0-17", 0, 17),
        (" 16 to 74 ", 16, 74),
    ],
)
def test_parse_age_band(text: str, low: int, high: int) -> None:
    band = parse_age_band(text)
    assert band is not None and (band.low, band.high) == (low, high)


@pytest.mark.parametrize("text", ["", "adults", "59-16", "16-", "under 0"])
def test_unreadable_age_bands(text: str) -> None:
    assert parse_age_band(text) is None
