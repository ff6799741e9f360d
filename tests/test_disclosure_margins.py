"""Subtotals beside totals (a "Recorded" row above "Total"), and shares of a subtotal.

The needs profile publishes each share with its base (those recorded) and the count not recorded, so
its tables carry two equations per column: categories add up to "Recorded", and "Recorded" plus "Not
recorded" to "Total"; across agencies, referrals add up to "All agencies". The attacks are the ones of
test_disclosure.py, over every one of those equations.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_disclosure import PROPERTY, RULES, determined_by_algebra, pinned_by_one_equation

from needsassess.disclosure import Margin, Rule, apply_disclosure, get_rule, margins_of
from needsassess.errors import InputError

LT5 = get_rule("lt5")


def profile_block(cells: list[list[int]], additive: bool) -> tuple[pd.DataFrame, list[Margin]]:
    """Rows v0.., "not recorded", "recorded", "total"; columns g0.. and, if additive, "all" = their sum."""
    values = [f"v{i}" for i in range(len(cells) - 1)]
    groups = [f"g{j}" for j in range(len(cells[0]))]
    df = pd.DataFrame(cells, index=[*values, "not recorded"], columns=groups)
    df.loc["recorded"] = df.loc[values].sum(axis=0)
    df.loc["total"] = df.loc["recorded"] + df.loc["not recorded"]
    columns = []
    if additive:
        df["all"] = df[groups].sum(axis=1)
        columns = [("all", groups)]
    margins = margins_of(
        [("recorded", values), ("total", ["recorded", "not recorded"])],
        columns,
        row_labels=list(df.index),
        column_labels=list(df.columns),
    )
    return df, margins


def margin_equations(margins: list[Margin]) -> list[list[tuple[tuple, int]]]:
    return [[(cell, 1) for cell in m.cells] + [(m.total, -1)] for m in margins]


@st.composite
def blocks(draw: st.DrawFn) -> list[list[int]]:
    n_rows = draw(st.integers(2, 6))  # at least one value and "not recorded"
    n_cols = draw(st.integers(1, 4))
    small = st.one_of(st.integers(0, 6), st.integers(0, 12), st.integers(0, 200))
    return [draw(st.lists(small, min_size=n_cols, max_size=n_cols)) for _ in range(n_rows)]


@PROPERTY
@given(cells=blocks(), additive=st.booleans(), sizes_known=st.booleans(), rule=RULES)
def test_subtotals_and_totals_cannot_be_attacked(
    cells: list[list[int]], additive: bool, sizes_known: bool, rule: Rule
) -> None:
    df, margins = profile_block(cells, additive)
    known = [("total", g) for g in df.columns] if sizes_known else []
    out = apply_disclosure(df, rule, margins=margins, known=known)
    display = out.display
    for cell in known:  # a size published elsewhere stays visible here
        if not out.withheld and not rule.is_primary(int(df.at[cell])):
            assert display.at[cell] == rule.shown(int(df.at[cell]))
    for r in df.index:  # no visible count between 1 and the threshold
        for c in df.columns:
            v = display.at[r, c]
            if not isinstance(v, str):
                assert not (1 <= v < rule.threshold), (r, c, v)
    if out.withheld or not rule.secondary:
        return
    eqs = margin_equations(margins)
    exact = display.astype(object).where(display.map(lambda v: isinstance(v, str)), df)
    for eq in eqs:
        assert sum(isinstance(exact.at[cell], str) for cell, _ in eq) != 1, eq
    assert determined_by_algebra(exact, eqs) == []
    assert pinned_by_one_equation(exact, eqs, rule) == []


@PROPERTY
@given(cells=blocks(), rule=RULES)
def test_shares_of_the_recorded_row_are_hidden_with_their_counts(cells: list[list[int]], rule: Rule) -> None:
    df, margins = profile_block(cells, additive=False)
    shares = {f"share {g}": (g, None) for g in df.columns}
    out = apply_disclosure(df, rule, margins=margins, shares=shares, share_base_row="recorded")
    for g in df.columns:
        for r in df.index:
            share = out.display.at[r, f"share {g}"]
            if out.suppressed.at[r, g] or out.suppressed.at["recorded", g]:
                assert share == rule.share_marker
            else:
                base = out.display.at["recorded", g]
                assert share == (None if base == 0 else pytest.approx(out.display.at[r, g] / base))


def test_a_group_of_three_is_fewer_than_five_with_its_share_and_a_protector_hidden() -> None:
    df, margins = profile_block([[3], [20], [7]], additive=False)  # yes 3, no 20, not recorded 7
    out = apply_disclosure(
        df, LT5, margins=margins, shares={"share": ("g0", None)}, share_base_row="recorded"
    )
    assert out.display.at["v0", "g0"] == "<5"
    assert out.display.at["v0", "share"] == "*"
    assert out.display.at["v1", "g0"] == "*"  # "no" hidden, or "recorded" - "yes" would give it away
    assert out.display.at["recorded", "g0"] == 23
    assert out.display.at["not recorded", "g0"] == 7
    kinds = {(e.row, e.column): e.kind for e in out.log}
    assert kinds == {
        ("v0", "g0"): "primary",
        ("v1", "g0"): "secondary",
        ("v0", "share"): "share",
        ("v1", "share"): "share",
    }
    assert (
        next(e for e in out.log if e.kind == "secondary").reason == "secondary: protects total recorded, g0"
    )


def test_margins_must_name_cells_and_add_up() -> None:
    df = pd.DataFrame({"n": [5, 6, 12]}, index=["a", "b", "sum"])
    with pytest.raises(InputError) as err:
        apply_disclosure(
            df,
            LT5,
            margins=[Margin(("sum", "n"), (("a", "n"), ("b", "n"))), Margin(("sum", "x"), (("a", "x"),))],
        )
    assert err.value.slugs == ["total-mismatch", "missing-cell", "missing-cell"]
    with pytest.raises(InputError, match='has no row "recorded"'):
        apply_disclosure(df, LT5, shares={"s": ("n", None)}, share_base_row="recorded")


def test_each_preset_says_what_it_does() -> None:
    assert get_rule("lt5").describe() == (
        'preset "lt5": counts of 1 to 4 are shown as "<5"; in tables with totals, further cells are shown as '
        '"*" so that no hidden count can be worked out from the totals; shares of a hidden count are shown '
        'as "*"; zero is shown as 0.'
    )
    nhsd = get_rule("nhsd").describe()
    assert "1 to 7" in nhsd and "nearest 5" in nhsd and "totals" not in nhsd
    assert '"<10"' in get_rule("ons10").describe()


def test_a_protector_pinned_at_the_threshold_is_covered_not_the_whole_table_withheld() -> None:
    """Support ended by reason x accommodation (the sample refuge): no single extra cell frees the
    pinned protector, so several are hidden, and the table is still published."""
    rows = ["No longer needed", "Moved on", "Disengaged", "Evicted", "Returned", "Other", "Not recorded"]
    cells = [
        [9, 0, 5, 0, 2, 0, 0],
        [12, 0, 3, 2, 0, 0, 0],
        [9, 0, 6, 1, 2, 0, 0],
        [5, 0, 5, 0, 1, 0, 0],
        [7, 0, 5, 1, 0, 0, 0],
        [0] * 7,
        [0] * 7,
    ]
    df = pd.DataFrame(cells, index=rows, columns=["a", "b", "c", "d", "e", "f", "g"])
    df["Total"] = df.sum(axis=1)
    df.loc["Total"] = df.sum(axis=0)
    out = apply_disclosure(df, LT5, total_row="Total", total_col="Total")
    assert not out.withheld
    assert out.display.at["Total", "Total"] == 75
    assert out.display.at["Other", "a"] == 0
    eqs = [[((r, c), 1) for c in df.columns if c != "Total"] + [((r, "Total"), -1)] for r in df.index]
    eqs += [[((r, c), 1) for r in df.index if r != "Total"] + [(("Total", c), -1)] for c in df.columns]
    exact = out.display.astype(object).where(out.display.map(lambda v: isinstance(v, str)), df)
    assert determined_by_algebra(exact, eqs) == []
    assert pinned_by_one_equation(exact, eqs, LT5) == []


def test_a_cell_known_from_another_table_is_never_hidden_and_what_it_gives_away_is_not_chosen() -> None:
    # yes 30, no 40, not recorded 2; the group's size (72) is published in another table
    df, margins = profile_block([[30], [40], [2]], additive=False)
    out = apply_disclosure(df, LT5, margins=margins, known=[("total", "g0")])
    assert out.display.at["total", "g0"] == 72
    assert out.display.at["not recorded", "g0"] == "<5"
    assert out.display.at["recorded", "g0"] == "*"  # 72 - 2: the only protector left
    assert out.display.at["v0", "g0"] == "*" and out.display.at["v1", "g0"] == 40


def test_a_known_total_with_no_not_recorded_makes_the_base_known_too() -> None:
    # With 0 not recorded and the size known, the base is known: protect "<5" values with values instead.
    cells = [[2, 3, 10, 15], [60, 40, 30, 50], [70, 80, 90, 25], [0, 0, 0, 0]]
    df, margins = profile_block(cells, additive=True)
    known = [("total", g) for g in df.columns]
    out = apply_disclosure(df, LT5, margins=margins, known=known)
    assert not out.withheld
    for g in df.columns:
        assert out.display.at["recorded", g] == df.at["recorded", g]
    eqs = margin_equations(margins)
    exact = out.display.astype(object).where(out.display.map(lambda v: isinstance(v, str)), df)
    assert determined_by_algebra(exact, eqs) == []
    assert pinned_by_one_equation(exact, eqs, LT5) == []


def test_a_cell_hidden_in_another_table_starts_hidden() -> None:
    df, margins = profile_block([[30], [40], [20]], additive=False)
    out = apply_disclosure(df, LT5, margins=margins, hidden=[("total", "g0")])
    assert out.display.at["total", "g0"] == "*"
    assert any(e.reason == "secondary: hidden in another table" for e in out.log)
    eqs = margin_equations(margins)
    exact = out.display.astype(object).where(out.display.map(lambda v: isinstance(v, str)), df)
    assert determined_by_algebra(exact, eqs) == []
