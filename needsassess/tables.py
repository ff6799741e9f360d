"""Read any tabular file as it arrives: xlsx, xlsm, xls, ods or csv, as a grid of cells.

Spreadsheets from councils and agencies carry title rows, notes, merged header cells and totals rows,
so readers get the raw grid with spreadsheet row numbers and find the header row themselves. Reading
goes through python-calamine (Rust), which is many times faster than openpyxl for large files.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from needsassess.errors import InputError, Problem

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class Grid:
    """The cells of one sheet; rows[i] is spreadsheet row i + 1, cells are str, float, int, date or ''."""

    path: Path
    sheet: str | None
    rows: list[list[Any]]
    # Merged cells as ((first_row, first_col), (last_row, last_col)), 0-based; None where the format
    # does not say (csv, ods).
    merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None

    @property
    def file(self) -> str:
        return self.path.name

    def error(self, problems: list[Problem] | Problem) -> InputError:
        return InputError(self.path, problems, sheet=self.sheet)


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index (0 -> A, 27 -> AB)."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def list_sheets(path: Path) -> list[str]:
    """Sheet names of a spreadsheet; a csv has none."""
    path = Path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return []
    return _open_workbook(path).sheet_names


# Sheets being read in the background by prefetch(), by (resolved path, sheet); read_grid takes them from here.
_PREFETCHED: dict[tuple[Path, str | int | None], Future[Grid]] = {}


@contextlib.contextmanager
def prefetch(sheets: Iterable[tuple[Path, str | int | None]]) -> Iterator[None]:
    """Read these spreadsheet sheets in a background thread while other work goes on.

    calamine parses without holding the GIL, so on a machine with two cores a large extract is read while
    the stages before it run, and read_grid then hands over the grid it already has. A sheet that cannot
    be read raises its InputError where read_grid is called, as it would without prefetching.
    """
    from concurrent.futures import ThreadPoolExecutor

    wanted = [
        (Path(path), sheet)
        for path, sheet in sheets
        if Path(path).suffix.lower() in SPREADSHEET_SUFFIXES and Path(path).is_file()
    ]
    if not wanted:
        yield
        return
    keys = [(path.resolve(), sheet) for path, sheet in wanted]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="needsassess-prefetch") as pool:
        for key, (path, sheet) in zip(keys, wanted, strict=True):
            _PREFETCHED[key] = pool.submit(_read_grid, path, sheet, None)
        try:
            yield
        finally:
            for key in keys:
                future = _PREFETCHED.pop(key, None)
                if future is not None:
                    future.cancel()


def read_grid(path: str | Path, sheet: str | int | None = None, encoding: str | None = None) -> Grid:
    """Read one sheet (by name or 0-based index; default the first) of any supported file as a Grid."""
    path = Path(path)
    if _PREFETCHED and path.suffix.lower() in SPREADSHEET_SUFFIXES:
        future = _PREFETCHED.pop((path.resolve(), sheet), None)
        if future is not None:
            return future.result()
    return _read_grid(path, sheet, encoding)


def _read_grid(path: Path, sheet: str | int | None, encoding: str | None) -> Grid:
    if not path.exists():
        raise InputError(path, Problem("missing-file", f"file not found: {path}"))
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        if sheet not in (None, 0, "0"):
            raise InputError(
                path, Problem("no-sheets", f"a {suffix} file has no sheets; drop --sheet {sheet}")
            )
        return Grid(path, None, _read_text(path, encoding))
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputError(
            path,
            Problem(
                "unknown-format",
                f'cannot read "{suffix or "no extension"}" files; expected one of '
                + ", ".join(sorted(SPREADSHEET_SUFFIXES | {".csv"})),
            ),
        )
    workbook = _open_workbook(path)
    name = _pick_sheet(path, workbook.sheet_names, sheet)
    try:
        data = workbook.get_sheet_by_name(name)
        rows = data.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for corrupt sheets
        raise InputError(
            path, Problem("unreadable-sheet", f"cannot read this sheet: {exc}"), sheet=name
        ) from exc
    merged = data.merged_cell_ranges
    return Grid(path, name, _lists(rows), list(merged) if merged is not None else None)


def _lists(rows: Any) -> list[list[Any]]:
    """Rows as lists; calamine already returns a list of lists, which is kept rather than copied."""
    if isinstance(rows, list) and all(type(r) is list for r in rows):
        return rows
    return [list(r) for r in rows]


def read_grids(path: str | Path, sheets: Sequence[str]) -> list[Grid]:
    """Read several named sheets of one workbook, opening it once."""
    path = Path(path)
    workbook = _open_workbook(path)
    grids = []
    for sheet in sheets:
        name = _pick_sheet(path, workbook.sheet_names, sheet)
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        grids.append(Grid(path, name, [list(r) for r in rows]))
    return grids


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise InputError(
            path,
            Problem("unreadable-file", f"cannot open as a spreadsheet ({exc}); is it saved in this format?"),
        ) from exc


def _pick_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        index = int(sheet)
        if 0 <= index < len(names):
            return names[index]
        raise InputError(
            path,
            Problem(
                "missing-sheet", f"no sheet number {index}; the file has {len(names)} (0 to {len(names) - 1})"
            ),
        )
    for name in names:
        if name == sheet:
            return name
    for name in names:
        if name.strip().lower() == str(sheet).strip().lower():
            return name
    raise InputError(
        path,
        Problem("missing-sheet", f'no sheet "{sheet}"; the sheets are ' + ", ".join(f'"{n}"' for n in names)),
    )


def _read_text(path: Path, encoding: str | None) -> list[list[Any]]:
    raw = path.read_bytes()
    text = None
    for enc in (encoding,) if encoding else ENCODINGS:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
        except LookupError as exc:
            raise InputError(path, Problem("unknown-encoding", f'unknown encoding "{enc}"')) from exc
    if text is None:
        raise InputError(
            path, Problem("bad-encoding", f"cannot decode the file as {encoding}; try another --encoding")
        )
    sample = text[:4096]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if path.suffix.lower() != ".tsv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(value: Any) -> str:
    """Lower-case, single-spaced text of a header cell; numbers like 16.0 become '16'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\n", " ").replace("\u00a0", " ").strip().lower()
    return re.sub(r"\s+", " ", text)


def find_header_row(
    grid: Grid, score: Callable[[list[str]], int], min_score: int, search_rows: int = 40
) -> int | None:
    """Return the 0-based index of the first row whose normalised cells score at least `min_score`.

    The best-scoring row among the first `search_rows` wins ties by coming first, so title and notes rows
    above a table are skipped without being counted.
    """
    best, best_index = 0, None
    for index, row in enumerate(grid.rows[:search_rows]):
        cells = [normalise_header(c) for c in row if not is_blank(c)]
        if not cells:
            continue
        s = score(cells)
        if s > best:
            best, best_index = s, index
    return best_index if best >= min_score else None


def to_number(value: Any) -> float | None:
    """A count from a cell: numbers, numbers stored as text ('1,234', ' 56 '); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("\u00a0", "")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return None
    return None
