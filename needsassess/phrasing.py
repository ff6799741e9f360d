"""Words from numbers, in the English of a council strategy.

Strategy leads write "almost one third of clients", "two thirds (68%)", "£15 million, the equivalent of
£165 per head of population" (Hartlepool Domestic Abuse Strategy 2016). These functions produce that
wording from the figures, by written-down rules, so that a draft says the same thing every time.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from needsassess.errors import NeedsAssessError
from needsassess.rounding import (
    DEFAULT_ROUNDING,
    RoundingRule,
    parse_rounding,
    round_for_publication,
    round_half_up,
)


@dataclass(frozen=True)
class Anchor:
    """A fraction a reader knows by name."""

    value: float
    words: str


# The fractions used in prose, smallest first. One in six and one in eight are left out on purpose:
# they crowd their neighbours and are rarely written; 0.18 reads better as "almost one in five".
ANCHORS: tuple[Anchor, ...] = (
    Anchor(0.0, "none"),
    Anchor(1 / 20, "one in twenty"),
    Anchor(1 / 10, "one in ten"),
    Anchor(1 / 7, "one in seven"),
    Anchor(1 / 5, "one in five"),
    Anchor(1 / 4, "a quarter"),
    Anchor(3 / 10, "three in ten"),
    Anchor(1 / 3, "one third"),
    Anchor(2 / 5, "two in five"),
    Anchor(1 / 2, "half"),
    Anchor(3 / 5, "three in five"),
    Anchor(2 / 3, "two thirds"),
    Anchor(7 / 10, "seven in ten"),
    Anchor(3 / 4, "three quarters"),
    Anchor(4 / 5, "four in five"),
    Anchor(9 / 10, "nine in ten"),
    Anchor(1.0, "all"),
)
EXACT_TOLERANCE = 0.005
"""Within half a percentage point of an anchor the anchor is said plainly: 0.142 is "one in seven"."""
TOLERANCE = 0.05
"""No phrase is further than this from the share it describes (half the widest gap between anchors)."""


def _check_share(p: float) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
        raise NeedsAssessError(f"a share must be a number from 0 to 1; got {p!r}")
    return float(p)


def _anchor_for(p: float) -> Anchor:
    if p == 0:
        return ANCHORS[0]
    if p == 1:
        return ANCHORS[-1]
    inner = ANCHORS[
        1:
    ]  # "none" is only for exactly 0; anything above 0 is at least "fewer than one in twenty"
    return min(inner, key=lambda a: (abs(p - a.value), a.value))


def share_phrase_value(p: float) -> float:
    """The anchor fraction that `share_phrase(p)` names; non-decreasing in `p`."""
    return _anchor_for(_check_share(p)).value


def share_phrase(p: float) -> str:
    """Say a share (0-1) as a reader would: 0.32 -> "almost one third", 0.77 -> "more than three quarters".

    Rules: take the nearest anchor in ANCHORS (half, thirds, quarters, two/three/four in five, tenths,
    one in seven, one in twenty; on a tie the smaller). Within EXACT_TOLERANCE (0.005) it is said plainly
    ("half", "one in seven" for 0.14); below it "almost X", above it "more than X". "none" and "all" are
    only for exactly 0 and 1: 0.998 is "almost all", and a share under one in twenty is "fewer than one in
    twenty". The phrase is never more than TOLERANCE (0.05) from the share, "more than X" is never used
    when the share is below X, and "almost X" never when it is above.
    """
    p = _check_share(p)
    anchor = _anchor_for(p)
    if p == anchor.value or (0 < anchor.value < 1 and abs(p - anchor.value) <= EXACT_TOLERANCE):
        return anchor.words
    if p > anchor.value:
        return f"more than {anchor.words}"
    if anchor is ANCHORS[1]:
        return f"fewer than {anchor.words}"
    return f"almost {anchor.words}"


def percent(p: float, decimals: int = 0) -> str:
    """Format a share (0-1) as a percentage, halves up: 0.325 -> "33%", percent(0.1612, 1) -> "16.1%"."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not math.isfinite(p):
        raise NeedsAssessError(f"a share must be a finite number; got {p!r}")
    if decimals < 0:
        raise NeedsAssessError(f"decimals must be 0 or more; got {decimals}")
    pct = Decimal(repr(float(p))) * 100
    q = pct.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}%"


_UNITS = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def money_phrase(x: float, sig: int = 3) -> str:
    """Say a sum of pounds as a report does: 15_040_000 -> "£15 million", 1_250_000_000 -> "£1.25 billion".

    From a million up: at most `sig` significant figures in millions or billions, trailing zeros dropped
    (2_100_000 -> "£2.1 million"). From £1,000: `sig` significant figures with separators (9_437 ->
    "£9,440"). Below £1,000: whole pounds (165.2 -> "£165"). Halves round up.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise NeedsAssessError(f"a sum of money must be a finite number; got {x!r}")
    if sig < 1:
        raise NeedsAssessError(f"significant figures must be 1 or more; got {sig}")
    sign = "-" if x < 0 else ""
    d = Decimal(repr(float(x))) if not isinstance(x, numbers.Integral) else Decimal(int(x))
    d = abs(d)
    if d < 1000:
        return f"{sign}£{d.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    rounded = _round_sig(d, sig)
    for size, word in _UNITS:
        if rounded >= size:
            # Round again in the unit: 999_999_999 is "£1 billion", not "£1,000 million".
            amount = _round_sig(rounded / size, sig)
            return f"{sign}£{_plain(amount)} {word}"
    return f"{sign}£{int(rounded):,}"


def _round_sig(d: Decimal, sig: int) -> Decimal:
    if d == 0:
        return d
    exponent = d.adjusted() - sig + 1
    return d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _plain(d: Decimal) -> str:
    """1.250 -> "1.25", 15.0 -> "15", 1.5E+2 -> "150"."""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def per_head_phrase(x: float, sig: int = 3) -> str:
    """Say a cost per resident: 165.3 -> "£165 per head of population"."""
    return f"{money_phrase(x, sig)} per head of population"


def count_phrase(n: float, rounding: RoundingRule | object = DEFAULT_ROUNDING) -> str:
    """Round a count or estimate for publication and add separators: 2_187.4 -> "2,200".

    `rounding` is a RoundingRule or anything `parse_rounding` reads ("none", [[1000, 100], ...]).
    Whatever the rule, the figure is shown as a whole number (halves up).
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Real) or not math.isfinite(n):
        raise NeedsAssessError(f"a count must be a finite number; got {n!r}")
    rule = parse_rounding(rounding)
    whole = round_half_up(round_for_publication(n, rule), 1)
    return f"{whole:,}"


_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()


def number_words(n: int) -> str:
    """Spell small whole numbers as a report does (up to twenty); larger ones with separators."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


_BELOW = re.compile(r"^\s*<\s*([0-9][0-9,]*)\s*$")


def suppressed_phrase(marker: str, rule: object | None = None) -> str:
    """Say a suppressed count in prose: "<5" -> "fewer than five", "<10" -> "fewer than ten".

    Markers that carry no number ("*") need the disclosure rule that made them: its primary marker
    means "fewer than <threshold>" (nhsd: "*" -> "fewer than eight"); its secondary marker, a cell hidden
    to protect another, is "not shown". Without a rule "*" is "a small number".
    """
    m = _BELOW.match(marker)
    if m:
        return f"fewer than {number_words(int(m.group(1).replace(',', '')))}"
    if rule is not None:
        if marker == getattr(rule, "marker", None):
            return f"fewer than {number_words(rule.threshold)}"  # type: ignore[attr-defined]
        if marker == getattr(rule, "secondary_marker", None):
            return "not shown"
    if marker.strip() == "*":
        return "a small number"
    raise NeedsAssessError(f'"{marker}" is not a suppression marker; expected one like "<5" or "*"')
