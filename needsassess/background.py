"""A second process for output work that holds the GIL: drawing the drafts' charts.

`needsassess run` spends most of a second importing matplotlib and as long again drawing, all of it pure
Python as far as threads are concerned. On a machine with a second core that work goes to one worker
process, started when the run starts so that its imports happen while the stages run; the main process
writes the workbook and the drafts' text meanwhile and waits only where it needs a chart. (Writing the
workbook there too was tried: the worker then had more to do than the main process, and runs were slower.)

Everything sent to the worker is plain data (a chart's values and module-level formatters), so the output
is the same bytes either way. Where there is no second core, where matplotlib is already loaded here (tests,
notebooks: drawing here is then cheaper), or where a process cannot be started, the work is done here, as
before.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# The worker while second_process() is active; None means: do it here.
_WORKER: Executor | None = None

# Imported by the worker as soon as it starts.
WARM_UP = ("matplotlib.figure", "matplotlib.backends.backend_agg")


@contextlib.contextmanager
def second_process() -> Iterator[None]:
    """Send work submitted inside this block to a second process, started now."""
    global _WORKER
    if _WORKER is not None or "matplotlib" in sys.modules or (os.cpu_count() or 1) < 2:
        yield
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        worker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        worker.submit(_import, WARM_UP)
    except (OSError, RuntimeError):  # no processes here (a sandbox, a frozen app)
        yield
        return
    _WORKER = worker
    try:
        yield
    finally:
        _WORKER = None
        # Whatever was asked of it has been collected (or is no longer wanted after an error), so the worker
        # is stopped rather than left to finish its interpreter: a fifth of a second with matplotlib loaded.
        processes = list((getattr(worker, "_processes", None) or {}).values())
        worker.shutdown(wait=not processes, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


def _import(modules: tuple[str, ...]) -> None:
    import importlib

    for name in modules:
        importlib.import_module(name)


class Pending(Generic[T]):
    """The result of fn(*args): computed in the worker, or here if the worker is gone or never was."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], future: Future[T] | None) -> None:
        self._fn, self._args, self._future = fn, args, future
        self._value: T | None = None
        self._done = future is None
        if future is None:
            self._value = fn(*args)

    @property
    def in_background(self) -> bool:
        return self._future is not None

    def result(self) -> T:
        if not self._done:
            assert self._future is not None
            try:
                self._value = self._future.result()
            except BrokenExecutor:  # the worker died (killed, out of memory): do it here
                self._value = self._fn(*self._args)
            self._done = True
        return self._value  # type: ignore[return-value]


def submit(fn: Callable[..., T], *args: Any) -> Pending[T]:
    """fn(*args), in the worker if one is running and the arguments can be sent to it (module-level
    functions can; a lambda cannot), else here and now. fn must be a module-level function."""
    if _WORKER is not None:
        try:
            pickle.dumps(args)
        except (pickle.PicklingError, AttributeError, TypeError):
            pass
        else:
            return Pending(fn, args, _WORKER.submit(fn, *args))
    return Pending(fn, args, None)
