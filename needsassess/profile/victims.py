"""The victim profile: who the victims are, their needs, the abuse, outcomes, per agency and combined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from needsassess.profile.characteristics import (
    ABUSE_CONTEXT,
    ABUSE_TYPES,
    ALL_AGENCIES,
    CHILDREN,
    DEMOGRAPHICS,
    MULTIPLE_NEEDS,
    NEEDS,
    OUTCOMES,
    Unit,
)
from needsassess.profile.counting import (
    DurationStats,
    ShareTable,
    agencies_in,
    duration_stats,
    frames_by_unit,
    groups_of,
    people_in,
    share_table,
    victim_records,
)
from needsassess.profile.representation import PopulationShares


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


def profile_victims(
    clients: pd.DataFrame, population: Sequence[PopulationShares] = ()
) -> VictimProfile | None:
    """The victim profile of the merged client table; None when it holds no victim records."""
    records = victim_records(clients)
    if records.empty:
        return None
    frames = frames_by_unit(records)
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
        people=people_in(records),
        referrals=len(records),
        agencies=[g.label for g in groups_of(records) if g.agency is not None] or agencies_in(records),
    )
