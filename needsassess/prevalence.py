"""Estimated local victims: national survey rates applied to the local population.

The Home Office and most local assessments multiply a Crime Survey rate by the local population of the
ages the survey measured. Rates are applied at the finest level the pack publishes (sex, and age band
where given); where a pack has bands covering the whole range, the single-rate ("crude") method most
published assessments used is shown beside the sum over age bands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from needsassess.errors import PackError, Problem
from needsassess.packs import MAX_AGE, AgeBand, Kind, Pack, parse_age_band
from needsassess.population import Population, check_ages, population_in_ages
from needsassess.rounding import DEFAULT_ROUNDING, RoundingRule, round_for_publication

if TYPE_CHECKING:
    import pandas as pd

MEASURE_LABELS = {
    "da_last_year": "Domestic abuse in the last year",
    "da_since_16": "Domestic abuse since age 16",
    "partner_abuse_last_year": "Partner abuse in the last year",
    "partner_abuse_since_16": "Partner abuse since age 16",
    "family_abuse_last_year": "Family abuse in the last year",
    "sexual_assault_last_year": "Sexual assault (including attempts) in the last year",
    "sexual_assault_since_16": "Sexual assault (including attempts) since age 16",
    "stalking_last_year": "Stalking in the last year",
    "child_exposed_dv": "Children who have lived with domestic violence",
}

SINGLE_RATE = "single rate"
BY_BAND = "by age band"
SUM_OF_BANDS = "sum of age bands"

ESTIMATE_COLUMNS = [
    "measure",
    "label",
    "sex",
    "age_band",
    "method",
    "population",
    "rate_pct",
    "ci_low_pct",
    "ci_high_pct",
    "estimate",
    "low",
    "high",
    "rounded",
    "rounded_low",
    "rounded_high",
    "status",
    "pack",
    "source",
    "url",
]


@dataclass
class PrevalenceResult:
    """Estimates for one area from one pack, with what could not be estimated and why."""

    area_code: str
    area_name: str
    year: int | None
    pack: Pack
    ages: AgeBand
    rounding: RoundingRule
    estimates: pd.DataFrame
    not_estimated: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_intervals(self) -> bool:
        return bool(self.estimates["low"].notna().any())

    @property
    def non_verified(self) -> pd.DataFrame:
        return self.estimates[self.estimates["status"] != "verified"]

    def headline(self, measure: str, sex: str) -> float | None:
        """The rounded single-rate estimate for a measure and sex, or None if the pack lacks it."""
        rows = self.estimates[
            (self.estimates["measure"] == measure)
            & (self.estimates["sex"] == sex)
            & (self.estimates["method"] == SINGLE_RATE)
        ]
        return float(rows["rounded"].iloc[0]) if len(rows) else None


def applied_band(pack: Pack, ages: str | AgeBand | None) -> AgeBand:
    """The population ages to apply a pack to: its own base, or a narrower range inside it."""
    base = pack.base_band
    if base is None:
        raise PackError(
            pack.path / "pack.toml",
            Problem("missing-base", 'a prevalence pack needs population_base, e.g. "16-59" or "16+"'),
        )
    if ages is None:
        return base
    band = ages if isinstance(ages, AgeBand) else parse_age_band(ages)
    if band is None:
        raise PackError(
            None, Problem("bad-ages", f'"{ages}" is not an age range; expected e.g. 16-59, 18-59 or 16+')
        )
    if not base.contains(band):
        raise PackError(
            None,
            Problem(
                "ages-outside-pack",
                f'the rates in "{pack.id}" were measured on ages {base.label}; ages {band.label} go beyond them. '
                f"Choose ages within {base.label} or a pack measured on those ages.",
            ),
        )
    return band


def estimate_prevalence(
    population: Population,
    pack: Pack,
    ages: str | AgeBand | None = None,
    rounding: RoundingRule = DEFAULT_ROUNDING,
) -> PrevalenceResult:
    """Apply every rate in `pack` to one area's population; see the module docstring for the method."""
    import pandas as pd

    if pack.kind is not Kind.PREVALENCE:
        raise PackError(
            None, Problem("wrong-kind", f'pack "{pack.id}" holds {pack.kind.value}, not prevalence rates')
        )
    frame = population.frame
    if frame["area_code"].nunique() != 1:
        raise PackError(None, Problem("many-areas", "choose one area before estimating (e.g. --area)"))
    band = applied_band(pack, ages)
    check_ages(population, band.low, band.high, f'the pack "{pack.id}"')

    records = []
    not_estimated: list[tuple[str, str]] = []
    citation = pack.citation()
    for row in pack.data.to_dict("records"):
        measure = row["measure"]
        if row.get("population"):
            reason = f"the rate applies to {row['population'].replace('_', ' ')} residents only, whom a population file does not count"
            if (measure, reason) not in not_estimated:
                not_estimated.append((measure, reason))
            continue
        row_band = parse_age_band(row["age_band"])
        assert row_band is not None  # validated on load
        if row_band == pack.base_band:
            method, use = SINGLE_RATE, band
        else:
            low, high = max(row_band.low, band.low), min(row_band.high, band.high)
            if low > high:
                continue
            method = BY_BAND
            use = (
                row_band
                if (low, high) == (row_band.low, row_band.high)
                else AgeBand(low, high, _label(low, high))
            )
        pop = population_in_ages(population, use.low, use.high, row["sex"])
        rate = float(row["rate_pct"])
        lo_pct, hi_pct = row.get("ci_low_pct"), row.get("ci_high_pct")
        has_ci = lo_pct == lo_pct and lo_pct is not None and hi_pct == hi_pct  # NaN-safe
        records.append(
            {
                "measure": measure,
                "label": pack.measures.get(measure) or MEASURE_LABELS.get(measure, measure.replace("_", " ")),
                "sex": row["sex"],
                "age_band": use.label,
                "method": method,
                "population": pop,
                "rate_pct": rate,
                "ci_low_pct": lo_pct if has_ci else None,
                "ci_high_pct": hi_pct if has_ci else None,
                "estimate": pop * rate / 100,
                "low": pop * lo_pct / 100 if has_ci else None,
                "high": pop * hi_pct / 100 if has_ci else None,
                "status": row["status"],
                "pack": pack.id,
                "source": row.get("source") or citation,
                "url": row.get("url") or pack.meta.get("url", ""),
            }
        )
    records += _sums_of_bands(records, band)
    estimates = pd.DataFrame.from_records(
        records, columns=[c for c in ESTIMATE_COLUMNS if not c.startswith("rounded")]
    )
    for col in ("low", "high", "ci_low_pct", "ci_high_pct"):
        estimates[col] = estimates[col].astype("float64")
    for column, target in (("estimate", "rounded"), ("low", "rounded_low"), ("high", "rounded_high")):
        estimates[target] = [
            float(round_for_publication(x, rounding)) if x == x else float("nan") for x in estimates[column]
        ]
    estimates = estimates[ESTIMATE_COLUMNS]
    year = frame["year"].iloc[0]
    return PrevalenceResult(
        area_code=str(frame["area_code"].iloc[0]),
        area_name=str(frame["area_name"].iloc[0]),
        year=None if year is None or year != year else int(year),
        pack=pack,
        ages=band,
        rounding=rounding,
        estimates=estimates,
        not_estimated=not_estimated,
    )


def _label(low: int, high: int) -> str:
    return f"{low}+" if high >= MAX_AGE else f"{low}-{high}"


def _sums_of_bands(records: list[dict], band: AgeBand) -> list[dict]:
    """Where a measure's bands tile the applied ages exactly, add their sum beside the single rate."""
    sums = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in records:
        if r["method"] == BY_BAND:
            groups.setdefault((r["measure"], r["sex"]), []).append(r)
    for (measure, sex), rows in groups.items():
        bands = sorted((parse_age_band(r["age_band"]) for r in rows), key=lambda b: b.low)  # type: ignore[union-attr]
        expected = band.low
        tiles = True
        for b in bands:
            assert b is not None
            if b.low != expected:
                tiles = False
                break
            expected = b.high + 1
        if not tiles or expected != band.high + 1:
            continue
        statuses = {r["status"] for r in rows}
        sums.append(
            {
                "measure": measure,
                "label": rows[0]["label"],
                "sex": sex,
                "age_band": band.label,
                "method": SUM_OF_BANDS,
                "population": sum(r["population"] for r in rows),
                "rate_pct": 100
                * sum(r["estimate"] for r in rows)
                / max(1, sum(r["population"] for r in rows)),
                "ci_low_pct": None,
                "ci_high_pct": None,
                "estimate": sum(r["estimate"] for r in rows),
                "low": None,
                "high": None,
                "status": "verified" if statuses == {"verified"} else "derived",
                "pack": rows[0]["pack"],
                "source": rows[0]["source"],
                "url": rows[0]["url"],
            }
        )
    return sums
