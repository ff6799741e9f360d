"""The agency sheets: clients per agency and their overlap, the needs profile of victims and perpetrators,
the Part 4 safe-accommodation tables, and the Data quality sheet (rows read, used, rejected, set aside)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from needsassess import __version__
from needsassess.report.model import Chart, Note, Sheet, Table
from needsassess.report.sheets.notes import suppression_log_tables
from needsassess.report.workbook import Cover

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from needsassess.assessment import Assessment
    from needsassess.profile.client_profile import ClientProfile
    from needsassess.profile.publish import PublishedProfile, PublishedTable


def profile_notes(published: PublishedProfile) -> list[Note]:
    applies = ", ".join(PROFILE_SHEETS)
    return [
        Note(
            f"Small-number suppression, {published.rule.describe()} Every hidden cell is listed in the "
            "suppression log below, with the rule that hid it.",
            applies,
        ),
        Note(
            "Every share is of those for whom the item was recorded (the base); the number not recorded is "
            "shown beside it and is left out of the base. People are counted once per agency and once in All "
            "agencies; referrals are every referral.",
            applies,
        ),
    ]


PROFILE_SHEETS = ("Victims", "Perpetrators", "Safe accommodation")


def victims_sheet(assessment: Assessment) -> list[Sheet]:
    return _victims(assessment.client_profile, assessment.published_profile, assessment.area_name)


def perpetrators_sheet(assessment: Assessment) -> list[Sheet]:
    return _perpetrators(assessment.client_profile, assessment.published_profile, assessment.area_name)


def safe_accommodation_sheet(assessment: Assessment) -> list[Sheet]:
    return _safe_accommodation(assessment.client_profile, assessment.published_profile, assessment.area_name)


def build_profile_summary(
    profile: ClientProfile, published: PublishedProfile, title: str, created: datetime
) -> tuple[Cover, list[Sheet]]:
    """The workbook of `needsassess profile --summary`: cover, notes with the suppression log, and the
    Victims, Perpetrators and Safe accommodation sheets."""
    area = "the area"
    sheets = (
        _victims(profile, published, area)
        + _perpetrators(profile, published, area)
        + _safe_accommodation(profile, published, area)
    )
    agencies = ", ".join(
        dict.fromkeys(
            a
            for part in (profile.victims, profile.perpetrators, profile.safe_accommodation)
            if part is not None
            for a in part.agencies
        )
    )
    hidden = len(published.log)
    lines = [
        (
            "About this workbook",
            f"Needs profile of the clients of {agencies}: victims, perpetrators and safe accommodation, "
            "from agency records merged and pseudonymised by needsassess.",
        ),
        ("Produced", f"{created:%d %B %Y} with needsassess {__version__}"),
        (
            "Disclosure control",
            f"Small-number rule {published.rule.describe()} {hidden:,} cell{'s are' if hidden != 1 else ' is'} "
            "hidden; the suppression log on the Notes sheet gives the table, the cell and the rule for each.",
        ),
    ]
    notes = profile_notes(published)
    tables = suppression_log_tables(published.log)
    return Cover(title, lines, "OFFICIAL", notes, tables), sheets


def _victims(profile: ClientProfile | None, published: PublishedProfile | None, area: str) -> list[Sheet]:
    if published is None or profile is None or profile.victims is None or not published.victims:
        return []
    agencies = ", ".join(profile.victims.agencies)
    return [
        _profile_sheet(
            "Victims",
            f"Victims and survivors supported by local services in {area}",
            [
                f"Clients of {agencies}: who they are, their needs, the abuse they experienced and their outcomes.",
                "Each share is of those for whom it was recorded; the number not recorded is shown beside it.",
            ],
            published.victims,
            f"agency client records ({agencies}), merged and pseudonymised by needsassess",
            "Profile of victims: demographics, needs, abuse, outcomes",
        )
    ]


def _perpetrators(
    profile: ClientProfile | None, published: PublishedProfile | None, area: str
) -> list[Sheet]:
    if published is None or profile is None or profile.perpetrators is None or not published.perpetrators:
        return []
    agencies = ", ".join(profile.perpetrators.agencies)
    return [
        _profile_sheet(
            "Perpetrators",
            f"Perpetrators of domestic abuse in {area}",
            [f"Perpetrators in the records of {agencies}: sex, age, needs and domestic abuse history."],
            published.perpetrators,
            f"perpetrator records ({agencies}), merged and pseudonymised by needsassess",
            "Profile of perpetrators: sex, age, needs, previous record",
        )
    ]


def _safe_accommodation(
    profile: ClientProfile | None, published: PublishedProfile | None, area: str
) -> list[Sheet]:
    if published is None or profile is None or profile.safe_accommodation is None:
        return []
    agencies = ", ".join(profile.safe_accommodation.agencies)
    intro = [
        "Laid out as the Domestic Abuse Act 2021 Part 4 annual data return asks, so that the figures can be "
        "copied across: people supported by accommodation type, specialist characteristics, households "
        "unable to be supported, support ended, move-on destinations and households from outside the area.",
    ]
    return [
        _profile_sheet(
            "Safe accommodation",
            f"Domestic abuse safe accommodation (Part 4) in {area}",
            intro,
            published.safe_accommodation,
            f"safe-accommodation service records ({agencies}), merged and pseudonymised by needsassess",
            "Part 4 safe-accommodation return tables",
        )
    ]


def _profile_sheet(
    name: str, title: str, intro: list[str], tables: list[PublishedTable], source: str, description: str
) -> Sheet:
    sheet_tables, charts = [], []
    for t in tables:
        sheet_tables.append(
            Table(
                t.name,
                t.title,
                t.frame,
                f"{source}. Base: {t.base}",
                list(t.notes),
                formats=dict(t.formats),
                widths={"Characteristic": 44, "Value": 30},
            )
        )
        if t.chart_rows:
            rows = t.frame.iloc[: t.chart_rows]
            charts.append(
                Chart(
                    kind="bar",
                    title=f"{t.title}: share of people, all agencies",
                    table=t.name,
                    categories=t.chart_category,
                    values=[t.chart_value],
                    alt_text=_profile_alt_text(t.title, rows, t.chart_category, t.chart_value),
                    x_title="Share of those recorded (%)",
                    rows=slice(0, t.chart_rows),
                )
            )
    return Sheet(name, title, intro, sheet_tables, charts, description)


def _profile_alt_text(title: str, rows: pd.DataFrame, category: str, value: str) -> str:
    parts = []
    for label, share in zip(rows[category], rows[value], strict=True):
        if isinstance(share, int | float) and share == share:
            parts.append(f"{label} {share:.1f}%")
        else:
            parts.append(f"{label} not shown (suppressed or not recorded)")
    return (
        f"Bar chart of {title.lower()}, share of people for whom it was recorded, all agencies: "
        + "; ".join(parts)
        + "."
    )


def _disclosed(frame: pd.DataFrame, rule, name: str, total_row: str | None = None) -> pd.DataFrame:
    """Counts of people as published: small counts hidden, with secondary suppression across a margin."""
    from needsassess.disclosure import apply_disclosure

    if frame.empty:
        return frame
    shown = apply_disclosure(frame, rule, table_name=name, total_row=total_row).display
    return shown.reset_index()


AGENCY_SOURCE = "agency client records named under [[agencies]] in the assessment configuration"


def agencies_sheet(assessment: Assessment) -> list[Sheet]:
    """Referrals and people per agency, and the overlap between agencies (counts of people suppressed)."""
    import pandas as pd

    result = assessment.agencies
    if result is None:
        return []
    rule = assessment.disclosure_rule
    people = result.people
    tables = []
    for record_type, label in (("victim", "victims and survivors"), ("perpetrator", "perpetrators")):
        rows = people[people["record_type"] == record_type]
        if rows.empty:
            continue
        counts = rows.set_index("agency")[["referrals", "people", "repeat_referrals"]].astype(int)
        counts.index.name = "Agency"
        counts.columns = ["Referrals", "People", "Repeat referrals"]
        tables.append(
            Table(
                f"agency_people_{record_type}",
                f"Referrals and people, {label}, by agency",
                _disclosed(counts, rule, f"agency_people_{record_type}"),
                AGENCY_SOURCE,
                notes=[
                    "People: distinct pseudonymous person keys. A person referred twice to one agency is one "
                    "person and two referrals; in All agencies a person known to several agencies counts once."
                ],
            )
        )
    overlap = result.overlap
    by_count = overlap.by_count[overlap.by_count["record_type"] == "victim"]
    if len(by_count):
        frame = by_count.set_index("agencies_known_to")[["people"]].astype(int)
        frame.index = [f"{k} agenc{'y' if k == '1' else 'ies'}" for k in frame.index]
        frame.loc["All people"] = int(frame["people"].sum())
        frame.index.name = "Known to"
        frame.columns = ["People"]
        tables.append(
            Table(
                "agency_overlap",
                "Victims and survivors known to one, two, three or more agencies",
                _disclosed(frame, rule, "agency_overlap", total_row="All people"),
                AGENCY_SOURCE,
                notes=[
                    "Matched on a pseudonymous key (first initial, surname Soundex, date of birth); people "
                    "without a name and date of birth cannot be matched across agencies and count as known to one."
                ],
            )
        )
    pairs = overlap.pairs[overlap.pairs["record_type"] == "victim"]
    if len(pairs):
        frame = pd.DataFrame(
            {"People": pairs["people"].astype(int).to_numpy()},
            index=pd.Index(
                [f"{a} and {b}" for a, b in zip(pairs["agency_a"], pairs["agency_b"], strict=True)],
                name="Agencies",
            ),
        )
        tables.append(
            Table(
                "agency_pairs",
                "Victims and survivors known to both agencies of each pair",
                _disclosed(frame, rule, "agency_pairs"),
                AGENCY_SOURCE,
            )
        )
    intro = [
        f"Clients of local domestic abuse services in {assessment.area_name}, from "
        f"{_tables_from_files(result.reconciliation.files)}: read as sent, mapped to one client schema, "
        "pseudonymised and de-duplicated. No name, date of birth or other identifier is kept.",
        f"Counts of people from 1 to {rule.threshold - 1} are shown as {rule.marker}; "
        f"{rule.secondary_marker} hides a further count so that a hidden one cannot be worked out.",
        "The Data quality sheet shows how every row of every file was used.",
    ]
    return [
        Sheet(
            "Agency clients",
            f"Agency clients in {assessment.area_name}: referrals, people and overlap",
            intro,
            tables,
            [],
            "Referrals and people per agency, and people known to several agencies",
        )
    ]


def _tables_from_files(files: list) -> str:
    count = len({f.file for f in files})
    noun = f"{count} agency file{'s' if count != 1 else ''}"
    return noun if count == len(files) else f"{len(files)} tables in {noun}"


def data_quality_sheet(assessment: Assessment) -> list[Sheet]:
    """Every row of every agency file: used, rejected or set aside, with file, sheet, row and reason."""
    import pandas as pd

    result = assessment.agencies
    if result is None:
        return []
    recon = result.reconciliation
    summary = recon.summary_frame()
    summary["header_row"] = summary["header_row"].astype(object).where(summary["header_row"].notna(), "")
    summary = summary.rename(
        columns={
            "agency": "Agency",
            "file": "File",
            "sheet": "Sheet",
            "header_row": "Header row",
            "rows_read": "Rows read",
            "rows_used": "Rows used",
            "rows_rejected": "Rows rejected",
            "rows_set_aside": "Rows set aside",
            "cells_not_recorded": "Cells set to not recorded",
        }
    )
    for column in ("Rows read", "Rows used", "Rows rejected", "Rows set aside", "Cells set to not recorded"):
        summary[column] = summary[column].astype(int)
    issues = recon.issues_frame().rename(columns=str.capitalize)
    issues["Count"] = issues["Count"].astype(int)
    unmapped = pd.DataFrame(
        [
            {"File": f.file, "Sheet": f.sheet or "", "Column": c}
            for f in recon.files
            for c in f.unmapped_columns
        ],
        columns=["File", "Sheet", "Column"],
    )
    tables = [
        Table(
            "data_quality_files",
            "Rows read = rows used + rows rejected + rows set aside, by file",
            summary,
            AGENCY_SOURCE,
            notes=[
                "Header row: the spreadsheet row of the column headers, found by needsassess or set in the mapping."
            ],
        ),
        Table(
            "data_quality_rows",
            "Rows rejected or set aside, and cells set to not recorded",
            issues,
            AGENCY_SOURCE,
            notes=[
                "Rejected: a field whose rule is reject was bad (a missing or future referral date). Set aside: "
                "not a client row (blank, totals, a note under the table, a repeated header). Warning: the row "
                "was used and the cell set to not recorded."
            ],
            widths={"Reason": 70, "Column": 30, "Rows": 24},
        ),
    ]
    if len(unmapped):
        tables.append(
            Table(
                "data_quality_unmapped",
                "Columns not read (not mapped to any field)",
                unmapped,
                "the mappings; map a column in its TOML to read it",
            )
        )
    rows_read = sum(f.rows_read for f in recon.files)
    return [
        Sheet(
            "Data quality",
            "Data quality: how every row of every agency file was used",
            [
                f"{rows_read:,} rows read from {_tables_from_files(recon.files)}: "
                f"{sum(f.rows_used for f in recon.files):,} used, {sum(f.rows_rejected for f in recon.files):,} "
                f"rejected, {sum(f.rows_set_aside for f in recon.files):,} set aside.",
                "Values that may identify someone are never shown here; fix a file or its mapping and run again.",
            ],
            tables,
            [],
            "Rows read, used, rejected and set aside, with each row's reason",
        )
    ]
