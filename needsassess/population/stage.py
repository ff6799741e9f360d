"""The population stage: the file (or NOMIS download) named in [population] -> the chosen area, and every
area of the file for peers."""

from __future__ import annotations

from needsassess.assessment import Assessment, Download, InputFile
from needsassess.population.read import Population, read_population, select_area


def population_stage(assessment: Assessment) -> None:
    config = assessment.config
    if config.population_nomis:
        everything = _population_from_nomis(assessment)
        assessment.all_areas = everything
        assessment.population = select_area(everything, config.area)
        return
    if config.population_file is None:
        raise config.error("missing-key", '[population] needs file = "<path>"')
    everything = read_population(
        config.population_file, sheet=config.population_sheet, year=config.population_year
    )
    assessment.all_areas = everything
    assessment.population = select_area(everything, config.area)
    years = everything.years
    assessment.inputs.append(
        InputFile(
            "population",
            config.population_file,
            f"{everything.layout} layout, mid-{years[0] if years else 'year not stated'}, "
            f"{len(everything.areas)} areas",
        )
    )


def _population_from_nomis(assessment: Assessment) -> Population:
    """`population = { nomis = CODE, year = Y }`: the ONS estimates from NOMIS, or the cached copy offline."""
    from needsassess.http import Fetcher
    from needsassess.nomis import DATASET, OFFLINE_HINT, SOURCE_TITLE, fetch_population
    from needsassess.population import population_from_frame

    config = assessment.config
    assert config.population_nomis is not None
    with Fetcher(cache_dir=config.cache_dir, offline=config.offline, offline_hint=OFFLINE_HINT) as fetcher:
        fetched = fetch_population(config.population_nomis, config.population_year, fetcher=fetcher)
        cached_body = fetcher.cache_paths(fetched.sources[0]["url"])[0]
    assessment.downloads.append(
        Download(
            "population",
            SOURCE_TITLE,
            f"{fetched.area.name} ({fetched.area.code}), mid-{fetched.year}, {fetched.total:,} people",
            fetched.sources,
        )
    )
    return population_from_frame(fetched.frame, cached_body, f"nomis-api {DATASET}")
