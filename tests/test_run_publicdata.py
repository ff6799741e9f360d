"""A whole assessment on public data: `population = { nomis = ... }`, offline reruns, and fetched files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from replay import Replay
from typer.testing import CliRunner

from needsassess.cli import app
from needsassess.config import load_config
from needsassess.errors import ConfigError

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def write_config(folder: Path, population: str) -> Path:
    """An assessment.toml with `population` written where a user would put it: under [assessment]."""
    path = folder / "assessment.toml"
    path.write_text(
        '[assessment]\ntitle = "Hartlepool test"\narea = "E06000001"\noutput = "out"\n'
        f"{population}\n\n"
        '[prevalence]\npacks = ["csew-2015-16to59"]\n',
        encoding="utf-8",
    )
    return path


def test_config_accepts_a_nomis_population(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, 'population = { nomis = "E06000001", year = 2024 }'))
    assert (config.population_nomis, config.population_year, config.population_file) == (
        "E06000001",
        2024,
        None,
    )
    latest = load_config(write_config(tmp_path, '\n[population]\nnomis = "E06000001"\nyear = "latest"'))
    assert latest.population_nomis == "E06000001" and latest.population_year is None
    top = tmp_path / "top.toml"
    top.write_text(
        'population = { nomis = "E06000001" }\n[assessment]\narea = "E06000001"\n', encoding="utf-8"
    )
    assert load_config(top).population_nomis == "E06000001"


@pytest.mark.parametrize(
    ("population", "message"),
    [
        (
            'population = { nomis = "E06000001", file = "p.csv" }',
            "assessment.toml: [population] gives both file and nomis; keep one",
        ),
        (
            "population = { nomis = 6000001 }",
            'assessment.toml: [population] nomis = 6000001; expected a GSS code such as "E06000001"',
        ),
        (
            'population = { nomis = "E06000001", year = "2024" }',
            "assessment.toml: [population] year = '2024'; expected a year such as 2024, or \"latest\"",
        ),
        (
            'population = { nomis = "E06000001" }\n[population]\nfile = "p.csv"',
            "assessment.toml: population is given twice, in [assessment] and as [population]; keep one",
        ),
    ],
)
def test_config_errors_for_a_nomis_population(tmp_path: Path, population: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, population))
    assert message in str(info.value).splitlines()


def test_run_fetches_the_population_and_records_url_and_date(replay: Replay, tmp_path: Path) -> None:
    config = write_config(tmp_path, 'population = { nomis = "E06000001", year = 2024 }')
    result = runner.invoke(app, ["run", str(config)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["area"] == {"code": "E06000001", "name": "Hartlepool"}
    [download] = manifest["downloads"]
    assert download["role"] == "population"
    assert download["title"].endswith("(NOMIS NM_2002_1)")
    [request] = download["requests"]
    assert request["url"].startswith(
        f"{replay.nomis}/dataset/NM_2002_1.data.csv?geography=E06000001&date=2024"
    )
    assert request["from_cache"] is False and len(request["sha256"]) == 64
    retrieved = request["retrieved"]
    assert f"; downloaded {retrieved}" in result.stdout
    assert "Population: Hartlepool (E06000001), mid-2024, " in result.stdout
    assert "Domestic abuse in the last year: " in result.stdout

    workbook = load_workbook(tmp_path / "out" / "hartlepool_needs_assessment.xlsx")
    cells = [str(c.value) for row in workbook["Sources"].iter_rows() for c in row if c.value is not None]
    assert request["url"] in cells
    assert any(f"retrieved {retrieved}" in c for c in cells)


def test_offline_run_uses_the_cache_and_says_so(replay: Replay, tmp_path: Path) -> None:
    config = write_config(tmp_path, 'population = { nomis = "E06000001", year = 2024 }')
    first = runner.invoke(app, ["run", str(config)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    retrieved = json.loads((tmp_path / "out" / "manifest.json").read_text())["downloads"][0]["requests"][0][
        "retrieved"
    ]
    before = len(replay.requests)
    again = runner.invoke(app, ["run", str(config), "--offline", "--force"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert len(replay.requests) == before
    assert f"; cached copy (offline), retrieved {retrieved}" in again.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["downloads"][0]["requests"][0]["from_cache"] is True
    assert manifest["downloads"][0]["requests"][0]["retrieved"] == retrieved


def test_offline_run_without_a_cached_copy(replay: Replay, tmp_path: Path) -> None:
    config = write_config(tmp_path, 'population = { nomis = "E06000001", year = 2024 }')
    result = runner.invoke(app, ["run", str(config), "--offline", "--cache", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: offline, and the cache ({tmp_path / 'empty'}) has no copy of ")
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_unreachable_nomis_during_a_run(
    closed_port_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEEDSASSESS_NOMIS_URL", closed_port_url)
    monkeypatch.setenv("NEEDSASSESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("needsassess.http.DEFAULT_BACKOFF", 0.0)
    config = write_config(tmp_path, 'population = { nomis = "E06000001" }')
    result = runner.invoke(app, ["run", str(config)])
    host = closed_port_url.removeprefix("http://")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: could not reach {host} (no connection); use --offline or a population file.\n"
    )


def test_a_fetched_population_file_works_in_prevalence_and_run(replay: Replay, tmp_path: Path) -> None:
    """The new user's path: fetch once, then the commands that take a population file just work."""
    population = tmp_path / "population.csv"
    fetched = runner.invoke(app, ["population", "fetch", "--area", "Hartlepool", "-o", str(population)])
    assert fetched.exit_code == 0, fetched.output

    prevalence = runner.invoke(
        app, ["prevalence", "--population", str(population), "--area", "Hartlepool"], catch_exceptions=False
    )
    assert prevalence.exit_code == 0, prevalence.output
    assert "Hartlepool (E06000001), mid-2024: csew-2015-16to59" in prevalence.stdout

    config = write_config(tmp_path, '\n[population]\nfile = "population.csv"')
    run = runner.invoke(app, ["run", str(config)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [i["role"] for i in manifest["inputs"]] == ["population"] and manifest["downloads"] == []


def test_the_readme_documents_the_public_data_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for group in ("population", "indicators"):
        result = runner.invoke(app, [group, "fetch", "--help"])
        assert result.exit_code == 0 and "Example:" in result.stdout
        assert f"needsassess {group} fetch" in readme
    assert 'population = { nomis = "E06000001", year = 2024 }' in readme
