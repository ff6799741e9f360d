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
from needsassess.population import Population, check_ages, populations_in_bands
from needsassess.rounding import DEFAULT_ROUNDING, RoundingRule, round_for_publication

if TYPE_CHECKING:
    import numpy as np
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


@dataclass(frozen=True)
class AppliedRate:
    """One rate of a pack as applied to a population: the sex and ages it counts, and the figure."""

    measure: str
    label: str
    sex: str
    band: AgeBand
    method: str
    rate_pct: float
    ci_low_pct: float | None
    ci_high_pct: float | None
    status: str
    source: str
    url: str


@dataclass
class RatePlan:
    """What to multiply by what: the pack's rates resolved to population bands, with no population yet.

    The plan depends only on the pack and the ages, so one plan serves one area or every area in a file.
    `band_sums` lists, per measure and sex, the age-band rates whose bands tile the applied ages exactly;
    their sum is shown beside the single rate.
    """

    pack: Pack
    band: AgeBand
    rates: list[AppliedRate]
    band_sums: list[tuple[str, str, list[int]]]
    not_estimated: list[tuple[str, str]]

    @property
    def population_bands(self) -> list[tuple[int, int, str]]:
        """(low, high, sex) of the population each rate is applied to, in the order of `rates`."""
        return [(r.band.low, r.band.high, r.sex) for r in self.rates]


def plan_rates(pack: Pack, ages: str | AgeBand | None = None) -> RatePlan:
    """Resolve every rate in `pack` to the population band it applies to (see the module docstring)."""
    if pack.kind is not Kind.PREVALENCE:
        raise PackError(
            None, Problem("wrong-kind", f'pack "{pack.id}" holds {pack.kind.value}, not prevalence rates')
        )
    band = applied_band(pack, ages)
    rates: list[AppliedRate] = []
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
        lo_pct, hi_pct = row.get("ci_low_pct"), row.get("ci_high_pct")
        has_ci = lo_pct == lo_pct and lo_pct is not None and hi_pct == hi_pct  # NaN-safe
        rates.append(
            AppliedRate(
                measure=measure,
                label=pack.measures.get(measure) or MEASURE_LABELS.get(measure, measure.replace("_", " ")),
                sex=row["sex"],
                band=use,
                method=method,
                rate_pct=float(row["rate_pct"]),
                ci_low_pct=float(lo_pct) if has_ci else None,
                ci_high_pct=float(hi_pct) if has_ci else None,
                status=row["status"],
                source=row.get("source") or citation,
                url=row.get("url") or pack.meta.get("url", ""),
            )
        )
    return RatePlan(pack, band, rates, _tiling_bands(rates, band), not_estimated)


def apply_rates(plan: RatePlan, populations: np.ndarray, rounding: RoundingRule) -> pd.DataFrame:
    """Multiply the plan's rates by populations for many areas at once.

    `populations[i, k]` is area i's population in the band of `plan.rates[k]`. Returns ESTIMATE_COLUMNS
    plus `area` (the row index i), area after area, each area's rates in pack order and then the sums of
    age bands. The single-area estimate and the batch over every area both come through here.
    """
    import numpy as np
    import pandas as pd

    if not plan.rates:  # e.g. a pack whose rates all apply to a subgroup the population cannot count
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in [*ESTIMATE_COLUMNS, "area"]})
        for c in ("measure", "label", "sex", "age_band", "method", "status", "pack", "source", "url"):
            empty[c] = empty[c].astype(object)
        return empty
    pops = np.asarray(populations, dtype="int64").reshape(-1, len(plan.rates))
    n_areas, n_rates = pops.shape
    rates = plan.rates
    rate = np.array([r.rate_pct for r in rates], dtype="float64")
    ci_low = np.array([np.nan if r.ci_low_pct is None else r.ci_low_pct for r in rates], dtype="float64")
    ci_high = np.array([np.nan if r.ci_high_pct is None else r.ci_high_pct for r in rates], dtype="float64")
    estimate = pops * rate / 100
    low = pops * ci_low / 100
    high = pops * ci_high / 100
    meta = {
        "measure": [r.measure for r in rates],
        "label": [r.label for r in rates],
        "sex": [r.sex for r in rates],
        "age_band": [r.band.label for r in rates],
        "method": [r.method for r in rates],
        "status": [r.status for r in rates],
        "source": [r.source for r in rates],
        "url": [r.url for r in rates],
    }
    pop_cols, est_cols = [pops], [estimate]
    low_cols, high_cols = [low], [high]
    rate_cols = [np.broadcast_to(rate, pops.shape)]
    ci_low_cols, ci_high_cols = [np.broadcast_to(ci_low, pops.shape)], [np.broadcast_to(ci_high, pops.shape)]
    for measure, sex, indices in plan.band_sums:
        first = rates[indices[0]]
        pop_sum = sum((pops[:, k] for k in indices), start=np.zeros(n_areas, dtype="int64"))
        est_sum = sum((estimate[:, k] for k in indices), start=np.zeros(n_areas))
        statuses = {rates[k].status for k in indices}
        for key, value in (
            ("measure", measure),
            ("label", first.label),
            ("sex", sex),
            ("age_band", plan.band.label),
            ("method", SUM_OF_BANDS),
            ("status", "verified" if statuses == {"verified"} else "derived"),
            ("source", first.source),
            ("url", first.url),
        ):
            meta[key].append(value)
        pop_cols.append(pop_sum[:, None])
        est_cols.append(est_sum[:, None])
        rate_cols.append((100 * est_sum / np.maximum(1, pop_sum))[:, None])
        for cols in (low_cols, high_cols, ci_low_cols, ci_high_cols):
            cols.append(np.full((n_areas, 1), np.nan))
    n_rows = n_rates + len(plan.band_sums)

    def flat(cols: list[np.ndarray]) -> np.ndarray:
        return np.hstack(cols).reshape(n_areas * n_rows)

    frame = pd.DataFrame({"area": np.repeat(np.arange(n_areas), n_rows)})
    for key in ("measure", "label", "sex", "age_band", "method"):
        frame[key] = np.tile(np.array(meta[key], dtype=object), n_areas)
    frame["population"] = flat(pop_cols).astype("int64")
    frame["rate_pct"] = flat(rate_cols)
    frame["ci_low_pct"] = flat(ci_low_cols)
    frame["ci_high_pct"] = flat(ci_high_cols)
    frame["estimate"] = flat(est_cols)
    frame["low"] = flat(low_cols)
    frame["high"] = flat(high_cols)
    for rounded, column in (("rounded", "estimate"), ("rounded_low", "low"), ("rounded_high", "high")):
        frame[rounded] = [
            float(round_for_publication(x, rounding)) if x == x else float("nan")
            for x in frame[column].tolist()
        ]
    frame["status"] = np.tile(np.array(meta["status"], dtype=object), n_areas)
    frame["pack"] = plan.pack.id
    frame["source"] = np.tile(np.array(meta["source"], dtype=object), n_areas)
    frame["url"] = np.tile(np.array(meta["url"], dtype=object), n_areas)
    return frame[["area", *ESTIMATE_COLUMNS]]


def estimate_prevalence(
    population: Population,
    pack: Pack,
    ages: str | AgeBand | None = None,
    rounding: RoundingRule = DEFAULT_ROUNDING,
) -> PrevalenceResult:
    """Apply every rate in `pack` to one area's population; see the module docstring for the method."""
    plan = plan_rates(pack, ages)
    frame = population.frame
    if frame["area_code"].nunique() != 1:
        raise PackError(None, Problem("many-areas", "choose one area before estimating (e.g. --area)"))
    band = plan.band
    check_ages(population, band.low, band.high, f'the pack "{pack.id}"')
    _codes, populations = populations_in_bands(population, plan.population_bands)
    estimates = apply_rates(plan, populations, rounding).drop(columns="area")
    year = frame["year"].iloc[0]
    return PrevalenceResult(
        area_code=str(frame["area_code"].iloc[0]),
        area_name=str(frame["area_name"].iloc[0]),
        year=None if year is None or year != year else int(year),
        pack=pack,
        ages=band,
        rounding=rounding,
        estimates=estimates,
        not_estimated=list(plan.not_estimated),
    )


def combine_estimates(results: list[PrevalenceResult]) -> pd.DataFrame:
    """Every estimate of several results (areas or packs) in one long table, each row with its area and year."""
    import pandas as pd

    return pd.concat(
        [r.estimates.assign(area_code=r.area_code, area_name=r.area_name, year=r.year) for r in results],
        ignore_index=True,
    )


def _label(low: int, high: int) -> str:
    return f"{low}+" if high >= MAX_AGE else f"{low}-{high}"


def _tiling_bands(rates: list[AppliedRate], band: AgeBand) -> list[tuple[str, str, list[int]]]:
    """Per measure and sex, the age-band rates whose bands tile the applied ages exactly (in pack order)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for k, r in enumerate(rates):
        if r.method == BY_BAND:
            groups.setdefault((r.measure, r.sex), []).append(k)
    tiling = []
    for (measure, sex), indices in groups.items():
        expected = band.low
        tiles = True
        for b in sorted((rates[k].band for k in indices), key=lambda b: b.low):
            if b.low != expected:
                tiles = False
                break
            expected = b.high + 1
        if tiles and expected == band.high + 1:
            tiling.append((measure, sex, indices))
    return tiling
