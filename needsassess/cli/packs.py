"""`packs`: the reference packs (national figures with their sources), listed or shown one at a time.

No `from __future__ import annotations` (see `needsassess.cli`).
"""

from typing import Annotated

import typer

from needsassess.cli.common import PackDirOption, reports_errors

# The pack.toml fields shown by `needsassess packs ID`, in this order; fields a pack leaves empty are skipped.
SHOWN_FIELDS = (
    "title",
    "kind",
    "publisher",
    "publication",
    "table",
    "period",
    "population_base",
    "price_year",
    "released",
    "url",
    "licence",
)


@reports_errors
def packs(
    pack_id: Annotated[str | None, typer.Argument(help="Show this pack in full.")] = None,
    pack_dir: PackDirOption = None,
) -> None:
    """List the reference packs (national figures with their sources), or show one.

    Example: needsassess packs csew-2015-16to59
    """
    import pandas as pd

    from needsassess.packs import describe_packs, load_pack
    from needsassess.report.terminal import print_frame, print_lines

    if pack_id is None:
        print_frame(pd.DataFrame(describe_packs(pack_dir)), title="Reference packs")
        print_lines(["Show one with: needsassess packs ID"])
        return
    p = load_pack(pack_id, pack_dir)
    print_lines([f"{k}: {p.meta[k]}" for k in SHOWN_FIELDS if p.meta.get(k)] + [f"folder: {p.path}"])
    notes = " ".join(str(p.meta.get("notes", "")).split())
    if notes:
        print_lines([f"notes: {notes}"])
    shown = p.data[[c for c in p.data.columns if c != "url" and (p.data[c].astype(str) != "").any()]]
    print_frame(shown, title=f"{p.id}: {len(p.data)} figures")
