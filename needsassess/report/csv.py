"""csv outputs for analysts, written atomically and safe to open in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from needsassess.outputs import write_atomic

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.report.model import Sheet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value  # a negative number written as text stays a number
        except ValueError:
            return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: Path, force: bool = False) -> Path:
    """Write `frame` as UTF-8 csv (with BOM, so Excel detects the encoding) without formula injection."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    safe = frame.copy()
    for column in safe.columns:
        if is_object_dtype(safe[column].dtype) or is_string_dtype(safe[column].dtype):
            safe[column] = safe[column].astype(object).map(safe_text)
    return write_atomic(Path(path), lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"), force)


def write_sheet_csv(sheet: Sheet, folder: Path, prefix: str = "", force: bool = False) -> list[Path]:
    """Write each table of a sheet, as published, to FOLDER/<prefix><table name>.csv."""
    from needsassess.outputs import check_writable

    paths = [Path(folder) / f"{prefix}{table.name}.csv" for table in sheet.tables]
    for path in paths:  # refuse before writing any
        check_writable(path, force)
    Path(folder).mkdir(parents=True, exist_ok=True)
    for table, path in zip(sheet.tables, paths, strict=True):
        write_csv(table.frame, path, force)
    return paths
