"""The whole needs profile of a merged client table: victims, perpetrators and the Part 4 tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from needsassess.profile.perpetrators import PerpetratorProfile, profile_perpetrators
from needsassess.profile.representation import PopulationShares
from needsassess.profile.safe_accommodation import SafeAccommodation, profile_safe_accommodation
from needsassess.profile.victims import VictimProfile, profile_victims


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
