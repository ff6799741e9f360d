"""The needs profile of victims and perpetrators, and the Part 4 safe-accommodation tables.

From the merged client table (one row per person per agency episode, canonical fields of
`needsassess.clients.schema`) this module counts what a strategy is written from: "73% of clients have
children, almost one third report mental health issues, 83% experienced jealous and controlling
behaviour, the average length of abuse before support was 3 years" (Hartlepool Domestic Abuse Strategy
2016-2019). Everything here is pure: frames in, unsuppressed counts out. `publish_profile` turns those
counts into the tables that leave the tool, through `needsassess.disclosure`.

Every share is of the people (or referrals) for whom the item was recorded; "not recorded" is counted
beside it and never folded into "no".

People and referrals. A referral is one row of the merged table. A person is one `client_key`: within an
agency, all of that person's referrals to it; for "All agencies", all of their referrals to any agency.
A person's episodes are combined so that nothing recorded is lost: a need or type of abuse is "yes" if
any episode records it, "no" if none does and at least one records "no"; characteristics at entry (sex,
age, ethnic group, employment, risk, length of abuse...) come from the earliest episode that records
them; outcomes at exit come from the latest episode that records them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from needsassess.clients import schema
from needsassess.disclosure import (
    DEFAULT_RULE,
    Margin,
    Rule,
    SuppressionEntry,
    apply_disclosure,
    format_count,
    log_frame,
    margins_of,
)
from needsassess.errors import ConfigError, Problem

NOT_RECORDED = schema.NOT_RECORDED
YES, NO = schema.Flag.YES.value, schema.Flag.NO.value
ALL_AGENCIES = "All agencies"
RECORDED = "recorded"
TOTAL = "total"
Z_95 = 1.959963984540054


class Unit(StrEnum):
    """What a count counts."""

    PEOPLE = "people"
    REFERRALS = "referrals"


class Kind(StrEnum):
    FLAG = "flag"  # yes | no | not recorded; the "yes" row is shown
    CATEGORY = "category"  # one of `values`, or not recorded; every value is shown


class Combine(StrEnum):
    """How one person's episodes become one value."""

    ANY = "any"  # flags: yes if any episode says yes, else no if any says no
    FIRST = "first"  # the earliest episode that records a value (at entry)
    LAST = "last"  # the latest episode that records a value (at exit)


@dataclass(frozen=True)
class Characteristic:
    """One item of the profile: a field of the merged table, or one derived from fields."""

    column: str
    label: str
    kind: Kind = Kind.FLAG
    values: tuple[str, ...] = (YES, NO)
    labels: dict[str, str] = field(default_factory=dict, hash=False)  # value -> label shown

    @property
    def shown(self) -> tuple[str, ...]:
        """Values that get their own row in published tables."""
        return (YES,) if self.kind is Kind.FLAG else self.values

    def value_label(self, value: str) -> str:
        if self.kind is Kind.FLAG:
            return self.label
        return self.labels.get(value, value.replace("_", " "))


def flag(column: str, label: str) -> Characteristic:
    return Characteristic(column, label)


def category(
    column: str, label: str, values: Sequence[str], labels: dict[str, str] | None = None
) -> Characteristic:
    return Characteristic(column, label, Kind.CATEGORY, tuple(values), labels or {})


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


# The canonical values of the client schema, in its order.
SEXES = _values(schema.Sex)
AGE_BANDS = tuple(label for label, _, _ in schema.AGE_BANDS)
ETHNIC_GROUPS = _values(schema.EthnicGroup)
RISK_LEVELS = _values(schema.RiskLevel)
RELATIONSHIPS = _values(schema.Relationship)
ACCOMMODATION_TYPES = _values(schema.AccommodationType)
UNABLE_REASONS = _values(schema.UnableReason)
SUPPORT_END_REASONS = _values(schema.SupportEndReason)
MOVE_ON_DESTINATIONS = _values(schema.MoveOnDestination)
IN_WORK_OR_LEARNING = (schema.EmploymentStatus.EMPLOYED.value, schema.EmploymentStatus.EDUCATION.value)

SEX_LABELS = {"female": "Female", "male": "Male", "other": "Other"}
ETHNIC_LABELS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
}
RELATIONSHIP_LABELS = {
    "partner": "Partner",
    "ex_partner": "Ex-partner",
    "family": "Family member",
    "other": "Other",
}
ACCOMMODATION_LABELS = {
    "refuge": "Refuge",
    "specialist_refuge": "Specialist refuge",
    "dispersed": "Dispersed accommodation",
    "sanctuary": "Sanctuary scheme",
    "second_stage": "Second stage / move-on",
    "other": "Other safe accommodation",
}
TRIO_VALUES = ("neither", "mental_health_only", "substance_misuse_only", "both")
TRIO_LABELS = {
    "neither": "Neither mental ill-health nor substance misuse",
    "mental_health_only": "Mental ill-health only",
    "substance_misuse_only": "Substance misuse only",
    "both": "Both: domestic abuse, mental ill-health and substance misuse (toxic trio)",
}
CHILDREN_BANDS = ("0", "1", "2", "3", "4 or more")
NEEDS_COUNTED = ("mental_health", "substance_misuse", "financial_problems", "housing_need", "neet")
NEEDS_COUNT_VALUES = ("0", "1", "2", "3 or more")

DEMOGRAPHICS = (
    category("sex", "Sex", SEXES, SEX_LABELS),
    category("age_band", "Age band", AGE_BANDS),
    category("ethnic_group", "Ethnic group", ETHNIC_GROUPS, ETHNIC_LABELS),
    flag("disability", "Disability"),
    flag("lgbt", "LGBT+"),
    flag("pregnant", "Pregnant"),
)
NEEDS = (
    flag("has_children", "Has children"),
    flag("mental_health", "Mental health"),
    flag("substance_misuse", "Substance misuse (alcohol or drugs)"),
    flag("alcohol_misuse", "Alcohol misuse"),
    flag("drug_misuse", "Drug misuse"),
    flag("financial_problems", "Financial problems"),
    flag("housing_need", "Housing need"),
    flag("neet", "Not in employment, education or training"),
)
CHILDREN = (category("children_band", "Number of children", CHILDREN_BANDS),)
MULTIPLE_NEEDS = (
    category("toxic_trio", "Mental ill-health and substance misuse", TRIO_VALUES, TRIO_LABELS),
    category("needs_count", "Number of needs", NEEDS_COUNT_VALUES),
)
ABUSE_TYPES = (
    flag("jealous_controlling", "Jealous and controlling behaviour"),
    flag("harassment_stalking", "Harassment and stalking"),
    flag("physical", "Physical abuse"),
    flag("sexual", "Sexual abuse"),
    flag("emotional", "Emotional abuse"),
    flag("financial", "Financial abuse"),
)
ABUSE_CONTEXT = (
    category("risk_level", "Risk level", RISK_LEVELS),
    category("perpetrator_relationship", "Perpetrator relationship", RELATIONSHIPS, RELATIONSHIP_LABELS),
    category("perpetrator_sex", "Perpetrator sex", SEXES, SEX_LABELS),
    flag("lives_with_perpetrator", "Lives with the perpetrator"),
    flag("repeat_referral", "Repeat referral (as recorded by the agency)"),
    flag("referred_again", "Referred more than once in the period"),
)
OUTCOMES = (
    flag("abuse_reduced", "Abuse stopped or reduced"),
    flag("feels_safer", "Feels safer"),
    flag("quality_of_life_improved", "Quality of life improved"),
)
PERPETRATOR = (
    category("sex", "Sex", SEXES, SEX_LABELS),
    category("age_band", "Age band", AGE_BANDS),
    flag("alcohol_misuse", "Alcohol misuse"),
    flag("drug_misuse", "Drug misuse"),
    flag("mental_health", "Mental health"),
    flag("financial_problems", "Financial problems"),
    flag("previous_da_record", "Previous domestic abuse record"),
    flag("repeat_offender", "Repeat domestic abuse perpetrator"),
)
SPECIALIST = (
    flag("minoritised", "Black and minoritised (ethnic group other than White)"),
    flag("disability", "Disabled"),
    flag("lgbt", "LGBT+"),
    flag("mental_health", "Mental health"),
    flag("substance_misuse", "Substance misuse (alcohol or drugs)"),
    flag("male_victim", "Male victim"),
    flag("young_victim", "Young victim (aged 16-24)"),
    flag("older_victim", "Older victim (aged 65+)"),
    flag("any_specialist", "At least one of these characteristics"),
)

# Fields taken at exit rather than at entry when a person's episodes are combined.
AT_EXIT = frozenset(
    {"abuse_reduced", "feels_safer", "quality_of_life_improved", "support_end_reason", "move_on_destination"}
)
FLAG_FIELDS = frozenset(
    c.column
    for group in (DEMOGRAPHICS, NEEDS, ABUSE_TYPES, ABUSE_CONTEXT, PERPETRATOR)
    for c in group
    if c.kind is Kind.FLAG
) | {"from_out_of_area"}
DERIVED = frozenset(
    {"neet", "children_band", "toxic_trio", "needs_count", "referred_again", "minoritised", "male_victim",
     "young_victim", "older_victim", "any_specialist", "age_band"}
)  # fmt: skip


# --- records -------------------------------------------------------------------------------------------


def _text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A categorical or flag column as plain text, with every kind of missing as "not recorded".

    Values of the merged table are canonical already (no stray spaces), so only missing and empty cells
    need replacing; this stays vectorised for a million rows.
    """
    if name not in frame:
        return pd.Series(NOT_RECORDED, index=frame.index, dtype=object)
    values = frame[name].to_numpy(dtype=object, na_value=None)
    missing = pd.isna(values) | (values == "")
    return pd.Series(np.where(missing, NOT_RECORDED, values), index=frame.index, dtype=object)


def _normalised(records: pd.DataFrame) -> pd.DataFrame:
    """Every text column as plain Python objects, missing cells "not recorded": done once, so that the
    many comparisons that follow work on object arrays rather than converting Arrow strings each time."""
    out = records.copy()
    for name in out.columns:
        column = out[name]
        if (
            name in ("client_key", "agency", "record_type")
            or pd.api.types.is_string_dtype(column.dtype)
            or (column.dtype == object)
        ):
            if name in ("client_key", "agency", "record_type", "source_file", "source_sheet", "key_basis"):
                out[name] = column.astype(object)
            else:
                out[name] = _text_column(out, name)
    return out


def _number_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def victim_records(clients: pd.DataFrame) -> pd.DataFrame:
    """The victims' (clients') rows of the merged table."""
    if "record_type" not in clients:
        return clients
    return clients[clients["record_type"].astype(object) == "victim"]


def perpetrator_records(clients: pd.DataFrame) -> pd.DataFrame:
    """The perpetrators' rows of the merged table (police or perpetrator-programme data)."""
    if "record_type" not in clients:
        return clients.iloc[0:0]
    return clients[clients["record_type"].astype(object) == "perpetrator"]


def age_band_of(age: float) -> str:
    """Band of an age in years, as the schema bands it; not recorded when missing."""
    return schema.age_band(age)


def combine_people(records: pd.DataFrame, by: Sequence[str] = ("client_key",)) -> pd.DataFrame:
    """One row per person (per `by` group): episodes combined as the module docstring says.

    Adds `referrals` (the person's number of episodes in the group). Works on integer group ids and
    numpy arrays, so a million referrals take seconds.
    """
    by = list(by)
    if records.empty:
        return records.iloc[0:0].assign(referrals=pd.Series(dtype="int64"))
    order = records.sort_values(
        [c for c in ("referral_date", "referral_number", "source_row") if c in records], kind="stable"
    )
    keys = order[by[0]].astype(object) if len(by) == 1 else pd.MultiIndex.from_frame(order[by].astype(object))
    gid, uniques = pd.factorize(keys, sort=False)
    n = len(uniques)
    out: dict[str, object] = {}
    if len(by) == 1:
        out[by[0]] = pd.Index(uniques).astype(object)
    else:
        levels = pd.MultiIndex.from_tuples(list(uniques))
        for level, name in enumerate(by):
            out[name] = levels.get_level_values(level).astype(object)
    for c in order.columns:
        if c in by:
            continue
        if c in FLAG_FIELDS:
            best = np.zeros(n, dtype=np.int8)
            flags = order[c].to_numpy(dtype=object, na_value=None)  # missing and "" are neither yes nor no
            np.maximum.at(best, gid, _flag_codes(flags).astype(np.int8))
            out[c] = np.array([NOT_RECORDED, NO, YES], dtype=object)[best]
            continue
        values = order[c].to_numpy(dtype=object, na_value=None)
        recorded = ~pd.isna(values) & (values != NOT_RECORDED)
        rows = np.flatnonzero(recorded)
        if c in AT_EXIT:
            rows = rows[::-1]  # the latest episode that records it
        ids = gid[rows]
        _, first = np.unique(ids, return_index=True)
        combined = np.full(n, None, dtype=object)
        combined[ids[first]] = values[rows[first]]
        out[c] = combined
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in out.items()})
    for c in order.columns:  # numbers stay numbers
        if c in frame and c not in by and pd.api.types.is_numeric_dtype(order[c].dtype):
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
    frame["referrals"] = np.bincount(gid, minlength=n).astype("int64")
    return frame


def _flag_codes(values: np.ndarray) -> np.ndarray:
    """yes -> 2, no -> 1, anything else -> 0: the order in which a person's episodes are combined."""
    return np.select([values == YES, values == NO], [2, 1], 0)


def _age_bands(ages: pd.Series) -> pd.Series:
    """The schema's age band of each age (vectorised schema.age_band)."""
    edges = [low for _, low, _ in schema.AGE_BANDS] + [np.inf]
    labels = [label for label, _, _ in schema.AGE_BANDS]
    bands = pd.cut(ages, bins=edges, labels=labels, right=False)
    return pd.Series(bands.astype(object), index=ages.index).where(bands.notna(), NOT_RECORDED).astype(object)


def derive(frame: pd.DataFrame, unit: Unit) -> pd.DataFrame:
    """Add the derived items (NEET, number of children, toxic trio, specialist characteristics...)."""
    new: dict[str, pd.Series] = {}  # the derived columns, added to the frame in one step at the end

    def obj(values: object) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)

    def text(name: str) -> pd.Series:
        return new[name] if name in new else _text_column(frame, name)

    def flag_of(condition: pd.Series | np.ndarray, recorded: pd.Series | np.ndarray) -> pd.Series:
        return obj(np.where(recorded, np.where(condition, YES, NO), NOT_RECORDED))

    employment = text("employment_status")
    new["neet"] = flag_of(~employment.isin(IN_WORK_OR_LEARNING), employment != NOT_RECORDED)
    age = _number_column(frame, "age")
    new["age_band"] = _age_bands(age)
    if "age" not in frame and "age_band" in frame:  # a table with bands only
        new["age_band"] = _text_column(frame, "age_band")
    children = _number_column(frame, "children_count")
    band = obj(
        np.select(
            [children.isna(), children >= 4, children == 0, children == 1, children == 2, children == 3],
            [NOT_RECORDED, "4 or more", "0", "1", "2", "3"],
            NOT_RECORDED,
        )
    )
    new["children_band"] = band.where(~((band == NOT_RECORDED) & (text("has_children") == NO)), "0")
    mental, substance = text("mental_health"), text("substance_misuse")
    new["toxic_trio"] = obj(
        np.select(
            [
                (mental == NOT_RECORDED) | (substance == NOT_RECORDED),
                (mental == YES) & (substance == YES),
                mental == YES,
                substance == YES,
            ],
            [NOT_RECORDED, "both", "mental_health_only", "substance_misuse_only"],
            "neither",
        )
    )
    needs = pd.DataFrame({c: text(c) for c in NEEDS_COUNTED})
    needs_yes = (needs == YES).sum(axis=1)
    new["needs_count"] = obj(
        np.where(
            (needs == NOT_RECORDED).any(axis=1),
            NOT_RECORDED,
            np.where(needs_yes >= 3, "3 or more", needs_yes.astype(str)),
        )
    )
    if unit is Unit.PEOPLE and "referrals" in frame:
        new["referred_again"] = flag_of(frame["referrals"] > 1, True)
    else:
        number = _number_column(frame, "referral_number")
        new["referred_again"] = flag_of(number > 1, number.notna())
    ethnic = text("ethnic_group")
    new["minoritised"] = flag_of(ethnic != "white", ethnic != NOT_RECORDED)
    sex = text("sex")
    new["male_victim"] = flag_of(sex == "male", sex != NOT_RECORDED)
    new["young_victim"] = flag_of((age >= 16) & (age <= 24), age.notna())
    new["older_victim"] = flag_of(age >= 65, age.notna())
    specialist = pd.DataFrame({c.column: text(c.column) for c in SPECIALIST if c.column != "any_specialist"})
    new["any_specialist"] = obj(
        np.where(
            (specialist == YES).any(axis=1),
            YES,
            np.where((specialist == NO).all(axis=1), NO, NOT_RECORDED),
        )
    )
    kept = frame.drop(columns=[c for c in new if c in frame.columns])
    return pd.concat([kept, pd.DataFrame(new, index=frame.index)], axis=1)


# --- counting ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A column of the profile: all agencies together, or one agency."""

    label: str
    agency: str | None = None  # None: all agencies


def groups_of(records: pd.DataFrame) -> list[Group]:
    """All agencies, then each agency in the order met (only when there is more than one)."""
    agencies = list(dict.fromkeys(records["agency"].astype(object))) if "agency" in records else []
    groups = [Group(ALL_AGENCIES)]
    if len(agencies) > 1:
        groups += [Group(str(a), a) for a in agencies]
    return groups


def units_frames(records: pd.DataFrame, unit: Unit) -> dict[str, pd.DataFrame]:
    """For each group, the rows to count: referrals as they are, or people combined within the group.

    Work is done once for all agencies and once for the agencies together (people keyed by agency and
    person), then split, rather than once per agency.
    """
    groups = groups_of(records)
    if unit is Unit.PEOPLE and "client_key" in records:
        everyone = derive(combine_people(records), unit)
        by_agency = (
            derive(combine_people(records, by=("agency", "client_key")), unit)
            if len(groups) > 1
            else everyone
        )
    else:
        everyone = derive(records if unit is Unit.REFERRALS else records.assign(referrals=1), unit)
        by_agency = everyone
    frames: dict[str, pd.DataFrame] = {ALL_AGENCIES: everyone}
    if len(groups) > 1:
        agency = by_agency["agency"].astype(object)
        for group in groups[1:]:
            frames[group.label] = by_agency[agency == group.agency]
    return frames


@dataclass
class ShareCounts:
    """Unsuppressed counts of one characteristic: rows = values then "not recorded"; columns = groups."""

    characteristic: Characteristic
    unit: Unit
    counts: pd.DataFrame
    additive: bool  # True when the "All agencies" column is the sum of the agency columns

    def count(self, value: str, group: str = ALL_AGENCIES) -> int:
        return int(self.counts.at[value, group])

    def recorded(self, group: str = ALL_AGENCIES) -> int:
        return int(self.counts.loc[list(self.characteristic.values), group].sum())

    def not_recorded(self, group: str = ALL_AGENCIES) -> int:
        return int(self.counts.at[NOT_RECORDED, group])

    def share(self, value: str = YES, group: str = ALL_AGENCIES) -> float | None:
        """Fraction of those recorded (0-1); None when nobody is recorded."""
        base = self.recorded(group)
        return self.count(value, group) / base if base else None


def count_characteristic(frames: dict[str, pd.DataFrame], c: Characteristic, unit: Unit) -> ShareCounts:
    """Count each value of a characteristic in every group; anything not an allowed value is not recorded."""
    columns = {}
    for label, frame in frames.items():
        found = Counter(frame[c.column].tolist()) if c.column in frame else Counter()
        counts = [int(found.get(v, 0)) for v in c.values]  # values are text: missing cells never match
        columns[label] = [*counts, len(frame) - sum(counts)]
    counts = pd.DataFrame(columns, index=[*c.values, NOT_RECORDED], dtype="int64")
    return ShareCounts(c, unit, counts, additive=unit is Unit.REFERRALS and len(frames) > 1)


@dataclass
class ShareTable:
    """A published table of shares (demographics, needs, abuse...): several characteristics, two units."""

    name: str
    title: str
    items: list[ShareCounts]
    base: str  # what the denominator is, in words
    notes: list[str] = field(default_factory=list)
    chart: bool = False  # a bar chart of the "All agencies", people rows

    def item(self, field_name: str, unit: Unit = Unit.PEOPLE) -> ShareCounts:
        for it in self.items:
            if it.characteristic.column == field_name and it.unit is unit:
                return it
        raise KeyError(field_name)


def share_table(
    name: str,
    title: str,
    characteristics: Iterable[Characteristic],
    frames_by_unit: dict[Unit, dict[str, pd.DataFrame]],
    base: str,
    notes: Sequence[str] = (),
    chart: bool = False,
) -> ShareTable:
    items = [
        count_characteristic(frames, c, unit)
        for unit, frames in frames_by_unit.items()
        for c in characteristics
    ]
    return ShareTable(name, title, items, base, list(notes), chart)


@dataclass
class DurationStats:
    """Length of abuse before support, in months, for each group and unit."""

    unit: Unit
    group: str
    recorded: int
    not_recorded: int
    mean_months: float | None
    median_months: float | None


def duration_stats(frames_by_unit: dict[Unit, dict[str, pd.DataFrame]]) -> list[DurationStats]:
    out = []
    for unit, frames in frames_by_unit.items():
        for label, frame in frames.items():
            months = _number_column(frame, "abuse_duration_months")
            known = months.dropna()
            out.append(
                DurationStats(
                    unit,
                    label,
                    int(known.size),
                    int(months.isna().sum()),
                    float(known.mean()) if known.size else None,
                    float(known.median()) if known.size else None,
                )
            )
    return out


# --- representation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationShares:
    """The local population's share (0-1) of each value of a characteristic, and where it comes from."""

    column: str
    shares: dict[str, float]
    source: str


def parse_population_shares(settings: object) -> list[PopulationShares]:
    """Population shares from assessment.toml, in percent, with their source, for example

        [profile.population_shares.ethnic_group]
        source = "Census 2021 TS021, Northmere"
        white = 94.2
        asian = 2.1

    Flags (disability, lgbt) take `yes = 18.5`. Raises ConfigError (no file) naming every bad key.
    """
    if not isinstance(settings, dict):
        raise ConfigError(None, Problem("bad-value", "population_shares must be a table of characteristics"))
    known = {c.column: c for c in DEMOGRAPHICS}
    problems: list[Problem] = []
    out = []
    for column, table in settings.items():
        c = known.get(column)
        if c is None:
            problems.append(
                Problem(
                    "unknown-characteristic",
                    f"population_shares.{column}: no such characteristic; expected one of {', '.join(known)}",
                )
            )
            continue
        if not isinstance(table, dict) or not isinstance(table.get("source"), str) or not table["source"]:
            problems.append(
                Problem(
                    "missing-key", f'population_shares.{column} needs source = "<where the shares come from>"'
                )
            )
            continue
        allowed = c.values if c.kind is Kind.CATEGORY else (YES,)
        shares: dict[str, float] = {}
        for value, pct in table.items():
            if value == "source":
                continue
            if value not in allowed:
                problems.append(
                    Problem(
                        "unknown-value",
                        f'population_shares.{column}: "{value}" is not a value; expected {", ".join(allowed)}',
                    )
                )
            elif isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 <= pct <= 100:
                problems.append(
                    Problem(
                        "bad-value",
                        f"population_shares.{column}.{value} = {pct!r}; expected a percentage 0-100",
                    )
                )
            else:
                shares[value] = float(pct) / 100
        if sum(shares.values()) > 1.005:
            problems.append(
                Problem("bad-value", f"population_shares.{column}: the percentages add up to more than 100")
            )
        out.append(PopulationShares(column, shares, table["source"]))
    if problems:
        raise ConfigError(None, problems)
    return out


def population_shares_from(population: pd.DataFrame, min_age: int = 16) -> list[PopulationShares]:
    """Sex and age-band shares of the local population aged `min_age`+ (tidy Population frame)."""
    frame = population[population["age"] >= min_age]
    total = float(frame["population"].sum())
    if total <= 0:
        return []
    by_sex = frame.groupby("sex")["population"].sum() / total
    bands = frame["age"].map(age_band_of)
    by_band = frame.groupby(bands)["population"].sum() / total
    year = ""
    if "year" in frame and frame["year"].notna().any():
        year = f"mid-{int(frame['year'].dropna().iloc[0])} "
    area = str(frame["area_name"].iloc[0]) if "area_name" in frame and len(frame) else "the area"
    source = f"{year}population estimates for {area}, residents aged {min_age}+"
    return [
        PopulationShares("sex", {str(k): float(v) for k, v in by_sex.items()}, source),
        PopulationShares("age_band", {str(k): float(v) for k, v in by_band.items()}, source),
    ]


def wilson_interval(k: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n (fractions 0-1)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def compare_with_population(k: float, n: float, population_share: float) -> str:
    """Over- or under-represented when the population share lies outside the clients' 95% interval."""
    low, high = wilson_interval(k, n)
    if population_share < low:
        return "over-represented"
    if population_share > high:
        return "under-represented"
    return "similar to the population"


# --- the profiles ------------------------------------------------------------------------------------------


@dataclass
class VictimProfile:
    """Victims/survivors supported by local services: unsuppressed counts, per agency and combined."""

    demographics: ShareTable
    needs: ShareTable
    children: ShareTable
    multiple_needs: ShareTable
    abuse_types: ShareTable
    abuse_context: ShareTable
    outcomes: ShareTable
    duration: list[DurationStats]
    population: list[PopulationShares]
    people: int
    referrals: int
    agencies: list[str]

    @property
    def tables(self) -> list[ShareTable]:
        return [
            self.demographics,
            self.needs,
            self.children,
            self.multiple_needs,
            self.abuse_types,
            self.abuse_context,
            self.outcomes,
        ]

    def duration_for(self, group: str = ALL_AGENCIES, unit: Unit = Unit.PEOPLE) -> DurationStats:
        return next(d for d in self.duration if d.group == group and d.unit is unit)


@dataclass
class PerpetratorProfile:
    """Perpetrators in police or programme records."""

    characteristics: ShareTable
    needs: ShareTable
    people: int
    referrals: int
    agencies: list[str]

    @property
    def tables(self) -> list[ShareTable]:
        return [self.characteristics, self.needs]

    def item(self, field_name: str, unit: Unit = Unit.PEOPLE) -> ShareCounts:
        for table in self.tables:
            try:
                return table.item(field_name, unit)
            except KeyError:
                continue
        raise KeyError(field_name)


def _frames_by_unit(records: pd.DataFrame) -> dict[Unit, dict[str, pd.DataFrame]]:
    return {unit: units_frames(records, unit) for unit in (Unit.PEOPLE, Unit.REFERRALS)}


def _people(records: pd.DataFrame) -> int:
    return int(records["client_key"].nunique()) if "client_key" in records else len(records)


def profile_victims(
    clients: pd.DataFrame, population: Sequence[PopulationShares] = ()
) -> VictimProfile | None:
    """The victim profile of the merged client table; None when it holds no victim records."""
    records = victim_records(clients)
    if records.empty:
        return None
    frames = _frames_by_unit(records)
    base = "those for whom it was recorded; not recorded is counted beside it and left out of the base"
    return VictimProfile(
        demographics=share_table("victims_demographics", "Who the victims are", DEMOGRAPHICS, frames, base),
        needs=share_table(
            "victims_needs",
            "Needs of victims",
            NEEDS,
            frames,
            base,
            [
                "Not in employment, education or training: employment status recorded as anything other than "
                "employed or in education (unemployed, sick or disabled, retired, other)."
            ],
            chart=True,
        ),
        children=share_table(
            "victims_children",
            "Number of children",
            CHILDREN,
            frames,
            base,
            ['"0" includes people recorded as having no children where no number was given.'],
        ),
        multiple_needs=share_table(
            "victims_multiple_needs",
            "Multiple needs: the toxic trio and the number of needs",
            MULTIPLE_NEEDS,
            frames,
            "people for whom every need in the combination was recorded",
            [
                "Toxic trio: domestic abuse (every client) with mental ill-health and substance misuse.",
                "Number of needs counts mental health, substance misuse, financial problems, housing need and "
                "not in employment, education or training; it is not recorded when any of the five is not.",
            ],
        ),
        abuse_types=share_table(
            "victims_abuse_types",
            "Types of abuse experienced",
            ABUSE_TYPES,
            frames,
            base,
            ["A person may have experienced several types of abuse, so shares add up to more than 100%."],
            chart=True,
        ),
        abuse_context=share_table(
            "victims_abuse_context",
            "Risk, the perpetrator and repeat referrals",
            ABUSE_CONTEXT,
            frames,
            base,
            [
                "Referred more than once in the period: people with two or more referrals to the agency "
                "(to any agency for All agencies); for referrals, the second and later referrals."
            ],
        ),
        outcomes=share_table(
            "victims_outcomes",
            "Outcomes at exit",
            OUTCOMES,
            frames,
            "those whose outcome at exit was recorded",
            ["Outcomes are taken from each person's latest episode that records them."],
        ),
        duration=duration_stats(frames),
        population=list(population),
        people=_people(records),
        referrals=len(records),
        agencies=[g.label for g in groups_of(records) if g.agency is not None] or _agencies(records),
    )


def _agencies(records: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(str(a) for a in records["agency"])) if "agency" in records else []


def profile_perpetrators(clients: pd.DataFrame) -> PerpetratorProfile | None:
    """The perpetrator profile; None when the merged table holds no perpetrator records."""
    records = perpetrator_records(clients)
    if records.empty:
        return None
    frames = _frames_by_unit(records)
    base = "those for whom it was recorded; not recorded is counted beside it and left out of the base"
    return PerpetratorProfile(
        characteristics=share_table(
            "perpetrators_characteristics",
            "Perpetrators: sex and age",
            [c for c in PERPETRATOR if c.kind is Kind.CATEGORY],
            frames,
            base,
        ),
        needs=share_table(
            "perpetrators_needs",
            "Perpetrators: needs and domestic abuse history",
            [c for c in PERPETRATOR if c.kind is Kind.FLAG],
            frames,
            base,
            chart=True,
        ),
        people=_people(records),
        referrals=len(records),
        agencies=_agencies(records),
    )


# --- safe accommodation (Domestic Abuse Act 2021 Part 4) -----------------------------------------------------


@dataclass
class CrossTable:
    """A two-way table of counts with a total row and a total column, laid out as the Part 4 return asks."""

    name: str
    title: str
    counts: pd.DataFrame  # index = row labels (last: "Total"), columns (last: "Total")
    row_label: str
    base: str
    notes: list[str] = field(default_factory=list)
    # A subtotal of the rows (or columns) other than "Not recorded", added when the table is published
    row_subtotal: str | None = None
    column_subtotal: str | None = None
    # (share column, numerator column, denominator column or None for the base row), base row being
    # the row subtotal when there is one, else the total row
    share: tuple[str, str, str | None] | None = None
    # Rows that count towards the total but not the subtotal (households the question does not apply to)
    outside_rows: tuple[str, ...] = ()


@dataclass
class SafeAccommodation:
    """The Part 4 annual-return tables from the records of safe-accommodation services."""

    people_supported: CrossTable
    specialist: ShareTable
    unable_to_support: CrossTable
    support_ended: CrossTable
    move_on: CrossTable
    out_of_area: CrossTable
    households: int
    agencies: list[str]
    children_not_recorded: int

    @property
    def tables(self) -> list[CrossTable | ShareTable]:
        return [
            self.people_supported,
            self.specialist,
            self.unable_to_support,
            self.support_ended,
            self.move_on,
            self.out_of_area,
        ]


TOTAL_LABEL = "Total"
SANCTUARY_ROW = "Sanctuary scheme (destination not asked)"


def safe_accommodation_records(clients: pd.DataFrame) -> pd.DataFrame:
    """Victim records of safe-accommodation services: refuge services, or any row with an accommodation
    type or a referral outcome recorded."""
    records = victim_records(clients)
    if records.empty:
        return records
    service = _text_column(records, "service_type")
    accommodation = _text_column(records, "accommodation_type")
    outcome = _text_column(records, "referral_outcome")
    mask = (service == "refuge") | (accommodation != NOT_RECORDED) | (outcome != NOT_RECORDED)
    return records[mask]


def _cross(
    rows: pd.Series,
    row_values: Sequence[str],
    columns: pd.Series | None,
    column_values: Sequence[str],
    row_labels: dict[str, str],
    column_labels: dict[str, str],
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Count (or sum weights) by row value x column value, with not recorded rows/columns and totals."""
    row_keys = [*row_values, NOT_RECORDED]
    column_keys = [*column_values, NOT_RECORDED] if columns is not None else ["count"]
    r = rows.where(rows.isin(row_values), NOT_RECORDED)
    c = columns.where(columns.isin(column_values), NOT_RECORDED) if columns is not None else None
    w = weights if weights is not None else pd.Series(1, index=rows.index)
    grid = pd.DataFrame(0, index=row_keys, columns=column_keys, dtype="int64")
    if len(rows):
        frame = pd.DataFrame({"r": r.values, "c": (c.values if c is not None else "count"), "w": w.values})
        summed = frame.groupby(["r", "c"])["w"].sum()
        for (rv, cv), n in summed.items():
            grid.at[rv, cv] = int(n)
    labels_r = {k: row_labels.get(k, k.replace("_", " ").capitalize()) for k in row_keys}
    labels_r[NOT_RECORDED] = "Not recorded"
    labels_c = {k: column_labels.get(k, k.replace("_", " ").capitalize()) for k in column_keys}
    labels_c[NOT_RECORDED] = "Not recorded"
    grid = grid.rename(index=labels_r, columns=labels_c)
    if columns is not None:
        grid[TOTAL_LABEL] = grid.sum(axis=1)
    grid.loc[TOTAL_LABEL] = grid.sum(axis=0)
    return grid


PERSON_CHARACTERISTICS = (
    "sex",
    "age",
    "ethnic_group",
    "disability",
    "lgbt",
    "mental_health",
    "substance_misuse",
    "alcohol_misuse",
    "drug_misuse",
)


def _with_person_characteristics(frame: pd.DataFrame, persons: pd.DataFrame | None) -> pd.DataFrame:
    """Replace each row's characteristics by the person's, combined over all their victim records."""
    if persons is None or frame.empty or "client_key" not in frame:
        return frame
    lookup = persons.set_index(persons["client_key"].astype(object))
    out = frame.copy()
    keys = out["client_key"].astype(object)
    for column in PERSON_CHARACTERISTICS:
        if column in lookup:
            out[column] = keys.map(lookup[column]).values
    return out


def profile_safe_accommodation(clients: pd.DataFrame) -> SafeAccommodation | None:
    """The Part 4 tables; None when no record is of a safe-accommodation service."""
    records = safe_accommodation_records(clients)
    if records.empty:
        return None
    records = records.copy()
    outcome = _text_column(records, "referral_outcome")
    # A referral counts as supported unless recorded as unable to support.
    supported = records[outcome != "unable_to_support"]
    supported_people = (
        combine_people(supported) if "client_key" in supported and len(supported) else supported
    )
    # A person's characteristics come from every agency that recorded them: a refuge that does not record
    # sex still houses people whose sex the outreach service recorded.
    persons = combine_people(victim_records(clients)) if "client_key" in clients else None
    supported_people = _with_person_characteristics(supported_people, persons)
    # Each adult once, in the accommodation of their latest supported episode.
    if "client_key" in supported and len(supported):
        latest = (
            supported.sort_values(
                [c for c in ("referral_date", "referral_number", "source_row") if c in supported],
                kind="stable",
            )
            .groupby("client_key", sort=False)
            .tail(1)
        )
    else:
        latest = supported
    latest = _with_person_characteristics(latest, persons)
    sex = _text_column(latest, "sex")
    acc_latest = _text_column(latest, "accommodation_type")
    adults = _cross(
        acc_latest,
        ACCOMMODATION_TYPES,
        sex.map({"female": "women", "male": "men", "other": "other"}).fillna(NOT_RECORDED),
        ("women", "men", "other"),
        ACCOMMODATION_LABELS,
        {"women": "Women", "men": "Men", "other": "Other adults"},
    )
    children = _number_column(latest, "children_supported")
    child_counts = _cross(
        acc_latest,
        ACCOMMODATION_TYPES,
        None,
        (),
        ACCOMMODATION_LABELS,
        {"count": "Children"},
        children.fillna(0).astype(int),
    )["Children"]
    people = adults.drop(columns=TOTAL_LABEL).rename(columns={"Not recorded": "Adults, sex not recorded"})
    people["Children"] = child_counts
    people[TOTAL_LABEL] = people.sum(axis=1)
    people_supported = CrossTable(
        "safe_people_supported",
        "People supported in safe accommodation, by type of accommodation",
        people,
        "Accommodation type",
        "people supported (each adult once, in the accommodation of their latest stay; children as recorded "
        "with the adult)",
        [
            "The return also asks for trans adults; the client schema records sex as female, male or other, "
            "so trans adults are counted under their recorded sex.",
            "Sex is taken from every agency that recorded it, not only the accommodation service.",
        ],
    )
    sp_frames = {
        Unit.PEOPLE: {ALL_AGENCIES: derive(supported_people, Unit.PEOPLE)} if len(supported_people) else {}
    }
    specialist = share_table(
        "safe_specialist",
        "Specialist characteristics of people supported in safe accommodation",
        SPECIALIST,
        sp_frames,
        "people supported for whom the characteristic was recorded",
        [
            "Characteristics as the Part 4 return names them; check the current return's list before copying.",
            "A person's characteristics are taken from every agency that recorded them, not only the "
            "accommodation service.",
        ],
    )
    unable = records[outcome == "unable_to_support"]
    unable_table = CrossTable(
        "safe_unable_to_support",
        "Households unable to be supported, by reason and type of accommodation",
        _cross(
            _text_column(unable, "unable_reason"),
            UNABLE_REASONS,
            _text_column(unable, "accommodation_type"),
            ACCOMMODATION_TYPES,
            {"no_recourse": "No recourse to public funds", "needs_unmet": "Needs could not be met"},
            ACCOMMODATION_LABELS,
        ),
        "Reason",
        "referrals (households) recorded as unable to be supported",
        row_subtotal="Reason recorded",
        share=("Share of those with a reason recorded (%)", TOTAL_LABEL, None),
    )
    end_reason = _text_column(supported, "support_end_reason")
    destination = _text_column(supported, "move_on_destination")
    ended = supported[(end_reason != NOT_RECORDED) | (destination != NOT_RECORDED)]
    ended_table = CrossTable(
        "safe_support_ended",
        "Households whose support ended, by reason and type of accommodation",
        _cross(
            _text_column(ended, "support_end_reason"),
            SUPPORT_END_REASONS,
            _text_column(ended, "accommodation_type"),
            ACCOMMODATION_TYPES,
            {},
            ACCOMMODATION_LABELS,
        ),
        "Reason support ended",
        "supported households with a reason support ended or a move-on destination recorded",
        row_subtotal="Reason recorded",
        share=("Share of those with a reason recorded (%)", TOTAL_LABEL, None),
    )
    in_sanctuary = _text_column(ended, "accommodation_type") == "sanctuary"
    destinations = _cross(
        _text_column(ended[~in_sanctuary], "move_on_destination"),
        MOVE_ON_DESTINATIONS,
        None,
        (),
        {"family_friends": "Family or friends"},
        {"count": "Households"},
    )
    # Sanctuary households stay a row, so that this table's total is the one of the support-ended table
    # and their number cannot be found by subtracting one table from the other.
    sanctuary_row = pd.DataFrame({"Households": [int(in_sanctuary.sum())]}, index=[SANCTUARY_ROW])
    destinations = pd.concat([destinations.iloc[:-2], sanctuary_row, destinations.iloc[-2:]])
    destinations.loc[TOTAL_LABEL] = destinations.drop(index=TOTAL_LABEL).sum(axis=0)
    move_on = CrossTable(
        "safe_move_on",
        "Move-on destinations of households leaving safe accommodation",
        destinations,
        "Destination",
        "households whose support ended; destinations are asked for all but sanctuary schemes",
        row_subtotal="Destination recorded",
        share=("Share of those with a destination recorded (%)", "Households", None),
        outside_rows=(SANCTUARY_ROW,),
    )
    out_of_area = CrossTable(
        "safe_out_of_area",
        "Households supported from outside the area, by type of accommodation",
        _cross(
            _text_column(supported, "accommodation_type"),
            ACCOMMODATION_TYPES,
            _text_column(supported, "from_out_of_area"),
            (YES, NO),
            ACCOMMODATION_LABELS,
            {YES: "From outside the area", NO: "From within the area"},
        ),
        "Accommodation type",
        "supported referrals (households)",
        column_subtotal="Recorded",
        share=("From outside the area (% of those recorded)", "From outside the area", "Recorded"),
    )
    return SafeAccommodation(
        people_supported,
        specialist,
        unable_table,
        ended_table,
        move_on,
        out_of_area,
        households=len(records),
        agencies=_agencies(records),
        children_not_recorded=int(children.isna().sum()),
    )


# --- everything ------------------------------------------------------------------------------------------------


@dataclass
class ClientProfile:
    """The unsuppressed profile of a merged client table. Only `publish_profile` output leaves the tool."""

    victims: VictimProfile | None
    perpetrators: PerpetratorProfile | None
    safe_accommodation: SafeAccommodation | None


def profile_clients(clients: pd.DataFrame, population: Sequence[PopulationShares] = ()) -> ClientProfile:
    """Victim profile, perpetrator profile and safe-accommodation tables of a merged client table."""
    return ClientProfile(
        profile_victims(clients, population),
        profile_perpetrators(clients),
        profile_safe_accommodation(clients),
    )


# --- publishing: every table that leaves the tool, with disclosure control ------------------------------------

COUNT, BASE, NOT_RECORDED_COLUMN, SHARE = "Count", "Base (recorded)", "Not recorded", "Share of base (%)"
RECORDED_ROW, TOTAL_ROW, NOT_RECORDED_ROW = "Base (recorded)", "Total", "Not recorded"
PERCENT_FORMAT, COUNT_FORMAT = "0.0", "#,##0"


@dataclass
class PublishedTable:
    """A table ready to publish: counts suppressed, shares as percentages (1 dp) or a marker."""

    name: str
    title: str
    frame: pd.DataFrame
    base: str  # what counts are of and what each share divides by
    notes: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    chart_rows: int = 0  # the first rows (All agencies, people) to draw as a bar chart of `chart_value`
    chart_category: str = "Characteristic"
    chart_value: str = SHARE
    label_columns: list[str] = field(default_factory=lambda: ["Agency"])  # what names a row


@dataclass
class PublishedProfile:
    """The published profile: suppressed tables by sheet, and why each hidden cell is hidden."""

    rule: Rule
    victims: list[PublishedTable]
    perpetrators: list[PublishedTable]
    safe_accommodation: list[PublishedTable]
    log: list[SuppressionEntry]

    @property
    def tables(self) -> list[PublishedTable]:
        return self.victims + self.perpetrators + self.safe_accommodation

    def table(self, name: str) -> PublishedTable:
        return next(t for t in self.tables if t.name == name)

    def log_frame(self) -> pd.DataFrame:
        """The suppression log as a table: table, cell (row and column), kind and rule."""
        return log_frame(self.log)

    def long_frame(self) -> pd.DataFrame:
        """Every published table in one long frame (table, title, row, column, value) for a csv."""
        rows = []
        for t in self.tables:
            labels = [c for c in t.label_columns if c in t.frame.columns]
            for record in t.frame.to_dict("records"):
                row = " | ".join(str(record[c]) for c in labels)
                for column, value in record.items():
                    if column not in labels:
                        rows.append(
                            {"table": t.name, "title": t.title, "row": row, "column": column, "value": value}
                        )
        return pd.DataFrame(rows, columns=["table", "title", "row", "column", "value"])


def _percent(value: object) -> object:
    """A share from the disclosure module (0-1, None or a marker) as a percentage to 1 dp."""
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, int | float)
    return round(float(value) * 100, 1)


def _flag_or_value_label(c: Characteristic, value: str) -> str:
    if c.kind is Kind.FLAG:
        return {YES: "Yes", NO: "No"}[value]
    return c.labels.get(value, value.replace("_", " "))


def _block(
    counts: pd.DataFrame, values: Sequence[str], additive: bool, labels: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[Margin]]:
    """Counts (rows: values, not recorded; columns: groups) with Base and Total rows and their margins.

    `labels` renames rows (values to the words published). The block's labels are plain objects: it is
    only read by label, and pandas' string labels are slow to look up and copy in many small tables.
    """
    cells = counts.astype("int64").to_numpy()
    names = [labels.get(r, r) for r in counts.index] if labels else list(counts.index)
    at = {label: i for i, label in enumerate(names)}
    recorded = cells[[at[v] for v in values]].sum(axis=0)
    total = recorded + cells[at[NOT_RECORDED]]
    block = pd.DataFrame(
        np.vstack([cells, recorded, total]),
        index=pd.Index([*names, RECORDED_ROW, TOTAL_ROW], dtype=object),
        columns=pd.Index(list(counts.columns), dtype=object),
    )
    rows = [(RECORDED_ROW, list(values)), (TOTAL_ROW, [RECORDED_ROW, NOT_RECORDED])]
    columns = []
    if additive:
        columns = [(ALL_AGENCIES, [g for g in block.columns if g != ALL_AGENCIES])]
    margins = margins_of(rows, columns, row_labels=list(block.index), column_labels=list(block.columns))
    return block, margins


Sizes = dict[str, bool]  # group -> is its size (people or referrals) visible in the counts table


def _disclose_groups(
    block: pd.DataFrame,
    margins: list[Margin],
    additive: bool,
    rule: Rule,
    name: str,
    sizes: Sizes | None = None,
) -> tuple[pd.DataFrame, list[SuppressionEntry]]:
    """Suppress a block with a share of the base row for every group: all groups at once when they add up
    (referrals), else each group on its own (people are not additive across agencies).

    The Total row is each group's size, which the counts table publishes (or hides): it is passed on as
    known (or hidden), so that no table undoes another.
    """
    sizes = sizes or {}

    def known(groups: Sequence[str]) -> list[tuple[str, str]]:
        return [(TOTAL_ROW, g) for g in groups if sizes.get(g) is True]

    def hidden(groups: Sequence[str]) -> list[tuple[str, str]]:
        return [(TOTAL_ROW, g) for g in groups if sizes.get(g) is False]

    shares = {f"{SHARE}|{g}": (g, None) for g in block.columns}
    if additive or block.shape[1] == 1:
        out = apply_disclosure(
            block,
            rule,
            table_name=name,
            margins=margins,
            shares=shares,
            share_base_row=RECORDED_ROW,
            known=known(list(block.columns)),
            hidden=hidden(list(block.columns)),
        )
        return out.display, out.log
    cells = block.to_numpy()
    found = np.empty((len(block.index), 2 * len(block.columns)), dtype=object)
    log = []
    for j, g in enumerate(block.columns):
        own = [m for m in margins if m.total[1] == g]
        out = apply_disclosure(
            pd.DataFrame(cells[:, [j]], index=block.index, columns=pd.Index([g], dtype=object)),
            rule,
            table_name=name,
            margins=own,
            shares={f"{SHARE}|{g}": (g, None)},
            share_base_row=RECORDED_ROW,
            known=known([g]),
            hidden=hidden([g]),
        )
        shown = out.display.to_numpy()
        found[:, j], found[:, len(block.columns) + j] = shown[:, 0], shown[:, 1]
        log += out.log
    display = pd.DataFrame(
        found, index=block.index, columns=pd.Index([*block.columns, *shares], dtype=object), dtype=object
    )
    return display, log


def _lookup(display: pd.DataFrame) -> dict[tuple[Hashable, Hashable], object]:
    """Every cell of a published block by (row, column): reading cells one by one from the frame is slow."""
    cells = display.to_numpy()
    return {(r, c): cells[i, j] for i, r in enumerate(display.index) for j, c in enumerate(display.columns)}


def _publish_share_table(
    table: ShareTable, rule: Rule, sizes: dict[Unit, Sizes] | None = None
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """One row per shown value, group and unit: count, base (recorded), not recorded and share."""
    with_values = any(it.characteristic.kind is Kind.CATEGORY for it in table.items)
    rows: list[dict[str, object]] = []
    log: list[SuppressionEntry] = []
    by_unit: dict[Unit, list[tuple[ShareCounts, dict[tuple[Hashable, Hashable], object]]]] = {}
    for item in table.items:
        c = item.characteristic
        labels = {v: _flag_or_value_label(c, v) for v in c.values}
        values = [_flag_or_value_label(c, v) for v in c.values]
        block, margins = _block(item.counts, values, item.additive, labels)
        name = f"{table.title} ({item.unit.value}): {c.label}"
        display, entries = _disclose_groups(
            block, margins, item.additive, rule, name, (sizes or {}).get(item.unit)
        )
        by_unit.setdefault(item.unit, []).append((item, _lookup(display)))
        log += _translate_log(entries, c, item.unit, with_values)
    for unit, items in by_unit.items():
        groups = list(items[0][0].counts.columns)
        for g in groups:
            for item, display in items:
                c = item.characteristic
                for v in c.shown:
                    label = _flag_or_value_label(c, v)
                    row: dict[str, object] = {"Agency": g, "Counted": unit.value, "Characteristic": c.label}
                    if with_values:
                        row["Value"] = label
                    row[COUNT] = display[label, g]
                    row[BASE] = display[RECORDED_ROW, g]
                    row[NOT_RECORDED_COLUMN] = display[NOT_RECORDED, g]
                    row[SHARE] = _percent(display[label, f"{SHARE}|{g}"])
                    rows.append(row)
    frame = pd.DataFrame(rows)
    chart_rows = 0
    if table.chart and len(frame):
        first = (frame["Agency"] == ALL_AGENCIES) & (frame["Counted"] == Unit.PEOPLE.value)
        chart_rows = int(first.sum()) if bool(first.iloc[: int(first.sum())].all()) else 0
    published = PublishedTable(
        table.name,
        table.title,
        frame,
        f"Share of {table.base}",
        list(table.notes),
        dict.fromkeys((COUNT, BASE, NOT_RECORDED_COLUMN), COUNT_FORMAT) | {SHARE: PERCENT_FORMAT},
        chart_rows=chart_rows,
        label_columns=["Agency", "Counted", "Characteristic", *(["Value"] if with_values else [])],
    )
    return published, log


def _translate_log(
    entries: list[SuppressionEntry], c: Characteristic, unit: Unit, with_values: bool
) -> list[SuppressionEntry]:
    """Name each hidden cell as it appears in the published table; cells not published are left out."""
    shown = {_flag_or_value_label(c, v) for v in c.shown}
    out = []
    for e in entries:
        group, share = e.column, False
        if e.column.startswith(f"{SHARE}|"):
            group, share = e.column.split("|", 1)[1], True
        if share and e.row not in shown:
            continue
        if e.row in shown:
            targets = [(e.row, SHARE if share else COUNT)]
        elif e.row == RECORDED_ROW:
            targets = [(v, BASE) for v in sorted(shown)]
        elif e.row == NOT_RECORDED:
            targets = [(v, NOT_RECORDED_COLUMN) for v in sorted(shown)]
        else:  # "No" and "Total" are not published; the log explains published cells
            continue
        for value, column in targets:
            where = f"{group}, {unit.value}: {c.label}" + (f": {value}" if with_values else "")
            out.append(SuppressionEntry(e.table.split(" (")[0], where, column, e.kind, e.reason))
    return out


def _publish_duration(
    stats: list[DurationStats], rule: Rule, name: str, sizes: dict[Unit, Sizes] | None = None
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """Mean and median length of abuse, hidden with their count; nhsd also hides them below 8 people."""
    rows, log = [], []
    for unit in (Unit.PEOPLE, Unit.REFERRALS):
        mine = [d for d in stats if d.unit is unit]
        if not mine:
            continue
        counts = pd.DataFrame(
            {d.group: [d.recorded, d.not_recorded] for d in mine}, index=["Length recorded", NOT_RECORDED]
        )
        additive = unit is Unit.REFERRALS and len(mine) > 1
        block, margins = _block(counts, ["Length recorded"], additive)
        title = "Length of abuse before support"
        display, entries = _disclose_groups(block, margins, additive, rule, title, (sizes or {}).get(unit))
        for e in entries:
            if e.row == RECORDED_ROW and not e.column.startswith(SHARE):
                log.append(SuppressionEntry(title, f"{e.column}, {unit.value}", "Recorded", e.kind, e.reason))
            elif e.row == NOT_RECORDED and not e.column.startswith(SHARE):
                log.append(
                    SuppressionEntry(title, f"{e.column}, {unit.value}", "Not recorded", e.kind, e.reason)
                )
        for d in mine:
            n = display.at[RECORDED_ROW, d.group]
            hidden = isinstance(n, str)
            row: dict[str, object] = {
                "Agency": d.group,
                "Counted": unit.value,
                "Recorded": n,
                "Not recorded": display.at[NOT_RECORDED, d.group],
            }
            for label, value, scale in (
                ("Mean (years)", d.mean_months, 12),
                ("Median (years)", d.median_months, 12),
                ("Mean (months)", d.mean_months, 1),
                ("Median (months)", d.median_months, 1),
            ):
                if hidden:
                    row[label] = rule.share_marker
                    log.append(
                        SuppressionEntry(
                            title,
                            f"{d.group}, {unit.value}",
                            label,
                            "share",
                            "statistic of a suppressed count",
                        )
                    )
                else:
                    row[label] = None if value is None else round(value / scale, 1)
            rows.append(row)
    frame = pd.DataFrame(rows)
    return (
        PublishedTable(
            name,
            "Length of abuse before support",
            frame,
            "those whose length of abuse before referral was recorded",
            [
                "Mean and median of the length of abuse before the person's first referral in the period. "
                "They are hidden when the number they are based on is."
            ],
            {"Recorded": COUNT_FORMAT, "Not recorded": COUNT_FORMAT}
            | dict.fromkeys(("Mean (years)", "Median (years)", "Mean (months)", "Median (months)"), "0.0"),
            label_columns=["Agency", "Counted"],
        ),
        log,
    )


def _publish_representation(
    demographics: PublishedTable, population: Sequence[PopulationShares], rule: Rule
) -> PublishedTable | None:
    """Clients' shares beside the population's, from the published counts only (so nothing new leaks).

    The comparison base leaves out values the population figures do not cover (under 16s against a
    population aged 16+, "other" sex); when one of those is hidden, the comparison is hidden too.
    """
    if not population:
        return None
    by_column = {p.column: p for p in population}
    characteristic_of = {c.label: c for c in DEMOGRAPHICS}
    frame = demographics.frame
    people = frame[frame["Counted"] == Unit.PEOPLE.value]
    rows = []
    for (group, label), part in people.groupby(["Agency", "Characteristic"], sort=False):
        c = characteristic_of.get(str(label))
        if c is None or c.column not in by_column:
            continue
        pop = by_column[c.column]
        compared = [v for v in c.values if v in pop.shares] if c.kind is Kind.CATEGORY else [YES]
        if not compared:
            continue
        value_of = (
            {_flag_or_value_label(c, v): v for v in c.values} if c.kind is Kind.CATEGORY else {"Yes": YES}
        )
        base = part[BASE].iloc[0]
        left_out = [
            part.loc[part["Value"] == lab, COUNT].iloc[0] for lab, v in value_of.items() if v not in compared
        ]
        hidden_base = isinstance(base, str) or any(isinstance(x, str) for x in left_out)
        compared_base = None if hidden_base else int(base) - int(sum(left_out))
        for _, r in part.iterrows():
            v = value_of.get(str(r.get("Value", "Yes")))
            if v not in compared:
                continue
            count = r[COUNT]
            row: dict[str, object] = {
                "Agency": group,
                "Characteristic": label,
                "Value": r.get("Value", "Yes"),
            }
            row[COUNT] = count
            row["Base compared"] = rule.share_marker if compared_base is None else compared_base
            pop_share = pop.shares.get(v, 0.0)
            row["Population share (%)"] = round(pop_share * 100, 1)
            if isinstance(count, str) or compared_base is None:
                row["Client share (%)"] = rule.share_marker
                row["Difference (percentage points)"] = rule.share_marker
                row["Compared with the population"] = rule.share_marker
            elif compared_base == 0:
                row["Client share (%)"] = None
                row["Difference (percentage points)"] = None
                row["Compared with the population"] = None
            else:
                share = int(count) / compared_base
                row["Client share (%)"] = round(share * 100, 1)
                row["Difference (percentage points)"] = round((share - pop_share) * 100, 1)
                row["Compared with the population"] = compare_with_population(
                    int(count), compared_base, pop_share
                )
            rows.append(row)
    if not rows:
        return None
    sources = "; ".join(dict.fromkeys(p.source for p in population))
    columns = [
        "Agency",
        "Characteristic",
        "Value",
        COUNT,
        "Base compared",
        "Client share (%)",
        "Population share (%)",
        "Difference (percentage points)",
        "Compared with the population",
    ]
    return PublishedTable(
        "victims_representation",
        "Victims compared with the local population",
        pd.DataFrame(rows)[columns],
        "people for whom the characteristic was recorded, within the groups the population figures cover "
        f"(population: {sources})",
        [
            "Over- or under-represented: the population share lies outside the 95% (Wilson) interval of the "
            "clients' share; otherwise similar. Computed from the published counts.",
            "Age is compared for people aged 16 and over, against residents aged 16 and over; sex for women "
            "and men.",
        ],
        {COUNT: COUNT_FORMAT, "Base compared": COUNT_FORMAT}
        | dict.fromkeys(
            ("Client share (%)", "Population share (%)", "Difference (percentage points)"), "0.0"
        ),
        label_columns=["Agency", "Characteristic", "Value"],
    )


def _publish_cross(table: CrossTable, rule: Rule) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """A Part 4 table with its Total row and column (and a Recorded subtotal), suppressed as a whole."""
    counts = table.counts.astype("int64").copy()
    outside = list(table.outside_rows)
    data_rows = [r for r in counts.index if r not in (NOT_RECORDED_ROW, TOTAL_ROW, *outside)]
    if table.row_subtotal:
        counts.loc[table.row_subtotal] = counts.loc[data_rows].sum(axis=0)
        order = [*data_rows, table.row_subtotal, *outside, NOT_RECORDED_ROW, TOTAL_ROW]
        counts = counts.loc[[r for r in order if r in counts.index]]
    data_cols = [c for c in counts.columns if c not in (NOT_RECORDED_ROW, TOTAL_ROW)]
    if table.column_subtotal:
        counts.insert(len(data_cols), table.column_subtotal, counts[data_cols].sum(axis=1))
    row_eqs = _equations(
        data_rows,
        table.row_subtotal,
        [*outside, *([NOT_RECORDED_ROW] if NOT_RECORDED_ROW in counts.index else [])],
    )
    col_eqs = (
        _equations(
            data_cols, table.column_subtotal, [NOT_RECORDED_ROW] if NOT_RECORDED_ROW in counts.columns else []
        )
        if TOTAL_ROW in counts.columns
        else []
    )
    margins = margins_of(row_eqs, col_eqs, row_labels=list(counts.index), column_labels=list(counts.columns))
    shares = {}
    if table.share:
        column, numerator, denominator = table.share
        shares = {column: (numerator, denominator)}
    out = apply_disclosure(
        counts,
        rule,
        table_name=table.title,
        margins=margins,
        shares=shares,
        share_base_row=table.row_subtotal or TOTAL_ROW,
    )
    display = out.display
    for column in shares:
        display[column] = display[column].map(_percent)
        if table.share and table.share[2] is None:  # a share of the base row means nothing below it
            display.loc[[*outside, NOT_RECORDED_ROW, TOTAL_ROW], column] = None
    log = [e for e in out.log if not (e.kind == "share" and e.row in (*outside, NOT_RECORDED_ROW, TOTAL_ROW))]
    frame = display.reset_index(names=table.row_label)
    formats = dict.fromkeys(counts.columns, COUNT_FORMAT) | dict.fromkeys(shares, PERCENT_FORMAT)
    published = PublishedTable(
        table.name,
        table.title,
        frame,
        table.base,
        list(table.notes),
        formats,
        label_columns=[table.row_label],
    )
    return published, log


def _equations(data: list[str], subtotal: str | None, rest: list[str]) -> list[tuple[str, list[str]]]:
    """Total = data (+ rest), or subtotal = data and Total = subtotal + rest."""
    if subtotal:
        return [(subtotal, data), (TOTAL_ROW, [subtotal, *rest])]
    return [(TOTAL_ROW, data + rest)]


def _publish_people(
    people: dict[str, int], referrals: dict[str, int], rule: Rule, name: str, title: str, what: str
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """People and referrals per agency; referrals add up across agencies, people need not."""
    groups = list(people)
    counts = pd.DataFrame(
        {"People": [people[g] for g in groups], "Referrals": [referrals[g] for g in groups]}
    )
    counts.index = groups
    agencies = [g for g in groups if g != ALL_AGENCIES]
    margins = []
    if len(agencies) > 1:
        margins = [Margin((ALL_AGENCIES, "Referrals"), tuple((g, "Referrals") for g in agencies))]
    out = apply_disclosure(counts, rule, table_name=title, margins=margins)
    frame = out.display.reset_index(names="Agency")
    return (
        PublishedTable(
            name,
            title,
            frame,
            f"{what}: each person once per agency and once in All agencies; every referral",
            ["A person known to several agencies is counted once for each, and once in All agencies."],
            {"People": COUNT_FORMAT, "Referrals": COUNT_FORMAT},
        ),
        out.log,
    )


def _visible_sizes(counts: PublishedTable) -> dict[Unit, Sizes]:
    """Which group sizes the counts table shows: people and referrals per agency."""
    frame = counts.frame
    return {
        unit: {
            str(agency): not isinstance(value, str)
            for agency, value in zip(frame["Agency"], frame[column], strict=True)
        }
        for unit, column in ((Unit.PEOPLE, "People"), (Unit.REFERRALS, "Referrals"))
    }


def _adults_visible(people_supported: PublishedTable) -> bool:
    """Whether the number of adults supported can be read from the people-supported table."""
    total = people_supported.frame.iloc[-1]
    adult_columns = [c for c in people_supported.frame.columns[1:] if c not in ("Children", TOTAL_ROW)]
    if all(not isinstance(total[c], str) for c in adult_columns):
        return True
    return not isinstance(total[TOTAL_ROW], str) and not isinstance(total["Children"], str)


def _group_sizes(table: ShareTable) -> tuple[dict[str, int], dict[str, int]]:
    """People and referrals in each group, from the first characteristic's totals."""
    sizes: dict[Unit, dict[str, int]] = {}
    for item in table.items:
        if item.unit not in sizes:
            sizes[item.unit] = {g: int(item.counts[g].sum()) for g in item.counts.columns}
    return sizes.get(Unit.PEOPLE, {}), sizes.get(Unit.REFERRALS, {})


def publish_profile(profile: ClientProfile, rule: Rule = DEFAULT_RULE) -> PublishedProfile:
    """Apply disclosure control to every table of the profile; the result is all that may be published."""
    victims: list[PublishedTable] = []
    perpetrators: list[PublishedTable] = []
    safe: list[PublishedTable] = []
    log: list[SuppressionEntry] = []

    def add(
        target: list[PublishedTable], result: tuple[PublishedTable, list[SuppressionEntry]]
    ) -> PublishedTable:
        target.append(result[0])
        log.extend(result[1])
        return result[0]

    v = profile.victims
    if v is not None:
        people, referrals = _group_sizes(v.demographics)
        counts = add(
            victims,
            _publish_people(people, referrals, rule, "victims_counts", "Victims in this profile", "victims"),
        )
        sizes = _visible_sizes(counts)
        demographics = add(victims, _publish_share_table(v.demographics, rule, sizes))
        representation = _publish_representation(demographics, v.population, rule)
        if representation is not None:
            victims.append(representation)
        for table in (v.needs, v.children, v.multiple_needs, v.abuse_types, v.abuse_context):
            add(victims, _publish_share_table(table, rule, sizes))
        add(victims, _publish_duration(v.duration, rule, "victims_abuse_duration", sizes))
        add(victims, _publish_share_table(v.outcomes, rule, sizes))
    p = profile.perpetrators
    if p is not None:
        people, referrals = _group_sizes(p.characteristics)
        counts = add(
            perpetrators,
            _publish_people(
                people, referrals, rule, "perpetrators_counts", "Perpetrators in this profile", "perpetrators"
            ),
        )
        sizes = _visible_sizes(counts)
        for table in p.tables:
            add(perpetrators, _publish_share_table(table, rule, sizes))
    s = profile.safe_accommodation
    if s is not None:
        adults: dict[Unit, Sizes] = {}
        for part4 in s.tables:
            if isinstance(part4, ShareTable):
                if part4.items:
                    add(safe, _publish_share_table(part4, rule, adults))
            else:
                published = add(safe, _publish_cross(part4, rule))
                if part4 is s.people_supported:
                    adults = {Unit.PEOPLE: {ALL_AGENCIES: _adults_visible(published)}}
                if part4 is s.people_supported and s.children_not_recorded:
                    published.notes.append(
                        "The number of children supported was not recorded for "
                        f"{format_count(s.children_not_recorded, rule)} of the adults; their children are "
                        "not counted."
                    )
    return PublishedProfile(rule, victims, perpetrators, safe, log)


def headline_lines(published: PublishedProfile) -> list[str]:
    """A few published figures for the terminal: each need and type of abuse of all victims, as shares."""
    lines = []
    for name in ("victims_counts", "victims_needs", "victims_abuse_types", "perpetrators_needs"):
        try:
            table = published.table(name)
        except StopIteration:
            continue
        frame = table.frame
        if name.endswith("_counts"):
            row = frame[frame["Agency"] == ALL_AGENCIES].iloc[0]
            lines.append(
                f"{table.title}: {_number(row['People'])} people, {_number(row['Referrals'])} referrals"
            )
            continue
        rows = frame[(frame["Agency"] == ALL_AGENCIES) & (frame["Counted"] == Unit.PEOPLE.value)]
        parts = []
        for _, r in rows.iterrows():
            share = r[SHARE]
            shown = f"{share:.0f}%" if isinstance(share, int | float) and share == share else str(share)
            parts.append(f"{r['Characteristic'].lower()} {shown} ({_number(r[COUNT])} of {_number(r[BASE])})")
        lines.append(f"{table.title} (all agencies, people): " + "; ".join(parts))
    return lines


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
