"""A second process for work that holds the GIL: reading the police extract, and drawing the drafts' charts.

`needsassess run` is mostly pure Python, which threads cannot share between cores. On a machine with a
second core, two pieces of it go to one worker process, started when the run starts so that its imports
happen while the main process makes its own: reading the police extract, which needs nothing from the other
stages and so is read while the population, cost, agency and profile stages run here
(police.stage.start_police); and the charts, with matplotlib imported and drawn while the workbook and the
drafts' text are written here. The main process waits only where it needs a result. (Sending the whole
police stage, or the workbook, was tried: the worker then had more to do than the main process, and runs
were slower.)

Everything sent to the worker and back is plain data (settings, frames, a chart's values, module-level
functions), so the output is the same bytes either way. Where there is no second core, where matplotlib is
already loaded here (tests, notebooks: drawing here is then cheaper), or where a process cannot be started,
the work is done here, when its result is wanted, as before.
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


@contextlib.contextmanager
def second_process(*warm_up: str) -> Iterator[None]:
    """Send work submitted inside this block to a second process, started now; it imports the modules
    named in warm_up first, while this process goes on."""
    global _WORKER
    if _WORKER is not None or "matplotlib" in sys.modules or (os.cpu_count() or 1) < 2:
        yield
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        worker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        if warm_up:
            worker.submit(_import, warm_up)
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


def warm_up(*modules: str) -> None:
    """Have the worker, if there is one, import these modules once it has done what it was given so far:
    work sent later that needs them then starts at once."""
    if _WORKER is not None:
        with contextlib.suppress(BrokenExecutor, RuntimeError):
            _WORKER.submit(_import, modules)


def _import(modules: tuple[str, ...]) -> None:
    import importlib

    for name in modules:
        importlib.import_module(name)


def running() -> bool:
    """Whether work submitted now goes to a second process."""
    return _WORKER is not None


class Pending(Generic[T]):
    """The result of fn(*args): computed in the worker, or here, when first asked for, if there is none.

    Whatever goes wrong in the worker (it died, or fn raised) is done again here, so that an error is
    raised where the result is wanted, with the traceback and the exception of an ordinary call.
    """

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], future: Future[T] | None) -> None:
        self._fn, self._args, self._future = fn, args, future
        self._value: T | None = None
        self._done = False

    @property
    def in_background(self) -> bool:
        return self._future is not None

    def result(self) -> T:
        if not self._done:
            self._value = self._fn(*self._args) if self._future is None else self._collect(self._future)
            self._done, self._args = True, ()  # the inputs are not needed again
        return self._value  # type: ignore[return-value]

    def _collect(self, future: Future[T]) -> T:
        try:
            return future.result()
        except Exception:  # the worker died, or fn raised there: again here, to raise it here
            return self._fn(*self._args)


def submit(fn: Callable[..., T], *args: Any) -> Pending[T]:
    """fn(*args), in the worker if one is running and the arguments can be sent to it (module-level
    functions can; a lambda cannot), else here when its result is asked for. fn must be module-level."""
    if _WORKER is not None:
        try:
            pickle.dumps(args)
        except (pickle.PicklingError, AttributeError, TypeError):
            pass
        else:
            with contextlib.suppress(BrokenExecutor, RuntimeError):  # the worker died, or is shutting down
                return Pending(fn, args, _WORKER.submit(fn, *args))
    return Pending(fn, args, None)
