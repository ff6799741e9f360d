"""`needsassess population fetch` and `needsassess indicators fetch` through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from replay import Replay
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.http import Fetcher
from needsassess.nomis import fetch_population
from needsassess.population import read_population

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_population_fetch_writes_the_tidy_csv(replay: Replay, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "population.csv"
    result = runner.invoke(
        app,
        ["population", "fetch", "--area", "E06000001", "--year", "2024", "-o", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with Fetcher(cache_dir=tmp_path / "other") as fetcher:
        expected = fetch_population("E06000001", 2024, fetcher=fetcher)
    written = read_population(out).frame
    assert list(written["population"]) == list(expected.frame["population"])
    assert (
        out.read_text(encoding="utf-8-sig").splitlines()[0] == "area_code,area_name,year,sex,age,population"
    )
    lines = result.stdout.splitlines()
    female = int(expected.frame[expected.frame["sex"] == "female"]["population"].sum())
    male = expected.total - female
    assert lines[0] == (
        f"Wrote {out}: Hartlepool (E06000001), mid-2024, {expected.total:,} people "
        f"({female:,} female, {male:,} male), 182 rows by single year of age 0-90+."
    )
    assert lines[1].startswith(
        f"Source: {replay.nomis}/dataset/NM_2002_1.data.csv?geography=E06000001&date=2024"
    )
    assert len(lines) == 2
    assert not list(tmp_path.glob(".population*"))  # no temporary file left behind


def test_population_fetch_by_name(replay: Replay, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    result = runner.invoke(app, ["population", "fetch", "--area", "Hartlepool", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Hartlepool (E06000001), mid-2024" in result.stdout


def test_population_fetch_refuses_to_overwrite_before_downloading(
    replay: Replay, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "population.csv"
    out.write_text("keep me")
    result = runner.invoke(app, ["population", "fetch", "--area", "E06000001", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text() == "keep me" and replay.requests == []
    forced = runner.invoke(app, ["population", "fetch", "--area", "E06000001", "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_text(encoding="utf-8-sig").startswith(
        "area_code,area_name,year,sex,age,population\n"
    )


def test_offline_uses_the_cache_and_says_so(replay: Replay, runner: CliRunner, tmp_path: Path) -> None:
    args = ["population", "fetch", "--area", "E06000001", "--year", "2024"]
    online = runner.invoke(app, [*args, "-o", str(tmp_path / "a.csv")])
    assert online.exit_code == 0 and "cached copy" not in online.stdout
    retrieved = online.stdout.split("retrieved ")[1].rstrip(".\n")
    before = len(replay.requests)
    offline = runner.invoke(app, [*args, "-o", str(tmp_path / "b.csv"), "--offline"])
    assert offline.exit_code == 0, offline.output
    assert len(replay.requests) == before
    assert offline.stdout.splitlines()[-1] == (
        f"Used the cached copy (offline: retrieved {retrieved}), not a new download."
    )
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_offline_with_an_empty_cache(replay: Replay, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["population", "fetch", "--area", "E06000001", "--offline", "-o", str(tmp_path / "p.csv")],
        env={"NEEDSASSESS_CACHE": str(tmp_path / "empty")},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: offline, and the cache ({tmp_path / 'empty'}) has no copy of ")
    assert result.stderr.endswith("run the same command once while online, or give the file yourself.\n")


def test_unreachable_nomis_is_one_clear_line(runner: CliRunner, closed_port_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["population", "fetch", "--area", "E06000001", "-o", str(tmp_path / "p.csv")],
        env={"NEEDSASSESS_NOMIS_URL": closed_port_url, "NEEDSASSESS_CACHE": str(tmp_path / "c")},
    )
    host = closed_port_url.removeprefix("http://")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: could not reach {host} (no connection); use --offline or a population file.\n"
    )
    assert not (tmp_path / "p.csv").exists()


def test_year_not_published_through_the_cli(replay: Replay, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    result = runner.invoke(
        app, ["population", "fetch", "--area", "E06000001", "--year", "2026", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: NOMIS has no mid-2026 estimates for E06000001 yet")
    assert not out.exists()


def test_indicators_fetch_prints_the_table_and_the_note(
    replay: Replay, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "indicators.csv"
    result = runner.invoke(
        app, ["indicators", "fetch", "--area", "E06000001", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert (
        "Domestic abuse-related incidents and crimes (Crude rate per 1,000), Fingertips indicator 93203"
        in text
    )
    assert "Hartlepool" in text and "North East region (statistical)" in text and "England" in text
    assert "2023/24" in text and "47.6" in text
    assert f"Wrote {out}: 15 rows." in text
    assert "Note: Police data are recorded by police force area" in " ".join(text.split())
    assert (
        out.read_text(encoding="utf-8-sig")
        .splitlines()[0]
        .startswith("indicator_id,indicator_name,period,area_level")
    )


def test_help_lists_the_new_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "needsassess", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "population" in out.stdout and "indicators" in out.stdout
    fetch = subprocess.run(
        [sys.executable, "-m", "needsassess", "population", "fetch", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "needsassess population fetch --area E06000001 --year 2024" in fetch.stdout
