"""The structured comparison as ``comparison.csv`` and ``comparison.parquet`` (pandas + pyarrow).

Both files hold one row per section with a verdict, over all articles of a run; the nested ``evidence`` and
``competitors`` columns are JSON text in the CSV and typed lists in the Parquet file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from ..document import comparison_frame
from .base import Exporter, ExportOptions
from .jsonl import publish


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        publish(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_comparison(rows: Iterable[dict], out_dir: str | Path) -> int:
    """Write comparison.csv and comparison.parquet into ``out_dir``; return the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = list(rows)
    df = comparison_frame(rows)
    flat = df.copy()
    for col in ("competitors", "evidence"):
        flat[col] = [json.dumps(v, ensure_ascii=False) for v in flat[col]]
    _atomic(out / "comparison.csv", lambda p: flat.to_csv(p, index=False))
    table = pa.Table.from_pylist(rows, schema=schema())
    _atomic(out / "comparison.parquet", lambda p: pq.write_table(table, p))
    return len(df)


def schema():
    """The fixed Arrow schema of the comparison table."""
    import pyarrow as pa

    evidence = pa.struct([("competitor", pa.string()), ("pair", pa.int64()), ("lang", pa.string()),
                          ("text", pa.string()), ("zh", pa.string()), ("kind", pa.string()),
                          ("value", pa.float64()), ("unit", pa.string()), ("qualifier", pa.string()),
                          ("period", pa.string())])
    prose = pa.struct([("pair", pa.int64()), ("sentence", pa.int64()), ("lang", pa.string()),
                       ("competitor", pa.string()), ("effect", pa.string()), ("text", pa.string())])
    return pa.schema([("doc_id", pa.string()), ("section", pa.int64()), ("aspect_en", pa.string()),
                      ("aspect_zh", pa.string()), ("winner", pa.string()), ("winner_zh", pa.string()),
                      ("margin", pa.string()), ("gaining", pa.string()), ("tie", pa.bool_()),
                      ("competitors", pa.list_(pa.string())), ("evidence", pa.list_(evidence)),
                      ("evidence_summary", pa.string()), ("source", pa.string()), ("verdict_pair", pa.int64()),
                      ("shared", pa.bool_()), ("prose_evidence", pa.list_(prose))])


class ComparisonExporter(Exporter):
    """Collects the ``comparison`` rows of each document record; writes both files on close."""

    name = "comparison"

    def __init__(self, out_dir, options=ExportOptions()):
        super().__init__(out_dir, options)
        self.rows: list[dict] = []

    def add(self, document: dict, pairs: list[dict]) -> None:
        self.rows += document.get("comparison", [])

    def close(self) -> None:
        write_comparison(self.rows, self.out_dir)

    def published(self) -> list[Path]:
        return [self.out_dir / "comparison.csv", self.out_dir / "comparison.parquet"]
