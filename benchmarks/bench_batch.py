"""Batch: `needsassess batch` over a national file of about 390 areas (340 local authorities), end to end.

Target: under 5 seconds in a fresh process (read the ONS MYE2 workbook, estimate every area, write the
comparison workbook). Baseline, measured in the same session: the same estimates made one area at a time
with the single-area functions (select_area + estimate_prevalence per area, the file read once), timed
in-process beside the vectorised core (estimate_every_area); the ratio is the speed-up of the core. A
loop that re-read the file for every area would add one file read per area on top (also printed).

Run: python benchmarks/bench_batch.py [--runs 5]      (generates benchmarks/_data/ on first use)
"""

from __future__ import annotations

import json
import subprocess
import sys

from _common import OUT, PYTHON, REPO, Result, env, measure, needsassess, print_results, runs_arg
from generate_national_population import ensure

TARGET_SECONDS = 5.0

_CORE = """
import json, statistics, sys, time
from needsassess.batch import estimate_every_area
from needsassess.packs import load_pack
from needsassess.population import read_population, select_area
from needsassess.prevalence import estimate_prevalence

path, reps = sys.argv[1], int(sys.argv[2])
pack = load_pack("csew-2015-16to59")

def clock(func):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

read = clock(lambda: read_population(path))
population = read_population(path)
codes = list(population.areas["area_code"])
vectorised = clock(lambda: estimate_every_area(population, [pack]))
loop = clock(lambda: [estimate_prevalence(select_area(population, c), pack) for c in codes])
print(json.dumps({"areas": len(codes), "read": read, "vectorised": vectorised, "loop": loop}))
"""


def run(runs: int = 5) -> list[Result]:
    national = ensure()
    out = OUT / "batch_comparison.xlsx"
    timing = measure(needsassess("batch", "--population", national, "-o", out, "--force"), runs=runs)
    core = json.loads(
        subprocess.run(
            [PYTHON, "-c", _CORE, str(national), str(max(3, runs))],
            capture_output=True,
            text=True,
            env=env(),
            cwd=REPO,
            check=True,
        ).stdout
    )
    speedup = core["loop"] / core["vectorised"]
    reread = core["loop"] + core["areas"] * core["read"]
    return [
        Result(
            f"2. `needsassess batch`, {core['areas']} areas, < 5 s",
            f"{timing.median:.2f} s",
            f"per-area loop {core['loop']:.2f} s vs vectorised {core['vectorised'] * 1000:.0f} ms",
            f"{speedup:.0f}x",
            timing.median < TARGET_SECONDS,
            [
                f"batch: end to end median of {runs}, peak memory {timing.peak_mb:.0f} MB; "
                f"reading the file {core['read']:.2f} s; a loop re-reading it per area would take "
                f"about {reread:.0f} s",
            ],
        )
    ]


if __name__ == "__main__":
    results = run(runs_arg(5))
    print_results(results)
    sys.exit(0 if all(r.passed for r in results) else 1)
