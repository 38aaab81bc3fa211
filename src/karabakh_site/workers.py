"""Using every core: run independent jobs in forked copies of this process.

A forked child inherits everything the parent has built (the site model,
compiled templates), so nothing has to be sent to it; only the results come
back, each pickled through a pipe as soon as it is made, and the parent takes
them in between its own share of the jobs, so no result is held twice for
long. Where fork is not available, or threads are running, or there is too
little work, the jobs simply run here, one after another. Either way the
results are the same, in the same order.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

_PIPE_BYTES = 1 << 20  # asked of the kernel, so a worker rarely waits for the parent to read
_LENGTH = 8  # bytes of the length that starts each message


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
    # Children then leave the inherited objects' memory pages shared. Objects a caller froze
    # stay frozen after: only a freeze made here is undone here.
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    children: list[_Child] = []
    own = workers - 1  # the share this process takes: every workers-th job from here
    results: list = [None] * len(jobs)
    try:
        for w in range(own):
            read, write = os.pipe()
            with contextlib.suppress(AttributeError, OSError):
                import fcntl

                fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read)
                _child(jobs, range(w, len(jobs), workers), write)
            os.close(write)
            os.set_blocking(read, False)
            children.append(_Child(pid, read, range(w, len(jobs), workers)))
        if meanwhile is not None:
            meanwhile()
        for i in range(own, len(jobs), workers):
            results[i] = jobs[i]()
            for child in children:
                child.receive(results)
        while waiting := [c for c in children if not c.done]:
            ready, _, _ = select.select([c.read for c in waiting], [], [])
            for child in waiting:
                if child.read in ready:
                    child.receive(results)
        return results
    finally:
        if thaw:
            gc.unfreeze()
        for child in children:
            child.stop()


def in_child(job: Callable[[], T]) -> T:
    """`job()`, computed in a forked process, so that all the memory it took goes back to
    the system when it ends (where fork is not available, or threads run, computed here)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return job()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read)
        _child([job], range(1), write)
    os.close(write)
    child = _Child(pid, read, range(1))
    result: list = [None]
    try:
        while not child.done:
            select.select([read], [], [])
            child.receive(result)
        return result[0]
    finally:
        child.stop()


class _Child:
    """A worker process, and the results it has sent so far."""

    def __init__(self, pid: int, read: int, indices: range):
        self.pid, self.read, self.indices = pid, read, indices
        self.received = 0
        self.buffer = bytearray()
        self.done = not indices

    def receive(self, results: list) -> None:
        """Take whatever the worker has sent (without waiting); raise the error it sent."""
        while not self.done:
            try:
                data = os.read(self.read, _PIPE_BYTES)
            except BlockingIOError:
                return
            if not data:
                raise RuntimeError(f"a worker process ({self.pid}) ended before its work was done")
            self.buffer += data
            while len(self.buffer) >= _LENGTH:
                size = int.from_bytes(self.buffer[:_LENGTH], "little")
                if len(self.buffer) < _LENGTH + size:
                    break
                outcome, payload = pickle.loads(self.buffer[_LENGTH : _LENGTH + size])
                del self.buffer[: _LENGTH + size]
                if outcome == "error":
                    raise payload
                results[self.indices[self.received]] = payload
                self.received += 1
                self.done = self.received == len(self.indices)

    def stop(self) -> None:
        """Close the pipe and reap the worker (killed first if it is still working)."""
        with contextlib.suppress(OSError):
            os.close(self.read)
        with contextlib.suppress(OSError):
            if not self.done:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def _child(jobs: Sequence[Callable[[], T]], indices: range, write: int) -> None:  # pragma: no cover
    die_with_parent()
    code = 0
    try:
        with os.fdopen(write, "wb") as pipe:
            for i in indices:
                try:
                    message = ("ok", jobs[i]())
                except Exception as exc:  # sent to the parent, which raises it
                    message = ("error", exc)
                failed = message[0] == "error"
                data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                del message  # sent, so no longer kept here
                pipe.write(len(data).to_bytes(_LENGTH, "little"))
                pipe.write(data)
                pipe.flush()
                del data
                if failed:
                    break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError, AttributeError, TypeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return None


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    """On Linux, have the kernel kill this process if the build that started it is killed, so
    a killed build leaves no worker (or indexer) writing on."""
    libc = _libc()
    with contextlib.suppress(OSError, AttributeError, TypeError):
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def subprocess_dies_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for `subprocess` that has the program killed with this process; None
    while threads run (where `preexec_fn` is unsafe) or where it cannot work."""
    if threading.active_count() > 1 or _libc() is None:
        return None
    return die_with_parent
