"""The sample assessment: `needsassess run samples/northmere/assessment.toml`, end to end, in a fresh process.

Target: under 5 seconds. Baseline: `python -c "import pandas, openpyxl"`, the floor any run pays before it
reads a byte, measured in the same session so the ratio shows how much is the tool's own work.

Run: python benchmarks/bench_run_sample.py [--runs 5]
"""

from __future__ import annotations

import shutil
import sys

from _common import OUT, PYTHON, REPO, Result, measure, needsassess, print_results, runs_arg

TARGET_SECONDS = 5.0


def run(runs: int = 5) -> list[Result]:
    sample = OUT / "northmere"
    shutil.rmtree(sample, ignore_errors=True)
    shutil.copytree(REPO / "samples" / "northmere", sample, ignore=shutil.ignore_patterns("out"))
    cmd = needsassess("run", sample / "assessment.toml", "-o", OUT / "northmere_out", "--force")
    timing = measure(cmd, runs=runs)
    floor = measure([PYTHON, "-c", "import pandas, openpyxl"], runs=runs)
    return [
        Result(
            "4. sample `needsassess run` < 5 s",
            f"{timing.median:.2f} s",
            f"import pandas+openpyxl {floor.median:.2f} s",
            f"{timing.median / floor.median:.2f}x",
            timing.median < TARGET_SECONDS,
            [f"run sample: median of {runs}, peak memory {timing.peak_mb:.0f} MB"],
        )
    ]


if __name__ == "__main__":
    results = run(runs_arg(5))
    print_results(results)
    sys.exit(0 if all(r.passed for r in results) else 1)
