"""The supervised pool: a dead, stuck or bloated worker costs its task only, never the batch."""

import os
import signal
import time

import pytest

from nlp_toolkit.workers import Supervisor, WorkerStartError


# task functions: module level, so spawned workers import them by name
def task(payload):
    kind, arg = payload
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "sleep":
        time.sleep(arg)
    if kind == "grow":
        block = bytearray(arg)  # resident: bytearray zero-fills
        time.sleep(30)
        return len(block)
    return arg


def slow_warm():
    time.sleep(1.0)


def broken_warm():
    raise FileNotFoundError("model.bin: no such file")


def test_a_killed_worker_costs_its_task_only():
    tasks = [("a", ("echo", 1)), ("b", ("die", None)), ("c", ("echo", 3)), ("d", ("echo", 4))]
    with Supervisor(2, task) as pool:
        got = {k: (s, v) for k, s, v in pool.run(tasks)}
        assert pool.stats["died"] == 1  # a replacement starts only if inputs are still waiting
    assert got["b"] == ("died", "worker died (signal SIGKILL)")
    assert {k: v for k, v in got.items() if k != "b"} == {"a": ("ok", 1), "c": ("ok", 3), "d": ("ok", 4)}


def test_timeout_counts_from_the_start_of_the_task_not_the_warm_up():
    with Supervisor(1, task, warm=slow_warm, timeout=0.6) as pool:
        got = list(pool.run([("quick", ("echo", 1)), ("stuck", ("sleep", 20)), ("after", ("echo", 2))]))
    assert got[0] == ("quick", "ok", 1)  # the 1 s warm-up is not counted against it
    assert got[1] == ("stuck", "timeout", "timeout: not done after 0.6 s")
    assert got[2] == ("after", "ok", 2)  # a fresh worker took over


def test_memory_bound_stops_the_worker_and_the_batch_goes_on():
    with Supervisor(1, task, max_memory=200 * 2 ** 20) as pool:
        got = {k: (s, v) for k, s, v in pool.run([("big", ("grow", 400 * 2 ** 20)), ("small", ("echo", 5))])}
    assert got["big"][0] == "memory" and got["big"][1].startswith("memory limit: the worker passed 200 MiB")
    assert got["small"] == ("ok", 5)


def test_a_worker_that_cannot_start_stops_the_run_with_the_reason():
    with pytest.raises(WorkerStartError, match="model.bin: no such file"):
        with Supervisor(1, task, warm=broken_warm) as pool:
            list(pool.run([("a", ("echo", 1))]))


def test_workers_are_gone_after_the_run():
    pool = Supervisor(2, task)
    list(pool.run([("a", ("echo", 1)), ("b", ("echo", 2))]))
    assert pool._workers == []


def failing(payload):
    raise OSError(28, "No space left on device")


def test_a_task_that_raises_comes_back_as_an_error_and_the_worker_stays():
    with Supervisor(1, failing) as pool:
        got = list(pool.run([("a", 1), ("b", 2)]))
        assert pool.stats["started"] == 1
    assert got == [(k, "error", "OSError: [Errno 28] No space left on device") for k in "ab"]
