"""What `needsassess run` prints when it ends: the headline figures of each stage that ran, as the workbook
publishes them, then every warning."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from needsassess.costs import METHOD_LABELS

if TYPE_CHECKING:
    from needsassess.assessment import Assessment


def summary_lines(assessment: Assessment) -> list[str]:
    """A few lines for the terminal after a run: what was estimated and anything to check."""
    lines = [f"{assessment.config.title}", f"Area: {assessment.area_name} ({assessment.area_code})"]
    for d in assessment.downloads:
        if d.from_cache:
            why = "offline" if assessment.config.offline else "cache"
            lines.append(f"{d.role.capitalize()}: {d.detail}; cached copy ({why}), retrieved {d.retrieved}")
        else:
            lines.append(f"{d.role.capitalize()}: {d.detail}; downloaded {d.retrieved}")
    for result in assessment.prevalence:
        for measure in ("da_last_year", "da_since_16"):
            women, men = result.headline(measure, "female"), result.headline(measure, "male")
            if women is not None and men is not None:
                label = result.estimates.loc[result.estimates["measure"] == measure, "label"].iloc[0]
                lines.append(f"  {label}: {women:,.0f} women and {men:,.0f} men ({result.pack.id})")
    for cost in assessment.costs:
        per_head = f", £{cost.per_head_gbp:,.2f} per head" if cost.per_head_gbp is not None else ""
        lines.append(
            f"  Cost, {METHOD_LABELS[cost.method]}: £{cost.total_gbp:,.0f}{per_head} "
            f"({cost.price_year} prices, {cost.pack_id})"
        )
    if assessment.agencies is not None:
        files = assessment.agencies.reconciliation.files
        people = assessment.agencies.people
        victims = people[(people["agency"] == "All agencies") & (people["record_type"] == "victim")]
        lines.append(
            f"  Agencies: {len({f.file for f in files})} files ({len(files)} tables), "
            f"{sum(f.rows_read for f in files):,} rows read, "
            f"{sum(f.rows_used for f in files):,} used, {sum(f.rows_rejected for f in files):,} rejected, "
            f"{sum(f.rows_set_aside for f in files):,} set aside"
            + (f"; {int(victims['people'].iloc[0]):,} people" if len(victims) else "")
        )
    if assessment.published_profile is not None:
        from needsassess.profile.publish import headline_lines

        published = assessment.published_profile
        lines += [f"  {line}" for line in headline_lines(published) if "(all agencies, people)" in line]
        lines.append(
            f"  Needs profile: {len(published.tables)} tables, {len(published.log):,} cells suppressed "
            f"(preset {published.rule.name}); the Notes sheet lists each"
        )
    if assessment.police is not None:
        lines.append("  " + _police_line(assessment))
    lines += [f"Warning: {w}" for w in assessment.warnings]
    return lines


def _police_line(assessment: Assessment) -> str:
    """The police headline as the workbook publishes it (after disclosure control)."""
    assert assessment.police is not None
    summary = assessment.published["police"].tables[0].frame.set_index("Measure")
    row = summary.loc["Domestic abuse incidents and crimes"]
    number, rate = row["Number"], row["Per 1,000 aged 16+"]
    shown = f"{number:,}" if isinstance(number, numbers.Integral) else str(number)
    per = f"{rate:.1f}" if isinstance(rate, numbers.Real) else str(rate)
    return (
        f"Police, {assessment.police.current.label}: {shown} domestic abuse incidents and crimes, "
        f"{per} per 1,000 residents aged 16+"
    )
