"""Years of 12 months (financial or calendar) and the dates in them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Period:
    """A year of 12 months starting in `start_month` (4 = financial years, April to March)."""

    start_year: int
    start_month: int = 4

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, self.start_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        if self.start_month == 1:
            return dt.date(self.start_year, 12, 31)
        return dt.date(self.start_year + 1, self.start_month, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return str(self.start_year)
        if self.start_month == 4:
            return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
        return f"{self.start:%b %Y} to {self.end:%b %Y}"

    def previous(self) -> Period:
        return Period(self.start_year - 1, self.start_month)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def parse_period(spec: Any, start_month: int = 4) -> Period:
    """ "2015/16" or 2015 -> the year starting in 2015 (in `start_month`); "2015" with start_month 1 is 2015."""
    text = str(spec).strip()
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
    if not match:
        raise ValueError(f'"{spec}" is not a year; expected e.g. "2015/16" (or 2015)')
    year = int(match.group(1))
    if match.group(2):
        second = int(match.group(2))
        if second % 100 != (year + 1) % 100:
            raise ValueError(f'"{spec}" is not a year; expected two consecutive years such as "2015/16"')
        if start_month == 1:
            raise ValueError(f'"{spec}" spans two years, but years start in January; give one year')
    return Period(year, start_month)


def period_containing(day: dt.date, start_month: int = 4) -> Period:
    year = day.year if day.month >= start_month else day.year - 1
    return Period(year, start_month)


def in_period(frame: pd.DataFrame, period: Period) -> pd.Series:
    """Which incidents (rows of a frame with a "date" column) fall in `period`, first and last day included."""
    import pandas as pd

    return (frame["date"] >= pd.Timestamp(period.start)) & (frame["date"] <= pd.Timestamp(period.end))


def day_text(d: Any) -> str:
    """1 April 2015 (no leading zero)."""
    return f"{d.day} {d:%B %Y}"
