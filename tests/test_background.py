"""The second process (needsassess.background): work done there is the work done here, and anything that
goes wrong there is done again here, so that errors are the ordinary ones."""

from __future__ import annotations

import pickle
import subprocess
import sys
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from needsassess import background
from needsassess.background import Pending
from needsassess.clients.merge import Secret
from needsassess.errors import InputError, Problem

ROOT = Path(__file__).resolve().parent.parent


def _fails(path: str) -> int:
    raise InputError(path, Problem("bad-file", "not a police extract"))


def test_an_error_in_the_worker_is_raised_here_as_itself() -> None:
    failed: Future[int] = Future()
    failed.set_exception(RuntimeError("what came back from the worker"))
    with pytest.raises(InputError, match="not a police extract"):
        Pending(_fails, ("extract.xlsx",), failed).result()


def test_work_without_a_worker_waits_until_its_result_is_wanted() -> None:
    calls: list[int] = []
    pending = Pending(calls.append, (1,), None)
    assert calls == [] and not pending.in_background
    pending.result()
    pending.result()
    assert calls == [1]


def test_a_dead_worker_is_not_sent_more_work(monkeypatch) -> None:
    class Dead:
        def submit(self, *args: object) -> None:
            raise BrokenProcessPool("the worker was killed")

    monkeypatch.setattr(background, "_WORKER", Dead())
    assert background.running()
    pending = background.submit(sorted, [3, 1, 2])
    background.warm_up("json")  # no error either
    assert not pending.in_background and pending.result() == [1, 2, 3]


def test_the_secret_goes_to_the_worker_and_keys_alike() -> None:
    secret = Secret(b"a secret long enough to be used here", "file secret.txt")
    sent = pickle.loads(pickle.dumps(secret))
    assert sent.digest("Jane Doe|1980-01-02") == secret.digest("Jane Doe|1980-01-02")
    assert repr(sent) == "Secret(from file secret.txt)"


def test_the_police_extract_read_in_the_worker_is_the_one_read_here() -> None:
    # In a fresh interpreter: the test process has matplotlib loaded, and then no worker is started.
    code = """
import pickle
from pathlib import Path
from needsassess import background
from needsassess.config import load_config
from needsassess.pipeline import run_assessment

config = load_config(Path("samples/northmere/assessment.toml"))
with background.second_process("needsassess.police.options"):
    there = run_assessment(config)
here = run_assessment(config)
assert there.police_reading.in_background and not here.police_reading.in_background
same = (
    there.police.summary.equals(here.police.summary)
    and there.police.monthly.equals(here.police.monthly)
    and there.police.peers.equals(here.police.peers)
    and all(
        a.frame.equals(b.frame) and (a.title, a.notes, a.formats) == (b.title, b.notes, b.formats)
        for a, b in zip(there.published["police"].tables, here.published["police"].tables, strict=True)
    )
    and there.published["police"].charts == here.published["police"].charts
    and there.suppression_log == here.suppression_log
    and there.inputs == here.inputs
)
print(same, here.police.headline("incidents") > 0)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
