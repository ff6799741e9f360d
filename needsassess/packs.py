"""Reference packs: national figures as data, each with its publication, table, period and URL.

Figures enter the code only through packs. A pack is a folder with pack.toml and one csv; every row says
whether it was seen in the primary publication (verified), quoted by another source (secondary) or derived.
Packs are never edited in place: a new edition is a new pack.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.errors import PackError, Problem
from needsassess.resources import packs_dir

if TYPE_CHECKING:
    import pandas as pd


class Kind(StrEnum):
    PREVALENCE = "prevalence"
    UNIT_COSTS = "unit_costs"
    BENCHMARKS = "benchmarks"
    DEFLATORS = "deflators"


class Status(StrEnum):
    VERIFIED = "verified"
    SECONDARY = "secondary"
    DERIVED = "derived"


REQUIRED_META = ("id", "kind", "title", "publisher", "publication", "period", "url", "data")
COLUMNS: dict[Kind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    Kind.PREVALENCE: (
        ("measure", "sex", "age_band", "rate_pct", "status"),
        ("ci_low_pct", "ci_high_pct", "population", "source", "url", "note"),
    ),
    Kind.UNIT_COSTS: (
        ("basis", "item", "category", "cost_gbp", "price_year", "status"),
        ("source", "url", "note"),
    ),
    Kind.BENCHMARKS: (("item", "value", "per", "base", "status"), ("source", "url", "note")),
    Kind.DEFLATORS: (("year", "index", "status"), ("source", "url", "note")),
}
PACK_SEXES = ("female", "male", "all")
MAX_AGE = 90


@dataclass(frozen=True)
class AgeBand:
    """An inclusive age range; high == 90 with open=True means 'and over' (e.g. 16+, 75+)."""

    low: int
    high: int
    label: str

    @property
    def is_open(self) -> bool:
        return self.high >= MAX_AGE

    def overlaps(self, other: AgeBand) -> bool:
        return self.low <= other.high and other.low <= self.high

    def contains(self, other: AgeBand) -> bool:
        return self.low <= other.low and other.high <= self.high


_BAND = re.compile(r"^\s*(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*$|^\s*(\d{1,2})\s*(?:\+|and over)\s*$")
_UNDER = re.compile(r"^\s*(?:under|<)\s*(\d{1,2})\s*$", re.IGNORECASE)


def parse_age_band(text: Any) -> AgeBand | None:
    """'16-59' -> 16..59, '16+' and '75 and over' -> open bands, 'under 16' -> 0..15; None if unreadable."""
    label = str(text).strip()
    match = _BAND.match(label)
    if match:
        if match.group(3) is not None:
            return AgeBand(int(match.group(3)), MAX_AGE, label)
        low, high = int(match.group(1)), int(match.group(2))
        if low > high:
            return None
        return AgeBand(low, min(high, MAX_AGE), label)
    match = _UNDER.match(label)
    if match and int(match.group(1)) > 0:
        return AgeBand(0, int(match.group(1)) - 1, label)
    return None


@dataclass
class Pack:
    """One loaded and validated reference pack."""

    id: str
    kind: Kind
    meta: dict[str, Any]
    data: pd.DataFrame
    path: Path
    measures: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def base_band(self) -> AgeBand | None:
        base = self.meta.get("population_base")
        return parse_age_band(base) if base else None

    def citation(self) -> str:
        """Publisher, publication, table and period in one line, as a Sources sheet shows it."""
        parts = [
            self.meta.get("publisher"),
            self.meta.get("publication"),
            self.meta.get("table"),
            self.meta.get("period"),
        ]
        return ", ".join(str(p) for p in parts if p)

    @property
    def statuses(self) -> list[str]:
        return sorted(set(self.data["status"]))

    @property
    def all_verified(self) -> bool:
        return self.statuses == [Status.VERIFIED.value]


def available_packs(extra_dirs: list[Path] | None = None) -> dict[str, Path]:
    """Pack id -> folder, for the shipped packs and any user folders (user folders win)."""
    found: dict[str, Path] = {}
    for base in [packs_dir(), *(extra_dirs or [])]:
        base = Path(base)
        if (base / "pack.toml").is_file():
            found[base.name] = base
            continue
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if (child / "pack.toml").is_file():
                    found[child.name] = child
    return found


def describe_packs(extra_dirs: list[Path] | None = None) -> list[dict[str, Any]]:
    """One row per available pack (each loaded, so validated): its id, kind, period, base, figures, title."""
    rows = []
    for ref, path in available_packs(extra_dirs).items():
        p = load_pack(path)
        rows.append(
            {
                "pack": ref,
                "kind": p.kind.value,
                "period": p.meta.get("period", ""),
                "ages / price year": p.meta.get("population_base") or p.meta.get("price_year", ""),
                "figures": len(p.data),
                "status": ", ".join(p.statuses),
                "title": p.title,
            }
        )
    return rows


def load_pack(ref: str | Path, extra_dirs: list[Path] | None = None, kind: Kind | None = None) -> Pack:
    """Load a pack by id (shipped or in extra_dirs) or by folder path, and validate it."""
    path = Path(ref)
    if not (path / "pack.toml").is_file():
        packs = available_packs(extra_dirs)
        if str(ref) not in packs:
            choices = [k for k, p in packs.items() if kind is None or _peek_kind(p) == kind]
            raise PackError(
                None,
                Problem("unknown-pack", f'no pack "{ref}". Available: ' + ", ".join(sorted(choices))),
            )
        path = packs[str(ref)]
    pack = _load(path)
    if kind is not None and pack.kind != kind:
        raise PackError(
            path / "pack.toml",
            Problem(
                "wrong-kind", f'pack "{pack.id}" holds {pack.kind.value}, but {kind.value} are needed here'
            ),
        )
    return pack


def _peek_kind(path: Path) -> str | None:
    try:
        with open(path / "pack.toml", "rb") as fh:
            return tomllib.load(fh).get("kind")
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _load(path: Path) -> Pack:
    import pandas as pd

    toml_path = path / "pack.toml"
    try:
        with open(toml_path, "rb") as fh:
            meta = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(toml_path, Problem("bad-toml", f"not valid TOML: {exc}")) from exc
    missing = [k for k in REQUIRED_META if not meta.get(k)]
    if missing:
        raise PackError(
            toml_path,
            Problem("missing-key", "missing " + ", ".join(f'"{k}"' for k in missing) + " in pack.toml"),
        )
    if meta["id"] != path.name:
        raise PackError(
            toml_path, Problem("id-mismatch", f'id "{meta["id"]}" differs from the folder name "{path.name}"')
        )
    try:
        kind = Kind(meta["kind"])
    except ValueError:
        raise PackError(
            toml_path,
            Problem(
                "unknown-kind", f'kind "{meta["kind"]}" is not one of ' + ", ".join(k.value for k in Kind)
            ),
        ) from None
    csv_path = path / str(meta["data"])
    if not csv_path.is_file():
        raise PackError(
            toml_path, Problem("missing-data", f'data file "{meta["data"]}" not found beside pack.toml')
        )
    data = pd.read_csv(csv_path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    data.columns = [c.strip() for c in data.columns]
    problems = _validate(kind, data)
    if problems:
        raise PackError(csv_path, problems)
    data = _typed(kind, data)
    measures = {str(k): str(v) for k, v in (meta.get("measures") or {}).items()}
    return Pack(str(meta["id"]), kind, meta, data, path, measures)


def _validate(kind: Kind, data: pd.DataFrame) -> list[Problem]:
    required, optional = COLUMNS[kind]
    problems: list[Problem] = []
    missing = [c for c in required if c not in data.columns]
    if missing:
        return [
            Problem(
                "missing-column",
                "missing column "
                + ", ".join(f'"{c}"' for c in missing)
                + "; expected "
                + ", ".join(required),
                1,
            )
        ]
    statuses = {s.value for s in Status}
    for i, row in enumerate(data.to_dict("records")):
        rownum = i + 2  # header is row 1
        if row["status"].strip() not in statuses:
            problems.append(
                Problem(
                    "bad-status",
                    f'"{row["status"]}" is not a status; expected verified, secondary or derived',
                    rownum,
                    "status",
                )
            )
        if kind is Kind.PREVALENCE:
            problems += _validate_rate_row(row, rownum)
        elif kind is Kind.UNIT_COSTS:
            problems += _number(row, rownum, "cost_gbp", low=0)
        elif kind is Kind.BENCHMARKS:
            problems += _number(row, rownum, "value", low=0) + _number(row, rownum, "per", low=0)
        elif kind is Kind.DEFLATORS:
            problems += _number(row, rownum, "index", low=0)
    if kind is Kind.PREVALENCE and not problems:
        problems += _overlapping_bands(data)
    return problems


def _number(
    row: dict[str, str],
    rownum: int,
    column: str,
    low: float | None = None,
    high: float | None = None,
    optional: bool = False,
) -> list[Problem]:
    text = row.get(column, "").strip()
    if not text:
        return [] if optional else [Problem("missing-value", "blank; expected a number", rownum, column)]
    try:
        value = float(text)
    except ValueError:
        return [Problem("not-a-number", f'"{text}" is not a number', rownum, column)]
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        return [Problem("out-of-range", f"{value:g} is out of range; expected {bounds}", rownum, column)]
    return []


def _validate_rate_row(row: dict[str, str], rownum: int) -> list[Problem]:
    problems = _number(row, rownum, "rate_pct", 0, 100)
    for col in ("ci_low_pct", "ci_high_pct"):
        problems += _number(row, rownum, col, 0, 100, optional=True)
    if row["sex"].strip() not in PACK_SEXES:
        problems.append(
            Problem(
                "unknown-sex", f'"{row["sex"]}" is not a sex; expected female, male or all', rownum, "sex"
            )
        )
    if parse_age_band(row["age_band"]) is None:
        problems.append(
            Problem(
                "bad-age-band",
                f'"{row["age_band"]}" is not an age band; expected e.g. 16-59, 16+ or under 16',
                rownum,
                "age_band",
            )
        )
    if not problems:
        low, high = row.get("ci_low_pct", "").strip(), row.get("ci_high_pct", "").strip()
        rate = float(row["rate_pct"])
        if bool(low) != bool(high):
            problems.append(
                Problem("half-interval", "give both ci_low_pct and ci_high_pct, or neither", rownum)
            )
        elif low and not float(low) <= rate <= float(high):
            problems.append(
                Problem(
                    "bounds-order",
                    f"bounds {low} to {high} do not surround the rate {row['rate_pct']}; expected low <= rate <= high",
                    rownum,
                )
            )
    return problems


def _overlapping_bands(data: pd.DataFrame) -> list[Problem]:
    """Within one measure, sex and population, bands may nest (16-59 over 16-19) but must not cross."""
    problems = []
    groups: dict[tuple[str, str, str], list[tuple[int, AgeBand]]] = {}
    for i, row in enumerate(data.to_dict("records")):
        key = (row["measure"], row["sex"], row.get("population", ""))
        band = parse_age_band(row["age_band"])
        assert band is not None
        for _j, other in groups.get(key, []):
            if band == other or (band.overlaps(other) and not (band.contains(other) or other.contains(band))):
                problems.append(
                    Problem(
                        "overlapping-bands",
                        f"age band {band.label} overlaps {other.label} for {row['measure']}, {row['sex']}",
                        i + 2,
                        "age_band",
                    )
                )
        groups.setdefault(key, []).append((i, band))
    return problems


def _typed(kind: Kind, data: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    data = data.copy()
    for col in data.columns:
        data[col] = data[col].astype(str).str.strip()
    numeric = {
        Kind.PREVALENCE: ("rate_pct", "ci_low_pct", "ci_high_pct"),
        Kind.UNIT_COSTS: ("cost_gbp",),
        Kind.BENCHMARKS: ("value", "per"),
        Kind.DEFLATORS: ("index",),
    }[kind]
    for col in numeric:
        if col in data.columns:
            data[col] = pd.to_numeric(data[col].replace("", None), errors="coerce").astype("float64")
    for col in COLUMNS[kind][1]:
        if col not in data.columns:
            data[col] = float("nan") if col in numeric else ""
    return data
