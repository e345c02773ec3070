"""JSONL export (contract v1): ``pairs.jsonl``, ``documents.jsonl``, ``errors.jsonl`` in one directory.

Each file is written to a temporary name in the same directory and renamed into place when complete, so a
reader (or a run killed half-way) never sees a truncated file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from ..document import Article


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class AtomicWriter:
    """A text file that appears under its name only when closed without error."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        self.f = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write_record(self, record: dict) -> None:
        self.f.write(dumps(record) + "\n")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.f.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
        return False


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    """Write records atomically; return how many were written."""
    n = 0
    with AtomicWriter(path) as w:
        for r in records:
            w.write_record(r)
            n += 1
    return n


def export_jsonl(articles: Iterable[Article], out_dir: str | Path, errors: Iterable[dict] = ()) -> dict:
    """Write the three contract files for ``articles`` (and failed inputs) into ``out_dir``; return counts."""
    out = Path(out_dir)
    counts = {"documents": 0, "pairs": 0, "errors": 0}
    with AtomicWriter(out / "pairs.jsonl") as pw, AtomicWriter(out / "documents.jsonl") as dw:
        for a in articles:
            for rec in a.pair_dicts():
                pw.write_record(rec)
                counts["pairs"] += 1
            dw.write_record(a.to_dict())
            counts["documents"] += 1
    counts["errors"] = write_jsonl(errors, out / "errors.jsonl")
    return counts
