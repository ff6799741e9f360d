"""Write the merged client table: csv or parquet, atomically, never over a file without force.

Text that came from an input (a sheet name, say) could start with "=" and become a formula when a csv is
opened in Excel; such cells are written with a leading apostrophe, which Excel shows as text.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from needsassess.errors import OutputError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MERGED_SUFFIXES = (".csv", ".parquet")


def check_writable(path: Path, force: bool) -> None:
    """Refuse to replace an existing file unless force is set."""
    if path.exists() and path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; use --force to overwrite it")


@contextlib.contextmanager
def atomic_path(path: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one rename."""
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(path: Path, writer: Callable[[Path], None], force: bool = False) -> Path:
    """Call writer(tmp_path) and move the result to `path`."""
    with atomic_path(path, force) as tmp:
        writer(tmp)
    return path


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be read as formulas by a spreadsheet ("=1+1" -> "'=1+1")."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            risky = series.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
            if risky.any():
                out[column] = series.astype(object).where(~risky, "'" + series.astype(str))
    return out


def write_merged(clients: pd.DataFrame, path: str | Path, force: bool = False) -> Path:
    """Write the merged, pseudonymised client table as csv (formula-safe) or parquet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MERGED_SUFFIXES:
        raise OutputError(f'cannot write "{path.name}": the merged table is written as .csv or .parquet')
    if suffix == ".csv":
        table = neutralise_formulas(clients)
        return write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, date_format="%Y-%m-%d"), force)
    return write_atomic(path, lambda tmp: clients.to_parquet(tmp, index=False), force)
