"""Analyse incidents for one area -> `PoliceResult`: counts, rates per 1,000, repeats, trend, age and sex.

`analyse_police` is pure: it turns incidents, the population and optional deprivation and peer tables
into a `PoliceResult` of unsuppressed counts and the rates computed from them. Suppression is applied
when the tables are published (report/sheets/police.py).

Definitions (the ones partnership performance reports use):

- incidents are every domestic abuse-related record, crimes and non-crime incidents together; the rate is
  per 1,000 residents aged 16 and over, as in the Public Health Outcomes Framework indicator;
- a repeat incident is one whose victim had another incident in the 12 months before it (looking back
  into the previous year where the extract reaches); a repeat victim had at least one repeat incident in
  the year;
- the high-risk share is of incidents with a risk assessment recorded; the children-present share is of
  all incidents; children involved are summed over incidents with children present.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from needsassess.errors import InputError, Problem
from needsassess.police.codes import MAX_AGE
from needsassess.police.deprivation import Deprivation, PeerCounts
from needsassess.police.indicators import (
    DENOMINATOR_LABELS,
    INDICATORS,
    NOT_RECORDED_LABEL,
    about_count,
    count_figures,
    rate_per_1000,
    share_pct,
)
from needsassess.police.periods import Period, day_text, in_period, period_containing
from needsassess.police.places import by_deprivation, peer_comparison, ward_counts
from needsassess.police.read import ONE_OFF_KEY, Incidents
from needsassess.population import Population, population_in_ages, select_area

if TYPE_CHECKING:
    import pandas as pd

AGE_BANDS = (
    (0, 17, "Under 18"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, MAX_AGE, "65 and over"),
)
SEX_COLUMNS = {"female": "Female", "male": "Male", None: "Other or not recorded"}
RISK_LABELS = {"standard": "Standard", "medium": "Medium", "high": "High"}


@dataclass
class PoliceSettings:
    """What the analysis needs beyond the data: the year, the comparison year, peers and groupings."""

    start_month: int = 4
    current: Period | None = None  # default: the year holding the latest incident
    baseline: Period | None = None  # default: the year before current, where the extract covers it
    peers: list[str] | None = None  # default: every area in the extract (and in the peer table)
    total_name: str = "All areas"
    most_deprived: int | None = None  # default: a third of the wards (or LSOAs), rounded


@dataclass
class PoliceResult:
    """Everything the police stage measured, as unsuppressed counts with the rates computed from them."""

    area_code: str
    area_name: str
    population_16plus: int
    population_year: int | None
    current: Period
    baseline: Period | None
    figures: dict[str, int]  # current year, the keys of INDICATORS and their denominators
    summary: pd.DataFrame  # key, measure, count, denominator_label, denominator, share_pct, per_1000
    year_on_year: pd.DataFrame | None  # key, measure, baseline, current, change, pct_change
    offences: pd.DataFrame  # offence, baseline, current, change, pct_change (crimes; last row Total)
    monthly: pd.DataFrame  # month (date), label, year, incidents, crimes, non_crime
    victims: pd.DataFrame  # age band x Female, Male, Other or not recorded, Total (incidents)
    perpetrators: pd.DataFrame
    risk: pd.DataFrame  # risk, incidents, share_pct (of assessed)
    wards: pd.DataFrame | None  # ward, code, order, decile, population(_16plus), incidents, crimes, rates
    deciles: pd.DataFrame | None  # decile, units, population, incidents, crimes, share_pct, per_1000
    most_deprived: pd.DataFrame | None  # group, units, population, incidents, share_pct, per_1000
    peers: pd.DataFrame | None  # area_code, area_name, source, population_16plus, PEER_MEASURES, rates
    reading: pd.DataFrame  # what happened to the rows of the extract
    notes: list[str] = field(default_factory=list)
    deprivation_level: str = "ward"
    deprivation_basis: str = ""
    population_basis: str = "population_16plus"
    total_name: str = "All areas"
    source: str = ""

    def headline(self, key: str) -> int:
        return int(self.figures.get(key, 0))


def analyse_police(
    incidents: Incidents,
    population: Population,
    area: str,
    settings: PoliceSettings | None = None,
    deprivation: Deprivation | None = None,
    peer_counts: PeerCounts | None = None,
) -> PoliceResult:
    """Count, rate and compare police-recorded domestic abuse for one area (see the module docstring).

    `population` may hold many areas (the whole region): it supplies the residents aged 16+ of the area
    and of its peers. Rates are per 1,000 residents aged 16 and over.
    """

    settings = settings or PoliceSettings()
    chosen = select_area(population, area)
    code = str(chosen.frame["area_code"].iloc[0])
    name = str(chosen.frame["area_name"].iloc[0])
    pop16 = population_in_ages(chosen, 16, 90)
    years = chosen.years
    notes: list[str] = list(incidents.notes)
    frame = incidents.frame.copy()
    if frame.empty:
        raise InputError(incidents.path, Problem("no-rows", "the extract has no incidents"), incidents.sheet)
    frame["area_code"] = _match_areas(frame["area"], population, code)
    frame = _flag_repeats(frame)
    mine = frame[frame["area_code"] == code]
    if mine.empty:
        shown = ", ".join(f'"{a}"' for a in sorted(frame["area"].dropna().unique())[:8])
        raise InputError(
            incidents.path,
            Problem(
                "area-not-in-extract",
                f'no incidents for {name} ({code}) in the area column "{incidents.columns.get("area")}"; '
                f"the areas are {shown}",
            ),
            incidents.sheet,
        )
    current = settings.current or period_containing(mine["date"].max().date(), settings.start_month)
    baseline = settings.baseline
    first_day = frame["date"].min().date()
    if baseline is None and settings.current is None and current.previous().start >= first_day.replace(day=1):
        baseline = current.previous()
    elif baseline is None and settings.current is not None:
        previous = current.previous()
        if previous.end >= first_day:
            baseline = previous
    in_current = in_period(mine, current)
    if not in_current.any():
        raise InputError(
            incidents.path,
            Problem(
                "no-incidents-in-year",
                f"no incidents for {name} in {current.label} ({day_text(current.start)} to "
                f"{day_text(current.end)}); the extract runs from {day_text(first_day)} to "
                f"{day_text(frame['date'].max())}",
            ),
            incidents.sheet,
        )
    now = mine[in_current]
    if "victim_key" in incidents.has and first_day > _year_before(current.start):
        notes.append(
            f"The extract starts on {day_text(first_day)}, so repeats in {current.label} whose earlier incident "
            "fell before then are not counted."
        )
    figures = count_figures(now)
    summary = _summary(figures, pop16)
    yoy = None
    before = None
    if baseline is not None:
        before = mine[in_period(mine, baseline)]
        yoy = _year_on_year(count_figures(before), figures)
        if baseline.start < first_day:
            notes.append(
                f"The extract starts on {day_text(first_day)}, part way through {baseline.label}; "
                f"{baseline.label} figures cover only part of the year."
            )
        elif "victim_key" in incidents.has and first_day > _year_before(baseline.start):
            notes.append(
                f"The extract starts on {day_text(first_day)}, so repeats in {baseline.label} whose earlier "
                f"incident fell before then are not counted: {baseline.label} repeats are undercounted and "
                "the change in repeats overstated."
            )
    offences = _offences(before, now)
    monthly = _monthly(mine, settings.start_month)
    victims = _age_sex(now, "victim_age", "victim_sex")
    perpetrators = _age_sex(now, "perpetrator_age", "perpetrator_sex")
    risk = _risk(now)
    wards = deciles = most_deprived = None
    level, basis, pop_basis = "ward", "", "population_16plus"
    if deprivation is not None:
        level, basis = deprivation.level, deprivation.decile_basis
        pop_basis = (
            "population_16plus" if deprivation.frame["population_16plus"].notna().all() else "population"
        )
        wards, deciles, most_deprived, dep_notes = by_deprivation(
            now, deprivation, settings.most_deprived, pop_basis
        )
        notes += dep_notes
    elif now["ward"].notna().any():
        wards = ward_counts(now)
    peers = peer_comparison(
        frame, current, population, code, settings.peers, settings.total_name, peer_counts, notes
    )
    reading = _reading(incidents, frame, mine, current, baseline)
    if "victim_key" not in incidents.has:
        notes.append("The extract has no victim key, so victims and repeat victims cannot be counted.")
    elif incidents.key_origin == ONE_OFF_KEY:
        notes.append(
            "Victim keys were pseudonymised with a one-off key for this run; set NEEDSASSESS_SECRET (or "
            "[clients] secret_file) to get the same pseudonyms on every run."
        )
    flagged_no = int(((now["children_present"] == "no") & (now["children_count"].fillna(0) > 0)).sum())
    if flagged_no:
        notes.append(
            f"{about_count(flagged_no, 'incident')} marked as without children present "
            "but with a number of children: the number is not counted."
        )
    missing_count = figures["children_present"] - figures["children_counted"]
    if missing_count:
        notes.append(
            f"{about_count(missing_count, 'incident')} with children present "
            "gave no number of children; the children involved count only those with a number."
        )
    year = years[0] if years else None
    return PoliceResult(
        area_code=code,
        area_name=name,
        population_16plus=pop16,
        population_year=year,
        current=current,
        baseline=baseline,
        figures=figures,
        summary=summary,
        year_on_year=yoy,
        offences=offences,
        monthly=monthly,
        victims=victims,
        perpetrators=perpetrators,
        risk=risk,
        wards=wards,
        deciles=deciles,
        most_deprived=most_deprived,
        peers=peers,
        reading=reading,
        notes=notes,
        deprivation_level=level,
        deprivation_basis=basis,
        population_basis=pop_basis,
        total_name=settings.total_name,
        source=f"police incident extract {incidents.path.name}",
    )


def _match_areas(areas: pd.Series, population: Population, default_code: str) -> pd.Series:
    """The population-file area code of each incident's area (by code or name); the chosen area if none."""
    import pandas as pd

    if areas.isna().all():
        return pd.Series(default_code, index=areas.index, dtype="string")
    lookup: dict[str, str] = {}
    for code, name in population.areas.itertuples(index=False):
        lookup[str(code).strip().lower()] = str(code)
        lookup.setdefault(str(name).strip().lower(), str(code))
    return areas.map(
        lambda a: None if a is None or a is pd.NA else lookup.get(str(a).strip().lower())
    ).astype("string")


def _flag_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark each incident whose victim had another incident in the 12 months before it (any area)."""
    import pandas as pd

    frame = frame.sort_values(["date", "row"], kind="stable").reset_index(drop=True)
    keyed = frame["victim_key"].notna()
    previous = frame.loc[keyed].groupby("victim_key", sort=False)["date"].shift(1)
    # within 12 months: on or before the same date a year after the earlier incident (29 Feb -> 28 Feb)
    limit = previous + pd.DateOffset(years=1)
    repeat = pd.Series(False, index=frame.index)
    repeat.loc[keyed] = (previous.notna() & (frame.loc[keyed, "date"] <= limit)).to_numpy()
    frame["repeat"] = repeat
    return frame


def _year_before(d: dt.date) -> dt.date:
    return dt.date(d.year - 1, d.month, d.day)


def _summary(figures: dict[str, int], pop16: int) -> pd.DataFrame:
    import pandas as pd

    records = []
    for key, label, denominator, per_1000 in INDICATORS:
        count = figures[key]
        den = figures[denominator] if denominator else None
        records.append(
            {
                "key": key,
                "measure": label,
                "count": count,
                "denominator_label": DENOMINATOR_LABELS.get(denominator or "", ""),
                "denominator": den,
                "share_pct": share_pct(count, den) if den is not None else None,
                "per_1000": rate_per_1000(count, pop16) if per_1000 else None,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for col in ("share_pct", "per_1000"):
        frame[col] = frame[col].astype("float64")
    frame["denominator"] = pd.array(frame["denominator"], dtype="Int64")
    return frame


def _change(before: int, after: int) -> tuple[int, float | None]:
    return after - before, (None if before == 0 else 100 * (after - before) / before)


def _year_on_year(before: dict[str, int], after: dict[str, int]) -> pd.DataFrame:
    import pandas as pd

    records = []
    for key, label, _den, _rate in INDICATORS:
        change, pct = _change(before[key], after[key])
        records.append(
            {
                "key": key,
                "measure": label,
                "baseline": before[key],
                "current": after[key],
                "change": change,
                "pct_change": pct,
            }
        )
    frame = pd.DataFrame.from_records(records)
    frame["pct_change"] = frame["pct_change"].astype("float64")
    return frame


def _offences(before: pd.DataFrame | None, now: pd.DataFrame) -> pd.DataFrame:
    """Crimes by offence type, this year and (where given) the baseline year, with a Total row."""
    import pandas as pd

    def counts(frame: pd.DataFrame) -> pd.Series:
        crimes = frame[frame["crime"] == "crime"]
        return crimes["offence"].fillna("Offence not recorded").value_counts()

    after = counts(now)
    prior = counts(before) if before is not None else pd.Series(dtype="int64")
    offences = sorted(
        set(after.index) | set(prior.index), key=lambda o: (o == "Offence not recorded", -after.get(o, 0), o)
    )
    records = []
    for offence in [*offences, "Total"]:
        a = int(after.sum() if offence == "Total" else after.get(offence, 0))
        b = int(prior.sum() if offence == "Total" else prior.get(offence, 0))
        change, pct = _change(b, a)
        records.append(
            {
                "offence": offence,
                "baseline": b if before is not None else None,
                "current": a,
                "change": change if before is not None else None,
                "pct_change": pct if before is not None else None,
            }
        )
    frame = pd.DataFrame.from_records(
        records, columns=["offence", "baseline", "current", "change", "pct_change"]
    )
    frame["baseline"] = pd.array(frame["baseline"], dtype="Int64")
    frame["change"] = pd.array(frame["change"], dtype="Int64")
    frame["pct_change"] = frame["pct_change"].astype("float64")
    return frame


def _monthly(frame: pd.DataFrame, start_month: int) -> pd.DataFrame:
    import pandas as pd

    month = frame["date"].dt.to_period("M")
    span = pd.period_range(month.min(), month.max(), freq="M")
    grouped = pd.DataFrame(
        {
            "incidents": month.value_counts(),
            "crimes": month[frame["crime"] == "crime"].value_counts(),
            "non_crime": month[frame["crime"] == "non_crime"].value_counts(),
        }
    ).reindex(span, fill_value=0)
    grouped = grouped.fillna(0).astype("int64")
    out = pd.DataFrame(
        {
            "month": [p.to_timestamp().date() for p in span],
            "label": [p.strftime("%b %Y") for p in span],
            "year": [period_containing(p.to_timestamp().date(), start_month).label for p in span],
            "incidents": grouped["incidents"].to_numpy(),
            "crimes": grouped["crimes"].to_numpy(),
            "non_crime": grouped["non_crime"].to_numpy(),
        }
    )
    return out


def age_band(age: Any) -> str:
    """The AGE_BANDS label of an age in years; "Not recorded" for a missing age."""
    import pandas as pd

    if age is None or pd.isna(age):
        return NOT_RECORDED_LABEL
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return NOT_RECORDED_LABEL


def _age_sex(frame: pd.DataFrame, age_col: str, sex_col: str) -> pd.DataFrame:
    """Incidents by age band (rows, with Not recorded and Total) and sex (columns, with Total)."""
    import pandas as pd

    bands = [label for _l, _h, label in AGE_BANDS] + [NOT_RECORDED_LABEL]
    band = frame[age_col].astype("object").map(age_band)
    sex = frame[sex_col].fillna("").map({"female": "Female", "male": "Male"}).fillna(SEX_COLUMNS[None])
    table = pd.crosstab(band, sex).reindex(index=bands, columns=list(SEX_COLUMNS.values()), fill_value=0)
    table = table.fillna(0).astype("int64")
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "Age"
    table.columns.name = None
    return table


def _risk(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    assessed = int(frame["risk"].notna().sum())
    records = []
    for key, label in RISK_LABELS.items():
        n = int((frame["risk"] == key).sum())
        records.append({"risk": label, "incidents": n, "share_pct": share_pct(n, assessed)})
    records.append(
        {
            "risk": "Not assessed or not recorded",
            "incidents": int(frame["risk"].isna().sum()),
            "share_pct": None,
        }
    )
    records.append({"risk": "Total", "incidents": len(frame), "share_pct": None})
    out = pd.DataFrame.from_records(records)
    out["share_pct"] = out["share_pct"].astype("float64")
    return out


def _reading(
    incidents: Incidents, frame: pd.DataFrame, mine: pd.DataFrame, current: Period, baseline: Period | None
) -> pd.DataFrame:
    """Rows in = rows used + rows left out, with why."""
    import pandas as pd

    in_current = int(in_period(mine, current).sum())
    in_baseline = int(in_period(mine, baseline).sum()) if baseline is not None else 0
    other_area = len(frame) - len(mine)
    records = [
        ("Rows read from the extract", incidents.rows_read),
        ("Left out: repeating an earlier incident reference", incidents.duplicates),
        ("Incidents in other areas (used for peers and repeats)", other_area),
        (f"Incidents in {current.label}", in_current),
    ]
    if baseline is not None:
        records.append((f"Incidents in {baseline.label}", in_baseline))
    records.append(("Incidents in other months (monthly trend only)", len(mine) - in_current - in_baseline))
    return pd.DataFrame.from_records(records, columns=["what", "rows"])
