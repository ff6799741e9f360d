"""The police stage of `needsassess run`: [police] -> `Assessment.police`, the Police sheet published.

The extract needs nothing from the other stages, so `start_police` begins reading it first (in the second
process where there is one, needsassess.background) and `police_stage` analyses it in its turn, once the
population is read. Where no second process runs, `large_inputs` names the extract for the run to read in
a thread from the start (tables.prefetch).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.assessment import Assessment, InputFile, config_errors

if TYPE_CHECKING:
    from needsassess.background import Pending
    from needsassess.config import AssessmentConfig
    from needsassess.police.options import PoliceInputs


def _police_section(config: AssessmentConfig) -> dict[str, Any] | None:
    """The [police] section, or None when there is none or it says enabled = false."""
    section = config.section("police")
    if not section or section.get("enabled", True) is False:
        return None
    return section


def start_police(assessment: Assessment) -> None:
    """Start reading the police extract, which needs nothing from the other stages: in the second process,
    while the agency and profile stages run here, when there is one (needsassess.background)."""
    if _police_section(assessment.config) is None:
        return
    try:
        assessment.police_reading = _read_police(assessment.config)
    except Exception:  # a wrong [police] section is reported by police_stage, in its turn
        return


def _read_police(config: AssessmentConfig) -> Pending[PoliceInputs]:
    from needsassess import background
    from needsassess.clients.merge import load_secret
    from needsassess.police.options import police_options, read_police

    # victim keys are pseudonymised with the agency data's secret, when there is one
    secret_file = config.section("clients").get("secret_file")
    secret = load_secret(config.resolve(secret_file) if secret_file else None)
    with config_errors(config):
        options = police_options(_police_section(config) or {}, config.resolve)
    return background.submit(read_police, options, secret)


def police_stage(assessment: Assessment) -> None:
    """Measure the police extract named in [police] (skipped when there is no [police])."""
    from needsassess.police.options import analyse_inputs
    from needsassess.report.publish import publish_sheet
    from needsassess.report.sheets.police import police_sheet_for

    config = assessment.config
    if _police_section(config) is None:
        return
    assert assessment.all_areas is not None
    reading = assessment.police_reading or _read_police(config)
    with config_errors(config):
        run = analyse_inputs(reading.result(), assessment.all_areas, config.area)
    options = run.options
    assessment.police = run.result
    publish_sheet(assessment, "police", police_sheet_for(run.result, assessment.disclosure_rule))
    incidents = run.incidents
    first, last = incidents.frame["date"].min(), incidents.frame["date"].max()
    assessment.inputs.append(
        InputFile(
            "police incidents",
            options.file,
            f"{incidents.rows_read:,} rows, {first:%d %b %Y} to {last:%d %b %Y}"
            + (f', sheet "{incidents.sheet}"' if incidents.sheet else ""),
        )
    )
    if run.deprivation is not None and options.deprivation is not None:
        assessment.inputs.append(
            InputFile(
                "deprivation", options.deprivation, f"{len(run.deprivation.frame)} {run.deprivation.level}s"
            )
        )
    if run.peer_counts is not None and options.peer_counts is not None:
        assessment.inputs.append(
            InputFile("police peer counts", options.peer_counts, f"{len(run.peer_counts.frame)} areas")
        )


def large_inputs(config: AssessmentConfig) -> list[tuple[Path, str | int | None]]:
    """Sheets worth reading in a thread from the start: the police extract, often the largest input, is read
    while the population, cost, agency and profile stages run. Not when a second process is running: it
    reads the extract itself (start_police)."""
    from needsassess import background
    from needsassess.police.options import police_options

    section = _police_section(config)
    if section is None or background.running():
        return []
    try:
        options = police_options(section, config.resolve)
    except Exception:  # the police stage reports a bad [police] section, in its turn
        return []
    return [(options.file, options.sheet)]
