"""Agency data: `needsassess profile` over 10 xlsx files (read, map, validate, pseudonymise, merge, parquet).

Target: 1,000,000 client rows at least 5x faster than the same pipeline reading with
pandas.read_excel(engine="openpyxl"), with peak memory under 2 GB. The baseline is the same command in a
fresh process with needsassess.tables.read_grid swapped for a reader built on pandas.read_excel (merged
ranges, which pandas does not report, are taken from the file's metadata so both runs map the same
columns); both runs must merge the same number of rows. Scaling: 100k, 300k and 1M rows, so the slope
of time and memory with rows is visible.

openpyxl reads about 600 rows of these files a second, so the baseline at 1M rows needs about 30 minutes
of CPU. By default it is measured at 100k rows (--baseline-rows 1000000 for the full size), and the
ratio compares both pipelines on those same files; the per-row cost of both is linear in rows (see the
slope line), so the ratio holds at 1M.

Run: python benchmarks/bench_profile.py [--runs 3] [--quick] [--baseline-rows N]
  --quick: 100k rows only. The 1M files take a few minutes to generate on first use (benchmarks/_data/).
"""

from __future__ import annotations

import sys

from _common import OUT, PYTHON, Result, Timing, measure, needsassess, print_results, runs_arg
from generate_agency_files import ensure

REQUIRES = "needsassess.clients"  # run_all skips this benchmark in a checkout without it
TARGET_SPEEDUP = 5.0
TARGET_PEAK_MB = 2048
SECRET = "benchmark-secret-not-a-real-one"

# The baseline: the real `needsassess profile`, with the grid reader swapped for pandas.read_excel.
_BASELINE = """
import sys
from pathlib import Path

import needsassess.tables as tables

_calamine_read_grid = tables.read_grid


def read_grid_with_pandas(path, sheet=None, encoding=None):
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return _calamine_read_grid(path, sheet, encoding)
    import pandas as pd

    book = pd.ExcelFile(path, engine="openpyxl")
    name = tables._pick_sheet(path, book.sheet_names, sheet)
    frame = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    rows = frame.astype(object).where(frame.notna(), "").values.tolist()
    for row in rows:  # openpyxl gives datetimes where calamine gives dates for date-only cells
        for j, value in enumerate(row):
            if hasattr(value, "hour") and not (value.hour or value.minute or value.second):
                row[j] = value.date()
    from python_calamine import CalamineWorkbook  # merged ranges only: pandas does not report them

    merged = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).merged_cell_ranges
    return tables.Grid(path, name, rows, list(merged) if merged is not None else None)


tables.read_grid = read_grid_with_pandas
import needsassess.clients.reader as reader  # noqa: E402

reader.read_grid = read_grid_with_pandas
from needsassess.cli import app  # noqa: E402

sys.argv[0] = "needsassess"
sys.exit(app())
"""


def _profile_cmd(files: list, merged) -> list[str]:
    return needsassess("profile", *files, "--merged", merged, "--force")


def _rows_in(path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def run(runs: int = 3, quick: bool | None = None, baseline_rows: int | None = None) -> list[Result]:
    import os

    quick = ("--quick" in sys.argv) if quick is None else quick
    if baseline_rows is None:
        flag = "--baseline-rows"
        baseline_rows = int(sys.argv[sys.argv.index(flag) + 1]) if flag in sys.argv else 100_000
    os.environ["NEEDSASSESS_SECRET"] = SECRET
    sizes = [100_000] if quick else [100_000, 300_000, 1_000_000]
    results, lines = [], []
    timings: dict[int, Timing] = {}
    for rows in sizes:
        files = ensure(rows)
        merged = OUT / f"clients_{rows}.parquet"
        timings[rows] = measure(_profile_cmd(files, merged), runs=runs if rows == sizes[-1] else 1, warmup=0)
        t = timings[rows]
        lines.append(
            f"profile {rows:>9,} rows: {t.median:6.1f} s, {rows / t.median:>8,.0f} rows/s, "
            f"peak {t.peak_mb:5.0f} MB"
        )
        merged_rows = _rows_in(merged)
        if merged_rows != rows:
            raise RuntimeError(f"expected {rows} merged rows, got {merged_rows}")
    largest = sizes[-1]
    at = baseline_rows if baseline_rows in timings else sizes[0]
    files = ensure(at)
    baseline_out = OUT / f"clients_{at}_baseline.parquet"
    baseline = measure(
        [PYTHON, "-c", _BASELINE, "profile", *map(str, files), "--merged", str(baseline_out), "--force"],
        runs=1,
        warmup=0,
    )
    if _rows_in(baseline_out) != at:
        raise RuntimeError("the baseline merged a different number of rows")
    real = timings[largest]
    speedup = baseline.median / timings[at].median
    lines.append(
        f"baseline (pandas.read_excel, openpyxl) {at:,} rows: {baseline.median:.1f} s, "
        f"{at / baseline.median:,.0f} rows/s, peak {baseline.peak_mb:.0f} MB; the real reader on the "
        f"same files {timings[at].median:.1f} s"
    )
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        per_row = [(timings[n].median / n * 1e6) for n in sizes]
        lines.append(
            "slope: "
            + ", ".join(f"{n:,}: {p:.1f} µs/row" for n, p in zip(sizes, per_row, strict=True))
            + f"; memory {timings[first].peak_mb:.0f} -> {timings[last].peak_mb:.0f} MB for {last // first}x rows"
        )
    results.append(
        Result(
            f"1. `needsassess profile`, {largest:,} rows in 10 xlsx, >= 5x baseline",
            f"{real.median:.1f} s ({largest / real.median:,.0f} rows/s)",
            f"read_excel(openpyxl): {baseline.median:.0f} s vs {timings[at].median:.1f} s at {at // 1000}k rows",
            f"{speedup:.1f}x",
            speedup >= TARGET_SPEEDUP,
            lines,
        )
    )
    results.append(
        Result(
            f"1b. `needsassess profile`, {largest:,} rows, peak memory < 2 GB",
            f"{real.peak_mb:.0f} MB",
            f"2048 MB (read_excel at {at // 1000}k: {baseline.peak_mb:.0f} MB)",
            f"{real.peak_mb / TARGET_PEAK_MB:.2f}x",
            real.peak_mb < TARGET_PEAK_MB,
        )
    )
    return results


if __name__ == "__main__":
    results = run(runs_arg(3))
    print_results(results)
    sys.exit(0 if all(r.passed for r in results) else 1)
