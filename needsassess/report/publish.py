"""Publishing a stage's tables: counts through disclosure control, rates restated, the suppression log.

Shared by the sheet modules that publish counts of people and incidents (sheets/police.py,
sheets/provision.py): counts go through `disclosure.apply_disclosure` before they reach a Table, and a
rate, share or change whose count is hidden is hidden with it. `publish_sheet` keeps a stage's sheet as
published on the Assessment and adds its hidden cells to the suppression log.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from needsassess.disclosure import Rule, SuppressionEntry, apply_disclosure
from needsassess.report.model import Sheet

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.assessment import Assessment

COUNT = "#,##0"
RATE = "0.0"
DECIMAL = "#,##0.0"


def disclose(
    counts: pd.DataFrame,
    rule: Rule,
    name: str,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts as published (ints and markers) and which cells are hidden; margins protect their cells."""
    disclosed = apply_disclosure(counts, rule, table_name=name, total_row=total_row, total_col=total_col)
    return disclosed.display, disclosed.suppressed


def restated(value: Any, count: Any, shown: Any) -> Any:
    """A rate or share computed from `count`, restated for the published count (rounded under nhsd)."""
    if value is None or value != value or not isinstance(shown, numbers.Real) or not count:
        return value
    return value * shown / count


def is_small(rule: Rule, n: Any) -> bool:
    """True if a denominator that is not shown would itself be hidden."""
    return n is not None and n == n and rule.is_primary(int(n))


def disclose_blocks(
    frame: pd.DataFrame,
    columns: list[str],
    rule: Rule,
    name: str,
    blocks: Sequence[tuple[Sequence[Hashable], Hashable | None]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disclose groups of rows separately: each (rows, total row) is one table with its margin."""
    import pandas as pd

    shown, hidden = [], []
    for i, (rows, total) in enumerate(blocks):
        part = frame.loc[rows, columns]
        d, m = disclose(part.astype("int64"), rule, f"{name}_{i + 1}", total_row=total)
        shown.append(d)
        hidden.append(m)
    return pd.concat(shown).reindex(frame.index), pd.concat(hidden).reindex(frame.index).fillna(False)


def masked(
    values: pd.Series,
    hide: pd.Series,
    rule: Rule,
    counts: pd.Series | list[Any] | None = None,
    shown: pd.Series | list[Any] | None = None,
    total: tuple[Any, Any] | None = None,
) -> list[Any]:
    """Rates, shares or changes as published: the share marker where `hide` is true, None ([x]) where missing.

    With `counts` and `shown` (the counts each value was computed from, and as they are published) a value
    is restated for the published count, so that under a rounding rule (nhsd) a rate cannot give back the
    exact count; `total` = (count, as published) does the same for the denominator of a share of a total.
    """
    out: list[Any] = []
    n = len(values)
    counts_list = list(counts) if counts is not None else [None] * n
    shown_list = list(shown) if shown is not None else [None] * n
    for v, h, c, sh in zip(values, hide, counts_list, shown_list, strict=True):
        if bool(h):
            out.append(rule.share_marker)
            continue
        if v is None or v != v:
            out.append(None)
            continue
        v = v.item() if hasattr(v, "item") else v
        if c is not None:
            v = restated(v, c, sh)
        if total is not None:
            v = restated(v, total[1], total[0])
        out.append(v)
    return out


def share_of_total(
    counts: pd.Series, shown: pd.Series, hidden: pd.Series
) -> tuple[tuple[Any, Any], pd.Series]:
    """(published total, total) for shares of the Total row, and which shares to hide (all, if it is hidden)."""
    total = (shown["Total"], counts["Total"])
    if not isinstance(total[0], numbers.Real):
        return total, hidden | True
    return total, hidden


def plain_values(values: pd.Series, whole: bool = False) -> list[Any]:
    """Python values for a Table: None (shown as [x]) for missing, ints for whole numbers if asked."""
    out: list[Any] = []
    for v in values:
        if v is None or v != v:
            out.append(None)
            continue
        v = v.item() if hasattr(v, "item") else v
        out.append(int(v) if whole and isinstance(v, float) and v.is_integer() else v)
    return out


def disclosure_note(rule: Rule) -> str:
    text = (
        f'Disclosure control "{rule.name}": counts from {rule.lowest_hidden or 1} to {rule.threshold - 1} are '
        f'shown as "{rule.marker}"'
    )
    if rule.round_to > 1:
        text += (
            f", other counts are rounded to the nearest {rule.round_to} and rates follow the rounded counts"
        )
    if rule.secondary:
        text += (
            f', and further cells as "{rule.secondary_marker}" so that a hidden count cannot be worked out '
            "from the totals"
        )
    return text + f'; a rate, share or change whose count is hidden is shown as "{rule.share_marker}".'


# --- the suppression log -----------------------------------------------------------------------------------


def published_log(sheet: Sheet, rule: Rule) -> list[SuppressionEntry]:
    """Every hidden cell of a published sheet, for the workbook's suppression log (values never logged).

    Read from the tables as published: a marker in a count column is a primary or secondary suppression,
    a marker elsewhere a rate, share or change hidden with its count.
    """
    entries = []
    for table in sheet.tables:
        counts = {
            c for c, f in table.formats.items() if f in (COUNT, DECIMAL) and not c.startswith("Population")
        }
        label = table.frame.columns[0]
        markers = {rule.marker, rule.secondary_marker, rule.share_marker}
        for row in table.frame.to_dict("records"):
            for column, value in row.items():
                if not isinstance(value, str) or value not in markers or column == label:
                    continue
                if column in counts and value == rule.marker:
                    kind, reason = "primary", rule.primary_reason
                elif column in counts:
                    kind, reason = "secondary", "secondary: protects a small count in the same table"
                else:
                    kind, reason = "share", "a rate, share or change of a hidden count"
                entries.append(SuppressionEntry(table.title, str(row[label]), str(column), kind, reason))
    return entries


def publish_sheet(assessment: Assessment, key: str, sheet: Sheet) -> None:
    """Keep a stage's sheet as published (counts suppressed) and add its hidden cells to the log."""
    assessment.published[key] = sheet
    assessment.suppression_log.extend(published_log(sheet, assessment.disclosure_rule))
