"""The profile stage of a run: the merged clients -> the needs profile, published, on the Assessment."""

from __future__ import annotations

from needsassess.assessment import Assessment
from needsassess.errors import ConfigError, Problem
from needsassess.profile.client_profile import profile_clients
from needsassess.profile.publish import publish_profile
from needsassess.profile.representation import parse_population_shares, population_shares_from


def profile_stage(assessment: Assessment) -> None:
    """Needs profile of victims and perpetrators and the Part 4 tables, published through disclosure control."""
    section = assessment.config.section("profile")
    if section.get("enabled", True) is False:
        return
    clients = assessment.clients
    if clients is None or clients.empty:
        return
    try:
        population = parse_population_shares(section.get("population_shares", {}))
    except ConfigError as exc:
        raise ConfigError(
            assessment.config.path, [Problem(p.slug, f"[profile] {p.message}") for p in exc.problems]
        ) from None
    if assessment.population is not None:
        known = {p.column for p in population}
        population = [
            p for p in population_shares_from(assessment.population.frame) if p.column not in known
        ] + population
    rule = assessment.disclosure_rule
    assessment.client_profile = profile_clients(clients, population)
    assessment.published_profile = publish_profile(assessment.client_profile, rule)
    assessment.suppression_log.extend(assessment.published_profile.log)
