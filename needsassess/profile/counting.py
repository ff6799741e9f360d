"""Counting characteristics over people and referrals, per agency and for all agencies together.

People and referrals. A referral is one row of the merged table. A person is one `client_key`: within an
agency, all of that person's referrals to it; for "All agencies", all of their referrals to any agency.
A person's episodes are combined so that nothing recorded is lost: a need or type of abuse is "yes" if
any episode records it, "no" if none does and at least one records "no"; characteristics at entry (sex,
age, ethnic group, employment, risk, length of abuse...) come from the earliest episode that records
them; outcomes at exit come from the latest episode that records them.

Every share is of the people (or referrals) for whom the item was recorded; "not recorded" is counted
beside it and never folded into "no". Everything here is unsuppressed: only `profile.publish` output
leaves the tool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from needsassess.clients import schema
from needsassess.profile.characteristics import (
    ALL_AGENCIES,
    AT_EXIT,
    FLAG_FIELDS,
    IN_WORK_OR_LEARNING,
    NEEDS_COUNTED,
    NO,
    NOT_RECORDED,
    SPECIALIST,
    YES,
    Characteristic,
    Unit,
)

# --- records -------------------------------------------------------------------------------------------


def text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A categorical or flag column as plain text, with every kind of missing as "not recorded".

    Values of the merged table are canonical already (no stray spaces), so only missing and empty cells
    need replacing; this stays vectorised for a million rows.
    """
    if name not in frame:
        return pd.Series(NOT_RECORDED, index=frame.index, dtype=object)
    values = frame[name].to_numpy(dtype=object, na_value=None)
    missing = pd.isna(values) | (values == "")
    return pd.Series(np.where(missing, NOT_RECORDED, values), index=frame.index, dtype=object)


def number_column(frame: pd.DataFrame, name: str) -> pd.Series:
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
        return new[name] if name in new else text_column(frame, name)

    def flag_of(condition: pd.Series | np.ndarray, recorded: pd.Series | np.ndarray) -> pd.Series:
        return obj(np.where(recorded, np.where(condition, YES, NO), NOT_RECORDED))

    employment = text("employment_status")
    new["neet"] = flag_of(~employment.isin(IN_WORK_OR_LEARNING), employment != NOT_RECORDED)
    age = number_column(frame, "age")
    new["age_band"] = _age_bands(age)
    if "age" not in frame and "age_band" in frame:  # a table with bands only
        new["age_band"] = text_column(frame, "age_band")
    children = number_column(frame, "children_count")
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
        number = number_column(frame, "referral_number")
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
            months = number_column(frame, "abuse_duration_months")
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


def frames_by_unit(records: pd.DataFrame) -> dict[Unit, dict[str, pd.DataFrame]]:
    """The rows to count for people and for referrals, per group."""
    return {unit: units_frames(records, unit) for unit in (Unit.PEOPLE, Unit.REFERRALS)}


def people_in(records: pd.DataFrame) -> int:
    """Distinct people (client keys); every row when the table has no keys."""
    return int(records["client_key"].nunique()) if "client_key" in records else len(records)


def agencies_in(records: pd.DataFrame) -> list[str]:
    """The agencies of the records, in the order met."""
    return list(dict.fromkeys(str(a) for a in records["agency"])) if "agency" in records else []
