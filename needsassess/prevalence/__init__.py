"""Estimated local victims: `estimate` applies a pack's national survey rates to the local population by sex
and age (intervals, publication rounding, the crude single rate beside the age-specific one); `stage` is the
run's prevalence stage ([prevalence])."""

from needsassess.prevalence.estimate import (
    MEASURE_LABELS,
    SINGLE_RATE,
    PrevalenceResult,
    apply_rates,
    combine_estimates,
    estimate_prevalence,
    plan_rates,
)

__all__ = [
    "MEASURE_LABELS",
    "SINGLE_RATE",
    "PrevalenceResult",
    "apply_rates",
    "combine_estimates",
    "estimate_prevalence",
    "plan_rates",
]
