"""How much of the estimated need reaches anyone: a funnel from the estimated victims of the last year
(prevalence stage) to those reported to the police, referred to specialist services and supported. The
steps count different things (survey estimates of residents of some ages, police victims of all ages,
people known to services), so the ratios between them are indicative only; a step without data is left out
with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from needsassess.errors import ConfigError, Problem

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ReachStep:
    """One step of the funnel: a number of people (or incidents), what it counts, where it came from."""

    key: str
    label: str
    counts: str  # what exactly is counted
    value: float | None
    source: str
    is_estimate: bool = False  # estimates are rounded, never suppressed
    rounded: float | None = None


@dataclass
class ReachResult:
    """The funnel from estimated victims to people supported, with the steps that had no data."""

    area_name: str
    steps: list[ReachStep]
    missing: list[tuple[str, str]] = field(default_factory=list)  # (step label, why)
    caveat: str = ""

    @property
    def estimated(self) -> ReachStep | None:
        return next((s for s in self.steps if s.key == "estimated"), None)

    def table(self) -> pd.DataFrame:
        """Steps with the value, its share of the estimated victims and of the step before."""
        import pandas as pd

        base = self.estimated.value if self.estimated is not None else None
        records = []
        previous = None
        for step in self.steps:
            value = step.rounded if step.is_estimate and step.rounded is not None else step.value
            records.append(
                {
                    "key": step.key,
                    "step": step.label,
                    "counts": step.counts,
                    "value": value,
                    "unrounded": step.value,
                    "pct_of_estimated": None
                    if base in (None, 0) or step.key == "estimated" or step.value is None
                    else 100 * step.value / base,
                    "pct_of_previous": None
                    if previous in (None, 0) or step.value is None
                    else 100 * step.value / previous,
                    "is_estimate": step.is_estimate,
                    "source": step.source,
                }
            )
            previous = step.value
        frame = pd.DataFrame.from_records(
            records,
            columns=[
                "key",
                "step",
                "counts",
                "value",
                "unrounded",
                "pct_of_estimated",
                "pct_of_previous",
                "is_estimate",
                "source",
            ],
        )
        for col in ("value", "unrounded", "pct_of_estimated", "pct_of_previous"):
            frame[col] = frame[col].astype("float64")
        return frame


REACH_STEPS = (
    ("estimated", "Estimated victims in the last year"),
    ("police", "Reported to the police"),
    ("referred", "Referred to specialist services"),
    ("supported", "Supported by specialist services"),
)
REACH_CAVEAT = (
    "The steps measure different things and are not nested: the estimate is of residents of the ages the "
    "survey covered who experienced domestic abuse in a year; the police count victims of recorded "
    "incidents of all ages in the police year; services count the people referred to and supported by "
    "them, some of whom never reported to the police. The percentages show the scale of the gap, not a "
    "share of one group."
)


def build_reach(
    area_name: str, steps: dict[str, ReachStep | None], why_missing: dict[str, str]
) -> ReachResult:
    """Order the steps that have data into a funnel; list the others with the reason they are missing."""
    present, missing = [], []
    for key, label in REACH_STEPS:
        step = steps.get(key)
        if step is None or step.value is None:
            missing.append((label, why_missing.get(key, "no data for this step")))
            continue
        present.append(step)
    if len(present) < 2:
        raise ConfigError(
            None,
            Problem(
                "reach-needs-two-steps",
                "the reach funnel needs at least two steps; missing: "
                + "; ".join(f"{label} ({why})" for label, why in missing),
            ),
        )
    return ReachResult(area_name, present, missing, REACH_CAVEAT)
