"""Small-number suppression: presets, primary and secondary suppression, shares, the log.

The property tests attack each published table the way a reader could: by subtraction along each row
and column, by linear algebra over all the equations together, and by the ranges the markers imply.
The checkers here are written independently of the module's own (rank of an augmented matrix, not a
null space; one equation at a time, not propagation).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needsassess.disclosure import (
    DEFAULT_RULE,
    PRESETS,
    Disclosed,
    Preset,
    Rule,
    SuppressionEntry,
    apply_disclosure,
    format_count,
    get_rule,
    suppress_counts,
)
from needsassess.errors import ConfigError, InputError, NeedsAssessError

LT5 = get_rule("lt5")
NHSD = get_rule("nhsd")
ONS10 = get_rule("ons10")

# --- helpers: build tables and attack them ------------------------------------------------------------


def with_totals(cells: list[list[int]], row_totals: bool, col_totals: bool) -> pd.DataFrame:
    df = pd.DataFrame(
        cells, index=[f"r{i}" for i in range(len(cells))], columns=[f"c{j}" for j in range(len(cells[0]))]
    )
    if row_totals:
        df["Total"] = df.sum(axis=1)
    if col_totals:
        df.loc["Total"] = df.sum(axis=0)
    return df


def equations(
    df: pd.DataFrame, total_row: str | None, total_col: str | None
) -> list[list[tuple[tuple, int]]]:
    """Each row/column with a declared total: [((row, col), coefficient), ...] summing to zero."""
    eqs = []
    if total_col is not None:
        for r in df.index:
            eqs.append([((r, c), 1) for c in df.columns if c != total_col] + [((r, total_col), -1)])
    if total_row is not None:
        for c in df.columns:
            eqs.append([((r, c), 1) for r in df.index if r != total_row] + [((total_row, c), -1)])
    return eqs


def determined_by_algebra(display: pd.DataFrame, eqs) -> list[tuple]:  # noqa: ANN001
    """Hidden cells fixed by the equations: e_i is in the row space of the matrix over hidden entries."""
    cells = sorted({cell for eq in eqs for cell, _ in eq if isinstance(display.at[cell], str)})
    if not cells:
        return []
    pos = {cell: i for i, cell in enumerate(cells)}
    a = np.zeros((len(eqs), len(cells)))
    for r, eq in enumerate(eqs):
        for cell, coef in eq:
            if cell in pos:
                a[r, pos[cell]] = coef
    rank = np.linalg.matrix_rank(a)
    fixed = []
    for cell, i in pos.items():
        e = np.zeros(len(cells))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            fixed.append(cell)
    return fixed


def reader_bounds(value: object, rule: Rule) -> tuple[float, float]:
    if not isinstance(value, str):
        return float(value), float(value)  # type: ignore[arg-type]
    low = 0 if rule.suppress_zero else 1
    if rule.marker == rule.secondary_marker:  # a reader cannot tell a small count from its protector
        return low, math.inf
    if value == rule.marker:
        return low, rule.threshold - 1
    return rule.threshold, math.inf


def pinned_by_one_equation(display: pd.DataFrame, eqs, rule: Rule) -> list[tuple]:  # noqa: ANN001
    """Hidden cells whose range, from a single equation and the markers, is one value."""
    pinned = []
    for eq in eqs:
        bounds = {cell: reader_bounds(display.at[cell], rule) for cell, _ in eq}
        for cell, coef in eq:
            if not isinstance(display.at[cell], str):
                continue
            # coef * x = -sum(other coef * y)
            lo_rest = sum(c * (bounds[o][0] if c > 0 else bounds[o][1]) for o, c in eq if o != cell)
            hi_rest = sum(c * (bounds[o][1] if c > 0 else bounds[o][0]) for o, c in eq if o != cell)
            lo, hi = (-hi_rest, -lo_rest) if coef > 0 else (lo_rest, hi_rest)
            lo, hi = max(lo, bounds[cell][0]), min(hi, bounds[cell][1])
            assert lo <= hi, f"the true value lies outside the reader's range for {cell}"
            if lo == hi:
                pinned.append(cell)
    return pinned


def assert_safe(df: pd.DataFrame, out: Disclosed, rule: Rule, total_row, total_col) -> None:  # noqa: ANN001
    counts = list(df.columns)
    display = out.display
    # (a) no visible count is a small number
    for r in df.index:
        for c in counts:
            v = display.at[r, c]
            if not isinstance(v, str):
                assert not (1 <= v < rule.threshold), (r, c, v)
                assert v == rule.shown(int(df.at[r, c]))
    # every primary is hidden, with the primary marker unless the table is withheld
    for r in df.index:
        for c in counts:
            if rule.is_primary(int(df.at[r, c])):
                assert display.at[r, c] == (rule.secondary_marker if out.withheld else rule.marker)
    if out.withheld:
        assert all(isinstance(display.at[r, c], str) for r in df.index for c in counts)
        return
    if not rule.secondary:
        return
    eqs = equations(df, total_row, total_col)
    # The attacks use the unrounded values of visible cells: stricter than a reader of nhsd figures.
    display = display[counts].astype(object).where(display[counts].map(lambda v: isinstance(v, str)), df)
    # (b) no row or column with a total has exactly one hidden entry
    for eq in eqs:
        assert sum(isinstance(display.at[cell], str) for cell, _ in eq) != 1, eq
    # (b') no hidden cell is determined by all the equations together
    assert determined_by_algebra(display, eqs) == []
    # (b'') no hidden cell is pinned to one value by the markers' ranges along a row or column
    assert pinned_by_one_equation(display, eqs, rule) == []
    # a visible zero is never hidden to protect another cell
    for r in df.index:
        for c in counts:
            if df.at[r, c] == 0 and not rule.suppress_zero:
                assert display.at[r, c] == 0


def assert_log_matches(out: Disclosed) -> None:
    logged = [(e.row, e.column) for e in out.log]
    assert len(logged) == len(set(logged)), "a cell is logged twice"
    hidden = {
        (str(r), str(c)) for r in out.display.index for c in out.display.columns if out.suppressed.at[r, c]
    }
    assert set(logged) == hidden
    prefixes = {
        "primary": "primary: ",
        "secondary": "secondary: protects ",
        "share": "share ",
        "withheld": "withheld: ",
    }
    for e in out.log:
        assert e.reason.startswith(prefixes[e.kind])


# --- strategies ---------------------------------------------------------------------------------------

small_or_not = st.one_of(st.integers(0, 6), st.integers(0, 12), st.integers(0, 300))


@st.composite
def tables_1d(draw: st.DrawFn) -> list[int]:
    return draw(st.lists(small_or_not, min_size=1, max_size=8))


@st.composite
def tables_2d(draw: st.DrawFn) -> list[list[int]]:
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    return [draw(st.lists(small_or_not, min_size=n_cols, max_size=n_cols)) for _ in range(n_rows)]


RULES = st.sampled_from(
    [
        LT5,
        ONS10,
        get_rule("lt5", threshold=3),
        dataclasses.replace(NHSD, secondary=True),
        dataclasses.replace(LT5, suppress_zero=True),
        dataclasses.replace(LT5, secondary_marker="<5"),
    ]
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- property tests: the "done when" ------------------------------------------------------------


@PROPERTY
@given(cells=tables_1d(), rule=RULES)
def test_one_dimensional_tables_with_a_total_are_safe(cells: list[int], rule: Rule) -> None:
    df = with_totals([[c] for c in cells], row_totals=False, col_totals=True)
    out = apply_disclosure(df, rule, table_name="t", total_row="Total")
    assert_safe(df, out, rule, "Total", None)
    assert_log_matches(out)


@PROPERTY
@given(cells=tables_2d(), rule=RULES)
def test_two_dimensional_tables_with_both_margins_are_safe(cells: list[list[int]], rule: Rule) -> None:
    df = with_totals(cells, row_totals=True, col_totals=True)
    out = apply_disclosure(df, rule, table_name="t", total_row="Total", total_col="Total")
    assert_safe(df, out, rule, "Total", "Total")
    assert_log_matches(out)


@PROPERTY
@given(cells=tables_2d(), rule=RULES, rows=st.booleans())
def test_two_dimensional_tables_with_one_margin_are_safe(
    cells: list[list[int]], rule: Rule, rows: bool
) -> None:
    df = with_totals(cells, row_totals=rows, col_totals=not rows)
    total_row, total_col = (None, "Total") if rows else ("Total", None)
    out = apply_disclosure(df, rule, table_name="t", total_row=total_row, total_col=total_col)
    assert_safe(df, out, rule, total_row, total_col)


@PROPERTY
@given(cells=tables_2d())
def test_nhsd_shows_only_multiples_of_five_and_nothing_from_1_to_7(cells: list[list[int]]) -> None:
    df = with_totals(cells, row_totals=True, col_totals=True)
    out = apply_disclosure(df, NHSD, table_name="t", total_row="Total", total_col="Total")
    for v in out.display.to_numpy().ravel():
        assert v == "*" or (isinstance(v, int) and v % 5 == 0 and not 1 <= v <= 7)
    assert_safe(df, out, NHSD, "Total", "Total")


@PROPERTY
@given(cells=tables_2d(), rule=RULES)
def test_shares_are_hidden_with_their_counts(cells: list[list[int]], rule: Rule) -> None:
    df = with_totals(cells, row_totals=True, col_totals=True)
    shares = {"of row": ("c0", "Total"), "of column": ("c0", None)}
    out = apply_disclosure(df, rule, table_name="t", total_row="Total", total_col="Total", shares=shares)
    for r in df.index:
        num, of_row, of_col = (
            out.display.at[r, "c0"],
            out.display.at[r, "Total"],
            out.display.at["Total", "c0"],
        )
        for share, den in (("of row", of_row), ("of column", of_col)):
            v = out.display.at[r, share]
            if isinstance(num, str) or isinstance(den, str):
                assert v == rule.share_marker and out.suppressed.at[r, share]
            elif den == 0:
                assert v is None
            else:
                assert v == pytest.approx(num / den)
    assert_log_matches(out)


@PROPERTY
@given(cells=tables_2d(), rule=RULES)
def test_suppression_is_deterministic_and_leaves_the_input_alone(cells: list[list[int]], rule: Rule) -> None:
    df = with_totals(cells, row_totals=True, col_totals=True)
    before = df.copy()
    a = apply_disclosure(df, rule, table_name="t", total_row="Total", total_col="Total")
    b = apply_disclosure(df, rule, table_name="t", total_row="Total", total_col="Total")
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(a.display, b.display)
    assert a.log == b.log


# --- examples ------------------------------------------------------------------------------------------


def test_a_group_of_three_shows_as_fewer_than_five_and_its_share_is_hidden() -> None:
    df = pd.DataFrame({"clients": [3, 40, 57, 100]}, index=["Asian", "Black", "White", "Total"])
    out = apply_disclosure(df, table_name="ethnicity", total_row="Total", shares={"share": ("clients", None)})
    assert out.display.at["Asian", "clients"] == "<5"
    assert out.display.at["Asian", "share"] == "*"
    # 3 could be recovered as 100 - 40 - 57, so the next smallest count is hidden too, and its share
    assert out.display.at["Black", "clients"] == "*"
    assert out.display.at["Black", "share"] == "*"
    assert out.display.at["White", "clients"] == 57
    assert out.display.at["White", "share"] == pytest.approx(0.57)
    assert out.display.at["Total", "clients"] == 100
    assert out.log == [
        SuppressionEntry("ethnicity", "Asian", "clients", "primary", "primary: 1-4"),
        SuppressionEntry("ethnicity", "Black", "clients", "secondary", "secondary: protects column clients"),
        SuppressionEntry("ethnicity", "Asian", "share", "share", "share of suppressed count"),
        SuppressionEntry("ethnicity", "Black", "share", "share", "share of suppressed count"),
    ]
    assert out.suppressed["clients"].tolist() == [True, True, False, False]


def test_the_log_never_holds_the_hidden_value() -> None:
    assert [f.name for f in dataclasses.fields(SuppressionEntry)] == [
        "table",
        "row",
        "column",
        "kind",
        "reason",
    ]
    out = apply_disclosure(pd.DataFrame({"n": [3, 57, 60]}, index=["a", "b", "Total"]), total_row="Total")
    assert not any("3" in e.reason or "57" in e.reason for e in out.log)


def test_without_a_total_only_small_counts_are_hidden() -> None:
    assert suppress_counts([3, 0, 12, 4]).tolist() == ["<5", 0, 12, "<5"]


def test_a_zero_does_not_protect_a_hidden_count() -> None:
    # 3 is recoverable from the total; the zero next to it would protect nothing, so 20 is hidden
    assert suppress_counts([3, 0, 20, 50, 73], total=4).tolist() == ["<5", 0, "*", 50, 73]


def test_two_small_counts_whose_sum_is_known_are_protected() -> None:
    # 52 - 50 = 2 = 1 + 1: two "<5" cells alone would both be known to be 1
    assert suppress_counts([1, 1, 50, 52], total=3).tolist() == ["<5", "<5", "*", 52]


def test_a_protector_at_exactly_the_threshold_is_not_enough() -> None:
    # "<5" and "*" adding to 6 can only be 1 and 5, so a third cell goes
    assert suppress_counts([1, 5, 100, 106], total=3).tolist() == ["<5", "*", "*", 106]


def test_when_only_the_total_is_left_the_total_is_hidden() -> None:
    # "<5" + "<5" = 8 means 4 and 4; no other cell is left, so the total is hidden
    assert suppress_counts([4, 4, 8], total=2).tolist() == ["<5", "<5", "*"]


def test_a_row_whose_only_other_entry_is_its_total() -> None:
    df = with_totals([[3, 7], [5, 0]], row_totals=True, col_totals=True)
    out = apply_disclosure(df, total_row="Total", total_col="Total")
    assert out.display.at["r1", "c1"] == 0  # the zero stays
    assert out.display.at["r1", "Total"] == "*"  # so r1's total protects the 5 hidden to protect the 3
    assert_safe(df, out, LT5, "Total", "Total")


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    # four people, one in each of four categories, and the total itself "<5": each must be 1
    df = pd.DataFrame({"n": [1, 1, 1, 1, 0, 4]}, index=["a", "b", "c", "d", "e", "Total"])
    out = apply_disclosure(df, table_name="t", total_row="Total", shares={"%": ("n", None)})
    assert out.withheld
    assert out.display["n"].tolist() == ["*"] * 6  # the zero too: a visible zero would say where they are not
    assert out.display["%"].tolist() == ["*"] * 6
    assert {e.kind for e in out.log} == {"withheld"}
    assert {e.reason for e in out.log} == {
        "withheld: row a, column n cannot be protected cell by cell; merge small categories"
    }
    assert_log_matches(out)


def test_the_linear_check_catches_a_cell_bridging_two_closed_groups() -> None:
    cells = [[50] * 4 for _ in range(4)]
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)]:
        cells[i][j] = 3
    cells[0][2] = 2  # the bridge: row r0 links the top-left block to the bottom-right one
    df = with_totals(cells, row_totals=True, col_totals=True)
    eqs = equations(df, "Total", "Total")
    primary_only = df.astype(object).map(lambda v: "<5" if 1 <= v <= 4 else v)
    # every row and column has 0 or >= 2 hidden entries, yet the bridge is fixed by the block sums
    assert all(sum(isinstance(primary_only.at[c], str) for c, _ in eq) != 1 for eq in eqs)
    assert determined_by_algebra(primary_only, eqs) == [("r0", "c2")]
    out = apply_disclosure(df, total_row="Total", total_col="Total")
    assert_safe(df, out, LT5, "Total", "Total")
    assert [e.kind for e in out.log].count("secondary") == 1


def test_shares_with_a_hidden_denominator_are_hidden() -> None:
    df = with_totals([[3, 1], [30, 40]], row_totals=True, col_totals=False)
    out = apply_disclosure(df, table_name="t", total_col="Total", shares={"% c1": ("c1", "Total")})
    assert out.display["Total"].tolist() == ["<5", 70]
    assert out.display["% c1"].tolist() == ["*", pytest.approx(40 / 70)]
    assert SuppressionEntry("t", "r0", "% c1", "share", "share of suppressed count") in out.log


def test_a_share_of_a_visible_count_over_a_hidden_denominator() -> None:
    # denominators need not be margins: here a base column that is not declared a total
    df = pd.DataFrame({"n": [12, 20], "base": [3, 50]}, index=["a", "b"])
    out = apply_disclosure(df, table_name="t", shares={"%": ("n", "base")})
    assert out.display["%"].tolist() == ["*", pytest.approx(0.4)]
    assert out.log[-1] == SuppressionEntry("t", "a", "%", "share", "share with suppressed denominator")


def test_a_share_of_zero_over_zero_is_empty_not_hidden() -> None:
    out = apply_disclosure(
        pd.DataFrame({"n": [0, 0]}, index=["a", "Total"]), total_row="Total", shares={"%": ("n", None)}
    )
    assert out.display["%"].tolist() == [None, None]
    assert not out.suppressed["%"].any()


def test_nhsd_hides_1_to_7_rounds_the_rest_and_takes_shares_from_rounded_figures() -> None:
    df = pd.DataFrame({"n": [3, 12, 33, 48]}, index=["a", "b", "c", "Total"])
    out = apply_disclosure(df, NHSD, total_row="Total", shares={"%": ("n", None)})
    assert out.display["n"].tolist() == ["*", 10, 35, 50]
    assert out.display["%"].tolist() == ["*", pytest.approx(0.2), pytest.approx(0.7), pytest.approx(1.0)]
    assert [e.kind for e in out.log] == ["primary", "share"]  # no secondary suppression under nhsd


def test_two_dimensional_display_keeps_labels_order_and_types() -> None:
    df = with_totals([[3, 20, 30], [25, 26, 27]], row_totals=True, col_totals=True)
    out = apply_disclosure(df, total_row="Total", total_col="Total")
    assert list(out.display.index) == list(df.index)
    assert list(out.display.columns) == list(df.columns)
    assert all(isinstance(v, int | str) for v in out.display.to_numpy().ravel())
    assert out.suppressed.dtypes.eq(bool).all()


def test_a_moderately_large_table_is_quick() -> None:
    rng = np.random.default_rng(7)
    cells = rng.choice([0, 1, 2, 3, 6, 12, 40, 90], size=(30, 12)).tolist()
    df = with_totals(cells, row_totals=True, col_totals=True)
    out = apply_disclosure(df, total_row="Total", total_col="Total")
    assert_safe(df, out, LT5, "Total", "Total")


# --- rules and presets --------------------------------------------------------------------------------


def test_presets() -> None:
    assert [p.value for p in Preset] == ["lt5", "nhsd", "ons10"]
    assert get_rule() is DEFAULT_RULE is PRESETS[Preset.LT5]
    assert [format_count(n) for n in (0, 1, 4, 5, 17)] == [0, "<5", "<5", 5, 17]
    assert [format_count(n, NHSD) for n in (0, 1, 7, 8, 12, 13, 1_002)] == [0, "*", "*", 10, 10, 15, 1_000]
    assert [format_count(n, ONS10) for n in (0, 9, 10)] == [0, "<10", 10]
    assert get_rule(" NHSD ") is NHSD


def test_a_custom_threshold() -> None:
    rule = get_rule("lt5", threshold=10)
    assert (rule.threshold, rule.marker, rule.name) == (10, "<10", "lt5, threshold 10")
    assert [format_count(n, rule) for n in (4, 9, 10)] == ["<10", "<10", 10]
    assert get_rule("nhsd", threshold=10).marker == "*"
    assert get_rule("lt5", threshold=5) is LT5


def test_zero_is_shown_unless_the_rule_says_otherwise() -> None:
    rule = dataclasses.replace(LT5, suppress_zero=True)
    assert format_count(0) == 0
    assert format_count(0, rule) == "<5"
    assert rule.primary_reason == "primary: 0-4"


def test_an_unknown_preset_names_the_presets() -> None:
    with pytest.raises(ConfigError) as err:
        get_rule("lt3")
    assert str(err.value) == 'no disclosure preset "lt3". Available: lt5, nhsd, ons10.'
    assert err.value.slugs == ["unknown-disclosure-preset"]
    assert isinstance(err.value, NeedsAssessError)


@pytest.mark.parametrize("threshold", [2, 0, -1, 2.5, True])
def test_a_threshold_below_three_is_refused(threshold: object) -> None:
    with pytest.raises(ConfigError) as err:
        get_rule("lt5", threshold=threshold)  # type: ignore[arg-type]
    assert err.value.slugs == ["disclosure-bad-threshold"]


# --- bad input ----------------------------------------------------------------------------------------


def test_counts_must_be_whole_and_not_negative() -> None:
    df = pd.DataFrame({"n": [3, -1, 2.5, float("nan"), 7.0]}, index=["a", "b", "c", "d", "e"])
    with pytest.raises(InputError) as err:
        apply_disclosure(df, table_name="ages")
    assert err.value.slugs == ["not-a-count"] * 3
    assert str(err.value).splitlines()[0] == (
        'table "ages", row "b", column "n": -1.0 is not a count; expected a whole number >= 0'
    )
    with pytest.raises(InputError):
        format_count(-2)


def test_margins_must_add_up() -> None:
    df = pd.DataFrame({"n": [3, 40, 50]}, index=["a", "b", "Total"])
    with pytest.raises(InputError) as err:
        apply_disclosure(df, table_name="t", total_row="Total")
    assert str(err.value) == 'table "t", column "n": the cells add up to 43 but the total row "Total" says 50'


def test_missing_totals_and_share_columns_are_named() -> None:
    df = pd.DataFrame({"n": [3, 40]}, index=["a", "b"])
    with pytest.raises(InputError) as err:
        apply_disclosure(df, table_name="t", total_row="All", total_col="Sum")
    assert err.value.slugs == ["missing-total", "missing-total"]
    with pytest.raises(InputError) as err:
        apply_disclosure(df, table_name="t", shares={"%": ("m", None)})
    assert err.value.slugs == ["missing-column", "missing-total"]


def test_an_empty_table_is_refused() -> None:
    with pytest.raises(InputError):
        apply_disclosure(pd.DataFrame(), table_name="t")


def test_suppress_counts_keeps_a_series_index_and_name() -> None:
    s = pd.Series([2, 30, 32], index=["x", "y", "All"], name="people")
    out = suppress_counts(s, total="All")
    assert out.name == "people"
    assert list(out.index) == ["x", "y", "All"]
    assert out.tolist() == ["<5", "*", 32]
