"""The comparison workbook of a batch: one row per area, ranks, and each area beside its region's peers.

Presentation only: every figure was computed by needsassess.batch. Laid out like the per-1,000 peer tables
community safety partnerships read (each area's count and rate beside its neighbours' and the region's).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from needsassess import __version__
from needsassess.outputs import write_atomic
from needsassess.report.model import Chart, Note, Sheet, Table
from needsassess.report.sheets import NOT_AVAILABLE_NOTE, STATUS_NOTE, build_sources_sheet
from needsassess.report.workbook import Cover

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.batch import BatchResult, PackComparison

LEVEL_LABELS = {
    "country": "Country",
    "region": "Region",
    "county": "County",
    "local authority": "Local authority",
}
PER_1000_NOTE = (
    "Per 1,000 residents = estimated victims / residents of all ages x 1,000. The national rates are the "
    "same everywhere, so areas differ by the share of their residents in the ages and sex the survey "
    "measured: this is a guide to relative need, not a measured local rate."
)
TOTAL_NOTE = (
    "Estimated total = estimated women + estimated men, each from the rate for their sex (the figure the "
    "per-victim cost uses); where the pack has no rates by sex, the rate for all adults."
)
RANK_NOTE = "Rank 1 = the highest estimated victims per 1,000 residents; equal values share a rank."


def build_batch_cover(result: BatchResult) -> Cover:
    n_local = int((result.areas["level"] == "local authority").sum())
    path = result.population.path
    year = result.year
    regions = {
        "file order": "each area's region is the region row above it in the population file (ONS order)",
        "": "none: the population file has no region rows; give --regions lookup.csv for a peers view",
    }.get(result.regions_from, f"from the lookup file {result.regions_from.removeprefix('lookup ')}")
    lines = [
        (
            "About this workbook",
            f"Estimated prevalence of domestic abuse for each of the {n_local} local authorities in "
            f"{path.name}, from national survey rates applied to each area's population; ranked by "
            "estimated victims per 1,000 residents and compared with the other areas of each region. "
            "Every figure is traced to its source on the Sources sheet.",
        ),
        ("Population", f"Mid-{year} population estimates, {path.name}" if year else path.name),
        ("Reference packs", "; ".join(f"{p.id}: {p.title}" for p in result.packs)),
        ("Cost", _cost_text(result)),
        ("Regions", regions),
        ("Produced", f"{result.created:%d %B %Y} with needsassess {__version__} (needsassess batch)"),
        ("Protective marking", "OFFICIAL"),
    ]
    if result.warnings:
        lines.append(("Warnings", " ".join(result.warnings)))
    return Cover(
        f"Domestic abuse prevalence by area: {path.stem}", lines, "OFFICIAL", build_batch_notes(result)
    )


def _cost_text(result: BatchResult) -> str:
    cost = result.unit_cost
    if cost is None:
        return "Not costed."
    uplift = (
        f", uplifted from {cost.pack_price_year} prices by {cost.uplift_factor:.3f}" if cost.uplifted else ""
    )
    return (
        f"Estimated victims of domestic abuse in the last year x £{cost.total_gbp:,.0f} per victim "
        f"({cost.pack.id}, {cost.price_year} prices{uplift}); cost per head = cost / residents of all ages "
        "[note 7]."
    )


def build_batch_notes(result: BatchResult) -> list[Note]:
    notes = [
        Note(STATUS_NOTE, "Sources"),
        Note(NOT_AVAILABLE_NOTE, "All sheets"),
        Note(
            f"Estimates are rounded for publication ({result.rounding.describe()}); per 1,000 figures are "
            "worked out from the unrounded estimates.",
            "Comparison, Peers",
        ),
        Note(PER_1000_NOTE, "Comparison, Peers"),
        Note(TOTAL_NOTE, "Comparison, Peers"),
        Note(RANK_NOTE, "Comparison, Peers"),
    ]
    if result.unit_cost is not None:
        notes.append(Note(" ".join(result.unit_cost.caveats), "Comparison, Peers"))
    for pack in result.packs:
        text = " ".join(str(pack.meta.get("notes", "")).split())
        if text:
            notes.append(Note(f"{pack.id}: {text}", "Sources"))
    return notes


def build_batch_sheets(result: BatchResult) -> list[Sheet]:
    sheets = [comparison_sheet(result)]
    if result.has_regions:
        sheets.append(peers_sheet(result))
    sheets += build_sources_sheet(
        result.packs, result.inputs, inputs_source="the command line of needsassess batch"
    )
    return sheets


def _who(c: PackComparison) -> str:
    return f"residents aged {c.ages.label}: {c.label.lower()}"


def comparison_sheet(result: BatchResult) -> Sheet:
    tables = []
    for i, c in enumerate(result.comparisons, 1):
        tables.append(_local_table(result, c, f"comparison_{i}"))
        aggregates = c.aggregates
        if len(aggregates):
            tables.append(_aggregate_table(result, c, f"comparison_larger_areas_{i}"))
    intro = [
        "Estimated victims in each local authority, from national survey rates applied to its population "
        "of the ages the survey measured; one row per area, highest estimated victims per 1,000 first "
        "[note 4] [note 6].",
    ]
    for c in result.comparisons:
        for measure, reason in c.not_estimated:
            intro.append(f"Not estimated from {c.pack.id}: {measure.replace('_', ' ')}, because {reason}.")
    return Sheet(
        "Comparison",
        f"Estimated domestic abuse by local authority, {result.population.path.name}",
        intro,
        tables,
        [],
        "One row per local authority: estimates, per 1,000 residents and rank",
    )


def _cost_header(result: BatchResult) -> str:
    assert result.unit_cost is not None
    return f"Cost (£, {result.unit_cost.price_year} prices)"


def _estimate_columns(result: BatchResult, c: PackComparison, frame: pd.DataFrame) -> dict[str, pd.Series]:
    by_sex = frame["estimate_female"].notna().any() and frame["estimate_male"].notna().any()
    columns: dict[str, pd.Series] = {"Population (all ages)": frame["population_all_ages"]}
    if by_sex:
        columns[f"Women aged {c.ages.label}"] = frame["population_female"]
        columns[f"Men aged {c.ages.label}"] = frame["population_male"]
        columns["Estimated women"] = frame["rounded_female"]
        columns["Estimated men"] = frame["rounded_male"]
    else:
        columns[f"Residents aged {c.ages.label}"] = frame["population_all"]
    columns["Estimated total"] = frame["rounded_total"]
    columns["Estimated total (unrounded)"] = frame["estimate_total"].round(1)
    columns["Per 1,000 residents"] = frame["per_1000"].round(2)
    if c.costed:
        columns[_cost_header(result)] = frame["cost_gbp"].round(0)
        columns["Cost per head (£)"] = frame["cost_per_head_gbp"].round(2)
    return columns


FORMATS = {
    "Population (all ages)": "#,##0",
    "Estimated women": "#,##0",
    "Estimated men": "#,##0",
    "Estimated total": "#,##0",
    "Estimated total (unrounded)": "#,##0.0",
    "Per 1,000 residents": "0.00",
    "Region per 1,000": "0.00",
    "Difference from region per 1,000": "+0.00;-0.00;0.00",
    "Cost per head (£)": "£#,##0.00",
    "Region cost per head (£)": "£#,##0.00",
}


def _formats(frame: pd.DataFrame) -> dict[str, str]:
    formats = {k: v for k, v in FORMATS.items() if k in frame.columns}
    formats.update(
        {c: "#,##0" for c in frame.columns if c.startswith(("Women aged", "Men aged", "Residents"))}
    )
    formats.update({c: "£#,##0" for c in frame.columns if c.startswith("Cost (£")})
    return formats


def _local_table(result: BatchResult, c: PackComparison, name: str) -> Table:
    import pandas as pd

    local = c.local_authorities
    columns: dict[str, pd.Series] = {
        "Rank": local["rank"],
        "Area code": local["area_code"],
        "Area name": local["area_name"],
    }
    if result.has_regions:
        columns["Region"] = local["region_name"]
    columns.update(_estimate_columns(result, c, local))
    frame = pd.DataFrame(columns).reset_index(drop=True)
    return Table(
        name=name,
        title=f"Estimated {_who(c)}, by local authority, {c.pack.meta.get('period', '')} rates [note 3]",
        frame=frame,
        source=f"needsassess estimate: {c.pack.citation()} [{c.pack.id}] x population of each area",
        notes=[f"{len(local)} local authorities, ranked by estimated victims per 1,000 residents [note 6]."],
        formats=_formats(frame),
        widths={"Area name": 36, "Region": 28},
    )


def _aggregate_table(result: BatchResult, c: PackComparison, name: str) -> Table:
    import pandas as pd

    agg = c.aggregates
    columns: dict[str, pd.Series] = {
        "Area code": agg["area_code"],
        "Area name": agg["area_name"],
        "Level": agg["level"].map(LEVEL_LABELS),
    }
    columns.update(_estimate_columns(result, c, agg))
    frame = pd.DataFrame(columns).reset_index(drop=True)
    return Table(
        name=name,
        title=f"Estimated {_who(c)}, countries, regions and counties in the file",
        frame=frame,
        source=f"needsassess estimate: {c.pack.citation()} [{c.pack.id}] x population of each area",
        notes=["From each larger area's own row in the population file; not ranked with local authorities."],
        formats=_formats(frame),
        widths={"Area name": 36},
    )


def peers_sheet(result: BatchResult) -> Sheet:
    import pandas as pd

    tables, charts = [], []
    for i, c in enumerate(result.comparisons, 1):
        regions = c.regions
        summary = pd.DataFrame(
            {
                "Rank": regions["rank"],
                "Region code": regions["region_code"],
                "Region": regions["region_name"],
                "Local authorities": regions["areas"],
                "Population (all ages)": regions["population_all_ages"],
                "Estimated total": [_round(x, result) for x in regions["estimate_total"]],
                "Per 1,000 residents": regions["per_1000"].round(2),
            }
        )
        if c.costed:
            summary["Cost per head (£)"] = regions["cost_per_head_gbp"].round(2)
        tables.append(
            Table(
                name=f"peers_regions_{i}",
                title=f"Estimated {_who(c)}, by region, {c.pack.meta.get('period', '')} rates",
                frame=summary,
                source="needsassess estimate: the local authorities of each region added up",
                formats=_formats(summary),
                widths={"Region": 32},
            )
        )
        charts.append(
            Chart(
                kind="bar",
                title=f"Estimated victims per 1,000 residents by region ({c.pack.id})",
                table=f"peers_regions_{i}",
                categories="Region",
                values=["Per 1,000 residents"],
                alt_text="Bar chart of estimated victims per 1,000 residents by region. "
                + "; ".join(
                    f"{r}: {v:.1f}"
                    for r, v in zip(summary["Region"], summary["Per 1,000 residents"], strict=True)
                )
                + ".",
                x_title="Estimated victims per 1,000 residents",
            )
        )
        peers = c.peers
        frame = pd.DataFrame(
            {
                "Region": peers["region_name"],
                "Area code": peers["area_code"],
                "Area name": peers["area_name"],
                "Estimated total": peers["rounded_total"],
                "Per 1,000 residents": peers["per_1000"].round(2),
                "Region per 1,000": peers["region_per_1000"].round(2),
                "Difference from region per 1,000": peers["difference_per_1000"].round(2),
                "Rank in region": peers["rank_in_region"],
                "Areas in region": peers["areas_in_region"],
            }
        ).reset_index(drop=True)
        if c.costed:
            frame["Cost per head (£)"] = peers["cost_per_head_gbp"].round(2).to_numpy()
            frame["Region cost per head (£)"] = peers["region_cost_per_head_gbp"].round(2).to_numpy()
        tables.append(
            Table(
                name=f"peers_areas_{i}",
                title=f"Each local authority beside its region: estimated {_who(c)}",
                frame=frame,
                source=f"needsassess estimate: {c.pack.citation()} [{c.pack.id}] x population of each area",
                notes=["Areas listed region by region, highest per 1,000 first within each region [note 6]."],
                formats=_formats(frame),
                widths={"Region": 28, "Area name": 36},
            )
        )
    how = (
        "the region row above each area in the population file"
        if result.regions_from == "file order"
        else f"the lookup file {result.regions_from.removeprefix('lookup ')}"
    )
    return Sheet(
        "Peers",
        "Local authorities compared with the other areas of their region",
        [f"Regions from {how}. Each region's figures are its local authorities added up [note 4]."],
        tables,
        charts,
        "Each region's estimate per 1,000, and each area beside its region",
    )


def _round(x: float, result: BatchResult) -> float:
    from needsassess.rounding import round_for_publication

    return float(round_for_publication(x, result.rounding)) if x == x else float("nan")


def write_batch_workbook(result: BatchResult, path: Path, force: bool = False) -> Path:
    """Write the comparison workbook (cover, contents, notes, Comparison, Peers, Sources) atomically."""
    from needsassess.report.workbook import write_workbook

    cover, sheets = build_batch_cover(result), build_batch_sheets(result)
    return write_atomic(Path(path), lambda tmp: write_workbook(tmp, cover, sheets), force)
