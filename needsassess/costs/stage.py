"""The cost stage: per victim (the prevalence stage's estimates x a unit-costs pack) and per recorded crime
([cost] crimes x cost per offence), each uplifted to [cost] price_year when one is given."""

from __future__ import annotations

from typing import Any

from needsassess.assessment import Assessment, InputFile
from needsassess.costs.crimes import read_crime_counts
from needsassess.costs.unit_costs import (
    CostResult,
    cost_per_crime,
    cost_per_victim,
    find_deflators,
    victims_from_prevalence,
)
from needsassess.errors import ConfigError, Problem
from needsassess.packs import Kind, Pack
from needsassess.population import residents

COST_KEYS = {
    "enabled",
    "per_victim_pack",
    "victims_from",
    "crimes",
    "crimes_sheet",
    "per_crime_pack",
    "price_year",
    "deflators",
}
PER_VICTIM_PACK = "ho-horr107-2019"
PER_CRIME_PACK = "ho-horr99-2018"


def cost_stage(assessment: Assessment) -> None:
    """Cost per victim (from the prevalence estimates) and per recorded crime (from [cost] crimes)."""
    config = assessment.config
    section = config.section("cost")
    if not section or section.get("enabled", True) is False:
        return
    unknown = sorted(set(section) - COST_KEYS)
    if unknown:
        raise ConfigError(
            config.path,
            [
                Problem(
                    "unknown-key",
                    f"[cost] has no setting {k}; expected one of " + ", ".join(sorted(COST_KEYS)),
                )
                for k in unknown
            ],
        )
    price_year = section.get("price_year")
    deflators = _deflators(assessment, price_year, section.get("deflators"))
    per_victim_pack = section.get("per_victim_pack", PER_VICTIM_PACK)
    if per_victim_pack and assessment.prevalence:
        pack = assessment.use_pack(per_victim_pack, Kind.UNIT_COSTS)
        assessment.costs.append(
            cost_victims(assessment, pack, price_year, deflators, section.get("victims_from"))
        )
    crimes = section.get("crimes")
    if crimes:
        path = config.resolve(crimes)
        if not path.is_file():
            raise config.error("missing-file", f"[cost] crimes file {crimes} not found (looked in {path})")
        counts = read_crime_counts(path, section.get("crimes_sheet"))
        assessment.inputs.append(
            InputFile(
                "crimes", path, f"{len(counts)} rows, {counts['count'].sum():,.0f} crimes by offence type"
            )
        )
        pack = assessment.use_pack(section.get("per_crime_pack", PER_CRIME_PACK), Kind.UNIT_COSTS)
        result = cost_per_crime(
            counts, pack, population=_residents(assessment), price_year=price_year, deflators=deflators
        )
        assessment.costs.append(result)
        if len(result.not_costed):
            assessment.warnings.append(
                f'{result.not_costed["count"].sum():,.0f} crimes of types pack "{pack.id}" does not cost are '
                "listed as not costed on the Cost sheet"
            )
    for pack_id in dict.fromkeys(r.pack_id for r in assessment.costs):
        assessment.warn_if_not_verified(assessment.packs[pack_id])


def cost_victims(
    assessment: Assessment,
    pack: Pack,
    price_year: Any = None,
    deflators: Pack | None = None,
    victims_from: str | None = None,
) -> CostResult:
    """The per-victim cost of the victims estimated by the prevalence stage (one pack's last-year estimates)."""
    results = assessment.prevalence
    if victims_from is not None:
        results = [r for r in results if r.pack.id == victims_from]
        if not results:
            raise assessment.config.error(
                "bad-value",
                f'[cost] victims_from = "{victims_from}" is not one of the prevalence packs: '
                + ", ".join(r.pack.id for r in assessment.prevalence),
            )
    if not results:
        raise assessment.config.error(
            "missing-key", "the per-victim method needs prevalence estimates: add a [prevalence] pack"
        )
    victims, described = victims_from_prevalence(results[0])
    return cost_per_victim(
        victims,
        pack,
        population=_residents(assessment),
        price_year=price_year,
        deflators=deflators,
        counts_source=described,
    )


def _residents(assessment: Assessment) -> float | None:
    """All residents of the chosen area, the denominator of cost per head (None without a population)."""
    return residents(assessment.population) if assessment.population is not None else None


def _deflators(assessment: Assessment, price_year: Any, ref: str | None) -> Pack | None:
    """The deflator pack for an uplift (registered so Sources lists it); None without a price year."""
    if price_year is None:
        return None
    pack = find_deflators(ref, assessment.pack_dirs)
    if pack is not None:
        assessment.packs.setdefault(pack.id, pack)
    return pack
