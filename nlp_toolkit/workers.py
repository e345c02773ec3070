"""Supervised worker processes: no input is lost to a worker that dies, hangs or grows without bound.

:class:`Supervisor` is a small process pool (``spawn`` start method: each worker starts clean and loads its
models once) whose supervisor, the calling process, watches every worker:

- a worker first warms up (``warm()``: loads the models), then takes one task at a time and says when it starts
  one, so a time limit counts from the start of the task, never the model loading;
- a task still running ``timeout`` seconds after it started, or a worker whose resident memory passes
  ``max_memory`` bytes, is stopped by killing the worker (``SIGKILL``: a task inside a C library, a BLAS call or
  an ONNX session, cannot be interrupted any other way); the task comes back with status ``"timeout"`` or
  ``"memory"`` and a fresh worker takes the place of the dead one;
- a worker that dies by itself (the kernel's OOM killer, a crash, ``kill -9``) gives its task back with status
  ``"died"`` and a reason naming the exit code or signal; the batch goes on;
- workers ignore ``SIGINT``: on Ctrl-C the supervisor stops them itself, so no worker prints a traceback;
- what a worker's warm-up is doing (:func:`report_status`: ``"spaCy en, LAC"``) reaches the supervisor's
  ``on_status`` callback as it happens, and ``on_status(None)`` when a worker is ready: a progress display can
  show the model loading, and start its clock for the rate when the work starts.

Results come back in completion order as ``(key, status, value)``: ``value`` is what the task function returned
(status ``"ok"``) or a one-line reason (``"error"`` when the task function raised).

>>> with Supervisor(1, _square) as pool:
...     sorted(pool.run([("a", 3), ("b", 4)]))
[('a', 'ok', 9), ('b', 'ok', 16)]
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator, Optional

#: a worker that dies this many times in a row before it is ready (it cannot load its models, or its memory
#: bound is below what loading needs) stops the run with an error instead of being replaced forever
MAX_START_FAILURES = 3


#: where :func:`report_status` sends its text: the supervisor's pipe in a worker, a callback in-process (None: nowhere)
_status_sink: Optional[Callable[[str], None]] = None


def report_status(text: str) -> None:
    """Say what a warm-up is doing now (``"loading spaCy en"``); a no-op outside :func:`status_to` and workers."""
    if _status_sink is not None:
        _status_sink(text)


@contextlib.contextmanager
def status_to(sink: Optional[Callable[[str], None]]):
    """Inside, :func:`report_status` calls ``sink`` (a warm-up run in this process)."""
    global _status_sink
    old, _status_sink = _status_sink, sink
    try:
        yield
    finally:
        _status_sink = old


def _square(x):  # for the doctest (a spawned worker imports its target by name)
    return x * x


class WorkerStartError(RuntimeError):
    """The workers cannot start (their warm-up fails or they die before they are ready)."""


def resident_memory(pid: int) -> Optional[int]:
    """Resident set size of a process in bytes (Linux ``/proc``), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def describe_exit(code: Optional[int]) -> str:
    """``-9`` -> ``"signal SIGKILL"``, ``3`` -> ``"exit code 3"``.

    >>> describe_exit(-9), describe_exit(3)
    ('signal SIGKILL', 'exit code 3')
    """
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _worker_main(conn, target: Callable, warm: Optional[Callable]) -> None:
    """A worker's life: warm up, say so, then one task at a time until told to stop (None) or the pipe closes."""
    global _status_sink
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _status_sink = lambda text: conn.send(("status", text))  # noqa: E731
    try:
        if warm is not None:
            warm()
    except BaseException as err:  # noqa: BLE001 - reported to the supervisor, which stops the run
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    _status_sink = None
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        key, payload = msg
        try:
            conn.send(("start", key))
        except OSError:
            return  # the supervisor is gone (killed): nothing to report to
        try:
            reply = ("done", key, target(payload))
        except Exception as err:  # noqa: BLE001 - the task's failure is its result
            reply = ("error", key, f"{type(err).__name__}: {err}")
        try:
            conn.send(reply)
        except OSError:
            return


@dataclass
class _Worker:
    proc: Any
    conn: Any
    ready: bool = False
    task: Optional[str] = None
    started: Optional[float] = None
    #: when the task was sent (a worker dies before saying it started: still its task)
    sent: Optional[float] = None
    extra: dict = field(default_factory=dict)


class Supervisor:
    """``n`` supervised worker processes running ``target(payload)`` (see the module docstring).

    ``target`` and ``warm`` must be importable module-level functions (they are sent to spawned processes by
    name). ``env`` holds environment variables the workers start with (e.g. one BLAS thread each).
    ``on_status`` is called, in this process, with each text a warm-up reports (:func:`report_status`) and with
    None when a worker is ready.
    """

    def __init__(self, n: int, target: Callable, warm: Optional[Callable] = None, timeout: Optional[float] = None,
                 max_memory: Optional[int] = None, env: Optional[dict[str, str]] = None, poll: float = 0.1,
                 on_status: Optional[Callable[[Optional[str]], None]] = None):
        if n < 1:
            raise ValueError("a supervisor needs at least one worker")
        self.n, self.target, self.warm = n, target, warm
        self.timeout, self.max_memory, self.env, self.poll = timeout, max_memory, dict(env or {}), poll
        self.on_status = on_status
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []
        self._start_failures = 0
        #: what became of the workers: "started", "replaced" (counts), for a run's summary and the tests
        self.stats = collections.Counter()

    # -- workers -------------------------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        saved_env = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        # SIGINT ignored while the child starts, so the interpreter it execs inherits SIG_IGN (a Ctrl-C during its
        # start-up would otherwise print a traceback from the child's bootstrap)
        old = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            proc = self._ctx.Process(target=_worker_main, args=(child, self.target, self.warm), daemon=True,
                                     name="nlp_toolkit-worker")
            proc.start()
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
            for k, v in saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        child.close()
        self.stats["started"] += 1
        w = _Worker(proc, parent)
        self._workers.append(w)
        return w

    def _kill(self, w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join()
        w.conn.close()
        self._workers.remove(w)

    def close(self) -> None:
        """Stop every worker (those idle are asked to leave; the others are killed)."""
        for w in list(self._workers):
            if w.ready and w.task is None and w.proc.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
                w.proc.join(timeout=2)
            self._kill(w)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the run ---------------------------------------------------------------------------------------------------
    def run(self, tasks: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, str, Any]]:
        """Run every ``(key, payload)`` task; yield ``(key, status, value)`` as each ends (status ``ok``, ``timeout``,
        ``memory`` or ``died``). Keys must be unique."""
        pending = collections.deque(tasks)
        try:
            while pending or any(w.task is not None for w in self._workers):
                while len(self._workers) < min(self.n, len(pending) + self._busy()):
                    self._spawn()
                self._assign(pending)
                handles = [w.conn for w in self._workers] + [w.proc.sentinel for w in self._workers]
                wait(handles, timeout=self.poll)
                yield from self._collect()
                yield from self._enforce()
        finally:
            self.close()

    def _busy(self) -> int:
        return sum(1 for w in self._workers if w.task is not None)

    def _assign(self, pending: collections.deque) -> None:
        for w in self._workers:
            if w.ready and w.task is None and pending:
                key, payload = pending.popleft()
                w.task, w.sent, w.started = key, time.monotonic(), None
                try:
                    w.conn.send((key, payload))
                except OSError:
                    pass  # the worker died: _collect reports its task

    def _collect(self) -> Iterator[tuple[str, str, Any]]:
        for w in list(self._workers):
            try:
                while w.conn.poll():
                    msg = w.conn.recv()
                    if msg[0] == "status":
                        if self.on_status is not None:
                            self.on_status(msg[1])
                    elif msg[0] == "ready":
                        w.ready = True
                        self._start_failures = 0
                        if self.on_status is not None:
                            self.on_status(None)
                    elif msg[0] == "failed":
                        self._kill(w)
                        raise WorkerStartError(f"a worker could not start: {msg[1]}")
                    elif msg[0] == "start":
                        w.started = time.monotonic()
                    elif msg[0] in ("done", "error"):
                        w.task, w.started, w.sent = None, None, None
                        yield msg[1], "ok" if msg[0] == "done" else "error", msg[2]
            except (EOFError, OSError):
                pass  # the pipe closed: the worker is gone, seen below
            if not w.proc.is_alive() and w in self._workers:
                w.proc.join()
                reason = describe_exit(w.proc.exitcode)
                task, ready = w.task, w.ready
                self._kill(w)
                self.stats["died"] += 1
                if task is not None:
                    yield task, "died", f"worker died ({reason})"
                elif not ready:
                    self._start_failures += 1
                    if self._start_failures >= MAX_START_FAILURES:
                        raise WorkerStartError(f"workers die before they are ready ({reason}, "
                                               f"{self._start_failures} times)")

    def _enforce(self) -> Iterator[tuple[str, str, Any]]:
        now = time.monotonic()
        for w in list(self._workers):
            if w.task is None:
                if self.max_memory and w.ready:
                    rss = resident_memory(w.proc.pid)
                    if rss is not None and rss > self.max_memory:  # grew while idle: start afresh
                        self._kill(w)
                        self.stats["replaced"] += 1
                continue
            if self.timeout and w.started is not None and now - w.started > self.timeout:
                task = w.task
                self._kill(w)
                self.stats["replaced"] += 1
                yield task, "timeout", f"timeout: not done after {self.timeout:g} s"
                continue
            if self.max_memory:
                rss = resident_memory(w.proc.pid)
                if rss is not None and rss > self.max_memory:
                    task = w.task
                    self._kill(w)
                    self.stats["replaced"] += 1
                    yield task, "memory", (f"memory limit: the worker passed {_mib(self.max_memory)} "
                                           f"({_mib(rss)} resident)")


def _mib(n: int) -> str:
    return f"{n / 2 ** 20:.0f} MiB"


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
