"""Write outputs safely: refuse to overwrite without force, and never leave a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from needsassess.errors import OutputError


def check_writable(path: str | Path, force: bool = False) -> Path:
    """Raise OutputError if `path` exists (and not `force`) or its folder is missing."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputError(f"{target} already exists; use --force to overwrite it.")
    if not target.parent.exists():
        raise OutputError(f"folder {target.parent} does not exist; create it first.")
    return target


def write_text_atomic(path: str | Path, text: str, force: bool = False) -> Path:
    """Write `text` (utf-8) to `path` through a temporary file in the same folder, then os.replace."""
    target = check_writable(path, force)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
