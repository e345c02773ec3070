"""Per-input time limits that work in any thread: a deadline the pipeline checks between and inside stages.

A batch's local workers are separate processes that the supervisor kills when an input runs too long
(:mod:`nlp_toolkit.workers`). Code that cannot be killed from outside — a Dask worker's task thread, the single-
article API — uses a cooperative deadline instead: :func:`deadline` sets it for the current context (a thread or
an asyncio task: :mod:`contextvars`), and :func:`check_deadline`, called by the pipeline between stages and by
stages at the top of their per-unit loops, raises :class:`DeadlineExceeded` once it has passed. With every stage's
cost linear in its input, a check per unit bounds how far past the limit an input can run.

>>> with deadline(None):
...     check_deadline()          # no limit: never raises
>>> with deadline(0):
...     check_deadline()
Traceback (most recent call last):
...
nlp_toolkit.limits.DeadlineExceeded: timeout: not done after 0 s
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Iterator, Optional

_DEADLINE: contextvars.ContextVar[Optional[tuple[float, float]]] = contextvars.ContextVar("nlp_toolkit_deadline",
                                                                                          default=None)


class DeadlineExceeded(TimeoutError):
    """An input ran past its time limit; the message says which limit."""


@contextlib.contextmanager
def deadline(seconds: Optional[float]) -> Iterator[None]:
    """Inside, :func:`check_deadline` raises once ``seconds`` have passed (None: no limit)."""
    token = _DEADLINE.set(None if seconds is None else (time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise :class:`DeadlineExceeded` when the current context's deadline has passed."""
    d = _DEADLINE.get()
    if d is not None and time.monotonic() >= d[0]:
        raise DeadlineExceeded(f"timeout: not done after {d[1]:g} s")
