"""The needsassess command line: a thin Typer layer over the pure functions of the package.

`app` is the console script (`needsassess = "needsassess.cli:app"`) and `python -m needsassess`. Each command
group lives in its own module and parses its options, calls one core function and prints or writes:

- `assessment`: run, workbook, draft (everything from one assessment.toml)
- `estimates`: prevalence, cost, batch (national figures x local population)
- `agencies`: map, profile, template (agency client data)
- `police`: police (the police extract alone)
- `public_data`: population fetch, indicators fetch (NOMIS, Fingertips)
- `packs`: packs (the reference packs)
- `common`: the `Error:` printing, options shared by several groups, path checks

Heavy libraries (pandas, openpyxl, xlsxwriter, matplotlib, rich) are imported inside commands so that
`needsassess --help` stays fast. No `from __future__ import annotations` in this package: Typer would
evaluate every option's annotation string on each start, which took a third of `--help`'s time.
"""

from typing import Annotated

import typer

# Each group by its full name, so that an import graph read from the source shows an edge to the group
# (`from needsassess.cli import ...` would read as the package importing itself).
import needsassess.cli.agencies as agencies
import needsassess.cli.assessment as assessment
import needsassess.cli.estimates as estimates
import needsassess.cli.packs as packs
import needsassess.cli.police as police
import needsassess.cli.public_data as public_data
from needsassess import __version__

app = typer.Typer(
    name="needsassess",
    help="Local domestic-abuse needs assessments: prevalence, cost, agency profiles, workbook and drafts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"needsassess {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Local domestic-abuse needs assessments, reproducible from one command."""


# In the order `needsassess --help` lists them.
app.command("prevalence")(estimates.prevalence)
app.command("cost")(estimates.cost)
app.command("packs")(packs.packs)
app.command("run")(assessment.run)
app.command("workbook")(assessment.workbook)
app.command("draft")(assessment.draft)
app.command("batch")(estimates.batch)
app.command("map")(agencies.map_command)
app.command("profile")(agencies.profile_command)
app.command("template")(agencies.template_command)
app.command("police")(police.police)
app.add_typer(public_data.population_app, name="population")
app.add_typer(public_data.indicators_app, name="indicators")

__all__ = ["app"]
