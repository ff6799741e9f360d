"""The [police] section of assessment.toml: checked into `PoliceOptions`, its files read and analysed."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from needsassess.clients.merge import Secret
from needsassess.errors import ConfigError, Problem
from needsassess.police.analyse import PoliceResult, PoliceSettings, analyse_police
from needsassess.police.deprivation import Deprivation, PeerCounts, read_deprivation, read_peer_counts
from needsassess.police.periods import Period, parse_period
from needsassess.police.read import Incidents, read_incidents
from needsassess.population import Population

POLICE_KEYS = {
    "enabled": "true or false",
    "file": "the incident extract (xlsx or csv), relative to assessment.toml",
    "sheet": "the sheet holding the incidents (name or 0-based number)",
    "header_row": "the spreadsheet row of the header (default: found)",
    "encoding": "the encoding of a csv extract (default: detected)",
    "area_column": "the header of the column naming each incident's area",
    "columns": 'a table of "header" = "field" for headers the built-in synonyms miss',
    "codes": 'tables [police.codes.FIELD] of "raw code" = "value"',
    "year_start_month": "the first month of the year: 4 for financial years (default), 1 for calendar years",
    "current": 'the year reported, e.g. "2015/16" (default: the year of the latest incident)',
    "baseline": 'the year compared with, e.g. "2014/15" (default: the year before)',
    "peers": "areas to compare with, by code or name (default: every area in the extract)",
    "peer_total_name": 'the name of the all-areas column, e.g. "Cleveland" (default "All areas")',
    "peer_counts": "a table of counts by area for peers the extract does not cover (csv or xlsx)",
    "deprivation": "deprivation by ward or LSOA with populations (csv or xlsx)",
    "most_deprived": "how many of the most deprived wards to group (default: a third of them)",
}


@dataclass
class PoliceOptions:
    """The [police] section, checked: where the files are and how to read and analyse them."""

    file: Path
    sheet: str | int | None
    header_row: int | None
    encoding: str | None
    columns: dict[str, str]
    codes: dict[str, dict[str, str]]
    settings: PoliceSettings
    deprivation: Path | None = None
    peer_counts: Path | None = None


def police_options(section: Mapping[str, Any], resolve: Any, where: str = "[police]") -> PoliceOptions:
    """Check a [police] section (every problem at once); `resolve` turns a relative path into a real one."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem("bad-value", f"{where} {key}: {message}"))

    for key in section:
        if key not in POLICE_KEYS:
            close = difflib.get_close_matches(key, list(POLICE_KEYS), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else "; expected one of " + ", ".join(POLICE_KEYS)
            problems.append(Problem("unknown-key", f'{where} unknown key "{key}"{hint}'))
    paths: dict[str, Path | None] = {}
    for key in ("file", "deprivation", "peer_counts"):
        value = section.get(key)
        if value is None:
            paths[key] = None
            if key == "file":
                problems.append(Problem("missing-key", f'{where} needs file = "<the incident extract>"'))
            continue
        if not isinstance(value, str) or not value:
            bad(key, f"{value!r} is not a path")
            paths[key] = None
            continue
        path = resolve(value)
        if not Path(path).is_file():
            problems.append(Problem("missing-file", f"{where} {key} {value} not found (looked in {path})"))
        paths[key] = path
    start = section.get("year_start_month", 4)
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 12:
        bad("year_start_month", f"{start!r} is not a month; expected 1 to 12 (4 for financial years)")
        start = 4
    periods: dict[str, Period | None] = {}
    for key in ("current", "baseline"):
        value = section.get(key)
        periods[key] = None
        if value is not None:
            try:
                periods[key] = parse_period(value, start)
            except ValueError as exc:
                bad(key, str(exc))
    columns = section.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        bad("columns", 'expected a table of "header" = "field"')
        columns = {}
    columns = dict(columns)
    area_column = section.get("area_column")
    if area_column is not None:
        if not isinstance(area_column, str):
            bad("area_column", "expected the header of the area column")
        else:
            columns[area_column] = "area"
    codes = section.get("codes", {})
    if not isinstance(codes, dict) or not all(isinstance(v, dict) for v in codes.values()):
        bad("codes", 'expected tables [police.codes.FIELD] of "raw code" = "value"')
        codes = {}
    peers = section.get("peers")
    if peers is not None and (not isinstance(peers, list) or not all(isinstance(p, str) for p in peers)):
        bad("peers", 'expected a list of area codes or names, e.g. ["Eastholm", "E06009903"]')
        peers = None
    most = section.get("most_deprived")
    if most is not None and (isinstance(most, bool) or not isinstance(most, int) or most < 1):
        bad("most_deprived", f"{most!r}; expected a whole number of wards, 1 or more")
        most = None
    header_row = section.get("header_row")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        bad("header_row", f"{header_row!r}; expected a row number, 1 or more")
        header_row = None
    sheet = section.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        bad("sheet", "expected a sheet name or a 0-based number")
        sheet = None
    if problems:
        raise ConfigError(None, problems)
    assert paths["file"] is not None
    settings = PoliceSettings(
        start_month=start,
        current=periods["current"],
        baseline=periods["baseline"],
        peers=peers,
        total_name=str(section.get("peer_total_name", "All areas")),
        most_deprived=most,
    )
    return PoliceOptions(
        file=paths["file"],
        sheet=sheet,
        header_row=header_row,
        encoding=section.get("encoding"),
        columns=columns,
        codes={k: dict(v) for k, v in codes.items()},
        settings=settings,
        deprivation=paths["deprivation"],
        peer_counts=paths["peer_counts"],
    )


@dataclass
class PoliceInputs:
    """The extract and the optional deprivation and peer tables, read and checked, with the options that
    named them (the analysis takes its settings from there)."""

    options: PoliceOptions
    incidents: Incidents
    deprivation: Deprivation | None
    peer_counts: PeerCounts | None


@dataclass
class PoliceRun(PoliceInputs):
    """A police analysis with the inputs it read (for the manifest and the Sources sheet)."""

    result: PoliceResult


def read_police(options: PoliceOptions, secret: Secret | None = None) -> PoliceInputs:
    """Read the extract and the optional deprivation and peer tables named in `options`."""
    incidents = read_incidents(
        options.file,
        options.sheet,
        columns=options.columns,
        codes=options.codes,
        header_row=options.header_row,
        encoding=options.encoding,
        secret=secret,
    )
    deprivation = read_deprivation(options.deprivation) if options.deprivation else None
    peers = read_peer_counts(options.peer_counts) if options.peer_counts else None
    return PoliceInputs(options, incidents, deprivation, peers)


def analyse_inputs(inputs: PoliceInputs, population: Population, area: str) -> PoliceRun:
    """Analyse what read_police read."""
    result = analyse_police(
        inputs.incidents, population, area, inputs.options.settings, inputs.deprivation, inputs.peer_counts
    )
    return PoliceRun(inputs.options, inputs.incidents, inputs.deprivation, inputs.peer_counts, result)


def run_police(
    options: PoliceOptions, population: Population, area: str, secret: Secret | None = None
) -> PoliceRun:
    """Read the extract and the optional deprivation and peer tables named in `options`, and analyse them."""
    return analyse_inputs(read_police(options, secret), population, area)


def load_mapping(path: str | Path) -> dict[str, Any]:
    """A police mapping file: TOML with any [police] keys but file (columns, codes, header_row ...)."""
    import tomllib

    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, Problem("missing-file", f"file not found: {path}"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, Problem("bad-toml", f"not valid TOML: {exc}")) from exc
    return dict(data.get("police", data))
