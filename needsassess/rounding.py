"""Publication rounding: the steps a council report rounds its estimates to.

"It is estimated that 2,200 women..." — estimates are published to a step that grows with the figure,
so a reader is not told more precision than the method has. The default, taken from practice in
published needs assessments, is: nearest 100 from 1,000, nearest 50 from 100, nearest 10 below 100.

Halves always round up (away from zero), never to even: 125 -> 150, 1,050 -> 1,100. Arithmetic is done
in decimal on the shortest repr of a float, so 0.15 to the nearest 0.1 is 0.2, as a reader would expect.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from needsassess.errors import ConfigError, Problem

Number = int | float


def _decimal(x: Number) -> Decimal:
    """Exact for ints of any size; the shortest repr for floats, so 0.15 is 0.15 and not 0.1499..."""
    if isinstance(x, bool):
        raise TypeError("a bool is not a number to round")
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    f = float(x)
    if not math.isfinite(f):
        raise ValueError(f"cannot round {x!r}: not a finite number")
    return Decimal(repr(f))


def _number(d: Decimal, step: Number) -> Number:
    if isinstance(step, numbers.Integral) or float(step).is_integer():
        return int(d)
    return float(d)


def round_half_up(x: Number, step: Number) -> Number:
    """Round `x` to the nearest multiple of `step`, halves away from zero (125 -> 150 for step 50).

    Returns an int when the step is whole, so counts stay ints.
    """
    if step <= 0:
        raise ValueError(f"a rounding step must be positive; got {step!r}")
    ds = _decimal(step)
    q = (_decimal(x) / ds).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return _number(q * ds, step)


@dataclass(frozen=True)
class RoundingRule:
    """Bands of (from_value, step): a figure whose size is at least from_value is rounded to step.

    Bands are kept largest first. A figure below the lowest band is left as it is. Each band's start
    must be a multiple of its own step and of the step of the band below it; that is what makes the
    rounding idempotent and monotone (999 -> 1,000 stays 1,000 under the next band).
    Negative figures (a change, say) are rounded by their size, keeping the sign.
    """

    bands: tuple[tuple[Number, Number], ...]

    def __post_init__(self) -> None:
        bands = tuple(sorted(((f, s) for f, s in self.bands), key=lambda b: b[0], reverse=True))
        object.__setattr__(self, "bands", bands)
        problems = _band_problems(bands)
        if problems:
            raise ConfigError(None, problems)

    def step_for(self, x: Number) -> Number | None:
        """The step that applies to `x`, or None when `x` is below every band."""
        size = abs(x)
        for start, step in self.bands:
            if size >= start:
                return step
        return None

    def describe(self) -> str:
        """Say the rule in words for a methods note: "nearest 100 from 1,000; nearest 10 below 100"."""
        if not self.bands:
            return "not rounded"
        parts = []
        for i, (start, step) in enumerate(self.bands):
            upper = self.bands[i - 1][0] if i else None
            if start == 0 and upper is not None:
                parts.append(f"nearest {step:,} below {upper:,}")
            elif start == 0:
                parts.append(f"nearest {step:,}")
            else:
                parts.append(f"nearest {step:,} from {start:,}")
        return "; ".join(parts)


def _band_problems(bands: tuple[tuple[Any, Any], ...]) -> list[Problem]:
    problems: list[Problem] = []
    starts = [b[0] for b in bands]
    if len(set(starts)) != len(starts):
        problems.append(Problem("rounding-duplicate-band", "two rounding bands start at the same value"))
    for start, step in bands:
        for name, v in (("from value", start), ("step", step)):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                problems.append(Problem("rounding-not-a-number", f"rounding {name} {v!r} is not a number"))
                return problems
        if step <= 0:
            problems.append(Problem("rounding-bad-step", f"rounding step {step!r} must be positive"))
        if start < 0:
            problems.append(Problem("rounding-bad-band", f"rounding band start {start!r} must be >= 0"))
    if problems:
        return problems
    for i, (start, step) in enumerate(bands):
        below = bands[i + 1][1] if i + 1 < len(bands) else None
        for s in (step, below):
            if s is not None and _decimal(start) % _decimal(s) != 0:
                problems.append(
                    Problem(
                        "rounding-misaligned-band",
                        f"rounding band from {start} must be a multiple of {s}, or figures near {start} "
                        "would round differently on a second pass",
                    )
                )
                break
    return problems


NO_ROUNDING = RoundingRule(())
DEFAULT_ROUNDING = RoundingRule(((1000, 100), (100, 50), (0, 10)))


def round_for_publication(x: Number, rule: RoundingRule = DEFAULT_ROUNDING) -> Number:
    """Round an estimate for a published sentence or table: 2,187.4 -> 2,200 under the default rule."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise ValueError(f"cannot round {x!r}: not a finite number")
    step = rule.step_for(x)
    if step is None:
        return x
    return round_half_up(x, step)


def parse_rounding(spec: object) -> RoundingRule:
    """Read a rounding rule from settings: None or "default", "none", or [[1000, 100], [100, 50], [0, 10]]."""
    if isinstance(spec, RoundingRule):
        return spec
    if spec is None:
        return DEFAULT_ROUNDING
    if isinstance(spec, str):
        word = spec.strip().lower()
        if word == "none":
            return NO_ROUNDING
        if word == "default":
            return DEFAULT_ROUNDING
    elif isinstance(spec, Sequence) and all(
        isinstance(b, Sequence) and not isinstance(b, str) and len(b) == 2 for b in spec
    ):
        return RoundingRule(tuple((b[0], b[1]) for b in spec))
    raise ConfigError(
        None,
        Problem(
            "rounding-bad-spec",
            f'rounding {spec!r} is not understood; use "none", "default" or a list of [from_value, step] '
            "pairs such as [[1000, 100], [100, 50], [0, 10]]",
        ),
    )
