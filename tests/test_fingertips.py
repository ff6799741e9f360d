"""Domestic abuse-related incidents and crimes from Fingertips, against the local replay server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replay import DATA, Replay

from needsassess.areas import AreaError
from needsassess.fingertips import (
    COLUMNS,
    PFA_NOTE,
    fetch_domestic_abuse_indicator,
    wide_by_period,
)
from needsassess.http import Fetcher, FetchError


@pytest.fixture
def fetcher(replay: Replay, tmp_path: Path) -> Fetcher:
    return Fetcher(cache_dir=tmp_path / "cache", backoff=0)


def test_area_region_and_england_for_every_year(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)
    frame = result.frame
    assert list(frame.columns) == COLUMNS
    assert result.indicator_id == 93203
    assert result.indicator_name == "Domestic abuse-related incidents and crimes"
    assert result.unit == "Crude rate per 1,000"
    assert (result.profile_id, result.profile_name) == (19, "Public Health Outcomes Framework")
    assert (result.area_name, result.region_code, result.region_name) == (
        "Hartlepool",
        "E12000001",
        "North East region (statistical)",
    )
    assert result.area_type_id == 502
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    for level, code in (("local authority", "E06000001"), ("region", "E12000001"), ("england", "E92000001")):
        rows = frame[frame["area_level"] == level]
        assert list(rows["period"]) == periods
        assert set(rows["area_code"]) == {code}
    assert 99.9 not in set(frame["value"])  # the deprivation-decile breakdown row is left out
    local = frame[frame["area_level"] == "local authority"].iloc[-1]
    assert local["value"] == pytest.approx(47.6)
    assert local["lower_ci"] < local["value"] < local["upper_ci"]
    assert local["count"] == round(47.6 * 76_000 / 1000) and local["denominator"] == 76_000
    assert set(frame[frame["area_level"] == "local authority"]["note"]) == {PFA_NOTE}
    assert set(frame[frame["area_level"] != "local authority"]["note"]) == {""}


def test_the_requests_follow_the_documented_endpoints(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)
    paths = [s["url"].removeprefix(replay.fingertips) for s in result.sources]
    assert paths == [
        "/profiles",
        "/indicator_metadata/by_profile_id?profile_id=19",
        "/area_types",
        "/all_data/csv/by_indicator_id?indicator_ids=93203&child_area_type_id=502&parent_area_type_id=6",
    ]


def test_the_indicator_id_comes_from_the_metadata_not_the_code(replay: Replay, fetcher: Fetcher) -> None:
    metadata = json.loads((DATA / "fingertips_indicator_metadata_19.json").read_text())
    entry = metadata.pop("93203")
    entry["IndicatorId"] = 94444
    metadata["94444"] = entry
    replay.overrides["/indicator_metadata/"] = (200, "application/json", json.dumps(metadata).encode())
    with pytest.raises(FetchError):  # no recorded data for the new id
        fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)
    assert replay.count("indicator_ids=94444") == 1


def test_a_renamed_indicator_lists_the_near_matches(replay: Replay, fetcher: Fetcher) -> None:
    metadata = json.loads((DATA / "fingertips_indicator_metadata_19.json").read_text())
    metadata["93203"]["Descriptive"]["Name"] = "Domestic abuse crimes (new method)"
    replay.overrides["/indicator_metadata/"] = (200, "application/json", json.dumps(metadata).encode())
    with pytest.raises(FetchError) as info:
        fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)
    assert str(info.value) == (
        'no indicator named "Domestic abuse-related incidents and crimes" in the Fingertips profile '
        '"Public Health Outcomes Framework". Indicators that mention domestic abuse: '
        "Domestic abuse crimes (new method) (93203)."
    )


def test_a_district_uses_the_lower_tier_area_type(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as info:
        fetch_domestic_abuse_indicator("E07000117", fetcher=fetcher)
    assert "child_area_type_id=501" in replay.requests[-1]
    assert str(info.value) == (
        'Fingertips has no "Domestic abuse-related incidents and crimes" figures for E07000117 at area type '
        "501; check the code is a local authority on April 2023 boundaries (or pass another area type)."
    )


def test_every_authority_in_the_force_has_the_force_value(replay: Replay, fetcher: Fetcher) -> None:
    hartlepool = fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher).frame
    middlesbrough = fetch_domestic_abuse_indicator("E06000002", fetcher=fetcher).frame
    local = hartlepool["area_level"] == "local authority"
    assert list(hartlepool[local]["value"]) == list(middlesbrough[local]["value"])


def test_retired_and_malformed_codes_are_refused_without_a_request(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(AreaError, match="E07000188 \\(Sedgemoor\\) was abolished on 1 April 2023"):
        fetch_domestic_abuse_indicator("E07000188", fetcher=fetcher)
    with pytest.raises(AreaError, match='"Hartlepool" is not a GSS code'):
        fetch_domestic_abuse_indicator("Hartlepool", fetcher=fetcher)
    assert replay.requests == []


def test_an_html_answer_is_reported(replay: Replay, fetcher: Fetcher) -> None:
    replay.fail(
        "/profiles", (200, "text/html", b"<html><head><title>Fingertips maintenance</title></head></html>")
    )
    with pytest.raises(
        FetchError, match='Fingertips answered with a web page \\("Fingertips maintenance"\\)'
    ):
        fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)


def test_offline_uses_the_cached_answers(replay: Replay, tmp_path: Path) -> None:
    with Fetcher(cache_dir=tmp_path) as online:
        first = fetch_domestic_abuse_indicator("E06000001", fetcher=online)
    before = len(replay.requests)
    with Fetcher(cache_dir=tmp_path, offline=True) as offline:
        again = fetch_domestic_abuse_indicator("E06000001", fetcher=offline)
    assert len(replay.requests) == before and again.from_cache
    assert again.frame.equals(first.frame)


def test_the_table_view_puts_area_region_and_england_side_by_side(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_domestic_abuse_indicator("E06000001", fetcher=fetcher)
    wide = wide_by_period(result)
    assert list(wide.columns) == ["Period", "Hartlepool", "North East region (statistical)", "England"]
    assert list(wide.iloc[0]) == ["2019/20", 44.0, 37.0, 30.0]
    assert list(wide["Period"]) == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
