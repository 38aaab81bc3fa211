"""Running jobs on every core: same results, same order, errors raised, as when run here."""

from __future__ import annotations

import functools
import gc
import os

import pytest

from karabakh_site.workers import run_all


def _square_with_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_in_order_whoever_computes_them(workers):
    jobs = [functools.partial(_square_with_pid, n) for n in range(25)]
    results = run_all(jobs, workers=workers, minimum=2)
    assert [value for value, _ in results] == [n * n for n in range(25)]
    pids = {pid for _, pid in results}
    assert len(pids) == min(workers, len(jobs))  # each process took its share
    assert os.getpid() in pids


def test_objects_frozen_before_stay_frozen_and_its_own_freeze_is_undone():
    jobs = [functools.partial(_square_with_pid, n) for n in range(8)]
    assert gc.get_freeze_count() == 0
    run_all(jobs, workers=2, minimum=2)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # as a build freezes its model while the pages are made
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        run_all(jobs, workers=2, minimum=2)
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("workers", [1, 2])
def test_meanwhile_runs_once_in_this_process(workers):
    calls = []
    results = run_all(
        [functools.partial(_square_with_pid, n) for n in range(4)],
        workers=workers,
        minimum=2,
        meanwhile=lambda: calls.append(os.getpid()),
    )
    assert calls == [os.getpid()]
    assert [value for value, _ in results] == [0, 1, 4, 9]


def _fail(n: int) -> int:
    if n == 3:
        raise ValueError(f"job {n} failed")
    return n


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_any_job_is_raised(workers):
    with pytest.raises(ValueError, match="job 3 failed"):
        run_all([functools.partial(_fail, n) for n in range(6)], workers=workers, minimum=2)


def test_an_error_meanwhile_stops_the_workers():
    def broken() -> None:
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError, match="template error"):
        run_all(
            [functools.partial(_square_with_pid, n) for n in range(6)],
            workers=2,
            minimum=2,
            meanwhile=broken,
        )


def test_in_child_returns_the_result_and_raises_the_error():
    from karabakh_site.workers import in_child

    value, pid = in_child(functools.partial(_square_with_pid, 7))
    assert value == 49 and pid != os.getpid()
    with pytest.raises(ValueError, match="job 3 failed"):
        in_child(functools.partial(_fail, 3))
