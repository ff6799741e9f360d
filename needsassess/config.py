"""assessment.toml -> validated settings, with every path resolved relative to the file itself.

One file describes a whole needs assessment, so that next year's refresh is the same command on new data.
Each stage reads its own section; this module checks the shared parts and that no section is misspelt.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from needsassess.errors import ConfigError, Problem

# Sections a stage reads. A stage module adds its section name here when it is introduced.
KNOWN_SECTIONS = {
    "assessment",
    "population",
    "prevalence",
    "cost",
    "police",
    "provision",
    "disclosure",
    "output",
    "agencies",  # [[agencies]]: one table per agency file (see docs/mapping.md)
    "clients",  # settings for the agency data: secret_file, as_of, merged
    "draft",  # the strategy draft: formats, consultation, version, sections, templates, questions
    "profile",  # the needs profile: population_shares for representation
}


@dataclass
class AssessmentConfig:
    """The settings of one assessment; `raw` keeps each stage's own section for that stage to read."""

    path: Path
    title: str
    area: str
    population_file: Path | None
    population_sheet: str | None
    population_year: int | None
    output_dir: Path
    protective_marking: str
    author: str
    raw: dict[str, Any] = field(default_factory=dict)
    # `population = { nomis = "E06000001", year = 2024 }`: fetch the population from NOMIS instead of a file.
    population_nomis: str | None = None
    # Run options, not read from the file: cached downloads only, and where the cache lives.
    offline: bool = False
    cache_dir: Path | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            raise self.error("not-a-table", f"[{name}] must be a table of settings")
        return value

    def resolve(self, value: str | Path) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    def error(self, slug: str, message: str) -> ConfigError:
        return ConfigError(self.path, Problem(slug, message))


def load_config(path: str | Path) -> AssessmentConfig:
    """Read and check assessment.toml; every problem names the key and what was expected."""
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(path, Problem("missing-file", f"file not found: {path}"))
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, Problem("bad-toml", f"not valid TOML: {exc}")) from exc
    problems: list[Problem] = []
    unknown = sorted(k for k in raw if k not in KNOWN_SECTIONS)
    for key in unknown:
        problems.append(
            Problem(
                "unknown-section",
                f"unknown section [{key}]; expected one of " + ", ".join(sorted(KNOWN_SECTIONS)),
            )
        )
    assessment = raw.get("assessment", {})
    if isinstance(assessment, dict) and isinstance(assessment.get("population"), dict):
        # `population = { nomis = ... }` written under [assessment]: TOML files it there, users mean [population].
        if "population" in raw:
            problems.append(
                Problem(
                    "bad-value", "population is given twice, in [assessment] and as [population]; keep one"
                )
            )
        else:
            raw["population"] = assessment.pop("population")
    population = raw.get("population", {})
    area = assessment.get("area")
    if not area:
        problems.append(Problem("missing-key", '[assessment] needs area = "<GSS code or name>"'))
    pop_file = population.get("file") if isinstance(population, dict) else None
    nomis = population.get("nomis") if isinstance(population, dict) else None
    if not pop_file and not nomis:
        problems.append(
            Problem(
                "missing-key",
                '[population] needs file = "<path to the population file>", or nomis = "<GSS code>" '
                "to download the ONS estimates from NOMIS",
            )
        )
    if pop_file and nomis:
        problems.append(Problem("bad-value", "[population] gives both file and nomis; keep one"))
    if nomis is not None and (not isinstance(nomis, str) or not nomis.strip()):
        problems.append(
            Problem("bad-value", f'[population] nomis = {nomis!r}; expected a GSS code such as "E06000001"')
        )
    year = population.get("year") if isinstance(population, dict) else None
    if nomis and isinstance(year, str) and year.strip().lower() == "latest":
        year = None  # the latest year NOMIS has
    elif year is not None and not isinstance(year, int):
        expected = 'a year such as 2024, or "latest"' if nomis else "a year such as 2015"
        problems.append(Problem("bad-value", f"[population] year = {year!r}; expected {expected}"))
    if problems:
        raise ConfigError(path, problems)
    base = path.parent
    population_file = None
    if pop_file:
        population_file = (base / pop_file).resolve()
        if not population_file.is_file():
            raise ConfigError(
                path,
                Problem(
                    "missing-file", f"[population] file {pop_file} not found (looked in {population_file})"
                ),
            )
    output = assessment.get("output", "out")
    return AssessmentConfig(
        path=path,
        title=str(assessment.get("title") or f"Domestic abuse needs assessment: {area}"),
        area=str(area),
        population_file=population_file,
        population_sheet=population.get("sheet"),
        population_year=year,
        output_dir=(base / output).resolve(),
        protective_marking=str(assessment.get("protective_marking", "OFFICIAL")),
        author=str(assessment.get("author", "")),
        raw=raw,
        population_nomis=nomis.strip() if isinstance(nomis, str) and nomis.strip() else None,
    )
