"""Parquet export: one table per record type, each with one fixed, published Arrow schema (``schema.SCHEMAS``).

``OUT_DIR/parquet/`` receives

- ``documents.parquet``: one row per article (the ``documents.jsonl`` record without ``comparison``;
  ``warning_counts`` is a map, code -> count);
- ``pairs.parquet``: one row per aligned unit (the ``pairs.jsonl`` record without its ``entities``, ``claims``
  and ``sentences`` lists, which have tables of their own); ``score_parts`` is a map (name -> value);
- ``entities.parquet``, ``claims.parquet``, ``sentences.parquet``: one row per item, keyed by ``doc_id``, ``pair``
  (the pair's ``index``) and the item's position in its pair's list (``entity``, ``claim``, ``sentence``;
  ``claim_links`` in ``pairs`` index ``claims`` by ``claim``);
- ``comparison.parquet``: the structured comparison rows (the schema of ``export/comparison.py``).

Every table exists even when empty, typed by its schema, so tables of many runs concatenate. The files are written
to temporary names (row groups of at most ``ROW_GROUP`` rows) and renamed into place on :meth:`close`.
:func:`read_records` rebuilds the JSONL records from the tables (with pandas).
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .base import Exporter, ExportOptions
from .jsonl import publish
from .schema import DOCUMENT_RECORD, OPTIONAL_KEYS, PAIR_RECORD, SCHEMAS, conform

__all__ = ["ParquetExporter", "SCHEMAS", "read_records", "table_rows"]

ROW_GROUP = 10_000
_NESTED = {"entities": "entity", "claims": "claim", "sentences": "sentence"}


def table_rows(document: dict, pairs: list[dict]) -> dict[str, list[dict]]:
    """The rows one article adds to each table, conformed to the table's schema."""
    doc_id = document.get("doc_id")
    rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    rows["documents"].append(conform({k: v for k, v in document.items() if k != "comparison"},
                                     SCHEMAS["documents"]))
    rows["comparison"] += [conform(r, SCHEMAS["comparison"], "comparison.") for r in document.get("comparison", [])]
    for pair in pairs:
        rows["pairs"].append(conform({k: v for k, v in pair.items() if k not in _NESTED}, SCHEMAS["pairs"]))
        for table, ordinal in _NESTED.items():
            for i, item in enumerate(pair.get(table) or []):
                keyed = {"doc_id": pair.get("doc_id", doc_id), "pair": pair["index"], ordinal: i, **item}
                rows[table].append(conform(keyed, SCHEMAS[table], f"{table}."))
    return rows


class _TableWriter:
    """One Parquet file written through a temporary name, in row groups."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        self.writer = pq.ParquetWriter(self.tmp, schema)
        self.buffer: list[dict] = []
        self.count = 0

    def extend(self, rows: list[dict]) -> None:
        self.buffer += rows
        self.count += len(rows)
        if len(self.buffer) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.buffer = []

    def commit(self) -> None:
        self.flush()
        self.writer.close()
        publish(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self.writer.close()
        except OSError:
            pass  # a full disk while throwing the file away: it goes all the same
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


class ParquetExporter(Exporter):
    """``parquet/{documents,pairs,sentences,entities,claims,comparison}.parquet``."""

    name = "parquet"
    folder = "parquet"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        folder = self.out_dir / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        self._tables = {name: _TableWriter(folder / f"{name}.parquet", schema) for name, schema in SCHEMAS.items()}

    def add(self, document: dict, pairs: list[dict]) -> None:
        for name, rows in table_rows(document, pairs).items():
            self._tables[name].extend(rows)

    def files(self) -> list:
        return list(self._tables.values())


def _records(path: Path) -> list[dict]:
    import pandas as pd

    return pd.read_parquet(path, dtype_backend="pyarrow").to_dict("records")


def _unmap(value):
    """A map column read back (a list of (key, value) tuples) as the dict it was."""
    return None if value is None else dict(value)


def _trim(record: dict) -> dict:
    """Without the optional keys a JSONL record would not have (null or empty in the table)."""
    return {k: v for k, v in record.items() if not (k in OPTIONAL_KEYS and (v is None or (hasattr(v, "__len__")
                                                                                          and len(v) == 0)))}


def read_records(folder: str | Path) -> tuple[list[dict], list[dict]]:
    """The ``documents.jsonl`` and ``pairs.jsonl`` records, rebuilt from the tables in ``folder`` (the
    ``parquet/`` directory of an export) with pandas; keys in ``to_dict()`` order."""
    folder = Path(folder)
    nested: dict[str, dict[tuple, list[dict]]] = {}
    for table, ordinal in _NESTED.items():
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for row in sorted(_records(folder / f"{table}.parquet"), key=lambda r: r[ordinal]):
            key = (row.pop("doc_id"), row.pop("pair"))
            row.pop(ordinal)
            groups[key].append(_trim(row))
        nested[table] = groups
    pairs = []
    for row in _records(folder / "pairs.parquet"):
        row["score_parts"] = _unmap(row["score_parts"])
        key = (row["doc_id"], row["index"])
        pairs.append(_trim({f.name: nested[f.name].get(key, []) if f.name in _NESTED else row[f.name]
                            for f in PAIR_RECORD}))
    comparison: dict[str, list[dict]] = defaultdict(list)
    for row in _records(folder / "comparison.parquet"):
        comparison[row["doc_id"]].append(row)
    documents = []
    for row in _records(folder / "documents.parquet"):
        row["warning_counts"] = _unmap(row["warning_counts"])
        documents.append(_trim({f.name: comparison.get(row["doc_id"], []) if f.name == "comparison"
                                else row[f.name] for f in DOCUMENT_RECORD}))
    return documents, pairs
