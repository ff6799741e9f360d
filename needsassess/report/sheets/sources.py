"""The Sources sheet: every pack, national figure and input file behind the workbook's numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from needsassess.report.model import Sheet, Table

if TYPE_CHECKING:
    from needsassess.assessment import Assessment, InputFile
    from needsassess.packs import Pack


def sources_sheet(assessment: Assessment) -> list[Sheet]:
    return build_sources_sheet(list(assessment.packs.values()), assessment.inputs, assessment.downloads)


def build_sources_sheet(
    pack_list: list[Pack],
    input_list: list[InputFile],
    download_list: Sequence[Any] = (),
    inputs_source: str = "files named in the assessment configuration",
) -> list[Sheet]:
    """The Sources sheet: every pack, every national figure with its status, every input with its hash."""
    import pandas as pd

    packs = pd.DataFrame(
        [
            {
                "Pack": p.id,
                "Kind": p.kind.value,
                "Title": p.title,
                "Publisher": p.meta.get("publisher", ""),
                "Publication": p.meta.get("publication", ""),
                "Table": p.meta.get("table", ""),
                "Period": p.meta.get("period", ""),
                "Population base": p.meta.get("population_base", ""),
                "Statuses": ", ".join(p.statuses),
                "URL": p.meta.get("url", ""),
                "Licence": p.meta.get("licence", ""),
            }
            for p in pack_list
        ],
        columns=[
            "Pack",
            "Kind",
            "Title",
            "Publisher",
            "Publication",
            "Table",
            "Period",
            "Population base",
            "Statuses",
            "URL",
            "Licence",
        ],
    )
    figures = []
    for p in pack_list:
        for row in p.data.to_dict("records"):
            figures.append(
                {
                    "Pack": p.id,
                    "Figure": " ".join(
                        str(row.get(k, ""))
                        for k in (
                            "measure",
                            "basis",
                            "item",
                            "category",
                            "sex",
                            "age_band",
                            "population",
                            "year",
                        )
                        if row.get(k)
                    ),
                    "Value": next(
                        (row[k] for k in ("rate_pct", "cost_gbp", "value", "index") if k in row), None
                    ),
                    "Status": row["status"],
                    "Source": row.get("source") or p.citation(),
                    "URL": row.get("url") or p.meta.get("url", ""),
                    "Note": row.get("note", ""),
                }
            )
    figure_frame = pd.DataFrame(
        figures, columns=["Pack", "Figure", "Value", "Status", "Source", "URL", "Note"]
    )
    downloaded = [
        {
            "Role": f"{d.role} (downloaded)",
            "File": s["url"],
            "Detail": f"{d.title}; {d.detail}; retrieved {s['retrieved']}"
            + ("; cached copy" if s["from_cache"] else ""),
            "SHA-256": s["sha256"],
        }
        for d in download_list
        for s in d.sources
    ]
    inputs = pd.DataFrame(
        [{"Role": i.role, "File": i.path.name, "Detail": i.detail, "SHA-256": i.sha256} for i in input_list]
        + downloaded,
        columns=["Role", "File", "Detail", "SHA-256"],
    )
    tables = [
        Table(
            "sources_packs",
            "Reference packs used",
            packs,
            "needsassess prevalence_rates/ packs (pack.toml)",
            widths={"Title": 50, "Publication": 50, "URL": 50},
        ),
        Table(
            "sources_figures",
            "Every national figure in those packs, with its status [note 1]",
            figure_frame,
            "the packs' csv files",
            widths={"Source": 50, "URL": 50, "Note": 40},
        ),
        Table(
            "sources_inputs",
            "Local input files and downloads" if downloaded else "Local input files",
            inputs,
            inputs_source + ("; downloads with their URL and retrieval date (UTC)" if downloaded else ""),
            widths={"SHA-256": 66, "File": 50} if downloaded else {"SHA-256": 66},
        ),
    ]
    return [
        Sheet(
            "Sources",
            "Sources of every figure in this workbook",
            [
                "Each pack is a folder of national figures with its publication, table, period and URL; each input is "
                "listed with its SHA-256 so a rerun can show it used the same data.",
            ],
            tables,
            [],
            "Packs, national figures and local input files used",
        )
    ]
