"""The headline indicators of police-recorded domestic abuse: what is counted, and the rates and shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

NOT_RECORDED_LABEL = "Not recorded"

INDICATORS: tuple[tuple[str, str, str | None, bool], ...] = (
    # key, label, denominator key (for the share), shown per 1,000 aged 16+
    ("incidents", "Domestic abuse incidents and crimes", None, True),
    ("crimes", "Domestic abuse-related crimes", "incidents", True),
    ("non_crime", "Non-crime domestic incidents", "incidents", True),
    ("victims", "Victims (people)", None, True),
    ("repeat_victims", "Repeat victims (another incident within 12 months)", "victims", True),
    ("repeat_incidents", "Repeat incidents (within 12 months of the last)", "keyed_incidents", True),
    ("high_risk", "High-risk incidents", "risk_assessed", True),
    ("children_present", "Incidents with children present", "incidents", True),
    ("children_involved", "Children involved (in incidents with children present)", None, False),
    ("alcohol", "Incidents involving alcohol", "alcohol_recorded", False),
)
DENOMINATOR_LABELS = {
    "incidents": "incidents and crimes",
    "victims": "victims",
    "keyed_incidents": "incidents with a victim key",
    "risk_assessed": "incidents with a risk assessment",
    "alcohol_recorded": "incidents with alcohol recorded",
}


def count_figures(frame: pd.DataFrame) -> dict[str, int]:
    """The counts behind INDICATORS (and their denominators) for a frame of incidents."""
    keyed = frame["victim_key"].notna()
    present = frame["children_present"] == "yes"
    counted_children = present & frame["children_count"].notna()
    return {
        "incidents": len(frame),
        "crimes": int((frame["crime"] == "crime").sum()),
        "non_crime": int((frame["crime"] == "non_crime").sum()),
        "crime_not_recorded": int(frame["crime"].isna().sum()),
        "victims": int(frame.loc[keyed, "victim_key"].nunique()),
        "keyed_incidents": int(keyed.sum()),
        "repeat_incidents": int(frame["repeat"].sum()),
        "repeat_victims": int(frame.loc[frame["repeat"], "victim_key"].nunique()),
        "risk_assessed": int(frame["risk"].notna().sum()),
        "high_risk": int((frame["risk"] == "high").sum()),
        "medium_risk": int((frame["risk"] == "medium").sum()),
        "standard_risk": int((frame["risk"] == "standard").sum()),
        "children_present": int(present.sum()),
        "children_counted": int(counted_children.sum()),
        "children_involved": int(frame.loc[counted_children, "children_count"].sum()),
        "alcohol": int((frame["alcohol"] == "yes").sum()),
        "alcohol_recorded": int(frame["alcohol"].notna().sum()),
        "female_victims": int((frame["victim_sex"] == "female").sum()),
        "victim_sex_recorded": int(frame["victim_sex"].isin(["female", "male"]).sum()),
    }


def about_count(n: int, noun: str) -> str:
    """A count for a note, never a small number that disclosure control would hide in a table."""
    if n < 10:
        return f"Fewer than 10 {noun}s"
    return f"{n:,} {noun}s"


def rate_per_1000(count: float, population: float) -> float | None:
    """Count per 1,000 population, or None when there is no population."""
    return None if not population else 1000 * count / population


def share_pct(count: float, denominator: float) -> float | None:
    """Count as a percentage of its denominator, or None when the denominator is 0."""
    return None if not denominator else 100 * count / denominator
