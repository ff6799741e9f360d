"""Publication rounding: the default bands, halves up, and the rule read from settings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needsassess.errors import ConfigError
from needsassess.rounding import (
    DEFAULT_ROUNDING,
    NO_ROUNDING,
    RoundingRule,
    parse_rounding,
    round_for_publication,
    round_half_up,
)

RULES = st.sampled_from(
    [
        DEFAULT_ROUNDING,
        RoundingRule(((1000, 500), (0, 100))),
        RoundingRule(((10_000, 1000), (1000, 100), (100, 10))),  # below 100: not rounded
        RoundingRule(((0, 5),)),
        RoundingRule(((1, 0.5), (0, 0.1))),
    ]
)
FIGURES = st.one_of(
    st.integers(-50_000, 5_000_000),
    st.floats(-50_000, 5_000_000, allow_nan=False, allow_infinity=False),
    st.decimals(0, 100_000, places=1).map(float),
)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (2_187.4, 2_200),  # "2,200 women" (Hartlepool 2016)
        (7_230, 7_200),
        (1_049.9, 1_000),
        (1_050, 1_100),  # halves up, never to even
        (999, 1_000),
        (149, 150),
        (125, 150),
        (124.9, 100),
        (100, 100),
        (95, 100),
        (94.9, 90),
        (5, 10),
        (4.9, 0),
        (0, 0),
        (-25, -30),  # by size, keeping the sign
    ],
)
def test_default_rule(x: float, expected: int) -> None:
    assert round_for_publication(x) == expected
    assert isinstance(round_for_publication(x), int)


def test_halves_round_up_in_decimal_not_binary() -> None:
    assert round_half_up(0.15, 0.1) == pytest.approx(0.2)  # 0.15 is 0.1499... in binary
    assert round_half_up(2.5, 1) == 3
    assert round_half_up(3.5, 1) == 4
    assert round_half_up(10**20 + 50, 100) == 10**20 + 100  # large ints stay exact


def test_no_rounding_and_figures_below_every_band() -> None:
    assert round_for_publication(2_187.4, NO_ROUNDING) == 2_187.4
    rule = RoundingRule(((100, 10),))
    assert round_for_publication(42.7, rule) == 42.7
    assert round_for_publication(142.7, rule) == 140


def test_bands_are_kept_largest_first_and_described() -> None:
    rule = RoundingRule(((0, 10), (1000, 100), (100, 50)))
    assert rule == DEFAULT_ROUNDING
    assert rule.describe() == "nearest 100 from 1,000; nearest 50 from 100; nearest 10 below 100"
    assert NO_ROUNDING.describe() == "not rounded"
    assert RoundingRule(((0, 5),)).describe() == "nearest 5"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ([[1000, 100], [100, 50], [0, 10]], DEFAULT_ROUNDING),
        (((1000, 100), (100, 50), (0, 10)), DEFAULT_ROUNDING),
        ("none", NO_ROUNDING),
        (" None ", NO_ROUNDING),
        ("default", DEFAULT_ROUNDING),
        (None, DEFAULT_ROUNDING),
        ([], NO_ROUNDING),
        (DEFAULT_ROUNDING, DEFAULT_ROUNDING),
    ],
)
def test_parse_rounding(spec: object, expected: RoundingRule) -> None:
    assert parse_rounding(spec) == expected


@pytest.mark.parametrize(
    ("spec", "slug"),
    [
        ("nearest ten", "rounding-bad-spec"),
        (10, "rounding-bad-spec"),
        ([[1000, 100, 5]], "rounding-bad-spec"),
        ([[1000, 0]], "rounding-bad-step"),
        ([[-10, 5]], "rounding-bad-band"),
        ([[100, "ten"]], "rounding-not-a-number"),
        ([[100, True]], "rounding-not-a-number"),
        ([[100, 10], [100, 5]], "rounding-duplicate-band"),
        ([[1500, 1000], [0, 10]], "rounding-misaligned-band"),
        ([[1000, 100], [0, 300]], "rounding-misaligned-band"),
    ],
)
def test_bad_rounding_specs(spec: object, slug: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_rounding(spec)
    assert slug in err.value.slugs


def test_a_misaligned_band_says_why() -> None:
    with pytest.raises(ConfigError) as err:
        parse_rounding([[1500, 1000], [0, 10]])
    assert str(err.value) == (
        "rounding band from 1500 must be a multiple of 1000, or figures near 1500 would round differently "
        "on a second pass"
    )


def test_not_finite_and_bad_steps() -> None:
    with pytest.raises(ValueError):
        round_for_publication(float("nan"))
    with pytest.raises(ValueError):
        round_half_up(10, 0)
    with pytest.raises(TypeError):
        round_half_up(True, 1)


@given(x=FIGURES, rule=RULES)
def test_rounding_is_idempotent(x: float, rule: RoundingRule) -> None:
    once = round_for_publication(x, rule)
    assert round_for_publication(once, rule) == once


@given(x=FIGURES, rule=RULES)
def test_error_is_at_most_half_a_step(x: float, rule: RoundingRule) -> None:
    step = rule.step_for(x)
    error = abs(round_for_publication(x, rule) - x)
    assert error == 0 if step is None else error <= step / 2 + 1e-9 * max(1.0, abs(x))


@given(a=FIGURES, b=FIGURES, rule=RULES)
def test_rounding_is_monotone(a: float, b: float, rule: RoundingRule) -> None:
    lo, hi = sorted((a, b))
    assert round_for_publication(lo, rule) <= round_for_publication(hi, rule)
