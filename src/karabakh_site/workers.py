"""Using every core: run independent jobs in forked copies of this process.

A forked child inherits everything the parent has built (the site model,
compiled templates), so nothing has to be sent to it; only the results come
back, pickled through a pipe. The parent takes its own share of the jobs.
Where fork is not available, or threads are running (`serve`), or there is
too little work, the jobs simply run here, one after another. Either way the
results are the same, in the same order.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_all(
    jobs: Sequence[Callable[[], T]],
    workers: int | None = None,
    minimum: int = 8,
    meanwhile: Callable[[], object] | None = None,
) -> list[T]:
    """The results of `jobs`, in order, computed by up to `workers` processes.

    `meanwhile` runs in this process while the others start on their shares, so
    work the parent needs for itself (compiling templates) overlaps theirs; with
    jobs sorted largest first, the parent's share is the smallest.
    """
    workers = min(workers or cores(), len(jobs))
    if (
        workers < 2
        or len(jobs) < minimum
        or not hasattr(os, "fork")
        or threading.active_count() > 1
    ):
        if meanwhile is not None:
            meanwhile()
        return [job() for job in jobs]
    gc.freeze()  # children then leave the inherited objects' memory pages shared
    children = []
    own = workers - 1  # the share this process takes: every workers-th job from here
    try:
        for w in range(own):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read)
                _child(jobs, range(w, len(jobs), workers), write)
            os.close(write)
            children.append((pid, read))
        if meanwhile is not None:
            meanwhile()
        results: list = [None] * len(jobs)
        for i in range(own, len(jobs), workers):
            results[i] = jobs[i]()
        for w, (pid, read) in enumerate(children):
            with os.fdopen(read, "rb") as pipe:
                outcome, payload = pickle.load(pipe)
            os.waitpid(pid, 0)
            children[w] = (0, -1)
            if outcome == "error":
                raise payload
            for i, value in zip(range(w, len(jobs), workers), payload, strict=True):
                results[i] = value
        return results
    finally:
        gc.unfreeze()
        for pid, read in children:  # after a failure: stop whatever still runs
            if pid:
                with contextlib.suppress(OSError):
                    os.close(read)
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)


def _child(jobs: Sequence[Callable[[], T]], indices: range, write: int) -> None:  # pragma: no cover
    die_with_parent()
    code = 0
    try:
        try:
            message = ("ok", [jobs[i]() for i in indices])
        except Exception as exc:  # sent to the parent, which raises it
            message = ("error", exc)
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    """On Linux, have the kernel kill this worker if the build that forked it is killed, so a
    killed build leaves no worker writing on."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
