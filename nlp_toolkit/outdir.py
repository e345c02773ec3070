"""The output folder of a batch run, owned by one run at a time.

- **A lock.** :class:`OutputLock` holds an exclusive ``flock`` on ``OUT_DIR/.nlp_toolkit.lock`` (which also names
  the owner's pid). A second run on the same folder is refused at once with one line naming the folder and the
  pid; the kernel drops the lock when its process dies, so a lock left by a killed run is simply taken over.
- **No temporary file outlives a run.** Every file the toolkit writes appears under a temporary ``.NAME.*.part``
  name first (:class:`nlp_toolkit.export.jsonl.AtomicWriter`, the cache). :func:`remove_partials` deletes them:
  the run calls it on every exit path it controls, and the next run calls it at its start for the exits it cannot
  (``SIGKILL``, power loss).
- **No stale file from an earlier layout.** The run records the files it published in a manifest
  (``OUT_DIR/.nlp_toolkit_manifest.json``); :func:`remove_stale` then deletes the files of the previous
  manifest, and any file named like an export of an earlier version, that this run did not write — so a rerun
  with another ``--shard-size``, compression or format set leaves no ``pairs-00007.jsonl`` from before to be
  counted twice.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path
from typing import Iterable

from .document import InputError

LOCK_NAME = ".nlp_toolkit.lock"
MANIFEST_NAME = ".nlp_toolkit_manifest.json"
#: names of export files written by versions without a manifest (the JSONL files, their shards and compressed
#: forms); only these are removed when no manifest lists the folder's files
_EXPORT_NAMES = re.compile(r"^(pairs|documents|errors)(-\d{5})?\.jsonl(\.gz|\.zst)?$")
_PARTIAL = re.compile(r"^\..+\.part$")


class OutputBusy(InputError):
    """Another run holds the output folder (a usage error: one line, exit code 2, at the command line)."""


class OutputLock:
    """An exclusive lock on an output folder for the life of a ``with`` block.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> with OutputLock(d):
    ...     OutputLock(d).__enter__()
    Traceback (most recent call last):
    ...
    nlp_toolkit.outdir.OutputBusy: ...: in use by another run (pid ...); wait for it to end or choose another output folder
    """

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise
            owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutputBusy(f"{self.out_dir}: in use by another run (pid {owner}); wait for it to end or choose "
                             f"another output folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> bool:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None
        return False


def remove_partials(out_dir: str | Path) -> int:
    """Delete every temporary ``.NAME.*.part`` file under ``out_dir``; return how many."""
    n = 0
    for root, _dirs, files in os.walk(out_dir):
        for name in files:
            if _PARTIAL.match(name):
                try:
                    os.unlink(os.path.join(root, name))
                    n += 1
                except FileNotFoundError:
                    pass
    return n


def _previous(out: Path) -> set[str]:
    try:
        listed = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
        return {str(f) for f in listed}
    except (OSError, ValueError, KeyError, TypeError):
        return {f.name for f in out.iterdir() if f.is_file() and _EXPORT_NAMES.match(f.name)} if out.is_dir() \
            else set()


def remove_stale(out_dir: str | Path, published: Iterable[str | Path]) -> list[str]:
    """Record ``published`` (paths inside ``out_dir``) as this run's files and delete the earlier run's files
    that are not among them; return the deleted names (relative to ``out_dir``).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("pairs-00000.jsonl", "pairs-00001.jsonl", "notes.txt"):
    ...     _ = (d / name).write_text("x")
    >>> remove_stale(d, [d / "pairs.jsonl"])          # an old layout, no manifest: only export names go
    ['pairs-00000.jsonl', 'pairs-00001.jsonl']
    >>> sorted(p.name for p in d.iterdir())
    ['.nlp_toolkit_manifest.json', 'notes.txt']
    """
    out = Path(out_dir)
    new = sorted({str(Path(p).resolve().relative_to(out.resolve())) for p in published})
    removed = []
    for name in sorted(_previous(out) - set(new)):
        target = out / name
        if ".." in Path(name).parts or not target.is_file():
            continue
        target.unlink()
        removed.append(name)
        parent = target.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    from .export.jsonl import AtomicWriter

    with AtomicWriter(out / MANIFEST_NAME) as w:
        w.f.write(json.dumps({"files": new}, ensure_ascii=False, indent=1) + "\n")
    return removed
