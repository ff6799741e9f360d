"""Population from NOMIS NM_2002_1, against the local replay server."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from replay import DATA, Replay

from needsassess.areas import AreaError, predecessors_of, retired_message, successor_message
from needsassess.http import Fetcher, FetchError
from needsassess.nomis import (
    YearNotPublishedError,
    fetch_population,
    parse_year,
    resolve_area,
    tidy_population,
)


def recorded_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DATA / name).read_text(encoding="utf-8"))))


@pytest.fixture
def fetcher(replay: Replay, tmp_path: Path) -> Fetcher:
    return Fetcher(cache_dir=tmp_path / "cache", backoff=0)


def test_fetch_by_code_gives_the_tidy_frame(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_population("E06000001", 2024, fetcher=fetcher)
    frame = result.frame
    assert list(frame.columns) == ["area_code", "area_name", "year", "sex", "age", "population"]
    assert len(frame) == 182
    assert set(frame["sex"]) == {"female", "male"}
    assert sorted(set(frame["age"])) == list(range(91))
    assert result.area.code == "E06000001" and result.area.name == "Hartlepool" and result.year == 2024
    recorded = recorded_rows("nomis_E06000001_2024.csv")
    assert result.total == sum(int(r["OBS_VALUE"]) for r in recorded)
    open_band = next(r for r in recorded if r["GENDER_NAME"] == "Female" and r["C_AGE_NAME"] == "Aged 90+")
    row = frame[(frame["sex"] == "female") & (frame["age"] == 90)]
    assert int(row["population"].iloc[0]) == int(open_band["OBS_VALUE"])
    assert str(frame["population"].dtype) == "int64"
    women = sum(int(r["OBS_VALUE"]) for r in recorded if r["GENDER_NAME"] == "Female")
    assert result.total_of("female") == women and result.total_of("male") == result.total - women


def test_the_query_follows_the_documented_parameters(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_population("E06000001", 2024, fetcher=fetcher)
    url = result.sources[0]["url"]
    assert url.startswith(f"{replay.nomis}/dataset/NM_2002_1.data.csv?geography=E06000001&date=2024")
    for part in ("gender=1,2", "c_age=101...191", "measures=20100", "RecordLimit=25000", "RecordOffset=0"):
        assert part in url


def test_latest_gives_the_latest_year(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_population("E06000001", "latest", fetcher=fetcher)
    assert result.year == 2024
    assert "date=latest" in result.sources[0]["url"]
    assert fetch_population("E06000001", 2023, fetcher=fetcher).year == 2023


def test_pages_past_the_row_limit_with_record_offset(replay: Replay, fetcher: Fetcher) -> None:
    paged = fetch_population("E06000001", 2024, fetcher=fetcher, page_size=100)
    assert [s["url"].split("RecordOffset=")[1] for s in paged.sources] == ["0", "100"]
    assert all("RecordLimit=100" in s["url"] for s in paged.sources)
    whole = fetch_population("E06000001", 2024, fetcher=fetcher)
    assert paged.frame.equals(whole.frame)


def test_a_year_not_yet_published_is_refused_not_silently_replaced(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(YearNotPublishedError) as info:
        fetch_population("E06000001", 2026, fetcher=fetcher)
    assert str(info.value) == (
        "NOMIS has no mid-2026 estimates for E06000001 yet: it answered with mid-2024 (NOMIS returns its "
        "latest year when asked for one not published). Use --year 2024 or --year latest."
    )


def test_an_html_error_page_is_reported_as_such(replay: Replay, fetcher: Fetcher) -> None:
    replay.fail(
        "NM_2002_1.data.csv", (200, "text/html; charset=utf-8", (DATA / "nomis_error_page.html").read_bytes())
    )
    with pytest.raises(FetchError) as info:
        fetch_population("E06000001", 2024, fetcher=fetcher)
    message = str(info.value)
    assert message.startswith('NOMIS answered with a web page ("Nomis - Service temporarily unavailable")')
    assert message.endswith("the service may be down or the request malformed. Try again later.")


def test_an_html_page_sent_as_csv_is_still_caught(replay: Replay, fetcher: Fetcher) -> None:
    replay.fail("NM_2002_1.data.csv", (200, "text/csv", (DATA / "nomis_error_page.html").read_bytes()))
    with pytest.raises(FetchError, match="answered with a web page"):
        fetch_population("E06000001", 2024, fetcher=fetcher)


def test_a_500_then_success_is_retried(replay: Replay, fetcher: Fetcher) -> None:
    replay.fail("NM_2002_1.data.csv", (500, "text/plain", b"Internal Server Error"))
    result = fetch_population("E06000001", 2024, fetcher=fetcher)
    assert len(result.frame) == 182
    assert replay.count("NM_2002_1.data.csv") == 2


def test_offline_uses_the_cached_pages(replay: Replay, tmp_path: Path) -> None:
    with Fetcher(cache_dir=tmp_path, backoff=0) as online:
        first = fetch_population("E06000001", 2024, fetcher=online, page_size=100)
    before = len(replay.requests)
    with Fetcher(cache_dir=tmp_path, offline=True) as offline:
        again = fetch_population("E06000001", 2024, fetcher=offline, page_size=100)
    assert len(replay.requests) == before
    assert again.from_cache and not first.from_cache
    assert again.frame.equals(first.frame)
    assert [s["retrieved"] for s in again.sources] == [s["retrieved"] for s in first.sources]


def test_an_area_name_is_looked_up_in_nomis(replay: Replay, fetcher: Fetcher) -> None:
    result = fetch_population("Hartlepool", 2024, fetcher=fetcher)
    assert result.area.code == "E06000001"
    lookup = next(r for r in replay.requests if "geography/TYPE424.def.sdmx.json" in r)
    assert "search=*Hartlepool*" in lookup


def test_an_exact_name_wins_over_partial_matches(replay: Replay, fetcher: Fetcher) -> None:
    assert resolve_area("york", fetcher=fetcher).code == "E06000014"  # not North Yorkshire
    assert resolve_area("Bristol", fetcher=fetcher).code == "E06000023"  # NOMIS: "Bristol, City of"
    assert resolve_area("Durham", fetcher=fetcher).code == "E06000047"  # the one partial match


def test_a_county_is_found_in_the_second_geography_type(replay: Replay, fetcher: Fetcher) -> None:
    assert resolve_area("Lancashire", fetcher=fetcher).code == "E10000017"
    assert replay.count("TYPE423.def.sdmx.json") == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "Yor",
            '"Yor" matches several areas in NOMIS: York (E06000014), North Yorkshire (E06000065); '
            "give the code with --area.",
            id="ambiguous: the candidates are listed",
        ),
        pytest.param(
            "Atlantis",
            'NOMIS found no local authority named "Atlantis"; check the spelling, or give its GSS code '
            "(such as E06000001) with --area.",
            id="unknown: a code is asked for",
        ),
        pytest.param(
            "Allerdale",
            "E07000026 (Allerdale) was abolished on 1 April 2023; it is part of Cumberland, E06000063; "
            "use --area with the new code.",
            id="retired: its successor is named",
        ),
    ],
)
def test_a_name_that_is_not_one_area_says_what_to_do(
    replay: Replay, fetcher: Fetcher, name: str, message: str
) -> None:
    with pytest.raises(AreaError) as info:
        resolve_area(name, fetcher=fetcher)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("code", "successor"),
    [
        ("E07000026", "it is part of Cumberland, E06000063"),
        ("E07000031", "it is part of Westmorland and Furness, E06000064"),
        ("E07000165", "it is part of North Yorkshire, E06000065"),
        ("E07000187", "it is part of Somerset, E06000066"),
        ("E10000006", "it is now split between Cumberland, E06000063 and Westmorland and Furness, E06000064"),
    ],
)
def test_codes_retired_in_2023_are_refused_before_any_request(
    replay: Replay, fetcher: Fetcher, code: str, successor: str
) -> None:
    with pytest.raises(AreaError) as info:
        fetch_population(code, "latest", fetcher=fetcher)
    assert successor in str(info.value)
    assert "was abolished on 1 April 2023" in str(info.value)
    assert replay.requests == []


def test_a_retired_code_for_an_earlier_year_is_asked_for(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as info:
        fetch_population("E07000026", 2022, fetcher=fetcher)
    assert str(info.value) == (
        "NOMIS returned no population estimates for E07000026 (mid-2022) from NM_2002_1; check the area code."
    )
    assert replay.count("geography=E07000026") == 1


def test_a_new_authority_before_2023_says_what_it_replaced(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(YearNotPublishedError) as info:
        fetch_population("E06000063", 2019, fetcher=fetcher)
    assert str(info.value) == (
        "NOMIS has no mid-2019 estimates for E06000063 yet: it answered with mid-2024 (NOMIS returns its "
        "latest year when asked for one not published). Use --year 2024 or --year latest; E06000063 "
        "(Cumberland) was created on 1 April 2023; figures for earlier years may be published only for the "
        "former districts "
        "(E07000026 Allerdale, E07000028 Carlisle, E07000029 Copeland)."
    )
    assert fetch_population("E06000063", 2024, fetcher=fetcher).area.name == "Cumberland"


def test_an_unknown_code_is_an_empty_answer_reported_clearly(replay: Replay, fetcher: Fetcher) -> None:
    with pytest.raises(
        FetchError, match="NOMIS returned no population estimates for E06000999 \\(the latest"
    ):
        fetch_population("E06000999", None, fetcher=fetcher)


def test_an_answer_without_the_expected_columns_is_refused(replay: Replay, fetcher: Fetcher) -> None:
    replay.fail("NM_2002_1.data.csv", (200, "text/csv", b'"GEOGRAPHY_CODE","OBS_VALUE"\n"E06000001",5\n'))
    with pytest.raises(FetchError) as info:
        fetch_population("E06000001", 2024, fetcher=fetcher)
    assert "no column DATE_NAME, GEOGRAPHY_NAME, GENDER_NAME, C_AGE_NAME" in str(info.value)


def test_missing_ages_are_named() -> None:
    rows = [
        r for r in recorded_rows("nomis_E06000001_2024.csv") if r["C_AGE_NAME"] not in ("Age 17", "Age 18")
    ]
    with pytest.raises(FetchError) as info:
        tidy_population(rows, url="u")
    assert str(info.value) == (
        "NOMIS answer from u cannot be used: E06000001 mid-2024 female: missing ages 17-18; "
        "E06000001 mid-2024 male: missing ages 17-18."
    )


def test_bad_cells_are_named_with_their_row() -> None:
    rows = recorded_rows("nomis_E06000001_2024.csv")
    rows[0] = {**rows[0], "OBS_VALUE": "-3"}
    rows[1] = {**rows[1], "C_AGE_NAME": "All Ages"}
    with pytest.raises(FetchError) as info:
        tidy_population(rows, url="u")
    assert 'row 2: OBS_VALUE "-3" is not a count' in str(info.value)
    assert 'row 3: C_AGE_NAME "All Ages" is not a single year of age' in str(info.value)


def test_the_fetched_frame_is_what_the_population_reader_takes(
    replay: Replay, fetcher: Fetcher, tmp_path: Path
) -> None:
    from needsassess.population import read_population
    from needsassess.report.csv import write_csv

    fetched = fetch_population("E06000001", 2024, fetcher=fetcher).frame
    path = write_csv(fetched, tmp_path / "population.csv")
    assert (
        path.read_text(encoding="utf-8-sig").splitlines()[0] == "area_code,area_name,year,sex,age,population"
    )
    population = read_population(path, year=2024)
    assert population.layout == "tidy"
    assert population.frame.astype({"area_code": str, "area_name": str, "sex": str, "year": int}).equals(
        fetched.sort_values(["area_code", "area_name", "year", "sex", "age"]).reset_index(drop=True)
    )


def test_year_parsing() -> None:
    assert parse_year(None) is None and parse_year("latest") is None and parse_year(" Latest ") is None
    assert parse_year("2024") == 2024 and parse_year(2019) == 2019
    with pytest.raises(AreaError, match='year "24" is not a year'):
        parse_year("24")


def test_the_reorganisation_table() -> None:
    assert retired_message("E06000001") is None
    assert [c for c, _ in predecessors_of("E06000066")] == [
        "E07000187",
        "E07000188",
        "E07000189",
        "E07000246",
        "E10000027",
    ]
    assert successor_message("E06000065") is not None and "E07000163 Craven" in str(
        successor_message("E06000065")
    )
    assert successor_message("E06000001") is None
