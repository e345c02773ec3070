"""How many BLAS threads a computation may use.

numpy's OpenBLAS threads spin while they wait for each other: on a core that another busy process holds, a
two-thread matrix product waits for its second thread, and a sentence alignment that takes 0.7 s on an idle
machine took 8 s beside one busy process (measured on MAC document 006). So the toolkit uses more than one BLAS
thread only for cores that are free right now: the count of runnable threads in ``/proc/loadavg`` (an
instantaneous figure, unlike the load averages, which a previous run of ours would still inflate).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading

_CAPS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def free_cores(loadavg: str | None = None, cores: int | None = None, own: int | None = None) -> int:
    """Cores not busy with other processes now (at least 1): the machine's cores less the runnable threads that
    are not this process's. ``loadavg``: the text of ``/proc/loadavg``; ``own``: this process's runnable
    threads (its BLAS threads still spin a while after a product); both read from ``/proc`` when None.

    >>> free_cores("0.52 0.60 0.71 1/321 4242", cores=2, own=1)   # only the caller runs
    2
    >>> free_cores("1.10 1.02 0.98 2/321 4242", cores=2, own=1)   # one other busy thread
    1
    >>> free_cores("1.10 1.02 0.98 2/321 4242", cores=2, own=2)   # the caller and its own BLAS thread
    2
    >>> free_cores("3.00 2.50 2.00 5/321 4242", cores=2, own=1)
    1
    """
    cores = cores or os.cpu_count() or 1
    try:
        if loadavg is None:
            with open("/proc/loadavg") as f:
                loadavg = f.read()
        running = int(loadavg.split()[3].split("/")[0])
        if own is None:
            own = _own_running()
    except (OSError, IndexError, ValueError):  # not Linux: trust the 1-minute load average
        try:
            return max(1, min(cores, round(cores - os.getloadavg()[0])))
        except OSError:
            return 1
    return max(1, min(cores, cores - max(0, running - max(1, own))))


def _own_running() -> int:
    n = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                n += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except (OSError, IndexError):
            pass
    return n


def auto_threads() -> int:
    """BLAS threads to use now: the free cores, within any limit the environment sets (a batch worker gets
    ``OMP_NUM_THREADS=1``)."""
    n = free_cores()
    for var in _CAPS:
        try:
            n = min(n, int(os.environ[var]))
        except (KeyError, ValueError):
            pass
    return max(1, n)


@functools.lru_cache(maxsize=None)
def _controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return None
    return ThreadpoolController()


_ACTIVE = threading.local()


@contextlib.contextmanager
def _limited(ctl, n: int):
    stack = _ACTIVE.__dict__.setdefault("stack", [])
    stack.append(n)
    try:
        with ctl.limit(limits=n, user_api="blas"):
            yield
    finally:
        stack.pop()


def blas_threads(n: int = 0):
    """Context manager limiting BLAS to ``n`` threads (``n`` <= 0: :func:`auto_threads`).

    Inside another ``blas_threads`` block of the same thread, a call for the free cores (``n`` <= 0) or for the
    count already in force changes nothing and costs nothing: a stage decides once for all its small
    computations (setting the limit and reading ``/proc`` took 0.4 ms a call, 2 s over 5,000 paragraph pairs).

    >>> with blas_threads(1):
    ...     with blas_threads(0):  # keeps the enclosing block's count
    ...         _ACTIVE.stack
    [1]
    """
    ctl = _controller()
    if ctl is None:
        return contextlib.nullcontext()
    stack = getattr(_ACTIVE, "stack", None)
    if stack and (n <= 0 or n == stack[-1]):
        return contextlib.nullcontext()
    return _limited(ctl, n if n > 0 else auto_threads())
