"""Hugging Face dataset folder: ``OUT_DIR/hf/`` loads with ``datasets.load_dataset("OUT_DIR/hf")`` as a
translation dataset (split ``train``).

- ``data/train-00000-of-0000N.jsonl`` (``.gz``/``.zst`` with ``ExportOptions.compression``): one translation
  unit a line, shards of about ``ExportOptions.shard_size`` records cut at document boundaries (0: one shard);
- ``README.md``: the dataset card, whose YAML header declares the data files and the features, built from the
  published Arrow schema (``schema.py``). With the features fixed, a shard whose records all have empty
  ``entities`` lists loads together with one that has entities (inferred per shard, it would be typed
  ``list<null>`` and fail to concatenate).

Paragraph units (the default) are whole ``pairs.jsonl`` records: every key written, ``translation`` as a
``Translation(languages=["en", "zh"])`` feature, ``score_parts`` as a struct of the aligner's four parts (the
features have no map type; a unit without parts has them null). Sentence units
(``ExportOptions.unit == "sentence"``) have ``doc_id``, ``pair``, ``sentence``, ``en_ids``, ``zh_ids``, ``en``,
``zh``, ``score``, ``translation`` and ``signature``. 1-0/0-1 units are left out.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from .base import Exporter, ExportOptions
from .jsonl import AtomicWriter
from .schema import PAIR_RECORD, SCORE_PARTS_STRUCT, SENTENCE_RECORD, conform, hf_features, yaml_block
from .translation_units import translation_units

#: the features of paragraph units: the pair record, ``score_parts`` as a struct
HF_PAIR_RECORD = pa.schema([pa.field("score_parts", SCORE_PARTS_STRUCT) if f.name == "score_parts" else f
                            for f in PAIR_RECORD])


def schema_for(unit: str) -> pa.Schema:
    return SENTENCE_RECORD if unit == "sentence" else HF_PAIR_RECORD


def dataset_card(unit: str, num_examples: int) -> str:
    """README.md of the folder: YAML metadata (configs, features), then a short description."""
    meta = {
        "language": ["en", "zh"],
        "task_categories": ["translation"],
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}],
        "dataset_info": {
            "features": hf_features(schema_for(unit)),
        },
    }
    what = "sentence pairs" if unit == "sentence" else "aligned paragraph units"
    return (f"---\n{yaml_block(meta)}---\n\n# nlp_toolkit export\n\n{num_examples} English/Chinese {what} exported by "
            f"nlp_toolkit; one translation unit a line in `data/`. Load with "
            f"`datasets.load_dataset(\"path/to/this/folder\")`.\n")


class HfExporter(Exporter):
    """``hf/README.md`` and ``hf/data/train-*.jsonl``."""

    name = "hf"
    folder = "hf"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        self.root = self.out_dir / self.folder
        self._suffix = ".jsonl" + (f".{options.compression}" if options.compression else "")
        self._schema = schema_for(options.unit)
        self._shards: list[AtomicWriter] = [self._writer()]
        self.count = 0

    def _writer(self) -> AtomicWriter:
        # the final name (with the shard count) is given on close
        return AtomicWriter(self.root / "data" / f"shard-{len(getattr(self, '_shards', []))}{self._suffix}",
                            self.options.compression)

    def _record(self, unit: dict) -> dict:
        if self.options.unit == "sentence":
            rec = {k: unit[k] for k in ("doc_id", "pair", "sentence", "en_ids", "zh_ids", "en", "zh", "score")}
            rec["translation"] = {"en": unit["en"], "zh": unit["zh"]}
            rec["signature"] = unit.get("signature", "")
            return conform(rec, self._schema)
        return conform(unit["record"], self._schema)

    def add(self, document: dict, pairs: list[dict]) -> None:
        units = list(translation_units(pairs, self.options.unit))
        for u in units:
            u["signature"] = document.get("signature", "")
        size, current = self.options.shard_size, self._shards[-1]
        if size and current.count and current.count + len(units) > size:
            self._shards.append(self._writer())
        for u in units:
            self._shards[-1].write_record(self._record(u))
        self.count += len(units)

    def close(self) -> None:
        n = len(self._shards)
        names = set()
        for i, w in enumerate(self._shards):
            w.path = self.root / "data" / f"train-{i:05d}-of-{n:05d}{self._suffix}"
            names.add(w.path.name)
            w.commit()
        for stale in (self.root / "data").glob("train-*"):  # shards of an earlier export into this folder
            if stale.name not in names:
                stale.unlink()
        card = AtomicWriter(self.root / "README.md")
        card.f.write(dataset_card(self.options.unit, self.count))
        card.commit()

    def files(self) -> list:
        return list(self._shards)

    def published(self) -> list[Path]:
        return super().published() + [self.root / "README.md"]
