"""Shared helpers for the benchmark scripts: run a command several times in fresh processes, take the
median wall time and the peak memory, and print one line per target.

Timings come from subprocesses (a fresh interpreter each run, as a user would run the command), never from
unit tests. Peak memory is the child's maximum resident set size (resource.getrusage in a small wrapper).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "_data"
OUT = REPO / "benchmarks" / "_out"
PYTHON = sys.executable

# What the `needsassess` console script runs (pip writes exactly this into the script).
ENTRY = "import sys; from needsassess.cli import app; sys.argv[0] = 'needsassess'; sys.exit(app())"

_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "code": done.returncode,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def env() -> dict[str, str]:
    """The environment for child processes: this checkout first on the import path, no colour."""
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["NO_COLOR"] = "1"
    return e


def needsassess(*args: str | Path) -> list[str]:
    """The command line of `needsassess ARGS...` run from this checkout."""
    return [PYTHON, "-c", ENTRY, *map(str, args)]


@dataclass
class Timing:
    runs: list[float]
    peaks_mb: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_mb)


def measure(cmd: list[str], runs: int = 5, warmup: int = 1, cwd: Path = REPO) -> Timing:
    """Run `cmd` warmup + runs times, each in a fresh process; the times and peak memory of the runs."""
    times, peaks = [], []
    for i in range(warmup + runs):
        done = subprocess.run(
            [PYTHON, "-c", _WRAPPER, *cmd], capture_output=True, text=True, env=env(), cwd=cwd, check=True
        )
        result = json.loads(done.stdout)
        if result["code"] != 0:
            raise RuntimeError(f"command failed ({result['code']}): {' '.join(cmd)}\n{result['stderr']}")
        if i >= warmup:
            times.append(result["seconds"])
            peaks.append(result["peak_mb"])
    return Timing(times, peaks)


@dataclass
class Result:
    """One target: what was measured, against what, and whether it passed."""

    target: str
    measured: str
    baseline: str
    ratio: str
    passed: bool
    details: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        return [self.target, self.measured, self.baseline, self.ratio, "pass" if self.passed else "MISS"]


def print_results(results: list[Result]) -> None:
    header = ["target", "measured", "baseline", "ratio", "result"]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        for line in r.details:
            print(f"  {line}")


def runs_arg(default: int = 5) -> int:
    """--runs N from the command line (the scripts take no other options)."""
    if "--runs" in sys.argv:
        return int(sys.argv[sys.argv.index("--runs") + 1])
    return default
