"""The prevalence stage: each pack of [prevalence] applied to the chosen area's population."""

from __future__ import annotations

from needsassess.assessment import Assessment
from needsassess.errors import ConfigError, Problem
from needsassess.packs import Kind
from needsassess.prevalence.estimate import estimate_prevalence
from needsassess.rounding import parse_rounding


def prevalence_stage(assessment: Assessment) -> None:
    section = assessment.config.section("prevalence")
    if section.get("enabled", True) is False:
        return
    packs = section.get("packs", ["csew-2015-16to59"])
    if isinstance(packs, str):
        packs = [packs]
    ages: dict[str, str] = section.get("ages", {})
    if not isinstance(ages, dict):
        raise assessment.config.error(
            "bad-value", '[prevalence] ages must be a table such as { "nspcc-radford-2011" = "0-15" }'
        )
    try:
        rounding = parse_rounding(section.get("rounding"))
    except ConfigError as exc:
        raise ConfigError(
            assessment.config.path, [Problem(p.slug, f"[prevalence] {p.message}") for p in exc.problems]
        ) from None
    assert assessment.population is not None
    for ref in packs:
        pack = assessment.use_pack(ref, Kind.PREVALENCE)
        result = estimate_prevalence(assessment.population, pack, ages.get(pack.id), rounding)
        assessment.prevalence.append(result)
        assessment.warn_if_not_verified(pack)
