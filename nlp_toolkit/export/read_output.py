"""Reading an output directory back: the records :mod:`.jsonl` wrote, plain, compressed or sharded.

The reverse of :class:`~nlp_toolkit.export.jsonl.JsonlExporter`, beside it so that the file names, shard
pattern and compressions stay in one place: ``documents.jsonl`` and ``pairs.jsonl`` (or their shards
``pairs-00000.jsonl`` ...), each optionally ``.gz`` or ``.zst``. The report over an output directory
(:func:`nlp_toolkit.commands.report`) reads it with :func:`load_output`.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable

#: ``(document record, pair records)`` of each article, the records ``to_dict()`` / ``pair_dicts()`` give
Articles = list[tuple[dict, list[dict]]]


def _open_text(path: Path):
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    if path.name.endswith(".zst"):
        import zstandard

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True),
                                encoding="utf-8")
    return open(path, encoding="utf-8")


def read_jsonl(paths: Iterable[Path]) -> Iterable[dict]:
    """The records of JSONL files (plain, ``.gz`` or ``.zst``), in order; blank lines skipped. A line that is
    not JSON raises ``ValueError`` naming the file and the line."""
    for path in paths:
        with _open_text(path) as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as err:
                        raise ValueError(f"{path} line {n}: not JSON ({err.msg})") from None


def output_files(folder: Path, stem: str) -> list[Path]:
    """``stem.jsonl`` or its shards ``stem-00000.jsonl`` ..., plain or compressed, in order."""
    found = []
    for ext in (".jsonl", ".jsonl.gz", ".jsonl.zst"):
        found += [p for p in [folder / f"{stem}{ext}"] if p.is_file()]
        found += sorted(folder.glob(f"{stem}-[0-9]*{ext}"))
    return found


def load_output(folder: str | Path) -> Articles:
    """The articles of an output directory of ``nlp-toolkit process``: ``(document record, pair records)`` each,
    in the order of ``documents.jsonl``."""
    folder = Path(folder)
    docs = output_files(folder, "documents")
    if not docs:
        raise FileNotFoundError(f"{folder}: no documents.jsonl (is it an output directory of nlp-toolkit process?)")
    pairs: dict[str, list[dict]] = defaultdict(list)
    for rec in read_jsonl(output_files(folder, "pairs")):
        pairs[rec["doc_id"]].append(rec)
    return [(d, sorted(pairs.get(d["doc_id"], []), key=lambda r: r["index"])) for d in read_jsonl(docs)]
