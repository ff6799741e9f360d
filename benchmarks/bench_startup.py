"""Start-up: `needsassess --help` against `python -c "import typer"`, each in fresh interpreters.

Target: the help within 1.5x of importing typer alone, i.e. the CLI imports nothing heavy (pandas, numpy,
openpyxl, matplotlib are imported inside the commands that use them). The two commands are run in
alternation so that load on a shared machine falls on both alike; the medians are compared.

Run: python benchmarks/bench_startup.py [--runs 21]
"""

from __future__ import annotations

import statistics
import sys

from _common import PYTHON, Result, measure, needsassess, print_results, runs_arg

TARGET_RATIO = 1.5


def run(runs: int = 21) -> list[Result]:
    help_times, typer_times = [], []
    measure(needsassess("--help"), runs=0, warmup=2)  # compile bytecode, warm the page cache
    for _ in range(runs):
        typer_times += measure([PYTHON, "-c", "import typer"], runs=1, warmup=0).runs
        help_times += measure(needsassess("--help"), runs=1, warmup=0).runs
    help_median, typer_median = statistics.median(help_times), statistics.median(typer_times)
    ratio = help_median / typer_median
    return [
        Result(
            "3. `needsassess --help` <= 1.5x `import typer`",
            f"{help_median * 1000:.0f} ms",
            f"import typer {typer_median * 1000:.0f} ms",
            f"{ratio:.2f}x",
            ratio <= TARGET_RATIO,
            [f"startup: median of {runs} alternating runs each"],
        )
    ]


if __name__ == "__main__":
    results = run(runs_arg(21))
    print_results(results)
    sys.exit(0 if all(r.passed for r in results) else 1)
