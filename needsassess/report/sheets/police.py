"""The Police sheet: the police stage's tables, published (suppressed) from its `PoliceResult`.

Presentation only: the estimators computed every count and rate; here counts of people and incidents go
through disclosure control (report/publish.py) before they reach a Table, and a rate, share or change
whose count is hidden is hidden with it. Rows that add up (crimes + non-crime incidents = incidents;
wards = total) are passed as tables with their margins, so a hidden cell cannot be worked back from the
totals. The terminal and csv output of `needsassess police` publish these same tables.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

from needsassess.disclosure import Rule
from needsassess.police.periods import day_text
from needsassess.report.model import Chart, Sheet, Table
from needsassess.report.publish import (
    COUNT,
    RATE,
    disclose,
    disclose_blocks,
    disclosure_note,
    is_small,
    masked,
    plain_values,
    share_of_total,
)

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.police.analyse import PoliceResult

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
        disclosure_note(rule),
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

    from needsassess.police.indicators import DENOMINATOR_LABELS, INDICATORS

    figures = result.figures
    keys = [k for k, *_ in INDICATORS] + ["female_victims"]
    counts = pd.DataFrame({"count": [figures[k] for k in keys]}, index=keys)
    block = [k for k in SUMMARY_BLOCK if k in counts.index or k == "crime_not_recorded"]
    counts.loc["crime_not_recorded"] = figures["crime_not_recorded"]
    rest = [k for k in counts.index if k not in block]
    display, hidden = disclose_blocks(
        counts, ["count"], rule, "police_summary", [(block, "incidents"), (rest, None)]
    )
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
            den_hidden = (den in hidden.index and bool(hidden.at[den, "count"])) or is_small(
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
        f"({day_text(result.current.start)} to {day_text(result.current.end)})",
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
    display, hidden = disclose_blocks(
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
    display, hidden = disclose(counts, rule, "police_offences", total_row="Total")
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
    display, _hidden = disclose(
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
    display, _hidden = disclose(table.astype("int64"), rule, name, total_row="Total", total_col="Total")
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
    display, hidden = disclose(risk[["incidents"]].astype("int64"), rule, "police_risk", total_row="Total")
    any_hidden = bool(hidden["incidents"].iloc[:3].any())
    assessed = int(risk["incidents"].iloc[:3].sum())
    shares = masked(
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
        display, _h = disclose(
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
    display, hidden = disclose(
        w[["incidents", "crimes"]].astype("int64"), rule, "police_wards", total_row="Total"
    )
    pop_label = "Population aged 16+" if result.population_basis == "population_16plus" else "Population"
    frame = pd.DataFrame(
        {
            level.capitalize() if level == "ward" else level: [
                n or u for u, n in zip(w.index, w["name"], strict=True)
            ],
            "Code": [u if n else "" for u, n in zip(w.index, w["name"], strict=True)],
            "Deprivation order (1 = most deprived)": plain_values(w["order"], whole=True),
            "IMD decile": plain_values(w["decile"], whole=True),
            pop_label: plain_values(w[result.population_basis], whole=True),
            "Incidents and crimes": list(display["incidents"]),
            "Crimes": list(display["crimes"]),
            "Incidents per 1,000": masked(
                w["incidents_per_1000"], hidden["incidents"], rule, w["incidents"], display["incidents"]
            ),
            "Crimes per 1,000": masked(
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

    display, hidden = disclose(groups[["incidents", "crimes"]].astype("int64"), rule, name, total_row="Total")
    total, hide_share = share_of_total(groups["incidents"], display["incidents"], hidden["incidents"])
    columns: dict[str, list[Any]] = {
        label: list(groups.index),
        _units(result): list(groups["units"]),
        "Population": plain_values(groups["population"], whole=True),
        "Incidents and crimes": list(display["incidents"]),
    }
    if with_crimes:
        columns["Crimes"] = list(display["crimes"])
    columns["Share of incidents (%)"] = masked(
        groups["share_pct"], hide_share, rule, groups["incidents"], display["incidents"], total
    )
    columns["Incidents per 1,000"] = masked(
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
        d, h = disclose(p[core].astype("int64"), rule, "police_peers", total_row=total, total_col="incidents")
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
        d, h = disclose(p.loc[have, [m]].astype("int64"), rule, f"police_peers_{m}", total_row=tot)
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
            row[f"{area} per 1,000"] = masked(
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
            "Incidents and crimes per 1,000": masked(
                p["incidents_per_1000"], hidden["incidents"], rule, p["incidents"], shown["incidents"]
            ),
            "Crimes per 1,000": masked(
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
    display, _h = disclose(reading[["rows"]].astype("int64"), rule, "police_rows")
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
