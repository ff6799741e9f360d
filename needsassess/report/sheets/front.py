"""The workbook's front matter: the cover (title, area, date, protective marking, warnings) and the Notes
sheet (what every sheet's symbols mean, the disclosure rule, every suppressed cell)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needsassess import __version__
from needsassess.report.model import Note, Table
from needsassess.report.sheets.clients import profile_notes
from needsassess.report.sheets.notes import NOT_AVAILABLE_NOTE, STATUS_NOTE, suppression_log_tables
from needsassess.report.workbook import Cover

if TYPE_CHECKING:
    from needsassess.assessment import Assessment


def build_cover(assessment: Assessment) -> Cover:
    config = assessment.config
    population = assessment.population
    year = population.years[0] if population is not None and population.years else None
    lines = [
        (
            "About this workbook",
            f"Domestic abuse needs assessment for {assessment.area_name} "
            f"({assessment.area_code}): estimated prevalence from national survey rates applied to the local "
            "population"
            + (
                ", and the needs profile of the clients of local services (victims, perpetrators and safe "
                "accommodation)"
                if assessment.published_profile is not None
                else ""
            )
            + ", with every figure traced to its source on the Sources sheet.",
        ),
        ("Area", f"{assessment.area_name} ({assessment.area_code})"),
        (
            "Population",
            f"Mid-{year} population estimates" if year else "Population estimates (year not stated)",
        ),
        ("Produced", f"{assessment.created:%d %B %Y} with needsassess {__version__}"),
        ("Protective marking", config.protective_marking),
        ("Disclosure control", _disclosure_text(assessment)),
    ]
    if config.author:
        lines.insert(1, ("Produced by", config.author))
    if assessment.warnings:
        lines.append(("Warnings", " ".join(assessment.warnings)))
    return Cover(
        config.title,
        lines,
        config.protective_marking,
        build_notes(assessment),
        build_notes_tables(assessment),
    )


def _disclosure_text(assessment: Assessment) -> str:
    rule = assessment.disclosure_rule
    text = (
        f"Tables of counts of people follow the small-number rule {rule.describe()} "
        "Estimates from national rates are not counts of individuals and are not suppressed."
    )
    hidden = len(assessment.suppression_log)
    if hidden:
        text += (
            f" {hidden:,} cell{'s are' if hidden != 1 else ' is'} hidden in this workbook; the suppression log "
            "on the Notes sheet gives the table, the cell and the rule for each."
        )
    return text


def build_notes(assessment: Assessment) -> list[Note]:
    notes = [Note(STATUS_NOTE, "Sources, Prevalence"), Note(NOT_AVAILABLE_NOTE, "All sheets")]
    for result in assessment.prevalence:
        notes.append(
            Note(
                f"Estimates are rounded for publication ({result.rounding.describe()}); unrounded figures are "
                "shown beside them for checking, not for quoting.",
                "Prevalence",
            )
        )
        break
    for pack in assessment.packs.values():
        text = " ".join(str(pack.meta.get("notes", "")).split())
        if text:
            notes.append(Note(f"{pack.id}: {text}", "Sources"))
    if assessment.published_profile is not None:
        notes += profile_notes(assessment.published_profile)
    return notes


def build_notes_tables(assessment: Assessment) -> list[Table]:
    """The suppression log: every hidden cell of every published table, and why."""
    return suppression_log_tables(assessment.suppression_log)
