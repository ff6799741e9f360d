"""Map an agency's columns and codes to the canonical client schema.

A mapping says, for one agency file: which sheet, which header row ("auto" finds it), which column holds
which canonical field, and which raw code means which canonical value. Built-in synonyms fill in whatever
the mapping does not say, so a typical file needs no mapping at all; `suggest_mapping` writes the mapping
it would use as TOML for the analyst to check, edit and keep.

TOML format (one agency per file, or many under [[agencies]] in assessment.toml):

    name = "Northmere Outreach"
    file = "outreach.xlsx"            # relative to the TOML file
    sheet = "Clients"                 # name or 0-based index; default the first
    header_row = "auto"               # or the spreadsheet row number of the (lowest) header row
    service_type = "outreach"
    record_type = "victim"            # or "perpetrator"
    encoding = "cp1252"               # csv only; default: detected
    [columns]
    "MH" = "mental_health"
    "Keyworker" = "ignore"
    [codes.sex]
    "W" = "female"
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from needsassess.clients import synonyms as syn
from needsassess.clients.schema import (
    FIELD_BY_NAME,
    NOT_RECORDED,
    Field,
    Kind,
    RecordType,
    ServiceType,
    fields_for,
)
from needsassess.clients.values import header_key
from needsassess.errors import ConfigError, Problem

IGNORE = "ignore"
OTHER_IDENTIFIER = "other_identifier"

VICTIM_WORDS = frozenset({"victim", "victims", "survivor", "complainant", "ip"})
CHILD_WORDS = frozenset(
    {"child", "children", "childs", "childrens", "cyp", "kids", "baby", "son", "daughter"}
)
MAPPING_KEYS = (
    "name",
    "file",
    "sheet",
    "header_row",
    "service_type",
    "record_type",
    "encoding",
    "columns",
    "codes",
)


class Confidence(StrEnum):
    HIGH = "high"  # the header is a known synonym
    MEDIUM = "medium"  # a known synonym once filler words ("issues", "Y/N", "client") are removed
    LOW = "low"  # looks like a synonym; suggested, never applied without a mapping


@dataclass(frozen=True)
class HeaderMatch:
    field: str
    confidence: Confidence


class HeaderIndex:
    """Recognises headers for one record type; `match` never guesses, `suggest` may."""

    def __init__(self, record_type: RecordType):
        self.record_type = record_type
        self.exact: dict[str, str] = {}
        self.collisions: list[tuple[str, str, str]] = []
        token_sets: dict[frozenset[str], set[str]] = {}
        for f in fields_for(record_type):
            for text in (*syn.HEADER_SYNONYMS.get(f.name, ()), f.label, f.name.replace("_", " ")):
                key = self._own(header_key(text))
                if not key or key in syn.AMBIGUOUS_HEADERS:
                    continue
                if self.exact.get(key, f.name) != f.name:
                    self.collisions.append((key, self.exact[key], f.name))
                self.exact.setdefault(key, f.name)
                tokens = frozenset(key.split()) - syn.NOISE_WORDS
                if tokens:
                    token_sets.setdefault(tokens, set()).add(f.name)
        # A filler-free token set that two fields share is ambiguous; it is never a medium match.
        self.tokens = {t: next(iter(names)) for t, names in token_sets.items() if len(names) == 1}
        self.identifier_keys = {
            k: v
            for k, v in self.exact.items()
            if FIELD_BY_NAME[v].kind is Kind.IDENTIFIER or v == "date_of_birth"
        }

    def _own(self, key: str) -> str:
        """In a perpetrator file, "perpetrator"/"offender" in a header describes the record itself."""
        if self.record_type is RecordType.PERPETRATOR:
            return " ".join(w for w in key.split() if w not in syn.PERPETRATOR_WORDS)
        return key

    def _others(self) -> frozenset[str]:
        if self.record_type is RecordType.PERPETRATOR:
            return VICTIM_WORDS
        return syn.PERPETRATOR_WORDS

    def about_someone_else(self, text: str) -> bool:
        """True if a header names the other party ("Perpetrator ...", in a victim file)."""
        return bool(set(header_key(text).split()) & self._others())

    def match(self, text: str) -> HeaderMatch | None:
        """The field a header means, if it is a known synonym (high) or one with filler words (medium)."""
        key = header_key(text)
        words = key.split()
        other = set(words) & self._others()
        own = self._own(key)
        if own in self.exact and (not other or _about_perpetrator(self.exact[own])):
            return HeaderMatch(self.exact[own], Confidence.HIGH)
        if other or set(words) & CHILD_WORDS:
            # Someone else's name or date of birth: recognised so that it is dropped, never used as a key.
            rest = " ".join(
                w for w in words if w not in self._others() and w not in CHILD_WORDS and not w.isdigit()
            )
            if rest in self.identifier_keys:
                return HeaderMatch(OTHER_IDENTIFIER, Confidence.HIGH)
        tokens = frozenset(own.split()) - syn.NOISE_WORDS
        if tokens in self.tokens and (not other or _about_perpetrator(self.tokens[tokens])):
            return HeaderMatch(self.tokens[tokens], Confidence.MEDIUM)
        return None

    def suggest(self, text: str) -> HeaderMatch | None:
        """Like `match`, but also offers a low-confidence look-alike for the analyst to confirm."""
        found = self.match(text)
        if found or self.about_someone_else(text):
            return found
        own = self._own(header_key(text))
        if len(own) < 4:
            return None
        close = difflib.get_close_matches(own, list(self.exact), n=1, cutoff=0.82)
        if close:
            return HeaderMatch(self.exact[close[0]], Confidence.LOW)
        return None


def _about_perpetrator(field_name: str) -> bool:
    """Victim fields that describe the perpetrator: a "Perpetrator ..." header may map to these only."""
    return "perpetrator" in field_name


_INDEXES: dict[RecordType, HeaderIndex] = {}


def header_index(record_type: RecordType) -> HeaderIndex:
    if record_type not in _INDEXES:
        _INDEXES[record_type] = HeaderIndex(record_type)
    return _INDEXES[record_type]


# --- the mapping itself -------------------------------------------------------------------------------------


@dataclass
class AgencyMapping:
    """Where one agency's data are and how they map; columns and codes override the built-in synonyms."""

    name: str
    file: Path
    sheet: str | int | None = None
    header_row: int | None = None  # spreadsheet row number; None = find it
    service_type: str | None = None
    record_type: RecordType = RecordType.VICTIM
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    source: Path | None = None  # the TOML it came from, for messages


def default_mapping(
    path: str | Path, sheet: str | int | None = None, encoding: str | None = None
) -> AgencyMapping:
    """The mapping used for a file given without one: built-in synonyms, agency named after the file."""
    path = Path(path)
    return AgencyMapping(name=path.stem, file=path, sheet=sheet, encoding=encoding)


def load_mappings(path: str | Path) -> list[AgencyMapping]:
    """Read a mapping TOML: one agency at the top level, or several under [[agencies]]."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(path, Problem("missing-file", f"file not found: {path}"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, Problem("bad-toml", f"not valid TOML: {exc}")) from exc
    problems: list[Problem] = []
    if "agencies" in data:
        tables = data["agencies"]
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise ConfigError(
                path, Problem("bad-agencies", "agencies must be a list of tables ([[agencies]])")
            )
        mappings = [parse_mapping(t, path, f"agencies[{i + 1}].", problems) for i, t in enumerate(tables)]
    else:
        mappings = [parse_mapping(data, path, "", problems)]
    if problems:
        raise ConfigError(path, problems)
    return [m for m in mappings if m is not None]


def parse_mapping(
    table: dict[str, Any], source: Path, where: str = "", problems: list[Problem] | None = None
) -> AgencyMapping | None:
    """Check one agency table of a TOML file; problems are appended (or raised if no list is given)."""
    own: list[Problem] = []

    def bad(slug: str, message: str) -> None:
        own.append(Problem(slug, f"{where}{message}"))

    for key in table:
        if key not in MAPPING_KEYS:
            close = difflib.get_close_matches(key, MAPPING_KEYS, n=1)
            hint = (
                f'; did you mean "{close[0]}"?' if close else f"; expected one of {', '.join(MAPPING_KEYS)}"
            )
            bad("unknown-key", f'unknown key "{key}"{hint}')
    file = table.get("file")
    if not isinstance(file, str) or not file:
        bad("missing-file-key", 'needs file = "PATH" (relative to this TOML file)')
    name = table.get("name", Path(file).stem if isinstance(file, str) else "")
    if not isinstance(name, str) or not name.strip():
        bad("bad-name", "name must be non-empty text")
    sheet = table.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        bad("bad-sheet", "sheet must be a sheet name or a 0-based number")
    header_row = table.get("header_row", "auto")
    if header_row == "auto":
        header_row = None
    elif isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        bad("bad-header-row", f'header_row must be "auto" or a row number (1 or more), not {header_row!r}')
        header_row = None
    service_type = table.get("service_type")
    if service_type is not None and service_type not in tuple(ServiceType):
        bad("bad-service-type", f'service_type "{service_type}" is not one of {", ".join(ServiceType)}')
    record_type = table.get("record_type", RecordType.VICTIM.value)
    if record_type not in tuple(RecordType):
        bad("bad-record-type", f'record_type "{record_type}" is not one of {", ".join(RecordType)}')
        record_type = RecordType.VICTIM.value
    record_type = RecordType(record_type)
    encoding = table.get("encoding")
    if encoding is not None and not isinstance(encoding, str):
        bad("bad-encoding", 'encoding must be text such as "cp1252"')
    columns = _check_columns(table.get("columns", {}), record_type, bad)
    codes = _check_codes(table.get("codes", {}), record_type, bad)
    if problems is None and own:
        raise ConfigError(source, own)
    if problems is not None:
        problems.extend(own)
    if own or not isinstance(file, str):
        return None
    return AgencyMapping(
        name=name.strip(),
        file=(source.parent / file).resolve() if not Path(file).is_absolute() else Path(file),
        sheet=sheet,
        header_row=header_row,
        service_type=service_type,
        record_type=record_type,
        encoding=encoding,
        columns=columns,
        codes=codes,
        source=source,
    )


def _field_names(record_type: RecordType) -> list[str]:
    return [f.name for f in fields_for(record_type)]


def _check_columns(columns: Any, record_type: RecordType, bad) -> dict[str, str]:
    if not isinstance(columns, dict):
        bad("bad-columns", '[columns] must be a table of "header" = "field"')
        return {}
    names = _field_names(record_type)
    out: dict[str, str] = {}
    for header, target in columns.items():
        if not isinstance(target, str):
            bad("bad-column", f'columns."{header}" must be a field name or "ignore"')
            continue
        if target != IGNORE and target not in names:
            close = difflib.get_close_matches(target, names, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else " (see docs/mapping.md for the fields)"
            if target in FIELD_BY_NAME:
                hint = f" (it is not a field of {record_type.value} records)"
            bad("unknown-field", f'columns."{header}": unknown field "{target}"{hint}')
            continue
        out[header] = target
    return out


def _check_codes(codes: Any, record_type: RecordType, bad) -> dict[str, dict[str, str]]:
    if not isinstance(codes, dict):
        bad("bad-codes", "[codes.FIELD] tables must map raw codes to values")
        return {}
    names = _field_names(record_type)
    out: dict[str, dict[str, str]] = {}
    for name, table in codes.items():
        if name not in names or not isinstance(table, dict):
            bad("unknown-field", f'codes.{name}: unknown field "{name}"')
            continue
        f = FIELD_BY_NAME.get(name)
        if f is None or f.kind in (Kind.IDENTIFIER, Kind.DATE):
            bad("uncoded-field", f"codes.{name}: {name} takes no codes")
            continue
        out[name] = {}
        for raw, value in table.items():
            value = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
            if not isinstance(value, str) or not _valid_value(f, value):
                allowed = ", ".join(f.values) if f.values else "a number"
                bad(
                    "bad-code",
                    f'codes.{name}."{raw}": "{value}" is not allowed; use one of {allowed} (or "")',
                )
                continue
            out[name][raw] = value
    return out


def _valid_value(f: Field, value: str) -> bool:
    if value in ("", NOT_RECORDED):
        return True
    if f.kind in (Kind.FLAG, Kind.CATEGORY):
        return value in f.values
    try:
        float(value)
    except ValueError:
        return False
    return True
