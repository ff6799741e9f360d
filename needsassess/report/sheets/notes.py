"""Notes that several sheets share, and the suppression log as tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needsassess.report.model import Table

if TYPE_CHECKING:
    from needsassess.disclosure import SuppressionEntry


STATUS_NOTE = (
    "Status of each national figure: verified = seen in the primary publication; secondary = quoted by "
    "another source and not yet checked against the original table; derived = calculated or recalled, "
    "not seen in any publication."
)


NOT_AVAILABLE_NOTE = "[x] = not available (for example, the publication gives no confidence interval)."


def suppression_log_tables(log: list[SuppressionEntry]) -> list[Table]:
    from needsassess.disclosure import log_frame

    if not log:
        return []
    return [
        Table(
            "suppression_log",
            "Suppression log: each hidden cell, and the rule that hid it",
            log_frame(log),
            "needsassess disclosure control",
            [
                "primary = a small count; secondary = hidden so that a small count cannot be worked out from "
                "the totals; share = a share or statistic of a hidden count; withheld = a table that could "
                "not be protected cell by cell. Hidden values themselves are never logged."
            ],
            widths={"Table": 40, "Row": 50, "Column": 24, "Rule": 50},
        )
    ]
