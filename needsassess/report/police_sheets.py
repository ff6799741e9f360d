"""The Police, Provision and Reach sheets: published tables (suppressed) built from the stage results.

Presentation only: the estimators computed every count and rate; here counts of people and incidents go
through disclosure control before they reach a Table, and a rate, share or change whose count is hidden
is hidden with it. Rows that add up (crimes + non-crime incidents = incidents; wards = total) are passed
as tables with their margins, so a hidden cell cannot be worked back from the totals. The terminal and
csv output of `needsassess police` publish these same tables.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from needsassess.disclosure import Rule, SuppressionEntry, apply_disclosure
from needsassess.report.model import Chart, Sheet, Table

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.police import PoliceResult
    from needsassess.provision import ProvisionResult, ReachResult

COUNT = "#,##0"
RATE = "0.0"
DECIMAL = "#,##0.0"

# --- disclosure ----------------------------------------------------------------------------------------


def _disclose(
    counts: pd.DataFrame,
    rule: Rule,
    name: str,
    total_row: Hashable | None = None,
    total_col: Hashable | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts as published (ints and markers) and which cells are hidden; margins protect their cells."""
    disclosed = apply_disclosure(counts, rule, table_name=name, total_row=total_row, total_col=total_col)
    return disclosed.display, disclosed.suppressed


def _scaled(value: Any, count: Any, shown: Any) -> Any:
    """A rate or share computed from `count`, restated for the published count (rounded under nhsd)."""
    if value is None or value != value or not isinstance(shown, numbers.Real) or not count:
        return value
    return value * shown / count


def _is_small(rule: Rule, n: Any) -> bool:
    """True if a denominator that is not shown would itself be hidden."""
    return n is not None and n == n and rule.is_primary(int(n))


def _blocks(
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
        d, m = _disclose(part.astype("int64"), rule, f"{name}_{i + 1}", total_row=total)
        shown.append(d)
        hidden.append(m)
    return pd.concat(shown).reindex(frame.index), pd.concat(hidden).reindex(frame.index).fillna(False)


def _masked(
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
            v = _scaled(v, c, sh)
        if total is not None:
            v = _scaled(v, total[1], total[0])
        out.append(v)
    return out


def _share_of_total(
    counts: pd.Series, shown: pd.Series, hidden: pd.Series
) -> tuple[tuple[Any, Any], pd.Series]:
    """(published total, total) for shares of the Total row, and which shares to hide (all, if it is hidden)."""
    total = (shown["Total"], counts["Total"])
    if not isinstance(total[0], numbers.Real):
        return total, hidden | True
    return total, hidden


def _day(d: Any) -> str:
    return f"{d.day} {d:%B %Y}"


def _plain(values: pd.Series, whole: bool = False) -> list[Any]:
    """Python values for a Table: None (shown as [x]) for missing, ints for whole numbers if asked."""
    out: list[Any] = []
    for v in values:
        if v is None or v != v:
            out.append(None)
            continue
        v = v.item() if hasattr(v, "item") else v
        out.append(int(v) if whole and isinstance(v, float) and v.is_integer() else v)
    return out


def _disclosure_note(rule: Rule) -> str:
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


# --- Police --------------------------------------------------------------------------------------------

SUMMARY_BLOCK = ["crimes", "non_crime", "crime_not_recorded", "incidents"]


def police_sheet_for(result: PoliceResult, rule: Rule) -> Sheet:
    """The Police sheet: headline, year on year, offences, trend, people, risk, wards, peers, rows read."""
    tables: list[Table] = []
    charts: list[Chart] = []
    source = f"{result.source}; population: mid-{result.population_year or 'year'} estimates"
    summary = _summary_table(result, rule, source)
    tables.append(summary)
    if result.year_on_year is not None and result.baseline is not None:
        tables.append(_year_on_year_table(result, rule, source))
    tables.append(_offences_table(result, rule, source))
    monthly = _monthly_table(result, rule, source)
    tables.append(monthly)
    charts.append(
        Chart(
            kind="line",
            title=f"Domestic abuse incidents and crimes recorded by the police each month, {result.area_name}",
            table=monthly.name,
            categories="Month",
            values=["Incidents and crimes", "Crimes"],
            alt_text=_trend_alt_text(result),
            y_title="Incidents and crimes",
            rows=slice(0, len(monthly.frame) - 1),
        )
    )
    tables.append(
        _age_sex_table(
            result.victims, "police_victims", f"Victims by age and sex, {result.current.label}", rule, source
        )
    )
    tables.append(
        _age_sex_table(
            result.perpetrators,
            "police_perpetrators",
            f"Perpetrators by age and sex, {result.current.label}",
            rule,
            source,
        )
    )
    tables.append(_risk_table(result, rule, source))
    if result.wards is not None:
        tables.append(_wards_table(result, rule, source))
    if result.deciles is not None and result.most_deprived is not None:
        tables.append(_most_deprived_table(result, rule, source))
        tables.append(_deciles_table(result, rule, source))
    if result.peers is not None:
        cleveland, rates = _peer_tables(result, rule, source)
        tables += [cleveland, rates]
        charts.append(
            Chart(
                kind="bar",
                title=f"Domestic abuse incidents and crimes per 1,000 residents aged 16+, {result.current.label}",
                table=rates.name,
                categories="Area",
                values=["Incidents and crimes per 1,000", "Crimes per 1,000"],
                alt_text=_peer_alt_text(result, rates.frame),
                y_title="Per 1,000 residents aged 16 and over",
            )
        )
    tables.append(_reading_table(result, rule))
    intro = [_headline_sentence(result, summary.frame)]
    intro += [
        "Incidents are every domestic abuse-related record, crimes and non-crime incidents together; rates "
        "are per 1,000 residents aged 16 and over, as in the Public Health Outcomes Framework indicator.",
        "A repeat incident is one whose victim had another incident in the 12 months before it; a repeat "
        "victim had at least one repeat incident in the year.",
        _disclosure_note(rule),
    ]
    intro += result.notes
    return Sheet(
        "Police",
        f"Domestic abuse recorded by the police in {result.area_name}, {result.current.label}",
        intro,
        tables,
        charts,
        "Police-recorded incidents and crimes: rates, repeats, children, risk, wards, trend and peers",
    )


def _headline_sentence(result: PoliceResult, summary: pd.DataFrame) -> str:
    row = summary.set_index("Measure")
    incidents = row.loc["Domestic abuse incidents and crimes"]
    crimes = row.loc["Domestic abuse-related crimes"]

    def fmt(v: Any, pattern: str = "{:,.0f}") -> str:
        return pattern.format(v) if isinstance(v, numbers.Real) else str(v)

    text = (
        f"In {result.current.label} the police recorded {fmt(incidents['Number'])} domestic abuse incidents and "
        f"crimes in {result.area_name} ({fmt(incidents['Per 1,000 aged 16+'], '{:.1f}')} per 1,000 residents aged "
        "16 and over)"
    )
    if isinstance(crimes["Number"], numbers.Real) and isinstance(crimes["Share (%)"], numbers.Real):
        text += f", of which {fmt(crimes['Number'])} ({fmt(crimes['Share (%)'], '{:.1f}')}%) were crimes"
    return text + "."


def _summary_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    from needsassess.police import DENOMINATOR_LABELS, INDICATORS

    figures = result.figures
    keys = [k for k, *_ in INDICATORS] + ["female_victims"]
    counts = pd.DataFrame({"count": [figures[k] for k in keys]}, index=keys)
    block = [k for k in SUMMARY_BLOCK if k in counts.index or k == "crime_not_recorded"]
    counts.loc["crime_not_recorded"] = figures["crime_not_recorded"]
    rest = [k for k in counts.index if k not in block]
    display, hidden = _blocks(counts, ["count"], rule, "police_summary", [(block, "incidents"), (rest, None)])
    labels = {k: label for k, label, *_ in INDICATORS} | {"female_victims": "Incidents with a female victim"}
    denominators = {k: d for k, _l, d, _r in INDICATORS} | {"female_victims": "victim_sex_recorded"}
    den_labels = DENOMINATOR_LABELS | {"victim_sex_recorded": "incidents with the victim's sex recorded"}
    per_1000 = {k: r for k, _l, _d, r in INDICATORS}
    pop = result.population_16plus
    records = []
    for key in keys:
        den = denominators.get(key)
        shown, count_hidden = display.at[key, "count"], bool(hidden.at[key, "count"])
        share: Any = None
        if den and figures[den]:
            den_shown = display.at[den, "count"] if den in display.index else rule.shown(figures[den])
            den_hidden = (den in hidden.index and bool(hidden.at[den, "count"])) or _is_small(
                rule, figures[den]
            )
            share = rule.share_marker if count_hidden or den_hidden else 100 * shown / den_shown
        rate: Any = None
        if per_1000.get(key) and pop:
            rate = rule.share_marker if count_hidden else 1000 * shown / pop
        records.append(
            {
                "Measure": labels[key],
                "Number": shown,
                "Share (%)": share,
                "Share of": den_labels.get(den, "") if den else "",
                "Per 1,000 aged 16+": rate,
            }
        )
    frame = pd.DataFrame.from_records(records)
    return Table(
        "police_summary",
        f"Police-recorded domestic abuse in {result.area_name}, {result.current.label} "
        f"({_day(result.current.start)} to {_day(result.current.end)})",
        frame,
        source,
        notes=[
            f"Rates are per 1,000 of the {result.population_16plus:,} residents aged 16 and over "
            f"(mid-{result.population_year} estimates). Victims are people, found by their pseudonymised key."
        ],
        formats={"Number": COUNT, "Share (%)": RATE, "Per 1,000 aged 16+": RATE},
        widths={"Measure": 56, "Share of": 40},
    )


def _change_columns(
    display: pd.DataFrame, hidden: pd.DataFrame, before: str, after: str, rule: Rule
) -> tuple[list[Any], list[Any]]:
    """Change and % change from the published counts; hidden with either count."""
    change: list[Any] = []
    pct: list[Any] = []
    for b, a, hb, ha in zip(display[before], display[after], hidden[before], hidden[after], strict=True):
        if bool(hb) or bool(ha):
            change.append(rule.share_marker)
            pct.append(rule.share_marker)
        elif b is None or a is None:
            change.append(None)
            pct.append(None)
        else:
            change.append(a - b)
            pct.append(None if b == 0 else 100 * (a - b) / b)
    return change, pct


def _year_on_year_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    assert result.year_on_year is not None and result.baseline is not None
    yoy = result.year_on_year.set_index("key")
    block = [k for k in ("crimes", "non_crime", "incidents") if k in yoy.index]
    extra = pd.DataFrame(index=["crime_not_recorded"])
    counts = yoy[["baseline", "current"]].astype("int64")
    not_recorded = result.figures["crime_not_recorded"]
    if not_recorded or (counts.loc["crimes"] + counts.loc["non_crime"] != counts.loc["incidents"]).any():
        extra = (
            counts.loc[["incidents"]]
            - counts.loc[["crimes"]].to_numpy()
            - counts.loc[["non_crime"]].to_numpy()
        )
        extra.index = ["crime_not_recorded"]
        counts = pd.concat([counts, extra])
        block = ["crimes", "non_crime", "crime_not_recorded", "incidents"]
    rest = [k for k in yoy.index if k not in block]
    display, hidden = _blocks(
        counts, ["baseline", "current"], rule, "police_year_on_year", [(block, "incidents"), (rest, None)]
    )
    display, hidden = display.loc[yoy.index], hidden.loc[yoy.index]
    change, pct = _change_columns(display, hidden, "baseline", "current", rule)
    before, after = f"Baseline {result.baseline.label}", result.current.label
    frame = pd.DataFrame(
        {
            "Indicator": list(yoy["measure"]),
            before: list(display["baseline"]),
            after: list(display["current"]),
            "Change": change,
            "% Change": pct,
        }
    )
    return Table(
        "police_year_on_year",
        f"Domestic abuse in {result.area_name}: {result.baseline.label} and {result.current.label}",
        frame,
        source,
        notes=[
            "Change = current year less baseline; % Change is of the baseline ([x] where the baseline is 0)."
        ],
        formats={before: COUNT, after: COUNT, "Change": COUNT, "% Change": RATE},
        widths={"Indicator": 56},
    )


def _offences_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    offences = result.offences.set_index("offence")
    has_baseline = result.baseline is not None
    columns = ["baseline", "current"] if has_baseline else ["current"]
    counts = offences[columns].astype("int64")
    display, hidden = _disclose(counts, rule, "police_offences", total_row="Total")
    after = result.current.label
    frame = pd.DataFrame({"Offence": list(offences.index)})
    if has_baseline:
        assert result.baseline is not None
        before = result.baseline.label
        frame[before] = list(display["baseline"])
        frame[after] = list(display["current"])
        change, pct = _change_columns(display, hidden, "baseline", "current", rule)
        frame["Change"] = change
        frame["% Change"] = pct
        title = f"Domestic abuse-related crimes by offence, {result.area_name}: {before} and {after}"
    else:
        frame[after] = list(display["current"])
        title = f"Domestic abuse-related crimes by offence, {result.area_name}, {after}"
    return Table(
        "police_offences",
        title,
        frame,
        source,
        formats=dict.fromkeys([c for c in frame.columns if c != "Offence"], COUNT) | {"% Change": RATE},
        widths={"Offence": 40},
    )


def _monthly_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    monthly = result.monthly.set_index("label")
    counts = monthly[["crimes", "non_crime", "incidents"]].copy()
    other = counts["incidents"] - counts["crimes"] - counts["non_crime"]
    with_other = bool(other.any())
    if with_other:
        counts.insert(2, "not_recorded", other)
    counts.loc["Total"] = counts.sum()
    display, _hidden = _disclose(
        counts.astype("int64"), rule, "police_monthly", total_row="Total", total_col="incidents"
    )
    frame = pd.DataFrame(
        {
            "Month": list(counts.index),
            "Year": list(monthly["year"]) + [""],
            "Incidents and crimes": list(display["incidents"]),
            "Crimes": list(display["crimes"]),
            "Non-crime incidents": list(display["non_crime"]),
        }
    )
    if with_other:
        frame["Crime status not recorded"] = list(display["not_recorded"])
    first, last = result.monthly["label"].iloc[0], result.monthly["label"].iloc[-1]
    return Table(
        "police_monthly",
        f"Domestic abuse incidents and crimes by month, {result.area_name}, {first} to {last}",
        frame,
        source,
        formats=dict.fromkeys(frame.columns[2:], COUNT),
    )


def _age_sex_table(table: pd.DataFrame, name: str, title: str, rule: Rule, source: str) -> Table:
    display, _hidden = _disclose(table.astype("int64"), rule, name, total_row="Total", total_col="Total")
    frame = display.reset_index()
    frame.columns = ["Age", *display.columns]
    return Table(
        name,
        title,
        frame,
        source,
        notes=["Counts are of incidents: someone involved in two incidents is counted twice."],
        formats=dict.fromkeys(display.columns, COUNT),
    )


def _risk_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    risk = result.risk.set_index("risk")
    display, hidden = _disclose(risk[["incidents"]].astype("int64"), rule, "police_risk", total_row="Total")
    any_hidden = bool(hidden["incidents"].iloc[:3].any())
    assessed = int(risk["incidents"].iloc[:3].sum())
    shares = _masked(
        risk["share_pct"],
        pd.Series([any_hidden] * 3 + [False, False], index=risk.index),
        rule,
        risk["incidents"],
        display["incidents"],
        (rule.shown(assessed), assessed),
    )
    frame = pd.DataFrame(
        {
            "Risk level": list(risk.index),
            "Incidents": list(display["incidents"]),
            "Share of assessed (%)": shares,
        }
    )
    return Table(
        "police_risk",
        f"Incidents by risk level (DASH), {result.area_name}, {result.current.label}",
        frame,
        source,
        notes=["Shares are of the incidents with a risk assessment recorded."],
        formats={"Incidents": COUNT, "Share of assessed (%)": RATE},
        widths={"Risk level": 30},
    )


def _wards_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    import pandas as pd

    wards = result.wards
    assert wards is not None
    level = result.deprivation_level
    if "unit" not in wards.columns:  # counts only, no deprivation table
        w = wards.set_index("ward")
        display, _h = _disclose(
            w[["incidents", "crimes"]].astype("int64"), rule, "police_wards", total_row="Total"
        )
        frame = pd.DataFrame(
            {
                "Ward": list(w.index),
                "Incidents and crimes": list(display["incidents"]),
                "Crimes": list(display["crimes"]),
            }
        )
        return Table(
            "police_wards",
            f"Domestic abuse incidents and crimes by ward, {result.area_name}, {result.current.label}",
            frame,
            source,
            notes=["No deprivation table with ward populations was given, so no rates are shown."],
            formats={"Incidents and crimes": COUNT, "Crimes": COUNT},
        )
    w = wards.set_index("unit")
    display, hidden = _disclose(
        w[["incidents", "crimes"]].astype("int64"), rule, "police_wards", total_row="Total"
    )
    pop_label = "Population aged 16+" if result.population_basis == "population_16plus" else "Population"
    frame = pd.DataFrame(
        {
            level.capitalize() if level == "ward" else level: [
                n or u for u, n in zip(w.index, w["name"], strict=True)
            ],
            "Code": [u if n else "" for u, n in zip(w.index, w["name"], strict=True)],
            "Deprivation order (1 = most deprived)": _plain(w["order"], whole=True),
            "IMD decile": _plain(w["decile"], whole=True),
            pop_label: _plain(w[result.population_basis], whole=True),
            "Incidents and crimes": list(display["incidents"]),
            "Crimes": list(display["crimes"]),
            "Incidents per 1,000": _masked(
                w["incidents_per_1000"], hidden["incidents"], rule, w["incidents"], display["incidents"]
            ),
            "Crimes per 1,000": _masked(
                w["crimes_per_1000"], hidden["crimes"], rule, w["crimes"], display["crimes"]
            ),
        }
    )
    return Table(
        "police_wards",
        f"Domestic abuse incidents and crimes by {level}, most deprived first, {result.area_name}, {result.current.label}",
        frame,
        source + f"; deprivation: {result.deprivation_basis}",
        notes=[f"Rates are per 1,000 of the {level} population{' aged 16+' if '16' in pop_label else ''}."],
        formats={
            pop_label: COUNT,
            "Incidents and crimes": COUNT,
            "Crimes": COUNT,
            "Incidents per 1,000": RATE,
            "Crimes per 1,000": RATE,
        },
        widths={frame.columns[0]: 30},
    )


def _most_deprived_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    top = result.most_deprived
    assert top is not None
    units = _units(result)
    return _deprivation_groups_table(
        result,
        rule,
        source,
        top.set_index("group"),
        name="police_most_deprived",
        label="Group",
        title=f"Incidents in the most deprived {units.lower()}, {result.area_name}, {result.current.label}",
        note=f"{units} are ordered by deprivation (IMD score, else rank, else decile) within {result.area_name}. "
        "Population is of the ages the deprivation table gives (16+ where it has them).",
        with_crimes=False,
        widths={"Group": 36},
    )


def _deciles_table(result: PoliceResult, rule: Rule, source: str) -> Table:
    dec = result.deciles
    assert dec is not None
    return _deprivation_groups_table(
        result,
        rule,
        source,
        dec.set_index(dec["decile"].astype(str)),
        name="police_deciles",
        label="Deprivation decile (1 = most deprived)",
        title=f"Incidents by deprivation decile, {result.area_name}, {result.current.label}",
        note=f"Deciles: {result.deprivation_basis}. Deciles with no {_units(result).lower()} in the area are "
        "left out.",
        with_crimes=True,
    )


def _units(result: PoliceResult) -> str:
    """What the deprivation table's rows are: "Wards" or "LSOAs"."""
    return f"{result.deprivation_level.capitalize() if result.deprivation_level == 'ward' else 'LSOA'}s"


def _deprivation_groups_table(
    result: PoliceResult,
    rule: Rule,
    source: str,
    groups: pd.DataFrame,
    *,
    name: str,
    label: str,
    title: str,
    note: str,
    with_crimes: bool,
    widths: dict[str, float] | None = None,
) -> Table:
    """Incidents by groups of wards or LSOAs (the most deprived, deciles), indexed by the group's label,
    with a total row; counts suppressed, and shares and rates hidden where they would reveal them."""
    import pandas as pd

    display, hidden = _disclose(
        groups[["incidents", "crimes"]].astype("int64"), rule, name, total_row="Total"
    )
    total, hide_share = _share_of_total(groups["incidents"], display["incidents"], hidden["incidents"])
    columns: dict[str, list[Any]] = {
        label: list(groups.index),
        _units(result): list(groups["units"]),
        "Population": _plain(groups["population"], whole=True),
        "Incidents and crimes": list(display["incidents"]),
    }
    if with_crimes:
        columns["Crimes"] = list(display["crimes"])
    columns["Share of incidents (%)"] = _masked(
        groups["share_pct"], hide_share, rule, groups["incidents"], display["incidents"], total
    )
    columns["Incidents per 1,000"] = _masked(
        groups["per_1000"], hidden["incidents"], rule, groups["incidents"], display["incidents"]
    )
    formats = {
        "Population": COUNT,
        "Incidents and crimes": COUNT,
        "Crimes": COUNT,
        "Share of incidents (%)": RATE,
        "Incidents per 1,000": RATE,
    }
    return Table(
        name,
        title,
        pd.DataFrame(columns),
        source + f"; deprivation: {result.deprivation_basis}",
        notes=[note],
        formats={column: fmt for column, fmt in formats.items() if column in columns},
        widths=widths or {},
    )


PEER_LABELS = {
    "incidents": "Domestic abuse incidents and crimes",
    "crimes": "Domestic abuse-related crimes",
    "non_crime": "Non-crime domestic incidents",
    "repeat_incidents": "Repeat incidents",
    "high_risk": "High-risk incidents",
    "children_present": "Incidents with children present",
}


def _peer_tables(result: PoliceResult, rule: Rule, source: str) -> tuple[Table, Table]:
    """The Cleveland-shaped comparison (measures down, each area's number and rate across) and a rates table."""
    import pandas as pd

    peers = result.peers
    assert peers is not None
    p = peers.set_index("area_name")
    total = result.total_name
    core = ["crimes", "non_crime", "incidents"]
    complete = p[core].notna().all(axis=1).all() and (p["crimes"] + p["non_crime"] == p["incidents"]).all()
    shown = pd.DataFrame(index=p.index, dtype=object)
    hidden = pd.DataFrame(False, index=p.index, columns=list(PEER_LABELS))
    if complete:
        d, h = _disclose(
            p[core].astype("int64"), rule, "police_peers", total_row=total, total_col="incidents"
        )
        for c in core:
            shown[c], hidden[c] = d[c], h[c]
        others = [m for m in PEER_LABELS if m not in core]
    else:
        others = list(PEER_LABELS)
    for m in others:
        have = p[m].notna()
        if not have.any():
            shown[m] = None
            continue
        tot = total if have.all() else None
        d, h = _disclose(p.loc[have, [m]].astype("int64"), rule, f"police_peers_{m}", total_row=tot)
        shown[m] = d[m].reindex(p.index)
        hidden[m] = h[m].reindex(p.index).fillna(False)
    measures = [m for m in PEER_LABELS if p[m].notna().any()]
    records = []
    for m in measures:
        row: dict[str, Any] = {"Measure": PEER_LABELS[m]}
        for area in p.index:
            count = shown.at[area, m]
            rate = p.at[area, f"{m}_per_1000"]
            row[area] = None if count is None or count != count else count
            row[f"{area} per 1,000"] = _masked(
                pd.Series([rate]), pd.Series([bool(hidden.at[area, m])]), rule, [p.at[area, m]], [count]
            )[0]
        records.append(row)
    wide = pd.DataFrame.from_records(records)
    populations = ", ".join(f"{a} {v:,}" for a, v in zip(p.index, p["population_16plus"], strict=True))
    sources = {s for s in p["source"] if s}
    cleveland = Table(
        "police_peers",
        f"Police-recorded domestic abuse in {result.area_name} and its peers, {result.current.label}: "
        "number and rate per 1,000 residents aged 16+",
        wide,
        source + ("; peer table" if "peer table" in sources else ""),
        notes=[f"Residents aged 16 and over: {populations}."],
        formats={c: (RATE if c.endswith("per 1,000") else COUNT) for c in wide.columns if c != "Measure"},
        widths={"Measure": 40},
    )
    rates = pd.DataFrame(
        {
            "Area": list(p.index),
            "Population aged 16+": list(p["population_16plus"]),
            "Incidents and crimes per 1,000": _masked(
                p["incidents_per_1000"], hidden["incidents"], rule, p["incidents"], shown["incidents"]
            ),
            "Crimes per 1,000": _masked(
                p["crimes_per_1000"], hidden["crimes"], rule, p["crimes"], shown["crimes"]
            ),
        }
    )
    rate_table = Table(
        "police_peer_rates",
        f"Rates per 1,000 residents aged 16+ by area, {result.current.label}",
        rates,
        source,
        formats={
            "Population aged 16+": COUNT,
            "Incidents and crimes per 1,000": RATE,
            "Crimes per 1,000": RATE,
        },
    )
    return cleveland, rate_table


def _reading_table(result: PoliceResult, rule: Rule) -> Table:
    import pandas as pd

    reading = result.reading.set_index("what")
    display, _h = _disclose(reading[["rows"]].astype("int64"), rule, "police_rows")
    frame = pd.DataFrame({"What": list(reading.index), "Rows": list(display["rows"])})
    return Table(
        "police_rows",
        "Rows of the police extract: read, left out and used",
        frame,
        result.source,
        notes=["Police reference numbers are used only to find repeated rows; they never leave the reader."],
        formats={"Rows": COUNT},
        widths={"What": 56},
    )


def _trend_alt_text(result: PoliceResult) -> str:
    m = result.monthly
    top = m.loc[m["incidents"].idxmax()]
    low = m.loc[m["incidents"].idxmin()]
    return (
        f"Line chart of domestic abuse incidents and crimes recorded each month in {result.area_name}, "
        f"{m['label'].iloc[0]} to {m['label'].iloc[-1]}, with crimes beneath. The highest month is "
        f"{top['label']} and the lowest {low['label']}."
    )


def _peer_alt_text(result: PoliceResult, rates: pd.DataFrame) -> str:
    parts = []
    for row in rates.to_dict("records"):
        v = row["Incidents and crimes per 1,000"]
        parts.append(f"{row['Area']} {v:.1f}" if isinstance(v, int | float) else f"{row['Area']} {v}")
    return (
        "Bar chart of domestic abuse incidents and crimes, and crimes, per 1,000 residents aged 16 and over, by "
        f"area, {result.current.label}. Incidents and crimes per 1,000: " + "; ".join(parts) + "."
    )


# --- Provision -----------------------------------------------------------------------------------------


def provision_sheet_for(result: ProvisionResult, rule: Rule) -> Sheet:
    """The Provision sheet: expected provision from the benchmarks against what is stated."""
    import pandas as pd

    items = result.items.set_index("item")
    stated = items["stated"]
    people = items["is_people"] & stated.notna()
    counts = pd.DataFrame({"stated": stated[people].round().astype("int64")})
    hidden_people = pd.Series(False, index=items.index)
    shown_stated: dict[str, Any] = {}
    if len(counts):
        d, h = _disclose(counts, rule, "provision_stated")
        shown_stated = dict(d["stated"])
        hidden_people.loc[h.index] = h["stated"].to_numpy()
    base_hidden = pd.Series(
        [bool(hidden_people.get(f, False)) for f in items["needed_from"]], index=items.index
    )
    # what each figure was computed from, and that figure as published (rounded under nhsd)
    published = [shown_stated.get(i, v) for i, v in zip(items.index, _plain(stated), strict=True)]
    base_stated = [stated.get(f) if f else None for f in items["needed_from"]]
    base_shown = [shown_stated.get(f, stated.get(f)) if f else None for f in items["needed_from"]]
    gap = [
        None if not isinstance(v, numbers.Real) else round(e - v, 1)
        for e, v in zip(items["expected"], published, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "Provision": list(items["label"]),
            "Benchmark": list(items["benchmark"]),
            "Applied to": list(items["base"]),
            "Base": [round(v, 1) for v in items["base_value"]],
            "Expected": [round(v, 1) for v in items["expected"]],
            "Actual": published,
            "Gap (expected less actual)": _masked(pd.Series(gap, dtype="float64"), hidden_people, rule),
            "Coverage (%)": _masked(items["coverage_pct"], hidden_people, rule, stated, published),
            "Needed for the actual volume": _masked(
                items["needed_for_stated"].round(2), base_hidden, rule, base_stated, base_shown
            ),
            "Status": list(items["status"]),
            "Source": list(items["source"]),
        }
    )
    table = Table(
        "provision",
        f"Provision in {result.area_name} against national benchmarks"
        + (f", {result.period}" if result.period else ""),
        frame,
        f"{result.pack.citation()} [{result.pack.id}]; stated provision from assessment.toml; population of "
        f"{result.area_name}",
        notes=[
            "Actual: as stated in [provision] of assessment.toml, or counted from the agency data where the notes "
            "say so. Gap: a positive number is a shortfall against the benchmark, a negative one is provision "
            "above it. Coverage: actual provision as a percentage of expected.",
            "Needed for the actual volume: what the benchmark implies for the actual volume (for example, "
            "IDVAs for the referrals actually received, administrators for the MARAC cases actually heard).",
        ],
        formats={
            "Base": "#,##0",
            "Expected": DECIMAL,
            "Actual": DECIMAL,
            "Gap (expected less actual)": DECIMAL,
            "Coverage (%)": RATE,
            "Needed for the actual volume": "#,##0.00",
        },
        widths={"Provision": 40, "Benchmark": 40, "Applied to": 28, "Source": 50},
    )
    intro = [
        f"Expected local provision for {result.area_name}, from national benchmarks applied to the local "
        "population, against the actual provision.",
        _disclosure_note(rule),
        *result.notes,
    ]
    return Sheet(
        "Provision",
        f"Services against recommended provision in {result.area_name}",
        intro,
        [table],
        [],
        "MARAC, IDVA, MARAC administration and refuge provision against national benchmarks",
    )


# --- Reach ---------------------------------------------------------------------------------------------


def reach_sheet_for(result: ReachResult, rule: Rule) -> Sheet:
    """The Reach sheet: the funnel from estimated victims to people supported, as a table and a chart."""
    import pandas as pd

    t = result.table().set_index("key")
    people = t.index[~t["is_estimate"]]
    counts = pd.DataFrame({"value": t.loc[people, "value"].round().astype("int64")})
    hidden = pd.Series(False, index=t.index)
    shown: dict[str, Any] = {}
    if len(counts):
        d, h = _disclose(counts, rule, "reach")
        shown = dict(d["value"])
        hidden.loc[h.index] = h["value"].to_numpy()
    # shares from the figures as published (a people count rounded under nhsd; an estimate unrounded)
    basis = [shown.get(k, u) for k, u in zip(t.index, t["unrounded"], strict=True)]
    estimate = t["unrounded"].iloc[0] if bool(t["is_estimate"].iloc[0]) else None
    of_estimated: list[Any] = []
    of_previous: list[Any] = []
    for i, (key, value) in enumerate(zip(t.index, basis, strict=True)):
        before = basis[i - 1] if i else None
        if bool(hidden[key]):
            of_estimated.append(rule.share_marker if i else None)
            of_previous.append(rule.share_marker if i else None)
            continue
        of_estimated.append(100 * value / estimate if i and estimate else None)
        if i and isinstance(before, numbers.Real) and before:
            of_previous.append(100 * value / before)
        else:
            of_previous.append(rule.share_marker if i else None)
    numbers_shown = [shown.get(k, v) for k, v in zip(t.index, t["value"], strict=True)]
    frame = pd.DataFrame(
        {
            "Step": list(t["step"]),
            "What it counts": list(t["counts"]),
            "Number": [int(v) if isinstance(v, float) and v.is_integer() else v for v in numbers_shown],
            "% of estimated victims": of_estimated,
            "% of the step before": of_previous,
            "Source": list(t["source"]),
        }
    )
    table = Table(
        "reach",
        f"From estimated need to support: {result.area_name}",
        frame,
        "needsassess: prevalence, police and service stages of this assessment",
        notes=[result.caveat],
        formats={"Number": COUNT, "% of estimated victims": RATE, "% of the step before": RATE},
        widths={"Step": 36, "What it counts": 60, "Source": 50},
    )
    parts = [
        f"{s}: {n:,}" if isinstance(n, int | float) else f"{s}: {n}"
        for s, n in zip(frame["Step"], frame["Number"], strict=True)
    ]
    chart = Chart(
        kind="bar",
        title=f"From estimated need to support, {result.area_name}",
        table="reach",
        categories="Step",
        values=["Number"],
        alt_text="Bar chart, a funnel from estimated victims to people supported. " + "; ".join(parts) + ".",
        y_title="People",
    )
    intro = [
        f"How much of the estimated need in {result.area_name} reaches the police and specialist services.",
        result.caveat,
        _disclosure_note(rule),
    ]
    intro += [f"Not shown: {label}, because {why}." for label, why in result.missing]
    return Sheet(
        "Reach",
        f"Reach: estimated victims, reported, referred and supported in {result.area_name}",
        intro,
        [table],
        [chart],
        "The funnel from estimated victims to people reported, referred and supported",
    )


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
