"""What every command group shares: the `Error:` printing, the options used by several groups, path checks.

Defined once here so that `--force`, `--offline` or `--pack-dir` read and behave the same in every command.
No `from __future__ import annotations` (see `needsassess.cli`).
"""

import functools
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated, Any

import typer

from needsassess.errors import NeedsAssessError


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a NeedsAssessError as 'Error: ...' on stderr and exit 2; bugs keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NeedsAssessError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper


def require_suffix(path: Path, suffixes: Collection[str], message: str, param_hint: str = "--output") -> None:
    """Refuse an output whose extension is not one of `suffixes` (".xlsx", ...), before any work is done."""
    if path.suffix.lower() not in suffixes:
        raise typer.BadParameter(message, param_hint=param_hint)


ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite outputs that already exist.")]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use cached downloads only (NOMIS, Fingertips); never the network.")
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        envvar="NEEDSASSESS_CACHE",
        help="Folder for cached downloads (default ~/.cache/needsassess).",
        show_envvar=True,
    ),
]
PackDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--pack-dir", help="A folder of your own reference packs (repeatable); yours win over shipped ones."
    ),
]
AreaOption = Annotated[
    str, typer.Option("--area", "-a", help="GSS code or name of the area, e.g. E06000001.")
]
PopulationYearOption = Annotated[
    int | None, typer.Option("--year", help="Population year, where the file has several.")
]
