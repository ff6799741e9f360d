"""Words from numbers: shares, percentages, money, counts and suppressed values, in council English."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needsassess.disclosure import get_rule
from needsassess.errors import NeedsAssessError
from needsassess.phrasing import (
    ANCHORS,
    EXACT_TOLERANCE,
    TOLERANCE,
    count_phrase,
    money_phrase,
    number_words,
    per_head_phrase,
    percent,
    share_phrase,
    share_phrase_value,
    suppressed_phrase,
)

SHARES = st.floats(0, 1, allow_nan=False)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # the brief, and the Hartlepool 2016 strategy's own figures
        (0.32, "almost one third"),
        (0.19, "almost one in five"),
        (0.18, "almost one in five"),  # "one out of five (18%)"
        (0.77, "more than three quarters"),
        (0.5, "half"),
        (0.25, "a quarter"),
        (0.9, "nine in ten"),
        (0.14, "one in seven"),
        (0.142, "one in seven"),  # "one in seven (14.2%)"
        (0.68, "more than two thirds"),
        (0.73, "almost three quarters"),
        (0.83, "more than four in five"),
        (0.2, "one in five"),
        (0.1, "one in ten"),
        (0.053, "one in twenty"),
        (0.373, "almost two in five"),
        (0.52, "more than half"),
        (2 / 3, "two thirds"),
        # the ends
        (0, "none"),
        (0.001, "fewer than one in twenty"),
        (0.03, "fewer than one in twenty"),
        (0.996, "almost all"),
        (1, "all"),
    ],
)
def test_share_phrase(p: float, expected: str) -> None:
    assert share_phrase(p) == expected


@pytest.mark.parametrize("p", [-0.01, 1.01, float("nan"), float("inf"), True, "0.5"])
def test_share_phrase_refuses_what_is_not_a_share(p: object) -> None:
    with pytest.raises(NeedsAssessError):
        share_phrase(p)  # type: ignore[arg-type]


def test_anchors_are_ordered_and_close_enough() -> None:
    values = [a.value for a in ANCHORS]
    assert values == sorted(values)
    assert values[0] == 0 and values[-1] == 1
    assert max(b - a for a, b in zip(values, values[1:], strict=False)) / 2 <= TOLERANCE + 1e-12


def _anchor_words(phrase: str) -> tuple[str, str]:
    for qualifier in ("almost ", "more than ", "fewer than "):
        if phrase.startswith(qualifier):
            return qualifier.strip(), phrase[len(qualifier) :]
    return "", phrase


@given(p=SHARES)
def test_every_share_has_a_phrase_close_to_it(p: float) -> None:
    phrase = share_phrase(p)
    qualifier, words = _anchor_words(phrase)
    anchor = share_phrase_value(p)
    assert words == next(a.words for a in ANCHORS if a.value == anchor)
    assert abs(p - anchor) <= TOLERANCE + 1e-12
    if qualifier == "more than":
        assert p > anchor
    if qualifier in ("almost", "fewer than"):
        assert p < anchor
    if not qualifier:
        assert abs(p - anchor) <= EXACT_TOLERANCE
    if anchor in (0, 1):
        assert qualifier or p == anchor  # "none" and "all" mean exactly that


@given(a=SHARES, b=SHARES)
def test_share_phrase_is_monotone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert share_phrase_value(lo) <= share_phrase_value(hi)


@pytest.mark.parametrize(
    ("p", "decimals", "expected"),
    [
        (0.32, 0, "32%"),
        (0.325, 0, "33%"),  # halves up
        (0.373, 1, "37.3%"),
        (0.1612, 1, "16.1%"),
        (0.0, 0, "0%"),
        (1, 0, "100%"),
        (0.005, 0, "1%"),
        (12.345, 1, "1,234.5%"),
        (-0.05, 0, "-5%"),
    ],
)
def test_percent(p: float, decimals: int, expected: str) -> None:
    assert percent(p, decimals) == expected


def test_percent_refuses_nonsense() -> None:
    with pytest.raises(NeedsAssessError):
        percent(float("nan"))
    with pytest.raises(NeedsAssessError):
        percent(0.5, -1)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (15_040_000, "£15 million"),  # "at least £15 million" (Hartlepool 2016)
        (2_100_000, "£2.1 million"),
        (1_200_000, "£1.2 million"),
        (9_000_000, "£9 million"),
        (165.2, "£165"),
        (165.5, "£166"),
        (9_400, "£9,400"),
        (9_437, "£9,440"),
        (1_250_000_000, "£1.25 billion"),
        (1_000_000_000, "£1 billion"),
        (999_999_999, "£1 billion"),  # not "£1,000 million"
        (999_999, "£1 million"),
        (123_456_789, "£123 million"),
        (0, "£0"),
        (-6_000_000, "-£6 million"),
    ],
)
def test_money_phrase(x: float, expected: str) -> None:
    assert money_phrase(x) == expected


def test_money_phrase_significant_figures() -> None:
    assert money_phrase(15_040_000, sig=4) == "£15.04 million"
    assert money_phrase(15_040_000, sig=1) == "£20 million"
    with pytest.raises(NeedsAssessError):
        money_phrase(1, sig=0)
    with pytest.raises(NeedsAssessError):
        money_phrase(float("inf"))


def test_per_head_phrase() -> None:
    assert per_head_phrase(165.3) == "£165 per head of population"


@pytest.mark.parametrize(
    ("n", "rounding", "expected"),
    [
        (2_187.4, None, "2,200"),
        (7_230, "default", "7,200"),
        (148, None, "150"),
        (42, None, "40"),
        (2_187.4, "none", "2,187"),
        (2_187.5, "none", "2,188"),
        (123_456, [[1000, 1000], [0, 10]], "123,000"),
    ],
)
def test_count_phrase(n: float, rounding: object, expected: str) -> None:
    assert count_phrase(n, rounding) == expected


def test_count_phrase_default_is_publication_rounding() -> None:
    assert count_phrase(2_187.4) == "2,200"
    with pytest.raises(NeedsAssessError):
        count_phrase(float("nan"))


@pytest.mark.parametrize(
    ("marker", "rule", "expected"),
    [
        ("<5", None, "fewer than five"),
        ("<10", None, "fewer than ten"),
        (" < 3 ", None, "fewer than three"),
        ("<100", None, "fewer than 100"),
        ("*", None, "a small number"),
        ("*", get_rule("nhsd"), "fewer than eight"),
        ("*", get_rule("lt5"), "not shown"),
        ("<5", get_rule("lt5"), "fewer than five"),
    ],
)
def test_suppressed_phrase(marker: str, rule: object, expected: str) -> None:
    assert suppressed_phrase(marker, rule) == expected


def test_suppressed_phrase_with_a_custom_marker_and_a_bad_one() -> None:
    rule = dataclasses.replace(get_rule("lt5"), marker="c")
    assert suppressed_phrase("c", rule) == "fewer than five"
    with pytest.raises(NeedsAssessError) as err:
        suppressed_phrase("n/a")
    assert str(err.value) == '"n/a" is not a suppression marker; expected one like "<5" or "*"'


def test_number_words() -> None:
    assert [number_words(n) for n in (0, 1, 7, 20, 21, 1_500)] == [
        "zero",
        "one",
        "seven",
        "twenty",
        "21",
        "1,500",
    ]
