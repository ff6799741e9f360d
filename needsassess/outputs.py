"""Writing outputs safely: never over an existing file without --force, and always atomically.

A half-written workbook on a shared drive is worse than none, so every writer writes to a temporary file
in the destination folder and renames it into place in one step.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from needsassess.errors import OutputError


def check_writable(path: Path, force: bool) -> None:
    """Refuse to replace an existing file unless force is set; the folder must exist or be creatable."""
    if path.exists() and not force:
        raise OutputError(f"{path} already exists; use --force to overwrite it")
    if path.exists() and path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")


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
        if path.exists() and not force:  # appeared while we were writing
            raise OutputError(f"{path} already exists; use --force to overwrite it")
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_atomic(path: Path, writer: Callable[[Path], object], force: bool = False) -> Path:
    """Call writer(tmp_path) and move the result to `path`."""
    with atomic_path(path, force) as tmp:
        writer(tmp)
    return path


def write_text(path: Path, text: str, force: bool = False) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
