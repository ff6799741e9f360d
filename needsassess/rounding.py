"""Publication rounding: estimates are quoted as 2,200 rather than 2,181.

Default rule, as councils publish: nearest 100 from 1,000, nearest 50 from 100, nearest 10 below 100.
Halves round up, never to even.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RoundingRule:
    """Steps by size: ((1000, 100), (100, 50), (0, 10)) means nearest 100 from 1,000 and so on."""

    steps: tuple[tuple[float, float], ...]

    def describe(self) -> str:
        if not self.steps:
            return "not rounded"
        parts = [
            f"nearest {step:,g} from {start:,g}" if start else f"nearest {step:,g} below"
            for start, step in self.steps
        ]
        return ", ".join(parts)


DEFAULT_ROUNDING = RoundingRule(((1000, 100), (100, 50), (0, 10)))
NO_ROUNDING = RoundingRule(())


def round_for_publication(x: float, rule: RoundingRule = DEFAULT_ROUNDING) -> float:
    """Round x by the first step whose threshold it reaches (by absolute size), halves up."""
    if not rule.steps or x is None or math.isnan(x):
        return x
    size = abs(x)
    for start, step in sorted(rule.steps, reverse=True):
        if size >= start:
            return math.copysign(math.floor(size / step + 0.5) * step, x)
    return x


def parse_rounding(spec: Any) -> RoundingRule:
    """Accept 'default', 'none' or a list of [from, step] pairs, e.g. [[1000, 100], [100, 50], [0, 10]]."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() == "default"):
        return DEFAULT_ROUNDING
    if isinstance(spec, str) and spec.strip().lower() in {"none", "off", "no"}:
        return NO_ROUNDING
    if isinstance(spec, list | tuple) and all(isinstance(p, list | tuple) and len(p) == 2 for p in spec):
        steps = tuple((float(a), float(b)) for a, b in spec)
        if all(b > 0 and a >= 0 for a, b in steps):
            return RoundingRule(tuple(sorted(steps, reverse=True)))
    raise ValueError(
        f'rounding {spec!r} is not understood; expected "default", "none" or pairs like [[1000, 100], [100, 50], [0, 10]]'
    )
