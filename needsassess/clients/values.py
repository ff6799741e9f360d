"""Normalise headers and cell codes, and read one raw cell value as a canonical value.

Every function here works on one distinct raw value; the reader applies it to the distinct values of a
column and maps the column through the result, so a million-row file costs a few thousand calls.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from needsassess.clients import synonyms as syn
from needsassess.clients.schema import NOT_RECORDED, Field, Kind
from needsassess.tables import is_blank

_NON_WORD = re.compile(r"[^a-z0-9+&✓✔]+")
_APOSTROPHES = re.compile(r"['’‘`]")


def _fold(text: str) -> str:
    """Lower-case text without accents: "Renée" -> "renee"."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_key(value: Any) -> str:
    """A header as words: "Children (Y/N)?" -> "children y n", "D.O.B." -> "d o b", "&" -> "and"."""
    text = _APOSTROPHES.sub("", _fold(_text(value))).replace("&", " and ").replace("+", " ")
    return " ".join(_NON_WORD.split(text)).strip()


def code_key(value: Any) -> str:
    """A cell code as words: " Yes. " -> "yes", "#N/A" -> "n a", "Ex-partner" -> "ex partner", 1.0 -> "1"."""
    if value is None:
        return ""
    text = _APOSTROPHES.sub("", _fold(_text(value)))
    return " ".join(_NON_WORD.split(text)).strip()


def name_words(value: Any) -> set[str]:
    """Words of three or more letters in a name, for `may_identify`."""
    return {w for w in re.split(r"[^a-z]+", _fold(_text(value))) if len(w) >= 3}


def may_identify(value: Any, names: set[str]) -> bool:
    """True if a cell's text holds one of the file's names, a long number (phone, NHS) or an email address."""
    text = _fold(_text(value))
    return bool(name_words(text) & names) or len(re.sub(r"\D", "", text)) >= 6 or "@" in text


# --- code books -----------------------------------------------------------------------------------------

_NR_KEYS = frozenset(code_key(c) for c in syn.NOT_RECORDED_CODES)
_FLAG_KEYS = {code_key(c): value for value, codes in syn.FLAG_CODES.items() for c in codes}


def _vocabulary(field: Field) -> dict[str, str]:
    codes: dict[str, tuple[str, ...]] = {}
    if field.name in syn.VOCABULARIES:
        codes = syn.VOCABULARIES[field.name]
    elif field.name == "lgbt":
        codes = syn.LGBT_CODES
    book = {code_key(c): value for value, raw in codes.items() for c in raw}
    for value in field.allowed:  # the canonical values themselves, written any way
        book.setdefault(code_key(value.replace("_", " ")), value)
    return book


@dataclass(frozen=True)
class Reading:
    """What one raw cell became: a value (None means not recorded) and, if the cell was bad, why."""

    value: Any
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


NOT_RECORDED_READING = Reading(None)


def _describe(raw: Any) -> str:
    text = _text(raw)
    if len(text) > 40:
        text = text[:37] + "..."
    return f'"{text}"'


class CodeBook:
    """Reads the cells of one field: the mapping's own codes first, then the built-in synonyms."""

    def __init__(
        self, field: Field, custom: Mapping[str, str] | None = None, two_digit_years_past: bool = False
    ):
        self.field = field
        self.custom = {code_key(k): v for k, v in (custom or {}).items()}
        self.vocabulary = _vocabulary(field)
        self.two_digit_years_past = two_digit_years_past

    def read(self, raw: Any) -> Reading:
        """Read one raw cell; identifiers other than the date of birth are read as trimmed text."""
        is_date = isinstance(raw, dt.date)
        key = raw.isoformat() if is_date else code_key(raw)
        if not is_date and key in self.custom:
            value = self.custom[key]
            return NOT_RECORDED_READING if value in ("", NOT_RECORDED) else self._custom_value(value)
        kind = self.field.kind
        if kind is Kind.IDENTIFIER:
            return NOT_RECORDED_READING if is_blank(raw) or key in _NR_KEYS else Reading(_text(raw).strip())
        if kind is Kind.DATE:
            return self._read_date(raw, key)
        if key in self.vocabulary:
            return Reading(self.vocabulary[key])
        if key in _NR_KEYS:
            return NOT_RECORDED_READING
        if kind is Kind.FLAG:
            return self._read_flag(raw, key)
        if kind is Kind.CATEGORY:
            return self._read_category(raw, key)
        if kind in (Kind.INTEGER, Kind.NUMBER):
            return self._read_number(raw)
        if kind is Kind.DURATION:
            return self._read_duration(raw, key)
        raise AssertionError(f"unhandled kind {kind}")

    def _custom_value(self, value: str) -> Reading:
        if self.field.kind in (Kind.INTEGER, Kind.NUMBER, Kind.DURATION):
            return self._read_number(value)
        return Reading(value)

    def _read_flag(self, raw: Any, key: str) -> Reading:
        if key in _FLAG_KEYS:
            return Reading(_FLAG_KEYS[key])
        first = key.split(" ", 1)[0]
        if first in ("yes", "y", "no", "n") and len(key) > len(first):
            return Reading(_FLAG_KEYS[first])  # "Yes - depression", "No (not disclosed)"
        if self.field.name == "has_children":
            number = _number(raw)
            if number is not None and number >= 0 and float(number).is_integer():
                return Reading("yes" if number > 0 else "no")
        return Reading(None, f"{_describe(raw)} is not a yes/no code")

    def _read_category(self, raw: Any, key: str) -> Reading:
        if self.field.name == "ethnic_group":
            words = set(key.split())
            for value, keywords in syn.ETHNIC_KEYWORDS:
                if any((" " in k and k in key) or k in words for k in keywords):
                    return Reading(value)
        allowed = ", ".join(self.field.allowed)
        return Reading(None, f"{_describe(raw)} is not one of the allowed codes ({allowed})")

    def _read_number(self, raw: Any) -> Reading:
        number = _number(raw)
        if number is None:
            return Reading(None, f"{_describe(raw)} is not a number")
        return self._in_range(raw, number)

    def _in_range(self, raw: Any, number: float) -> Reading:
        f = self.field
        if self.field.kind is Kind.INTEGER and not float(number).is_integer():
            return Reading(None, f"{_describe(raw)} is not a whole number")
        if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
            return Reading(None, f"{_describe(raw)} is outside {f.minimum:g} to {f.maximum:g}")
        return Reading(int(number) if f.kind is Kind.INTEGER else float(number))

    def _read_duration(self, raw: Any, key: str) -> Reading:
        months = duration_months(
            raw, default_unit="years" if self.field.name.endswith("_years") else "months"
        )
        if months is None:
            return Reading(None, f'{_describe(raw)} is not a length of time (e.g. "3 years", "18 months")')
        number = months / 12 if self.field.name.endswith("_years") else months
        reading = self._in_range(raw, number)
        return Reading(round(months, 1), None) if reading.ok else reading

    def _read_date(self, raw: Any, key: str) -> Reading:
        if is_blank(raw) or key in _NR_KEYS:
            return NOT_RECORDED_READING
        value = parse_date(raw, two_digit_years_past=self.two_digit_years_past)
        if value is None:
            if self.field.name == "date_of_birth":  # never repeat an identifier in a report
                return Reading(None, "date of birth is not a date (expected day/month/year or an Excel date)")
            return Reading(None, f"{_describe(raw)} is not a date (expected day/month/year or an Excel date)")
        return Reading(value)


_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(?:yrs?|years?|y/o|yo)?\s*$", re.IGNORECASE)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw) if raw == raw else None
    if isinstance(raw, str):
        match = _NUMBER.match(raw.replace(",", "").replace("\u00a0", ""))
        if match:
            return float(match.group(1))
    return None


_DURATION = re.compile(
    r"^(\d+(?:\.\d+)?)\s*(years?|yrs?|y|months?|mths?|mnths?|mos?|m|weeks?|wks?|w|days?|d)?$"
)
_UNIT_MONTHS = {"y": 12.0, "m": 1.0, "w": 12 / 52.0, "d": 12 / 365.25}


def duration_months(raw: Any, default_unit: str = "months") -> float | None:
    """A length of time in months: 18 -> 18 (or 216 if the unit is years), "3 years" -> 36, "6 wks" -> 1.4."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if raw != raw or raw < 0:
            return None
        return float(raw) * _UNIT_MONTHS[default_unit[0]]
    if not isinstance(raw, str):
        return None
    match = _DURATION.match(re.sub(r"\s+", " ", raw.strip().lower()))
    if not match:
        return None
    unit = (match.group(2) or default_unit)[0]
    return float(match.group(1)) * _UNIT_MONTHS[unit]


# --- dates ------------------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%d-%B-%Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d%m%Y",
    "%Y%m%d",
)
_TWO_DIGIT = ("%y",)
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")  # what "%d/%m/%Y" reads


def excel_serial_date(serial: float) -> dt.date | None:
    """The date of an Excel serial number (1900 date system); None outside 1900-01-01 .. 9999-12-31."""
    if serial != serial or serial < 1 or serial >= 2958466:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


_QUICK_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_QUICK_MONTH = re.compile(r"(\d{1,2})([ -])([A-Za-z]{3})\2(\d{4}|\d{2})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _quick_date(text: str, two_digit_years_past: bool, today: dt.date | None) -> dt.date | None:
    """The common day-first texts ("03/04/2023", "3-4-23", "01-Apr-15") without strptime, or None.

    Gives exactly what the _DATE_FORMATS loop gives for these shapes (two-digit years 69-99 are 19xx,
    00-68 are 20xx, as strptime's %y); anything else, or an impossible date, goes the slow way.
    Agency files hold hundreds of thousands of such cells, and strptime was the hottest spot in reading.
    """
    match = _QUICK_NUMERIC.fullmatch(text)
    if match:
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
    else:
        match = _QUICK_MONTH.fullmatch(text)
        if not match or match.group(3).lower() not in _MONTHS:
            return None
        day, month, year = int(match.group(1)), _MONTHS[match.group(3).lower()], match.group(4)
    two_digit = len(year) == 2
    number = int(year)
    if two_digit:
        number += 2000 if number <= 68 else 1900
    try:
        value = dt.date(number, month, day)
    except ValueError:
        return None
    if two_digit and two_digit_years_past and value > (today or dt.date.today()):
        value = value.replace(year=value.year - 100)
    return value


def parse_date(raw: Any, two_digit_years_past: bool = False, today: dt.date | None = None) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number or day-first text ("03/04/2023" is 3 April).

    With two_digit_years_past (dates of birth), "12/03/55" is 1955, not 2055.
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return excel_serial_date(float(raw))
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return None
    quick = _quick_date(text, two_digit_years_past, today)
    if quick is not None:
        return quick
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return excel_serial_date(float(text))
    numeric = _DAY_MONTH_YEAR.fullmatch(text)
    if numeric:  # the usual day/month/year, the first format below, without strptime's cost
        day, month, year = (int(g) for g in numeric.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass  # not a date; the formats below decide, as they always have
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[ap]m)?$", "", text, flags=re.IGNORECASE).strip()
    text = re.sub(r"\s+", " ", text.replace(",", " "))
    for fmt in _DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if two_digit_years_past and fmt.endswith(_TWO_DIGIT) and value > (today or dt.date.today()):
            value = value.replace(year=value.year - 100)
        return value
    return None
