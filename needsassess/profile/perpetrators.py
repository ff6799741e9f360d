"""The perpetrator profile, from police or perpetrator-programme records."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from needsassess.profile.characteristics import PERPETRATOR, Kind, Unit
from needsassess.profile.counting import (
    ShareCounts,
    ShareTable,
    agencies_in,
    frames_by_unit,
    people_in,
    perpetrator_records,
    share_table,
)


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


def profile_perpetrators(clients: pd.DataFrame) -> PerpetratorProfile | None:
    """The perpetrator profile; None when the merged table holds no perpetrator records."""
    records = perpetrator_records(clients)
    if records.empty:
        return None
    frames = frames_by_unit(records)
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
        people=people_in(records),
        referrals=len(records),
        agencies=agencies_in(records),
    )
