"""Hugging Face dataset folder: ``OUT_DIR/hf/`` loads with ``datasets.load_dataset("OUT_DIR/hf")`` as a
translation dataset (split ``train``).

- ``data/train-00000-of-0000N-<fingerprint>.jsonl`` (``.gz``/``.zst`` with ``ExportOptions.compression``): one
  translation unit a line, shards of about ``ExportOptions.shard_size`` records cut at document boundaries (0: one
  shard). ``<fingerprint>`` is a hash of the records: the card's ``configs:`` block names the files by it, and
  ``datasets`` keys its cache by that block (not by the files' contents), so two different exports loaded into
  one cache each get their own rows, and the same export loaded twice reuses its cache;
- ``README.md``: the dataset card, whose YAML header declares the data files, the licence field and the
  features, built from the published Arrow schema (``schema.py``); its text names the source (the articles and
  the toolkit's signature), lists the features and says what loading needs (``zstandard`` for ``.zst``). With
  the features fixed, a shard whose records all have empty ``entities`` lists loads together with one that has
  entities (inferred per shard, it would be typed ``list<null>`` and fail to concatenate).

Paragraph units (the default) are whole ``pairs.jsonl`` records: every key written, ``translation`` as a
``Translation(languages=["en", "zh"])`` feature, ``score_parts`` as a struct of the aligner's four parts (the
features have no map type; a unit without parts has them null). Sentence units
(``ExportOptions.unit == "sentence"``) have ``doc_id``, ``pair``, ``sentence``, ``en_ids``, ``zh_ids``, ``en``,
``zh``, ``score``, ``translation`` and ``signature``. 1-0/0-1 units are left out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa

from .base import Exporter, ExportOptions
from .jsonl import AtomicWriter
from .schema import DROPPED, PAIR_RECORD, SCORE_PARTS_STRUCT, SENTENCE_RECORD, conform, hf_features, yaml_block
from .translation_units import translation_units

#: the features of paragraph units: the pair record, ``score_parts`` as a struct
#: the fields of what the filters said of a dropped unit: such a unit never reaches this export
_DROPPED_KEYS = frozenset(n for n, _ in DROPPED)
HF_PAIR_RECORD = pa.schema([pa.field("score_parts", SCORE_PARTS_STRUCT) if f.name == "score_parts" else f
                            for f in PAIR_RECORD if f.name not in _DROPPED_KEYS])


def schema_for(unit: str) -> pa.Schema:
    return SENTENCE_RECORD if unit == "sentence" else HF_PAIR_RECORD


#: how many source files the card lists by name (the rest are counted)
CARD_SOURCES = 20


def dataset_card(unit: str, num_examples: int, fingerprint: str = "", suffix: str = ".jsonl",
                 sources: tuple = (), signatures: tuple = (), splits: dict | None = None,
                 filters: str = "none", files: tuple | None = None) -> str:
    """README.md of the folder: YAML metadata (licence, configs naming each split's data files, features), then
    the source, the splits and filters, the features and what loading needs."""
    schema = schema_for(unit)
    splits = splits or {"train": num_examples}
    files = [{"split": name, "path": f"data/{name}-*-{fingerprint}{suffix}" if fingerprint
              else f"data/{name}-*{suffix}"} for name in (files if files is not None else splits)]
    meta = {
        "language": ["en", "zh"],
        "license": "unknown",
        "task_categories": ["translation"],
        "configs": [{"config_name": "default", "data_files": files}],
        "dataset_info": {
            "features": hf_features(schema),
        },
    }
    what = "sentence pairs" if unit == "sentence" else "aligned paragraph units"
    listed = "".join(f"- `{src}`\n" for src in sources[:CARD_SOURCES])
    if len(sources) > CARD_SOURCES:
        listed += f"- and {len(sources) - CARD_SOURCES} more (see `documents.jsonl` of the export)\n"
    made_by = "".join(f"- `{sig}`\n" for sig in signatures)
    features = "".join(f"| `{f.name}` | `{f.type}` |\n" for f in schema)
    split_rows = "".join(f"| `{name}` | {n} |\n" for name, n in splits.items())
    if suffix.endswith(".zst"):
        needs = ("The data files are zstandard-compressed (`.jsonl.zst`): loading needs the `zstandard` package "
                 "(`pip install zstandard`) besides `datasets`.")
    elif suffix.endswith(".gz"):
        needs = "The data files are gzip-compressed (`.jsonl.gz`); `datasets` reads them as they are."
    else:
        needs = ("The data files are plain JSON Lines. (An export made with `--compress zst` needs the "
                 "`zstandard` package to load.)")
    return (f"---\n{yaml_block(meta)}---\n\n# nlp_toolkit export\n\n{num_examples} English/Chinese {what} exported by "
            f"nlp_toolkit; one translation unit a line in `data/` (1-0/0-1 units left out). Load with "
            f"`datasets.load_dataset(\"path/to/this/folder\")` (split{'s' if len(splits) > 1 else ''} "
            f"{', '.join(f'`{n}`' for n in splits)}).\n\n"
            f"## Source\n\nAligned from {len(sources)} article(s):\n\n{listed}\nby nlp_toolkit with:\n\n{made_by}\n"
            f"## Splits and filters\n\n| split | units |\n| --- | --- |\n{split_rows}\n"
            f"Splits are by document (no article in two; a hash of its id decides); a split with no units has no "
            f"data files (`datasets` cannot load an empty split). Filters: {filters} (the units "
            f"they left out are listed in `filtered.jsonl` beside this folder).\n\n"
            f"## Licence\n\nThe texts keep the licence of the articles they come from, which the toolkit does not "
            f"know: the `license` field above is `unknown`; set it before publishing.\n\n"
            f"## Features\n\n| name | type |\n| --- | --- |\n{features}\n"
            f"## Loading\n\n{needs}\n")


class HfExporter(Exporter):
    """``hf/README.md`` and ``hf/data/<split>-*.jsonl`` (split ``train`` unless the run splits by document)."""

    name = "hf"
    folder = "hf"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        self.root = self.out_dir / self.folder
        self._suffix = ".jsonl" + (f".{options.compression}" if options.compression else "")
        self._schema = schema_for(options.unit)
        self._digest = hashlib.sha256(options.unit.encode("utf-8"))
        #: split -> its shards, in the order the run's splits are declared (``train`` alone without splits)
        self._shards: dict[str, list[AtomicWriter]] = {}
        self._counts: dict[str, int] = {name: 0 for name, _ in options.split} or {"train": 0}
        self._sources: list[str] = []
        self._signatures: dict[str, None] = {}
        self.count = 0
        #: the card's filters line when the records come from an earlier export (apply-decisions keeps it)
        self.filters_text = ""

    def _writer(self, split: str) -> AtomicWriter:
        # the final name (with the shard count) is given on close
        n = len(self._shards.get(split, []))
        return AtomicWriter(self.root / "data" / f"shard-{split}-{n}{self._suffix}", self.options.compression,
                            digest=self._digest)

    def _record(self, unit: dict) -> dict:
        if self.options.unit == "sentence":
            rec = {k: unit[k] for k in ("doc_id", "pair", "sentence", "en_ids", "zh_ids", "en", "zh", "score")}
            rec["translation"] = {"en": unit["en"], "zh": unit["zh"]}
            rec["quality"] = unit["record"].get("quality")
            rec["split"] = unit.get("split")
            rec["signature"] = unit.get("signature", "")
            return conform(rec, self._schema)
        return conform({k: v for k, v in unit["record"].items() if k not in _DROPPED_KEYS}, self._schema)

    def add(self, document: dict, pairs: list[dict]) -> None:
        units = list(translation_units(pairs, self.options.unit))
        for u in units:
            u["signature"] = document.get("signature", "")
        self._write(document, [self._record(u) for u in units])

    def add_records(self, document: dict, records: list[dict]) -> None:
        """Records of this export's kind already built (an earlier export's, some left out: apply-decisions),
        written as :meth:`add` writes a document's, so that the names and card follow the new contents."""
        self._write(document, [conform(r, self._schema) for r in records])

    def _write(self, document: dict, records: list[dict]) -> None:
        """One document's records, into its split's current shard or a new one (shards are cut between
        documents)."""
        self._sources.append(str(document.get("source", document.get("doc_id", ""))))
        self._signatures[document.get("signature", "")] = None
        split = document.get("split") or "train"
        if not records:  # a split whose documents lose every unit to the filters must get no (empty) file
            return
        if split not in self._shards:
            self._shards[split] = [self._writer(split)]
        shards = self._shards[split]
        size, current = self.options.shard_size, shards[-1]
        if size and current.count and current.count + len(records) > size:
            shards.append(self._writer(split))
        for r in records:
            shards[-1].write_record(r)
        self.count += len(records)
        self._counts[split] = self._counts.get(split, 0) + len(records)

    def close(self) -> None:
        names = set()
        fingerprint = self.fingerprint()
        for split, shards in self._split_shards().items():
            n = len(shards)
            for i, w in enumerate(shards):
                w.path = self.root / "data" / f"{split}-{i:05d}-of-{n:05d}-{fingerprint}{self._suffix}"
                names.add(w.path.name)
                w.commit()
        for stale in (self.root / "data").glob("*-of-*"):  # shards of an earlier export into this folder
            if stale.name not in names:
                stale.unlink()
        card = AtomicWriter(self.root / "README.md")
        card.f.write(dataset_card(self.options.unit, self.count, fingerprint, self._suffix, tuple(self._sources),
                                  tuple(s for s in self._signatures if s), splits=dict(self._counts),
                                  files=tuple(self._split_shards()),
                                  filters=self.filters_text or self.options.filters.describe()))
        card.commit()

    def _split_shards(self) -> dict[str, list[AtomicWriter]]:
        """The shards of every split that has records (``datasets`` refuses to load an empty split: "corresponds
        to no data"; the card still counts it), or one empty ``train`` shard when no split has any."""
        if not any(self._counts.values()):
            first = next(iter(self._counts))
            if first not in self._shards:
                self._shards[first] = [self._writer(first)]
        return {split: self._shards[split] for split in self._counts if split in self._shards}

    def fingerprint(self) -> str:
        """12 hex digits of SHA-256 over the unit kind and every record line written so far."""
        return self._digest.hexdigest()[:12]

    def files(self) -> list:
        return [w for shards in self._split_shards().values() for w in shards]

    def published(self) -> list[Path]:
        return super().published() + [self.root / "README.md"]
