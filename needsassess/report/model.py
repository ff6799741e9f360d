"""What a published table looks like, independent of the file format it is written to.

Each stage of the assessment describes its output as Sheets of titled Tables (with their source and notes)
and Charts over those tables; the workbook writer, csv writer and drafts all read the same description.
Building these is presentation, not arithmetic: values are already computed by the estimators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Table:
    """A titled table. `name` becomes the Excel table name (letters, digits and _ only)."""

    name: str
    title: str
    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # column -> Excel number format
    widths: dict[str, float] = field(default_factory=dict)


@dataclass
class Chart:
    """A native chart drawn from columns of one table on the same sheet."""

    kind: Literal["bar", "column", "line"]
    title: str
    table: str
    categories: str
    values: list[str]
    alt_text: str
    y_title: str = ""
    x_title: str = ""
    rows: slice | None = None  # which data rows of the table to plot (default all)


@dataclass
class Sheet:
    """One worksheet: a title in A1, lines of explanation, then tables and charts."""

    name: str
    title: str
    intro: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    description: str = ""  # one line for the contents sheet


@dataclass
class Note:
    """A numbered note, listed on the Notes sheet and referred to as [note N] in titles."""

    text: str
    applies_to: str = ""
