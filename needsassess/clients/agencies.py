"""Read every agency file of an assessment into one merged, pseudonymised client table.

`merge_agencies` is the one call behind `needsassess profile` and the Agencies stage of a run: it reads
each file with its mapping, collects every file's problems before raising, then numbers repeat referrals,
counts people per agency and works out how many people are known to more than one agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from needsassess.clients.mapping import AgencyMapping, default_mapping, load_mappings, parse_mapping
from needsassess.clients.merge import Overlap, Secret, agency_overlap, count_people, number_referrals
from needsassess.clients.reader import AgencyRecords, read_agency
from needsassess.clients.reconciliation import Reconciliation
from needsassess.clients.schema import FIELDS, RecordType, output_columns
from needsassess.errors import ConfigError, InputError, NeedsAssessError, Problem


class AgencyFilesError(NeedsAssessError):
    """Problems in several agency files, reported together so that all can be fixed in one pass."""

    def __init__(self, errors: Sequence[InputError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class AgencyResult:
    """The merged client table and everything said about how it was made."""

    clients: pd.DataFrame  # one row per person per agency episode; no identifiers
    reconciliation: Reconciliation
    people: pd.DataFrame  # per agency: referrals, people, repeat referrals
    overlap: Overlap
    files: list[Path] = field(default_factory=list)  # inputs, for the manifest


def plan_agencies(
    files: Sequence[str | Path],
    mapping_files: Sequence[str | Path] = (),
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> list[AgencyMapping]:
    """Pair each agency file with its mapping (matched by path, then by file name); default mappings else.

    With no files, every agency in the mapping files is used.
    """
    mappings = [m for path in mapping_files for m in load_mappings(path)]
    if not files:
        return mappings
    plan = []
    for f in files:
        path = Path(f).resolve()
        found = [m for m in mappings if m.file == path] or [m for m in mappings if m.file.name == path.name]
        if found:
            for m in found:
                m.file = path
                m.encoding = m.encoding or encoding
            plan.extend(found)
        else:
            plan.append(default_mapping(path, sheet=sheet, encoding=encoding))
    return plan


def mappings_from_entries(entries: object, source: Path) -> tuple[list[AgencyMapping], list[Path]]:
    """The agencies listed under [[agencies]] in assessment.toml, and the mapping files they name.

    Each entry is either a mapping written inline (name, file, sheet, columns, codes ...; paths relative
    to assessment.toml) or `mapping = "agencies/outreach.toml"`, a mapping file holding one agency or
    several (paths relative to that file).
    """
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(source, Problem("bad-agencies", "agencies must be a list of tables ([[agencies]])"))
    mappings: list[AgencyMapping] = []
    files: list[Path] = []
    problems: list[Problem] = []
    for i, entry in enumerate(entries, 1):
        where = f"agencies[{i}]."
        if "mapping" not in entry:
            mapping = parse_mapping(entry, source, where, problems)
            if mapping is not None:
                mappings.append(mapping)
            continue
        others = sorted(set(entry) - {"mapping"})
        if others:
            problems.append(
                Problem(
                    "mapping-and-keys",
                    f'{where}mapping: give either mapping = "FILE" or the mapping\'s own keys '
                    f"({', '.join(others)}), not both",
                )
            )
            continue
        path = Path(str(entry["mapping"])).expanduser()
        path = path if path.is_absolute() else (source.parent / path).resolve()
        if not path.is_file():
            problems.append(Problem("missing-file", f"{where}mapping: file not found: {path}"))
            continue
        try:
            mappings.extend(load_mappings(path))
        except ConfigError as exc:
            problems.extend(Problem(p.slug, f"{path.name}: {p.message}") for p in exc.problems)
            continue
        files.append(path)
    if problems:
        raise ConfigError(source, problems)
    return mappings, files


def merge_agencies(
    mappings: Sequence[AgencyMapping],
    secret: Secret | None,
    as_of: dt.date | None = None,
    on_step: Callable[[str], None] | None = None,
) -> AgencyResult:
    """Read, validate, pseudonymise and merge every agency; raise one error listing every bad file.

    `on_step(description)` is called before each file and before the merge, for a progress bar.
    """
    results: list[AgencyRecords] = []
    errors: list[InputError] = []
    for mapping in mappings:
        if on_step is not None:
            on_step(f"Reading {mapping.file.name}")
        try:
            results.append(read_agency(mapping, secret, as_of))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else AgencyFilesError(errors)
    if on_step is not None:
        on_step("Merging and de-duplicating")
    reconciliation = Reconciliation()
    for r in results:
        reconciliation.extend(r.reconciliation)
    clients = number_referrals(_concat([r.records for r in results]))
    return AgencyResult(
        clients=clients,
        reconciliation=reconciliation,
        people=count_people(clients),
        overlap=agency_overlap(clients),
        files=list(dict.fromkeys(m.file for m in mappings)),
    )


def merged_columns() -> list[str]:
    """Columns of the merged table: victim fields, then perpetrator-only fields, then the source."""
    victim = output_columns(RecordType.VICTIM)
    perpetrator = [c for c in output_columns(RecordType.PERPETRATOR) if c not in victim]
    source = [c for c in victim if c.startswith("source_")]
    return [c for c in victim if c not in source] + perpetrator + source


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    columns = merged_columns()
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    merged = pd.concat(frames, ignore_index=True)
    return merged.reindex(columns=columns)


__all__ = [
    "FIELDS",
    "AgencyFilesError",
    "AgencyResult",
    "mappings_from_entries",
    "merge_agencies",
    "merged_columns",
    "plan_agencies",
]
