"""Suggest a mapping for an agency file, as TOML for the analyst to check, edit and keep.

The suggestion shows, for every column, the field it would map to and how sure the match is, with the
commonest values; for every coded field, the codes it recognised and those it did not. Identifier columns
are named but their values are never shown.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from needsassess.clients.mapping import IGNORE, AgencyMapping, Confidence, default_mapping, header_index
from needsassess.clients.reader import Column, Layout, data_rows, locate_table
from needsassess.clients.schema import (
    FIELD_BY_NAME,
    IDENTIFIER_FIELDS,
    NOT_RECORDED,
    Kind,
    RecordType,
    ServiceType,
)
from needsassess.clients.values import CodeBook, may_identify, name_words
from needsassess.tables import is_blank, read_grid

SAMPLES_SHOWN = 4
CODES_LISTED = 40
MIN_ROWS_SHOWN = 3
_PERPETRATOR_HINTS = ("perp", "offender", "suspect", "dvpp", "abuser")
_NAME_FIELDS = ("first_name", "surname", "full_name", "other_identifier")


@dataclass
class ColumnSuggestion:
    column: Column
    target: str | None  # the field it maps to
    confidence: Confidence | None
    samples: list[tuple[str, int]] = field(default_factory=list)  # empty for identifiers
    known_codes: list[tuple[str, str, int]] = field(default_factory=list)  # raw, value, rows
    unknown_codes: list[tuple[str, int]] = field(default_factory=list)
    distinct: int = 0
    withheld: int = 0  # rows whose unrecognised code may identify someone, so is not shown


@dataclass
class MappingSuggestion:
    mapping: AgencyMapping
    layout: Layout
    file_label: str
    columns: list[ColumnSuggestion]
    rows: int

    def to_toml(self) -> str:
        """The suggestion as a commented TOML mapping."""
        m, layout = self.mapping, self.layout
        where = f'{self.file_label}, sheet "{m.sheet}"' if m.sheet is not None else self.file_label
        group = (
            f" (group header row {layout.top_header_row})"
            if layout.top_header_row != layout.header_row
            else ""
        )
        lines = [
            f"# Suggested mapping for {where}: header on row {layout.header_row}{group}, "
            f"{self.rows} data rows.",
            "# Check every line and edit what is wrong, then save this file and pass it with --mapping (or",
            "# paste it under [[agencies]] in assessment.toml). Confidence: high = a known header;",
            "# medium = known once filler words are dropped; low = a look-alike, left commented out",
            "# until you confirm it.",
            "# Columns not listed are dropped. Identifier columns feed the person key and are then dropped.",
            f"name = {_q(m.name)}",
            f"file = {_q(m.file.name)}",
        ]
        if m.sheet is not None:
            lines.append(f"sheet = {_q(m.sheet) if isinstance(m.sheet, str) else m.sheet}")
        lines.append(f"header_row = {layout.header_row}")
        if m.service_type:
            lines.append(f"service_type = {_q(m.service_type)}")
        else:
            lines.append(f'# service_type = ""  # one of {", ".join(ServiceType)}')
        lines.append(f"record_type = {_q(m.record_type.value)}")
        if m.encoding:
            lines.append(f"encoding = {_q(m.encoding)}")
        lines += ["", "[columns]"]
        entries = []
        for s in self.columns:
            if s.column.name.startswith("Column ") and not s.samples and not s.target:
                continue  # a blank spacer column
            key = _q(s.column.name)
            if s.target and s.confidence is not Confidence.LOW:
                entries.append((f"{key} = {_q(s.target)}", f"{s.confidence}; {self._describe(s)}"))
            elif s.target:
                entries.append(
                    (f"# {key} = {_q(s.target)}", f"low: check, then uncomment; {self._describe(s)}")
                )
            else:
                entries.append((f'# {key} = ""', f"not mapped; {self._describe(s)}"))
        width = min(max((len(e[0]) for e in entries), default=0), 60)
        lines += [f"{text.ljust(width)}  # {comment}" for text, comment in entries]
        for s in self.columns:
            if not s.target or s.confidence is Confidence.LOW:
                continue
            f = FIELD_BY_NAME[s.target]
            if f.kind not in (Kind.FLAG, Kind.CATEGORY) or not (
                s.known_codes or s.unknown_codes or s.withheld
            ):
                continue
            lines += ["", f"[codes.{s.target}]  # from {_q(s.column.name)}; allowed: {', '.join(f.values)}"]
            if s.known_codes:
                known = ", ".join(f"{_q(raw)} -> {value} ({n})" for raw, value, n in s.known_codes[:12])
                more = f" and {len(s.known_codes) - 12} more" if len(s.known_codes) > 12 else ""
                lines.append(f"# recognised: {known}{more}")
            if s.withheld:
                lines.append(
                    f"# {s.withheld} row{'s' if s.withheld != 1 else ''} hold an unrecognised value that may "
                    "identify someone (a name, a long number): not shown; check the file"
                )
            for raw, n in s.unknown_codes:
                lines.append(
                    f'{_q(raw)} = ""  # {n} row{"s" if n != 1 else ""}; not recognised: set a value, '
                    '"" leaves it not recorded'
                )
        return "\n".join(lines) + "\n"

    @staticmethod
    def _describe(s: ColumnSuggestion) -> str:
        if s.target in IDENTIFIER_FIELDS:
            return "identifier: values not shown"
        if not s.distinct:
            return "empty"
        if not s.samples:
            return f"{s.distinct} distinct values, none in {MIN_ROWS_SHOWN}+ rows (not shown)"
        shown = ", ".join(f"{_short(v)} ({n})" for v, n in s.samples)
        more = f", ... {s.distinct} distinct" if s.distinct > len(s.samples) else ""
        return f"e.g. {shown}{more}"


def suggest_mapping(
    path: str | Path,
    sheet: str | int | None = None,
    encoding: str | None = None,
    record_type: RecordType | None = None,
) -> MappingSuggestion:
    """Read a file and suggest how to map it: columns to fields, codes to values."""
    path = Path(path)
    grid = read_grid(path, sheet, encoding)
    mapping = default_mapping(path, sheet=grid.sheet if sheet is not None else None, encoding=encoding)
    mapping.record_type = record_type or _guess_record_type(path, grid.sheet)
    mapping.service_type = _guess_service(path, grid.sheet)
    layout = locate_table(grid, mapping, strict=False)
    data = data_rows(grid, layout)
    index = header_index(mapping.record_type)
    names: set[str] = set()
    for c in layout.columns:
        if c.field in _NAME_FIELDS and c.index in data.columns:
            for value in pd.unique(data[c.index]):
                names |= name_words(value)
    suggestions = []
    for c in layout.columns:
        column = data[c.index] if c.index in data.columns else None
        field_name, confidence = c.field, c.confidence
        if field_name is None:
            own_child = c.child and not (c.parent and index.about_someone_else(c.parent))
            low = index.suggest(c.name) or (index.suggest(c.child) if own_child else None)
            if low:
                field_name, confidence = low.field, Confidence.LOW
        s = ColumnSuggestion(c, field_name, confidence)
        if column is not None:
            _describe_column(s, column, names)
        suggestions.append(s)
    return MappingSuggestion(mapping, layout, path.name, suggestions, len(data))


def _describe_column(s: ColumnSuggestion, column, names: set[str]) -> None:
    counts = Counter(_text(v) for v in column.tolist() if not is_blank(v))
    s.distinct = len(counts)
    if s.target in IDENTIFIER_FIELDS:
        return
    # A value seen in fewer than MIN_ROWS_SHOWN rows is not shown: codes repeat, identifiers rarely do.
    s.samples = [
        (v, n)
        for v, n in counts.most_common(SAMPLES_SHOWN)
        if n >= MIN_ROWS_SHOWN and not may_identify(v, names)
    ]
    if not s.target or s.target == IGNORE:
        return
    f = FIELD_BY_NAME[s.target]
    if f.kind not in (Kind.FLAG, Kind.CATEGORY):
        return
    book = CodeBook(f)
    all_counts = Counter(_text(v) for v in column.tolist())
    for raw, n in all_counts.most_common(CODES_LISTED):
        reading = book.read(raw)
        if reading.ok:
            s.known_codes.append((raw, reading.value or NOT_RECORDED, n))
        elif may_identify(raw, names):
            s.withheld += n
        else:
            s.unknown_codes.append((raw, n))


def _guess_record_type(path: Path, sheet: str | None) -> RecordType:
    text = f"{path.stem} {sheet or ''}".lower()
    return RecordType.PERPETRATOR if any(h in text for h in _PERPETRATOR_HINTS) else RecordType.VICTIM


def _guess_service(path: Path, sheet: str | None) -> str | None:
    text = f"{path.stem} {sheet or ''}".lower()
    for service in ServiceType:
        if service.value.replace("_", " ") in text.replace("_", " ").replace("-", " "):
            return service.value
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(value: str) -> str:
    value = value.replace("\n", " ")
    return _q(value if len(value) <= 30 else value[:27] + "...")


def _q(value: str) -> str:
    """A TOML basic string."""
    return json.dumps(str(value), ensure_ascii=False)
