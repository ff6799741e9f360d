"""Run every benchmark and print target / measured / baseline / ratio / result; exit 1 if a target is missed.

Run: python benchmarks/run_all.py [--runs N] [--quick] [--baseline-rows N]
  --quick   the agency-files benchmark at 100k rows only (the 1M-row files take minutes to generate)
  --baseline-rows N   measure the read_excel baseline on N rows (default 100,000; 1,000,000 takes ~30 min)

Large inputs are generated into benchmarks/_data/ (gitignored) on first use, with fixed seeds.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import sys
import time

from _common import REPO, Result, print_results

# (module, runs by default); each module has run(runs) -> list[Result]
BENCHMARKS = [("bench_profile", 2), ("bench_batch", 5), ("bench_startup", 21), ("bench_run_sample", 5)]


def main() -> int:
    override = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else None
    load = os.getloadavg()
    sys.path.insert(0, str(REPO))
    print(
        f"needsassess benchmarks: Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start"
    )
    results: list[Result] = []
    start = time.perf_counter()
    for name, runs in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a benchmark whose feature is not in this checkout yet
        needs = getattr(module, "REQUIRES", None)
        if needs and importlib.util.find_spec(needs) is None:
            print(f"skipping {name}: {needs} is not in this checkout")
            continue
        print(f"running {name} ...", flush=True)
        results += module.run(override or runs)
    print()
    print_results(sorted(results, key=lambda r: r.target))  # in target order, whatever the run order
    load = os.getloadavg()
    print(f"\nall benchmarks took {time.perf_counter() - start:.0f} s; load average {load[0]:.1f} at the end")
    missed = [r.target for r in results if not r.passed]
    if missed:
        print("MISSED: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
