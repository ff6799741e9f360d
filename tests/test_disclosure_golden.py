"""Disclosure results on a fixed set of random tables, pinned to tests/golden/disclosure_random.json.

The property tests check that every result is safe; this one checks that results do not change, cell
for cell and log line for log line, when the module is reworked (say, for speed). Regenerate with
`pytest tests/test_disclosure_golden.py --update-golden` only for a deliberate change of behaviour, and
review the diff.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from needsassess.disclosure import Disclosed, Margin, Rule, apply_disclosure, get_rule, margins_of

GOLDEN = Path(__file__).resolve().parent / "golden" / "disclosure_random.json"

LT5 = get_rule("lt5")
RULES: dict[str, Rule] = {
    "lt5": LT5,
    "nhsd": get_rule("nhsd"),
    "ons10": get_rule("ons10"),
    "nhsd-secondary": dataclasses.replace(get_rule("nhsd"), secondary=True),
    "lt5-zeros": dataclasses.replace(LT5, suppress_zero=True),
    "lt5-one-marker": dataclasses.replace(LT5, secondary_marker="<5"),
}
SMALL = [0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 25, 90]


def _cells(rng: np.random.Generator, n_rows: int, n_cols: int) -> list[list[int]]:
    return [[int(rng.choice(SMALL)) for _ in range(n_cols)] for _ in range(n_rows)]


def _grid_case(rng: np.random.Generator, rule: str) -> tuple[pd.DataFrame, dict]:
    """A table with a total row, a total column or both, and shares of either."""
    cells = _cells(rng, int(rng.integers(1, 6)), int(rng.integers(1, 5)))
    df = pd.DataFrame(
        cells, index=[f"r{i}" for i in range(len(cells))], columns=[f"c{j}" for j in range(len(cells[0]))]
    )
    shape = int(rng.integers(0, 3))  # 0: total row, 1: total column, 2: both
    kwargs: dict = {"table_name": "grid"}
    if shape in (1, 2):
        df["Total"] = df.sum(axis=1)
        kwargs["total_col"] = "Total"
    if shape in (0, 2):
        df.loc["Total"] = df.sum(axis=0)
        kwargs["total_row"] = "Total"
        kwargs["shares"] = {"% c0": ("c0", None)}
    elif len(df.columns) > 1:
        kwargs["shares"] = {"% c0": ("c0", "Total")}
    if rng.random() < 0.3:
        kwargs["known"] = [(df.index[-1], df.columns[0])]
    if rng.random() < 0.3:
        kwargs["hidden"] = [(df.index[0], df.columns[-1])]
    return df, kwargs | {"rule": RULES[rule]}


def _block_case(rng: np.random.Generator, rule: str) -> tuple[pd.DataFrame, dict]:
    """A needs-profile block: values, not recorded, recorded and total rows; groups that may add up."""
    cells = _cells(rng, int(rng.integers(2, 6)), int(rng.integers(1, 4)))
    values = [f"v{i}" for i in range(len(cells) - 1)]
    groups = [f"g{j}" for j in range(len(cells[0]))]
    df = pd.DataFrame(cells, index=[*values, "not recorded"], columns=groups)
    df.loc["recorded"] = df.loc[values].sum(axis=0)
    df.loc["total"] = df.loc["recorded"] + df.loc["not recorded"]
    columns = []
    if rng.random() < 0.5:
        df["all"] = df[groups].sum(axis=1)
        columns = [("all", groups)]
    margins: list[Margin] = margins_of(
        [("recorded", values), ("total", ["recorded", "not recorded"])],
        columns,
        row_labels=list(df.index),
        column_labels=list(df.columns),
    )
    sizes = [("total", g) for g in df.columns]
    pick = rng.random()
    return df, {
        "rule": RULES[rule],
        "table_name": "block",
        "margins": margins,
        "shares": {f"share|{g}": (g, None) for g in df.columns},
        "share_base_row": "recorded",
        "known": sizes if pick < 0.4 else [],
        "hidden": sizes[:1] if pick > 0.8 else [],
    }


def _cases() -> list[tuple[pd.DataFrame, dict]]:
    rng = np.random.default_rng(20240611)
    out = []
    for i in range(240):
        rule = list(RULES)[i % len(RULES)]
        out.append(_grid_case(rng, rule) if i % 2 else _block_case(rng, rule))
    return out


def _cell(v: object) -> list:
    if v is None:
        return ["none"]
    return [type(v).__name__, v]


def _result(out: Disclosed) -> dict:
    return {
        "rows": [str(r) for r in out.display.index],
        "columns": [str(c) for c in out.display.columns],
        "display": [[_cell(v) for v in row] for row in out.display.itertuples(index=False)],
        "dtypes": [str(t) for t in out.display.dtypes],
        "labels_dtypes": [str(out.display.index.dtype), str(out.display.columns.dtype)],
        "suppressed": out.suppressed.to_numpy().tolist(),
        "suppressed_dtypes": [str(t) for t in out.suppressed.dtypes],
        "log": [dataclasses.astuple(e) for e in out.log],
        "withheld": out.withheld,
    }


def test_disclosure_results_are_unchanged(request: pytest.FixtureRequest) -> None:
    got = [_result(apply_disclosure(df, **kwargs)) for df, kwargs in _cases()]
    got = json.loads(json.dumps(got))  # tuples as lists, as read back
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text("[\n" + ",\n".join(json.dumps(g) for g in got) + "\n]\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"case {i}"
