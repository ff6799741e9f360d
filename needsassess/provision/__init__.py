"""Services against need: `benchmarks` sets local provision (IDVAs, MARAC, refuge places) against national
benchmarks; `reach` is the funnel from estimated victims to people supported; `stage` holds the run's
provision and reach stages."""

from needsassess.provision.benchmarks import (
    STATED_KEYS,
    ProvisionResult,
    assess_provision,
    check_stated,
)
from needsassess.provision.reach import ReachResult, ReachStep, build_reach

__all__ = [
    "STATED_KEYS",
    "ProvisionResult",
    "ReachResult",
    "ReachStep",
    "assess_provision",
    "build_reach",
    "check_stated",
]
