"""csv outputs for analysts, written atomically and safe to open in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from needsassess.outputs import write_atomic

if TYPE_CHECKING:
    import pandas as pd

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
