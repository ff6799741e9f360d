"""Time the sample assessment: `python benchmarks/sample_run.py [runs]` prints each run's CPU seconds
(user, system) and the medians.

CPU time, not wall time: on a shared machine the wall clock measures the neighbours. Each run is a
fresh process, so imports are counted, as a user would see them.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu_seconds(out: Path) -> tuple[float, float]:
    """User and system CPU seconds of one `needsassess run` of the sample, in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "needsassess",
            "run",
            "samples/northmere/assessment.toml",
            "-o",
            str(out),
            "--force",
        ],
        cwd=REPO,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main(runs: int = 5) -> None:
    users, systems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            user, system = cpu_seconds(Path(tmp) / "out")
            users.append(user)
            systems.append(system)
            print(f"run {i + 1}: user {user:.2f} s, system {system:.2f} s")
    print(
        f"median of {runs}: user {statistics.median(users):.2f} s, system {statistics.median(systems):.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
