"""JSONL export (contract v1): ``pairs.jsonl``, ``documents.jsonl``, ``errors.jsonl`` in one directory.

Each file is written to a temporary name in the same directory and renamed into place when complete, so a
reader (or a run killed half-way) never sees a truncated file. Large runs can shard the pairs
(``pairs-00000.jsonl``, ... cut at document boundaries) and compress every file (``.jsonl.gz``, or
``.jsonl.zst`` through ``zstandard``). Compressed output is byte-identical from run to run (no timestamps).
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from ..document import Article
from .base import Exporter, ExportOptions


def publish(tmp: str | Path, path: str | Path) -> None:
    """Give a finished temporary file the usual permissions (as ``open`` would) and rename it into place."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _named(err: OSError, path: Path) -> OSError:
    """``err`` naming ``path`` when it names no file (a failed write or flush: ``ENOSPC``, ``EIO``)."""
    if err.filename is None and err.errno is not None:
        return type(err)(err.errno, err.strerror, str(path))
    return err


def _in_place(path: Path) -> bool:
    """``path`` is a link or exists and is not a regular file (``/dev/stdout``, a FIFO, ``/dev/full``): it is
    written through, in place, never replaced by a rename (which would put a regular file where the link, device
    or pipe was)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class AtomicWriter:
    """A text file that appears under its name only when closed without error; optionally compressed
    (``compression`` "gz" or "zst").

    A path that is a symbolic link, or exists and is not a regular file (``/dev/stdout``, a FIFO), is written
    through in place, without the temporary file.
    An error while writing or closing is an ``OSError`` naming the file (a full disk: ``ENOSPC``); the temporary
    file is then removed. ``digest`` (a ``hashlib`` object, or None) is fed every record's line as written:
    a fingerprint of the content without reading the file back."""

    def __init__(self, path: str | Path, compression: str = "", digest=None):
        self.path = Path(path)
        self.digest = digest
        if compression not in ("", "gz", "zst"):
            raise ValueError(f"unknown compression {compression!r}: use 'gz' or 'zst'")
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(self.path))
        self.direct = _in_place(self.path)
        try:
            if self.direct:
                self.tmp = None
                self._raw = open(self.path, "wb")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
                self._raw = os.fdopen(fd, "wb")
        except OSError as err:  # named after the file asked for, not the temporary one
            raise type(err)(err.errno, f"cannot create it ({err.strerror})", str(self.path)) from None
        self._closers = []
        if compression == "gz":
            stream = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
            self._closers.append(stream)
        elif compression == "zst":
            import zstandard

            stream = zstandard.ZstdCompressor(level=3).stream_writer(self._raw, closefd=False)
            self._closers.append(stream)
        else:
            stream = self._raw
        self.f = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        self.count = 0

    def write_record(self, record: dict) -> None:
        line = dumps(record) + "\n"
        if self.digest is not None:
            self.digest.update(line.encode("utf-8"))
        try:
            self.f.write(line)
        except OSError as err:
            raise _named(err, self.path) from None
        self.count += 1

    def _close_streams(self):
        self.f.flush()
        self.f.detach()
        for c in self._closers:
            c.close()
        self._raw.close()

    def commit(self) -> None:
        try:
            self._close_streams()
            if not self.direct:
                publish(self.tmp, self.path)
        except OSError as err:
            self._drop()
            raise _named(err, self.path) from None

    def discard(self) -> None:
        """Throw the file away; never raises for the file being gone or a full disk (what failed is what is
        being handled)."""
        try:
            self._close_streams()
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                self._raw.close()
        finally:
            self._drop()

    def _drop(self) -> None:
        """Close whatever is still open (a stream whose flush failed would otherwise retry it, and complain on
        stderr, when garbage-collected), and remove the temporary file."""
        for stream in (self.f, *self._closers, self._raw):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        if self.tmp is not None and os.path.exists(self.tmp):
            os.unlink(self.tmp)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.discard()
            if isinstance(exc, OSError) and exc.filename is None:
                raise _named(exc, self.path) from None
        return False


def write_lines(lines: Iterable[str], path: str | Path) -> int:
    """Write text lines atomically (each gets a newline); return how many were written."""
    with AtomicWriter(path) as w:
        for line in lines:
            w.f.write(line + "\n")
            w.count += 1
        return w.count


def write_text(text: str, path: str | Path) -> None:
    """Write ``text`` to ``path`` atomically (a page, a whole document)."""
    with AtomicWriter(path) as w:
        w.f.write(text)


def write_jsonl(records: Iterable[dict], path: str | Path, compression: str = "") -> int:
    """Write records atomically; return how many were written."""
    with AtomicWriter(path, compression) as w:
        for r in records:
            w.write_record(r)
        return w.count


class JsonlExporter(Exporter):
    """pairs.jsonl (or shards), documents.jsonl and errors.jsonl."""

    name = "jsonl"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        self._suffix = ".jsonl" + (f".{options.compression}" if options.compression else "")
        self._docs = self._writer("documents")
        self._errors = self._writer("errors")
        self._shard = 0
        self._pairs = self._writer("pairs-00000" if options.shard_size else "pairs")
        self._done: list[AtomicWriter] = []

    def _writer(self, stem: str) -> AtomicWriter:
        return AtomicWriter(self.out_dir / (stem + self._suffix), self.options.compression)

    def add(self, document: dict, pairs: list[dict]) -> None:
        size = self.options.shard_size
        if size and self._pairs.count and self._pairs.count + len(pairs) > size:
            self._done.append(self._pairs)
            self._shard += 1
            self._pairs = self._writer(f"pairs-{self._shard:05d}")
        for rec in pairs:
            self._pairs.write_record(rec)
        self._docs.write_record(document)

    def add_error(self, error: dict) -> None:
        self._errors.write_record(error)

    def files(self) -> list:
        return self._done + [self._pairs, self._docs, self._errors]


def export_jsonl(articles: Iterable[Article], out_dir: str | Path, errors: Iterable[dict] = (),
                 options: ExportOptions = ExportOptions()) -> dict:
    """Write the contract files for ``articles`` (and failed inputs) into ``out_dir``; return counts."""
    counts = {"documents": 0, "pairs": 0, "errors": 0}
    with JsonlExporter(out_dir, options) as ex:
        for a in articles:
            pairs = a.pair_dicts()
            ex.add(a.to_dict(), pairs)
            counts["documents"] += 1
            counts["pairs"] += len(pairs)
        for e in errors:
            ex.add_error(e)
            counts["errors"] += 1
    return counts
