"""The Assessment as the Sheets and Tables every writer shares (presentation only: no arithmetic beyond
arranging computed values), one module per sheet family; `SHEET_BUILDERS` is the order of the workbook.
Each stage adds one builder there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from needsassess.report.model import Sheet
from needsassess.report.sheets.clients import (
    agencies_sheet,
    build_profile_summary,
    data_quality_sheet,
    perpetrators_sheet,
    safe_accommodation_sheet,
    victims_sheet,
)
from needsassess.report.sheets.cost import cost_sheet
from needsassess.report.sheets.front import build_cover
from needsassess.report.sheets.notes import NOT_AVAILABLE_NOTE, STATUS_NOTE
from needsassess.report.sheets.prevalence import prevalence_sheet
from needsassess.report.sheets.sources import build_sources_sheet, sources_sheet

if TYPE_CHECKING:
    from needsassess.assessment import Assessment

__all__ = [
    "NOT_AVAILABLE_NOTE",
    "SHEET_BUILDERS",
    "STATUS_NOTE",
    "build_cover",
    "build_profile_summary",
    "build_sheets",
    "build_sources_sheet",
]


SheetBuilder = Callable[["Assessment"], list[Sheet]]


def published_sheet(key: str) -> SheetBuilder:
    """The sheet a stage published itself (its counts already through disclosure control), if it ran."""

    def builder(assessment: Assessment) -> list[Sheet]:
        sheet = assessment.published.get(key)
        return [sheet] if sheet is not None else []

    builder.__name__ = f"{key}_sheet"
    return builder


# Order of the content sheets in the workbook; Sources stays last.
SHEET_BUILDERS: list[SheetBuilder] = [
    prevalence_sheet,
    cost_sheet,
    agencies_sheet,
    victims_sheet,
    perpetrators_sheet,
    safe_accommodation_sheet,
    published_sheet("police"),
    published_sheet("provision"),
    published_sheet("reach"),
    data_quality_sheet,
    sources_sheet,
]


def build_sheets(assessment: Assessment) -> list[Sheet]:
    sheets: list[Sheet] = []
    for builder in SHEET_BUILDERS:
        sheets.extend(builder(assessment))
    return sheets
