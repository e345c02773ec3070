"""The exporter interface: every output format is a small class over the same records.

An exporter receives, document by document and in document order, the records that ``to_dict()`` of the data
model produces: the ``documents.jsonl`` record of an article and its ``pairs.jsonl`` records (exporters never
rebuild records by hand). Failed inputs arrive as error records ``{source, doc_id, error}``. Nothing an
exporter writes is visible under its final name before :meth:`Exporter.close` (temporary files, then rename);
:meth:`Exporter.abort` discards everything.

Formats register in :data:`FORMATS` (name -> "module:Class") and load lazily.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from ..settings import DEFAULT
from .select import FilterOptions


@dataclass(frozen=True)
class ExportOptions:
    #: "paragraph" (one unit per aligned pair) or "sentence" (one per sentence pair), for tmx/moses/hf
    unit: str = "paragraph"
    #: records per shard for the JSONL files (0: one file each)
    shard_size: int = 0
    #: "" (plain), "gz" or "zst" compression of the JSONL files
    compression: str = ""
    #: ``xml:lang`` of the Chinese side in the TMX export (``Settings.zh_locale``, ``--zh-locale``)
    zh_locale: str = DEFAULT.zh_locale
    #: what the training exports (tmx, moses, hf) leave out (``export/select.py``)
    filters: FilterOptions = FilterOptions()
    #: splits by document, ((name, fraction), ...) (``select.parse_split``); () for none (hf: one ``train``)
    split: tuple = ()


class Exporter:
    """Base class. Subclasses set ``name`` and implement :meth:`add`, and usually :meth:`close`."""

    name = ""

    def __init__(self, out_dir: str | Path, options: ExportOptions = ExportOptions()):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.options = options

    def add(self, document: dict, pairs: list[dict]) -> None:
        raise NotImplementedError

    def add_error(self, error: dict) -> None:
        """A failed input; formats without an error file ignore it."""

    def files(self) -> list:
        """The exporter's open files (objects with ``commit()`` and ``discard()``, e.g.
        :class:`~nlp_toolkit.export.jsonl.AtomicWriter`), for the default :meth:`close` and :meth:`abort`."""
        return []

    def published(self) -> list[Path]:
        """The final paths of the files this exporter writes (after :meth:`close`: what a batch records as its
        output, so that files of an earlier run's layout can be removed)."""
        return [Path(f.path) for f in self.files()]

    def close(self) -> None:
        """Finish: move every file into place."""
        for f in self.files():
            f.commit()

    def abort(self) -> None:
        """Discard what was written."""
        for f in self.files():
            f.discard()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False


FORMATS: dict[str, str] = {
    "jsonl": "nlp_toolkit.export.jsonl:JsonlExporter",
    "comparison": "nlp_toolkit.export.comparison:ComparisonExporter",
    "parquet": "nlp_toolkit.export.parquet:ParquetExporter",
    "tmx": "nlp_toolkit.export.tmx:TmxExporter",
    "moses": "nlp_toolkit.export.moses:MosesExporter",
    "hf": "nlp_toolkit.export.hf:HfExporter",
}


def get_exporter(name: str) -> type[Exporter]:
    try:
        module, cls = FORMATS[name].split(":")
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None
    return getattr(importlib.import_module(module), cls)
