"""The local population's shares, and whether clients are over- or under-represented against them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from needsassess.errors import ConfigError, Problem
from needsassess.profile.characteristics import DEMOGRAPHICS, YES, Kind
from needsassess.profile.counting import age_band_of

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class PopulationShares:
    """The local population's share (0-1) of each value of a characteristic, and where it comes from."""

    column: str
    shares: dict[str, float]
    source: str


def parse_population_shares(settings: object) -> list[PopulationShares]:
    """Population shares from assessment.toml, in percent, with their source, for example

        [profile.population_shares.ethnic_group]
        source = "Census 2021 TS021, Northmere"
        white = 94.2
        asian = 2.1

    Flags (disability, lgbt) take `yes = 18.5`. Raises ConfigError (no file) naming every bad key.
    """
    if not isinstance(settings, dict):
        raise ConfigError(None, Problem("bad-value", "population_shares must be a table of characteristics"))
    known = {c.column: c for c in DEMOGRAPHICS}
    problems: list[Problem] = []
    out = []
    for column, table in settings.items():
        c = known.get(column)
        if c is None:
            problems.append(
                Problem(
                    "unknown-characteristic",
                    f"population_shares.{column}: no such characteristic; expected one of {', '.join(known)}",
                )
            )
            continue
        if not isinstance(table, dict) or not isinstance(table.get("source"), str) or not table["source"]:
            problems.append(
                Problem(
                    "missing-key", f'population_shares.{column} needs source = "<where the shares come from>"'
                )
            )
            continue
        allowed = c.values if c.kind is Kind.CATEGORY else (YES,)
        shares: dict[str, float] = {}
        for value, pct in table.items():
            if value == "source":
                continue
            if value not in allowed:
                problems.append(
                    Problem(
                        "unknown-value",
                        f'population_shares.{column}: "{value}" is not a value; expected {", ".join(allowed)}',
                    )
                )
            elif isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 <= pct <= 100:
                problems.append(
                    Problem(
                        "bad-value",
                        f"population_shares.{column}.{value} = {pct!r}; expected a percentage 0-100",
                    )
                )
            else:
                shares[value] = float(pct) / 100
        if sum(shares.values()) > 1.005:
            problems.append(
                Problem("bad-value", f"population_shares.{column}: the percentages add up to more than 100")
            )
        out.append(PopulationShares(column, shares, table["source"]))
    if problems:
        raise ConfigError(None, problems)
    return out


def population_shares_from(population: pd.DataFrame, min_age: int = 16) -> list[PopulationShares]:
    """Sex and age-band shares of the local population aged `min_age`+ (tidy Population frame)."""
    frame = population[population["age"] >= min_age]
    total = float(frame["population"].sum())
    if total <= 0:
        return []
    by_sex = frame.groupby("sex")["population"].sum() / total
    bands = frame["age"].map(age_band_of)
    by_band = frame.groupby(bands)["population"].sum() / total
    year = ""
    if "year" in frame and frame["year"].notna().any():
        year = f"mid-{int(frame['year'].dropna().iloc[0])} "
    area = str(frame["area_name"].iloc[0]) if "area_name" in frame and len(frame) else "the area"
    source = f"{year}population estimates for {area}, residents aged {min_age}+"
    return [
        PopulationShares("sex", {str(k): float(v) for k, v in by_sex.items()}, source),
        PopulationShares("age_band", {str(k): float(v) for k, v in by_band.items()}, source),
    ]


def wilson_interval(k: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n (fractions 0-1)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def compare_with_population(k: float, n: float, population_share: float) -> str:
    """Over- or under-represented when the population share lies outside the clients' 95% interval."""
    low, high = wilson_interval(k, n)
    if population_share < low:
        return "over-represented"
    if population_share > high:
        return "under-represented"
    return "similar to the population"
