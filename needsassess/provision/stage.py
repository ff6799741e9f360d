"""The provision and reach stages: [provision] against a benchmarks pack (with MARAC cases and IDVA
referrals counted from the agency data where [provision] does not state them), and the reach funnel from
whichever stages ran."""

from __future__ import annotations

from typing import Any

from needsassess.assessment import Assessment
from needsassess.errors import ConfigError, Problem
from needsassess.packs import Kind
from needsassess.provision.benchmarks import STATED_KEYS, assess_provision, check_stated
from needsassess.provision.reach import ReachStep, build_reach


def provision_stage(assessment: Assessment) -> None:
    """Expected provision from a benchmarks pack against [provision] (skipped when there is no [provision])."""
    from needsassess.report.publish import publish_sheet
    from needsassess.report.sheets.provision import provision_sheet_for

    config = assessment.config
    section = config.section("provision")
    if not section or section.get("enabled", True) is False:
        return
    stated, problems = check_stated(section)
    allowed = {"enabled", "pack", "period", *STATED_KEYS}
    for key in section:
        if key not in allowed:
            problems.append(
                Problem(
                    "unknown-key",
                    f'[provision] unknown key "{key}"; expected one of ' + ", ".join(sorted(allowed)),
                )
            )
    if problems:
        raise ConfigError(config.path, problems)
    assert assessment.population is not None
    pack = assessment.use_pack(str(section.get("pack", "safelives-benchmarks")), Kind.BENCHMARKS)
    counted = {k: v for k, v in _agency_volumes(assessment).items() if k not in stated}
    period = str(section.get("period", "") or (assessment.police.current.label if assessment.police else ""))
    assessment.provision = assess_provision(assessment.population, pack, stated | counted, period)
    for item in counted:
        what = "MARAC cases" if item == "marac_cases" else "IDVA referrals"
        assessment.provision.notes.append(
            f"Actual {what}: counted from the agency data (victims' referrals to the "
            f"{'MARAC' if item == 'marac_cases' else 'IDVA service'}{' in ' + period if period else ''}), "
            f"as {item} is not stated in [provision]."
        )
    publish_sheet(
        assessment, "provision", provision_sheet_for(assessment.provision, assessment.disclosure_rule)
    )
    assessment.warn_if_not_verified(pack)


def reach_stage(assessment: Assessment) -> None:
    """The funnel from estimated victims to people supported, from whichever stages ran."""
    from needsassess.report.publish import publish_sheet
    from needsassess.report.sheets.provision import reach_sheet_for

    steps, why = reach_steps(assessment)
    if sum(1 for s in steps.values() if s is not None) < 2:
        return
    assessment.reach = build_reach(assessment.area_name, steps, why)
    publish_sheet(assessment, "reach", reach_sheet_for(assessment.reach, assessment.disclosure_rule))


def reach_steps(assessment: Assessment) -> tuple[dict[str, Any], dict[str, str]]:
    """Each step of the reach funnel from the stages that ran (None where a stage did not), and why not."""
    from needsassess.rounding import round_for_publication

    steps: dict[str, Any] = {}
    why: dict[str, str] = {}
    estimated = None
    for result in assessment.prevalence:
        rows = result.estimates[
            (result.estimates["measure"] == "da_last_year") & (result.estimates["method"] == "single rate")
        ]
        rows = (
            rows[rows["sex"].isin(["female", "male"])] if rows["sex"].isin(["female", "male"]).any() else rows
        )
        if len(rows):
            value = float(rows["estimate"].sum())
            estimated = ReachStep(
                "estimated",
                "Estimated victims in the last year",
                f"residents aged {result.ages.label} estimated to have experienced domestic abuse in the last "
                f"year (national survey rate x local population, {result.pack.meta.get('period', '')})",
                value,
                f"{result.pack.citation()} [{result.pack.id}]",
                is_estimate=True,
                rounded=round_for_publication(value, result.rounding),
            )
            break
    steps["estimated"] = estimated
    if estimated is None:
        why["estimated"] = "no prevalence pack with domestic abuse in the last year was applied"
    police = assessment.police
    if police is not None:
        keyed = police.figures["keyed_incidents"] > 0
        steps["police"] = ReachStep(
            "police",
            "Reported to the police",
            (
                f"victims (people, all ages) of domestic abuse incidents and crimes recorded in {police.current.label}"
                if keyed
                else f"domestic abuse incidents and crimes recorded in {police.current.label} (no victim key, "
                "so incidents, not people)"
            ),
            float(police.figures["victims" if keyed else "incidents"]),
            police.source,
        )
    else:
        steps["police"] = None
        why["police"] = "no police extract was given ([police])"
    agency = _agency_reach(assessment)
    stated = assessment.config.section("provision")
    for key, stated_key, label, counts in (
        (
            "referred",
            "people_referred",
            "Referred to specialist services",
            "people referred to specialist services",
        ),
        (
            "supported",
            "people_supported",
            "Supported by specialist services",
            "people supported by specialist services",
        ),
    ):
        if agency.get(key) is not None:
            steps[key] = agency[key]
        elif isinstance(stated.get(stated_key), int | float) and not isinstance(stated.get(stated_key), bool):
            period = f" in {stated['period']}" if stated.get("period") else " in the year"
            steps[key] = ReachStep(
                key,
                label,
                counts + period,
                float(stated[stated_key]),
                "stated in assessment.toml ([provision])",
            )
        else:
            steps[key] = None
            why[key] = f"no agency data, and no {stated_key} stated in [provision]"
    return steps, why


# Services whose referrals count as "referred to specialist services" in the reach funnel.
SPECIALIST_SERVICES = ("outreach", "idva", "refuge", "marac")


def _agency_victims(assessment: Assessment) -> tuple[Any, str] | None:
    """Victims' referrals in the agency data, within the police year when there is one, and that year's words."""
    import pandas as pd

    if assessment.agencies is None or assessment.agencies.clients.empty:
        return None
    clients = assessment.agencies.clients
    victims = clients[clients["record_type"] == "victim"]
    if assessment.police is None:
        return victims, ""
    period = assessment.police.current
    dates = pd.to_datetime(victims["referral_date"])
    within = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
    return victims[within], f" in {period.label}"


def _agency_reach(assessment: Assessment) -> dict[str, Any]:
    """People referred to and supported by specialist services, from the agency stage when it has run."""

    found = _agency_victims(assessment)
    if found is None:
        return {}
    victims, when = found
    specialist = victims[victims["service_type"].isin(SPECIALIST_SERVICES)]
    if specialist.empty:
        return {}
    supported = specialist[specialist["referral_outcome"] != "unable_to_support"]
    source = "agency data ([[agencies]])"
    return {
        "referred": ReachStep(
            "referred",
            "Referred to specialist services",
            f"people referred to outreach, IDVA, refuge or MARAC{when} (a person referred to several counts once)",
            float(specialist["client_key"].nunique()),
            source,
        ),
        "supported": ReachStep(
            "supported",
            "Supported by specialist services",
            f"people referred{when} with a referral not recorded as unable to support (services that record "
            "no outcome count everyone referred)",
            float(supported["client_key"].nunique()),
            source,
        ),
    }


def _agency_volumes(assessment: Assessment) -> dict[str, float]:
    """MARAC cases and IDVA referrals counted from the agency data (victims' referrals, in the police year)."""
    found = _agency_victims(assessment)
    if found is None:
        return {}
    victims, _when = found
    volumes = {}
    for item, service in (("marac_cases", "marac"), ("idva_referrals", "idva")):
        n = int((victims["service_type"] == service).sum())
        if n:
            volumes[item] = float(n)
    return volumes
