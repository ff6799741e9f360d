"""The Domestic Abuse Act 2021 Part 4 annual-return tables, from the records of safe-accommodation services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from needsassess.profile.characteristics import (
    ACCOMMODATION_LABELS,
    ACCOMMODATION_TYPES,
    ALL_AGENCIES,
    MOVE_ON_DESTINATIONS,
    NO,
    NOT_RECORDED,
    SPECIALIST,
    SUPPORT_END_REASONS,
    UNABLE_REASONS,
    YES,
    Unit,
)
from needsassess.profile.counting import (
    ShareTable,
    agencies_in,
    combine_people,
    derive,
    number_column,
    share_table,
    text_column,
    victim_records,
)


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
    service = text_column(records, "service_type")
    accommodation = text_column(records, "accommodation_type")
    outcome = text_column(records, "referral_outcome")
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
    outcome = text_column(records, "referral_outcome")
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
    sex = text_column(latest, "sex")
    acc_latest = text_column(latest, "accommodation_type")
    adults = _cross(
        acc_latest,
        ACCOMMODATION_TYPES,
        sex.map({"female": "women", "male": "men", "other": "other"}).fillna(NOT_RECORDED),
        ("women", "men", "other"),
        ACCOMMODATION_LABELS,
        {"women": "Women", "men": "Men", "other": "Other adults"},
    )
    children = number_column(latest, "children_supported")
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
            text_column(unable, "unable_reason"),
            UNABLE_REASONS,
            text_column(unable, "accommodation_type"),
            ACCOMMODATION_TYPES,
            {"no_recourse": "No recourse to public funds", "needs_unmet": "Needs could not be met"},
            ACCOMMODATION_LABELS,
        ),
        "Reason",
        "referrals (households) recorded as unable to be supported",
        row_subtotal="Reason recorded",
        share=("Share of those with a reason recorded (%)", TOTAL_LABEL, None),
    )
    end_reason = text_column(supported, "support_end_reason")
    destination = text_column(supported, "move_on_destination")
    ended = supported[(end_reason != NOT_RECORDED) | (destination != NOT_RECORDED)]
    ended_table = CrossTable(
        "safe_support_ended",
        "Households whose support ended, by reason and type of accommodation",
        _cross(
            text_column(ended, "support_end_reason"),
            SUPPORT_END_REASONS,
            text_column(ended, "accommodation_type"),
            ACCOMMODATION_TYPES,
            {},
            ACCOMMODATION_LABELS,
        ),
        "Reason support ended",
        "supported households with a reason support ended or a move-on destination recorded",
        row_subtotal="Reason recorded",
        share=("Share of those with a reason recorded (%)", TOTAL_LABEL, None),
    )
    in_sanctuary = text_column(ended, "accommodation_type") == "sanctuary"
    destinations = _cross(
        text_column(ended[~in_sanctuary], "move_on_destination"),
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
            text_column(supported, "accommodation_type"),
            ACCOMMODATION_TYPES,
            text_column(supported, "from_out_of_area"),
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
        agencies=agencies_in(records),
        children_not_recorded=int(children.isna().sum()),
    )
