"""Every table of the needs profile that leaves the tool, through disclosure control.

`publish_profile` turns the unsuppressed `ClientProfile` into a `PublishedProfile`: counts suppressed by
`needsassess.disclosure` (with the margins that let a hidden cell be recovered, and group sizes known
or hidden in other tables), shares as percentages or a marker, and the log of every hidden cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from needsassess.disclosure import (
    DEFAULT_RULE,
    Margin,
    Rule,
    SuppressionEntry,
    apply_disclosure,
    format_count,
    log_frame,
    margins_of,
)
from needsassess.profile.characteristics import (
    ALL_AGENCIES,
    DEMOGRAPHICS,
    NO,
    NOT_RECORDED,
    YES,
    Characteristic,
    Kind,
    Unit,
)
from needsassess.profile.client_profile import ClientProfile
from needsassess.profile.counting import DurationStats, ShareCounts, ShareTable
from needsassess.profile.representation import PopulationShares, compare_with_population
from needsassess.profile.safe_accommodation import CrossTable

COUNT, BASE, NOT_RECORDED_COLUMN, SHARE = "Count", "Base (recorded)", "Not recorded", "Share of base (%)"
RECORDED_ROW, TOTAL_ROW, NOT_RECORDED_ROW = "Base (recorded)", "Total", "Not recorded"
PERCENT_FORMAT, COUNT_FORMAT = "0.0", "#,##0"


@dataclass
class PublishedTable:
    """A table ready to publish: counts suppressed, shares as percentages (1 dp) or a marker."""

    name: str
    title: str
    frame: pd.DataFrame
    base: str  # what counts are of and what each share divides by
    notes: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    chart_rows: int = 0  # the first rows (All agencies, people) to draw as a bar chart of `chart_value`
    chart_category: str = "Characteristic"
    chart_value: str = SHARE
    label_columns: list[str] = field(default_factory=lambda: ["Agency"])  # what names a row


@dataclass
class PublishedProfile:
    """The published profile: suppressed tables by sheet, and why each hidden cell is hidden."""

    rule: Rule
    victims: list[PublishedTable]
    perpetrators: list[PublishedTable]
    safe_accommodation: list[PublishedTable]
    log: list[SuppressionEntry]

    @property
    def tables(self) -> list[PublishedTable]:
        return self.victims + self.perpetrators + self.safe_accommodation

    def table(self, name: str) -> PublishedTable:
        return next(t for t in self.tables if t.name == name)

    def log_frame(self) -> pd.DataFrame:
        """The suppression log as a table: table, cell (row and column), kind and rule."""
        return log_frame(self.log)

    def long_frame(self) -> pd.DataFrame:
        """Every published table in one long frame (table, title, row, column, value) for a csv."""
        rows = []
        for t in self.tables:
            labels = [c for c in t.label_columns if c in t.frame.columns]
            for record in t.frame.to_dict("records"):
                row = " | ".join(str(record[c]) for c in labels)
                for column, value in record.items():
                    if column not in labels:
                        rows.append(
                            {"table": t.name, "title": t.title, "row": row, "column": column, "value": value}
                        )
        return pd.DataFrame(rows, columns=["table", "title", "row", "column", "value"])


def _percent(value: object) -> object:
    """A share from the disclosure module (0-1, None or a marker) as a percentage to 1 dp."""
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, int | float)
    return round(float(value) * 100, 1)


def _flag_or_value_label(c: Characteristic, value: str) -> str:
    if c.kind is Kind.FLAG:
        return {YES: "Yes", NO: "No"}[value]
    return c.labels.get(value, value.replace("_", " "))


def _block(
    counts: pd.DataFrame, values: Sequence[str], additive: bool, labels: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[Margin]]:
    """Counts (rows: values, not recorded; columns: groups) with Base and Total rows and their margins.

    `labels` renames rows (values to the words published). The block's labels are plain objects: it is
    only read by label, and pandas' string labels are slow to look up and copy in many small tables.
    """
    cells = counts.astype("int64").to_numpy()
    names = [labels.get(r, r) for r in counts.index] if labels else list(counts.index)
    at = {label: i for i, label in enumerate(names)}
    recorded = cells[[at[v] for v in values]].sum(axis=0)
    total = recorded + cells[at[NOT_RECORDED]]
    block = pd.DataFrame(
        np.vstack([cells, recorded, total]),
        index=pd.Index([*names, RECORDED_ROW, TOTAL_ROW], dtype=object),
        columns=pd.Index(list(counts.columns), dtype=object),
    )
    rows = [(RECORDED_ROW, list(values)), (TOTAL_ROW, [RECORDED_ROW, NOT_RECORDED])]
    columns = []
    if additive:
        columns = [(ALL_AGENCIES, [g for g in block.columns if g != ALL_AGENCIES])]
    margins = margins_of(rows, columns, row_labels=list(block.index), column_labels=list(block.columns))
    return block, margins


Sizes = dict[str, bool]  # group -> is its size (people or referrals) visible in the counts table


def _disclose_groups(
    block: pd.DataFrame,
    margins: list[Margin],
    additive: bool,
    rule: Rule,
    name: str,
    sizes: Sizes | None = None,
) -> tuple[pd.DataFrame, list[SuppressionEntry]]:
    """Suppress a block with a share of the base row for every group: all groups at once when they add up
    (referrals), else each group on its own (people are not additive across agencies).

    The Total row is each group's size, which the counts table publishes (or hides): it is passed on as
    known (or hidden), so that no table undoes another.
    """
    sizes = sizes or {}

    def known(groups: Sequence[str]) -> list[tuple[str, str]]:
        return [(TOTAL_ROW, g) for g in groups if sizes.get(g) is True]

    def hidden(groups: Sequence[str]) -> list[tuple[str, str]]:
        return [(TOTAL_ROW, g) for g in groups if sizes.get(g) is False]

    shares = {f"{SHARE}|{g}": (g, None) for g in block.columns}
    if additive or block.shape[1] == 1:
        out = apply_disclosure(
            block,
            rule,
            table_name=name,
            margins=margins,
            shares=shares,
            share_base_row=RECORDED_ROW,
            known=known(list(block.columns)),
            hidden=hidden(list(block.columns)),
        )
        return out.display, out.log
    cells = block.to_numpy()
    found = np.empty((len(block.index), 2 * len(block.columns)), dtype=object)
    log = []
    for j, g in enumerate(block.columns):
        own = [m for m in margins if m.total[1] == g]
        out = apply_disclosure(
            pd.DataFrame(cells[:, [j]], index=block.index, columns=pd.Index([g], dtype=object)),
            rule,
            table_name=name,
            margins=own,
            shares={f"{SHARE}|{g}": (g, None)},
            share_base_row=RECORDED_ROW,
            known=known([g]),
            hidden=hidden([g]),
        )
        shown = out.display.to_numpy()
        found[:, j], found[:, len(block.columns) + j] = shown[:, 0], shown[:, 1]
        log += out.log
    display = pd.DataFrame(
        found, index=block.index, columns=pd.Index([*block.columns, *shares], dtype=object), dtype=object
    )
    return display, log


def _lookup(display: pd.DataFrame) -> dict[tuple[Hashable, Hashable], object]:
    """Every cell of a published block by (row, column): reading cells one by one from the frame is slow."""
    cells = display.to_numpy()
    return {(r, c): cells[i, j] for i, r in enumerate(display.index) for j, c in enumerate(display.columns)}


def _publish_share_table(
    table: ShareTable, rule: Rule, sizes: dict[Unit, Sizes] | None = None
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """One row per shown value, group and unit: count, base (recorded), not recorded and share."""
    with_values = any(it.characteristic.kind is Kind.CATEGORY for it in table.items)
    rows: list[dict[str, object]] = []
    log: list[SuppressionEntry] = []
    by_unit: dict[Unit, list[tuple[ShareCounts, dict[tuple[Hashable, Hashable], object]]]] = {}
    for item in table.items:
        c = item.characteristic
        labels = {v: _flag_or_value_label(c, v) for v in c.values}
        values = [_flag_or_value_label(c, v) for v in c.values]
        block, margins = _block(item.counts, values, item.additive, labels)
        name = f"{table.title} ({item.unit.value}): {c.label}"
        display, entries = _disclose_groups(
            block, margins, item.additive, rule, name, (sizes or {}).get(item.unit)
        )
        by_unit.setdefault(item.unit, []).append((item, _lookup(display)))
        log += _translate_log(entries, c, item.unit, with_values)
    for unit, items in by_unit.items():
        groups = list(items[0][0].counts.columns)
        for g in groups:
            for item, display in items:
                c = item.characteristic
                for v in c.shown:
                    label = _flag_or_value_label(c, v)
                    row: dict[str, object] = {"Agency": g, "Counted": unit.value, "Characteristic": c.label}
                    if with_values:
                        row["Value"] = label
                    row[COUNT] = display[label, g]
                    row[BASE] = display[RECORDED_ROW, g]
                    row[NOT_RECORDED_COLUMN] = display[NOT_RECORDED, g]
                    row[SHARE] = _percent(display[label, f"{SHARE}|{g}"])
                    rows.append(row)
    frame = pd.DataFrame(rows)
    chart_rows = 0
    if table.chart and len(frame):
        first = (frame["Agency"] == ALL_AGENCIES) & (frame["Counted"] == Unit.PEOPLE.value)
        chart_rows = int(first.sum()) if bool(first.iloc[: int(first.sum())].all()) else 0
    published = PublishedTable(
        table.name,
        table.title,
        frame,
        f"Share of {table.base}",
        list(table.notes),
        dict.fromkeys((COUNT, BASE, NOT_RECORDED_COLUMN), COUNT_FORMAT) | {SHARE: PERCENT_FORMAT},
        chart_rows=chart_rows,
        label_columns=["Agency", "Counted", "Characteristic", *(["Value"] if with_values else [])],
    )
    return published, log


def _translate_log(
    entries: list[SuppressionEntry], c: Characteristic, unit: Unit, with_values: bool
) -> list[SuppressionEntry]:
    """Name each hidden cell as it appears in the published table; cells not published are left out."""
    shown = {_flag_or_value_label(c, v) for v in c.shown}
    out = []
    for e in entries:
        group, share = e.column, False
        if e.column.startswith(f"{SHARE}|"):
            group, share = e.column.split("|", 1)[1], True
        if share and e.row not in shown:
            continue
        if e.row in shown:
            targets = [(e.row, SHARE if share else COUNT)]
        elif e.row == RECORDED_ROW:
            targets = [(v, BASE) for v in sorted(shown)]
        elif e.row == NOT_RECORDED:
            targets = [(v, NOT_RECORDED_COLUMN) for v in sorted(shown)]
        else:  # "No" and "Total" are not published; the log explains published cells
            continue
        for value, column in targets:
            where = f"{group}, {unit.value}: {c.label}" + (f": {value}" if with_values else "")
            out.append(SuppressionEntry(e.table.split(" (")[0], where, column, e.kind, e.reason))
    return out


def _publish_duration(
    stats: list[DurationStats], rule: Rule, name: str, sizes: dict[Unit, Sizes] | None = None
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """Mean and median length of abuse, hidden with their count; nhsd also hides them below 8 people."""
    rows, log = [], []
    for unit in (Unit.PEOPLE, Unit.REFERRALS):
        mine = [d for d in stats if d.unit is unit]
        if not mine:
            continue
        counts = pd.DataFrame(
            {d.group: [d.recorded, d.not_recorded] for d in mine}, index=["Length recorded", NOT_RECORDED]
        )
        additive = unit is Unit.REFERRALS and len(mine) > 1
        block, margins = _block(counts, ["Length recorded"], additive)
        title = "Length of abuse before support"
        display, entries = _disclose_groups(block, margins, additive, rule, title, (sizes or {}).get(unit))
        for e in entries:
            if e.row == RECORDED_ROW and not e.column.startswith(SHARE):
                log.append(SuppressionEntry(title, f"{e.column}, {unit.value}", "Recorded", e.kind, e.reason))
            elif e.row == NOT_RECORDED and not e.column.startswith(SHARE):
                log.append(
                    SuppressionEntry(title, f"{e.column}, {unit.value}", "Not recorded", e.kind, e.reason)
                )
        for d in mine:
            n = display.at[RECORDED_ROW, d.group]
            hidden = isinstance(n, str)
            row: dict[str, object] = {
                "Agency": d.group,
                "Counted": unit.value,
                "Recorded": n,
                "Not recorded": display.at[NOT_RECORDED, d.group],
            }
            for label, value, scale in (
                ("Mean (years)", d.mean_months, 12),
                ("Median (years)", d.median_months, 12),
                ("Mean (months)", d.mean_months, 1),
                ("Median (months)", d.median_months, 1),
            ):
                if hidden:
                    row[label] = rule.share_marker
                    log.append(
                        SuppressionEntry(
                            title,
                            f"{d.group}, {unit.value}",
                            label,
                            "share",
                            "statistic of a suppressed count",
                        )
                    )
                else:
                    row[label] = None if value is None else round(value / scale, 1)
            rows.append(row)
    frame = pd.DataFrame(rows)
    return (
        PublishedTable(
            name,
            "Length of abuse before support",
            frame,
            "those whose length of abuse before referral was recorded",
            [
                "Mean and median of the length of abuse before the person's first referral in the period. "
                "They are hidden when the number they are based on is."
            ],
            {"Recorded": COUNT_FORMAT, "Not recorded": COUNT_FORMAT}
            | dict.fromkeys(("Mean (years)", "Median (years)", "Mean (months)", "Median (months)"), "0.0"),
            label_columns=["Agency", "Counted"],
        ),
        log,
    )


def _publish_representation(
    demographics: PublishedTable, population: Sequence[PopulationShares], rule: Rule
) -> PublishedTable | None:
    """Clients' shares beside the population's, from the published counts only (so nothing new leaks).

    The comparison base leaves out values the population figures do not cover (under 16s against a
    population aged 16+, "other" sex); when one of those is hidden, the comparison is hidden too.
    """
    if not population:
        return None
    by_column = {p.column: p for p in population}
    characteristic_of = {c.label: c for c in DEMOGRAPHICS}
    frame = demographics.frame
    people = frame[frame["Counted"] == Unit.PEOPLE.value]
    rows = []
    for (group, label), part in people.groupby(["Agency", "Characteristic"], sort=False):
        c = characteristic_of.get(str(label))
        if c is None or c.column not in by_column:
            continue
        pop = by_column[c.column]
        compared = [v for v in c.values if v in pop.shares] if c.kind is Kind.CATEGORY else [YES]
        if not compared:
            continue
        value_of = (
            {_flag_or_value_label(c, v): v for v in c.values} if c.kind is Kind.CATEGORY else {"Yes": YES}
        )
        base = part[BASE].iloc[0]
        left_out = [
            part.loc[part["Value"] == lab, COUNT].iloc[0] for lab, v in value_of.items() if v not in compared
        ]
        hidden_base = isinstance(base, str) or any(isinstance(x, str) for x in left_out)
        compared_base = None if hidden_base else int(base) - int(sum(left_out))
        for _, r in part.iterrows():
            v = value_of.get(str(r.get("Value", "Yes")))
            if v not in compared:
                continue
            count = r[COUNT]
            row: dict[str, object] = {
                "Agency": group,
                "Characteristic": label,
                "Value": r.get("Value", "Yes"),
            }
            row[COUNT] = count
            row["Base compared"] = rule.share_marker if compared_base is None else compared_base
            pop_share = pop.shares.get(v, 0.0)
            row["Population share (%)"] = round(pop_share * 100, 1)
            if isinstance(count, str) or compared_base is None:
                row["Client share (%)"] = rule.share_marker
                row["Difference (percentage points)"] = rule.share_marker
                row["Compared with the population"] = rule.share_marker
            elif compared_base == 0:
                row["Client share (%)"] = None
                row["Difference (percentage points)"] = None
                row["Compared with the population"] = None
            else:
                share = int(count) / compared_base
                row["Client share (%)"] = round(share * 100, 1)
                row["Difference (percentage points)"] = round((share - pop_share) * 100, 1)
                row["Compared with the population"] = compare_with_population(
                    int(count), compared_base, pop_share
                )
            rows.append(row)
    if not rows:
        return None
    sources = "; ".join(dict.fromkeys(p.source for p in population))
    columns = [
        "Agency",
        "Characteristic",
        "Value",
        COUNT,
        "Base compared",
        "Client share (%)",
        "Population share (%)",
        "Difference (percentage points)",
        "Compared with the population",
    ]
    return PublishedTable(
        "victims_representation",
        "Victims compared with the local population",
        pd.DataFrame(rows)[columns],
        "people for whom the characteristic was recorded, within the groups the population figures cover "
        f"(population: {sources})",
        [
            "Over- or under-represented: the population share lies outside the 95% (Wilson) interval of the "
            "clients' share; otherwise similar. Computed from the published counts.",
            "Age is compared for people aged 16 and over, against residents aged 16 and over; sex for women "
            "and men.",
        ],
        {COUNT: COUNT_FORMAT, "Base compared": COUNT_FORMAT}
        | dict.fromkeys(
            ("Client share (%)", "Population share (%)", "Difference (percentage points)"), "0.0"
        ),
        label_columns=["Agency", "Characteristic", "Value"],
    )


def _publish_cross(table: CrossTable, rule: Rule) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """A Part 4 table with its Total row and column (and a Recorded subtotal), suppressed as a whole."""
    counts = table.counts.astype("int64").copy()
    outside = list(table.outside_rows)
    data_rows = [r for r in counts.index if r not in (NOT_RECORDED_ROW, TOTAL_ROW, *outside)]
    if table.row_subtotal:
        counts.loc[table.row_subtotal] = counts.loc[data_rows].sum(axis=0)
        order = [*data_rows, table.row_subtotal, *outside, NOT_RECORDED_ROW, TOTAL_ROW]
        counts = counts.loc[[r for r in order if r in counts.index]]
    data_cols = [c for c in counts.columns if c not in (NOT_RECORDED_ROW, TOTAL_ROW)]
    if table.column_subtotal:
        counts.insert(len(data_cols), table.column_subtotal, counts[data_cols].sum(axis=1))
    row_eqs = _equations(
        data_rows,
        table.row_subtotal,
        [*outside, *([NOT_RECORDED_ROW] if NOT_RECORDED_ROW in counts.index else [])],
    )
    col_eqs = (
        _equations(
            data_cols, table.column_subtotal, [NOT_RECORDED_ROW] if NOT_RECORDED_ROW in counts.columns else []
        )
        if TOTAL_ROW in counts.columns
        else []
    )
    margins = margins_of(row_eqs, col_eqs, row_labels=list(counts.index), column_labels=list(counts.columns))
    shares = {}
    if table.share:
        column, numerator, denominator = table.share
        shares = {column: (numerator, denominator)}
    out = apply_disclosure(
        counts,
        rule,
        table_name=table.title,
        margins=margins,
        shares=shares,
        share_base_row=table.row_subtotal or TOTAL_ROW,
    )
    display = out.display
    for column in shares:
        display[column] = display[column].map(_percent)
        if table.share and table.share[2] is None:  # a share of the base row means nothing below it
            display.loc[[*outside, NOT_RECORDED_ROW, TOTAL_ROW], column] = None
    log = [e for e in out.log if not (e.kind == "share" and e.row in (*outside, NOT_RECORDED_ROW, TOTAL_ROW))]
    frame = display.reset_index(names=table.row_label)
    formats = dict.fromkeys(counts.columns, COUNT_FORMAT) | dict.fromkeys(shares, PERCENT_FORMAT)
    published = PublishedTable(
        table.name,
        table.title,
        frame,
        table.base,
        list(table.notes),
        formats,
        label_columns=[table.row_label],
    )
    return published, log


def _equations(data: list[str], subtotal: str | None, rest: list[str]) -> list[tuple[str, list[str]]]:
    """Total = data (+ rest), or subtotal = data and Total = subtotal + rest."""
    if subtotal:
        return [(subtotal, data), (TOTAL_ROW, [subtotal, *rest])]
    return [(TOTAL_ROW, data + rest)]


def _publish_people(
    people: dict[str, int], referrals: dict[str, int], rule: Rule, name: str, title: str, what: str
) -> tuple[PublishedTable, list[SuppressionEntry]]:
    """People and referrals per agency; referrals add up across agencies, people need not."""
    groups = list(people)
    counts = pd.DataFrame(
        {"People": [people[g] for g in groups], "Referrals": [referrals[g] for g in groups]}
    )
    counts.index = groups
    agencies = [g for g in groups if g != ALL_AGENCIES]
    margins = []
    if len(agencies) > 1:
        margins = [Margin((ALL_AGENCIES, "Referrals"), tuple((g, "Referrals") for g in agencies))]
    out = apply_disclosure(counts, rule, table_name=title, margins=margins)
    frame = out.display.reset_index(names="Agency")
    return (
        PublishedTable(
            name,
            title,
            frame,
            f"{what}: each person once per agency and once in All agencies; every referral",
            ["A person known to several agencies is counted once for each, and once in All agencies."],
            {"People": COUNT_FORMAT, "Referrals": COUNT_FORMAT},
        ),
        out.log,
    )


def _visible_sizes(counts: PublishedTable) -> dict[Unit, Sizes]:
    """Which group sizes the counts table shows: people and referrals per agency."""
    frame = counts.frame
    return {
        unit: {
            str(agency): not isinstance(value, str)
            for agency, value in zip(frame["Agency"], frame[column], strict=True)
        }
        for unit, column in ((Unit.PEOPLE, "People"), (Unit.REFERRALS, "Referrals"))
    }


def _adults_visible(people_supported: PublishedTable) -> bool:
    """Whether the number of adults supported can be read from the people-supported table."""
    total = people_supported.frame.iloc[-1]
    adult_columns = [c for c in people_supported.frame.columns[1:] if c not in ("Children", TOTAL_ROW)]
    if all(not isinstance(total[c], str) for c in adult_columns):
        return True
    return not isinstance(total[TOTAL_ROW], str) and not isinstance(total["Children"], str)


def _group_sizes(table: ShareTable) -> tuple[dict[str, int], dict[str, int]]:
    """People and referrals in each group, from the first characteristic's totals."""
    sizes: dict[Unit, dict[str, int]] = {}
    for item in table.items:
        if item.unit not in sizes:
            sizes[item.unit] = {g: int(item.counts[g].sum()) for g in item.counts.columns}
    return sizes.get(Unit.PEOPLE, {}), sizes.get(Unit.REFERRALS, {})


def publish_profile(profile: ClientProfile, rule: Rule = DEFAULT_RULE) -> PublishedProfile:
    """Apply disclosure control to every table of the profile; the result is all that may be published."""
    victims: list[PublishedTable] = []
    perpetrators: list[PublishedTable] = []
    safe: list[PublishedTable] = []
    log: list[SuppressionEntry] = []

    def add(
        target: list[PublishedTable], result: tuple[PublishedTable, list[SuppressionEntry]]
    ) -> PublishedTable:
        target.append(result[0])
        log.extend(result[1])
        return result[0]

    v = profile.victims
    if v is not None:
        people, referrals = _group_sizes(v.demographics)
        counts = add(
            victims,
            _publish_people(people, referrals, rule, "victims_counts", "Victims in this profile", "victims"),
        )
        sizes = _visible_sizes(counts)
        demographics = add(victims, _publish_share_table(v.demographics, rule, sizes))
        representation = _publish_representation(demographics, v.population, rule)
        if representation is not None:
            victims.append(representation)
        for table in (v.needs, v.children, v.multiple_needs, v.abuse_types, v.abuse_context):
            add(victims, _publish_share_table(table, rule, sizes))
        add(victims, _publish_duration(v.duration, rule, "victims_abuse_duration", sizes))
        add(victims, _publish_share_table(v.outcomes, rule, sizes))
    p = profile.perpetrators
    if p is not None:
        people, referrals = _group_sizes(p.characteristics)
        counts = add(
            perpetrators,
            _publish_people(
                people, referrals, rule, "perpetrators_counts", "Perpetrators in this profile", "perpetrators"
            ),
        )
        sizes = _visible_sizes(counts)
        for table in p.tables:
            add(perpetrators, _publish_share_table(table, rule, sizes))
    s = profile.safe_accommodation
    if s is not None:
        adults: dict[Unit, Sizes] = {}
        for part4 in s.tables:
            if isinstance(part4, ShareTable):
                if part4.items:
                    add(safe, _publish_share_table(part4, rule, adults))
            else:
                published = add(safe, _publish_cross(part4, rule))
                if part4 is s.people_supported:
                    adults = {Unit.PEOPLE: {ALL_AGENCIES: _adults_visible(published)}}
                if part4 is s.people_supported and s.children_not_recorded:
                    published.notes.append(
                        "The number of children supported was not recorded for "
                        f"{format_count(s.children_not_recorded, rule)} of the adults; their children are "
                        "not counted."
                    )
    return PublishedProfile(rule, victims, perpetrators, safe, log)


def headline_lines(published: PublishedProfile) -> list[str]:
    """A few published figures for the terminal: each need and type of abuse of all victims, as shares."""
    lines = []
    for name in ("victims_counts", "victims_needs", "victims_abuse_types", "perpetrators_needs"):
        try:
            table = published.table(name)
        except StopIteration:
            continue
        frame = table.frame
        if name.endswith("_counts"):
            row = frame[frame["Agency"] == ALL_AGENCIES].iloc[0]
            lines.append(
                f"{table.title}: {_number(row['People'])} people, {_number(row['Referrals'])} referrals"
            )
            continue
        rows = frame[(frame["Agency"] == ALL_AGENCIES) & (frame["Counted"] == Unit.PEOPLE.value)]
        parts = []
        for _, r in rows.iterrows():
            share = r[SHARE]
            shown = f"{share:.0f}%" if isinstance(share, int | float) and share == share else str(share)
            parts.append(f"{r['Characteristic'].lower()} {shown} ({_number(r[COUNT])} of {_number(r[BASE])})")
        lines.append(f"{table.title} (all agencies, people): " + "; ".join(parts))
    return lines


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
