"""What the training exports (tmx, moses, hf) keep: quality filters, deduplication across a batch, and splits by
document. The jsonl and parquet exports keep every unit and say what was left out of the others and why.

A :class:`Selector` sees the articles of a run in input order (the ordered export pass of ``nlp-toolkit
process``, in the main process whatever the engine, so that results are deterministic and memory stays flat) and
returns copies of their records:

- the document gets ``split`` (when splits are asked for); every pair record too, so Parquet rows carry it;
- each unit the filters or deduplication leave out (a pair record, or with ``unit="sentence"`` a sentence of
  one) gets ``dropped``: its reasons (``quality<0.5``, ``score<0.2``, ``warning:claim_mismatch``,
  ``duplicate``), and a duplicate ``duplicate_of`` (the first unit with that text, ``doc_id#pair`` or
  ``doc_id#pair.sentence``), ``duplicate_kind`` and ``duplicate_similarity``.

:func:`~nlp_toolkit.export.translation_units.translation_units` skips dropped units, so every translation format
leaves them out alike; ``filtered.jsonl`` lists them (``FilteredExporter``), the summary counts them.

Splits are decided per document by a hash of its ``doc_id`` (``split_of``): no document is in two splits, the
same document lands in the same split in every run, and adding documents to an archive never moves the others.

>>> spec = parse_split("train=0.98,dev=0.01,test=0.01")
>>> spec
(('train', 0.98), ('dev', 0.01), ('test', 0.01))
>>> split_of("tesla_vs_byd", spec) in ("train", "dev", "test")
True
>>> parse_split("train=0.9,test=0.2")
Traceback (most recent call last):
...
ValueError: --split train=0.9,test=0.2: the fractions add up to 1.1, not 1
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

#: unit kinds
UNITS = ("paragraph", "sentence")
DEDUP_MODES = ("off", "exact", "near")
_SPLIT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class FilterOptions:
    """Filters of the training exports (``nlp-toolkit process`` flags of the same names).

    >>> FilterOptions().active, FilterOptions(min_quality=0.5).active
    (False, True)
    >>> FilterOptions(min_quality=0.5, dedup="near").describe()
    'quality>=0.5, dedup=near(0.8)'
    """

    #: least ``quality.score`` of a unit (``--min-quality``); 0 keeps all
    min_quality: float = 0.0
    #: least alignment score (``--min-score``); None keeps all
    min_score: Optional[float] = None
    #: warning codes that drop the unit they are on (``--drop-warnings claim_mismatch,entity_mismatch``)
    drop_warnings: tuple = ()
    #: duplicates across the batch (``--dedup``): "off", "exact" (normalized text), "near" (MinHash, and exact)
    dedup: str = "off"
    #: least estimated Jaccard similarity of a near duplicate (``--dedup-threshold``)
    dedup_threshold: float = 0.8

    def __post_init__(self):
        if not 0 <= self.min_quality <= 1:
            raise ValueError(f"--min-quality {self.min_quality:g}: must be between 0 and 1")
        if self.dedup not in DEDUP_MODES:
            raise ValueError(f"--dedup {self.dedup}: use one of {', '.join(DEDUP_MODES)}")
        if not 0 < self.dedup_threshold <= 1:
            raise ValueError(f"--dedup-threshold {self.dedup_threshold:g}: must be above 0 and at most 1")

    @property
    def active(self) -> bool:
        return bool(self.min_quality or self.min_score is not None or self.drop_warnings or self.dedup != "off")

    def describe(self) -> str:
        """The filters in a line (the dataset card and the summary name them)."""
        parts = []
        if self.min_quality:
            parts.append(f"quality>={self.min_quality:g}")
        if self.min_score is not None:
            parts.append(f"score>={self.min_score:g}")
        if self.drop_warnings:
            parts.append("no warning " + "/".join(self.drop_warnings))
        if self.dedup != "off":
            parts.append(f"dedup={self.dedup}" + (f"({self.dedup_threshold:g})" if self.dedup == "near" else ""))
        return ", ".join(parts) or "none"


def parse_split(text: str) -> tuple[tuple[str, float], ...]:
    """``train=0.98,dev=0.01,test=0.01`` as ((name, fraction), ...); the fractions must add up to 1."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not _SPLIT_NAME.match(name):
            raise ValueError(f"--split {text}: {part!r} is not NAME=FRACTION")
        try:
            fraction = float(value)
        except ValueError:
            raise ValueError(f"--split {text}: {value.strip()!r} is not a number") from None
        if not 0 <= fraction <= 1:
            raise ValueError(f"--split {text}: {name}={value.strip()} is not a fraction between 0 and 1")
        if name in dict(out):
            raise ValueError(f"--split {text}: {name} given twice")
        out.append((name, fraction))
    total = sum(f for _, f in out)
    if abs(total - 1) > 1e-6:
        raise ValueError(f"--split {text}: the fractions add up to {total:g}, not 1")
    return tuple(out)


def format_split(spec) -> str:
    return ",".join(f"{name}={fraction:g}" for name, fraction in spec)


def split_of(doc_id: str, spec) -> str:
    """The split of a document: where the hash of its id falls among the cumulative fractions."""
    h = int.from_bytes(hashlib.sha256(str(doc_id).encode("utf-8")).digest()[:8], "big") / 2 ** 64
    edge = 0.0
    for name, fraction in spec:
        edge += fraction
        if h < edge:
            return name
    return spec[-1][0]


def unit_key(doc_id: str, pair: int, sentence: Optional[int] = None) -> str:
    return f"{doc_id}#{pair}" + (f".{sentence}" if sentence is not None else "")


@dataclass
class SelectionStats:
    """Counts of a run's selection, for the summary and the dataset card."""

    kept: int = 0
    dropped: int = 0
    by_reason: dict = field(default_factory=dict)
    #: split -> {"documents": n, "units": n} (units kept in the training exports)
    splits: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kept": self.kept, "dropped": self.dropped, "by_reason": dict(sorted(self.by_reason.items()))}


class Selector:
    """The filters, deduplication and split of one run (see the module docstring); use as a context manager
    (near-duplicate detection keeps its index in a temporary database, removed on close)."""

    def __init__(self, filters: FilterOptions = FilterOptions(), unit: str = "paragraph", split: tuple = (),
                 workdir=None):
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}: use 'paragraph' or 'sentence'")
        self.filters, self.unit, self.split = filters, unit, tuple(split)
        self.stats = SelectionStats()
        self._dedup = None
        if filters.dedup != "off":
            from ..dedup import Deduplicator

            self._dedup = Deduplicator(mode=filters.dedup, threshold=filters.dedup_threshold, workdir=workdir)

    @property
    def active(self) -> bool:
        return self.filters.active or bool(self.split)

    def reasons(self, unit: dict, warnings: list) -> list[str]:
        """Why the filters drop a unit (a pair record or a sentence of one) with these warnings; [] keeps it."""
        f, out = self.filters, []
        quality = unit.get("quality") or {}
        if f.min_quality and quality.get("score") is not None and quality["score"] < f.min_quality:
            out.append(f"quality<{f.min_quality:g}")
        if f.min_score is not None and unit.get("score") is not None and unit["score"] < f.min_score:
            out.append(f"score<{f.min_score:g}")
        codes = {w.get("code") for w in warnings}
        out += [f"warning:{c}" for c in f.drop_warnings if c in codes]
        return out

    def _duplicate(self, key: str, en: str, zh: str) -> Optional[dict]:
        if self._dedup is None:
            return None
        dup = self._dedup.check(key, en, zh)
        if dup is None:
            return None
        return {"duplicate_of": dup.of, "duplicate_kind": dup.kind,
                "duplicate_similarity": round(float(dup.similarity), 4)}

    def _judge(self, record: dict, key: str, warnings: list) -> dict:
        """``record`` (a copy) marked with what drops it, counted."""
        reasons = self.reasons(record, warnings)
        if not reasons:  # only kept units claim their text: a rejected copy never hides a good one
            dup = self._duplicate(key, record["en"], record["zh"])
            if dup:
                reasons = ["duplicate"]
                record.update(dup)
        if reasons:
            record["dropped"] = reasons
            self.stats.dropped += 1
            for r in reasons:
                self.stats.by_reason[r] = self.stats.by_reason.get(r, 0) + 1
        else:
            self.stats.kept += 1
        return record

    def select(self, document: dict, pairs: list[dict]) -> tuple[dict, list[dict]]:
        """Copies of one article's records, marked (``split``, ``dropped``; see the module docstring)."""
        from ..quality import sentence_warnings
        from .translation_units import is_translation

        if not self.active:
            return document, pairs
        document = dict(document)
        split = split_of(document.get("doc_id", ""), self.split) if self.split else None
        if split:
            document["split"] = split
            counts = self.stats.splits.setdefault(split, {"documents": 0, "units": 0})
            counts["documents"] += 1
        out = []
        kept_before = self.stats.kept
        for pair in pairs:
            pair = dict(pair)
            if split:
                pair["split"] = split
            warnings = list(pair.get("warnings") or [])
            if self.unit == "paragraph":
                if is_translation(pair.get("en", ""), pair.get("zh", "")):
                    pair = self._judge(pair, unit_key(pair.get("doc_id", ""), pair["index"]), warnings)
            else:
                sentences = []
                for i, s in enumerate(pair.get("sentences") or []):
                    s = copy.copy(s)
                    if is_translation(s.get("en", ""), s.get("zh", "")):
                        sw = sentence_warnings(pair["en"], pair["zh"], s["en"], s["zh"], warnings)
                        s = self._judge(s, unit_key(pair.get("doc_id", ""), pair["index"], i), sw)
                    sentences.append(s)
                pair["sentences"] = sentences
            out.append(pair)
        if split:
            self.stats.splits[split]["units"] += self.stats.kept - kept_before
        return document, out

    def close(self) -> None:
        if self._dedup is not None:
            self._dedup.close()
            self._dedup = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def dropped_entries(pairs: list[dict], unit: str = "paragraph") -> list[dict]:
    """The ``filtered.jsonl`` lines of one article's marked records: each dropped unit with its text, reasons,
    quality and (a duplicate) what it duplicates."""
    out = []
    for pair in pairs:
        items = [(None, pair)] if unit == "paragraph" else list(enumerate(pair.get("sentences") or []))
        for i, rec in items:
            if not rec.get("dropped"):
                continue
            entry = {"doc_id": pair.get("doc_id"), "pair": pair.get("index"), "sentence": i, "unit": unit,
                     "reasons": rec["dropped"], "en": rec.get("en"), "zh": rec.get("zh"),
                     "score": rec.get("score"), "quality": rec.get("quality")}
            for k in ("duplicate_of", "duplicate_kind", "duplicate_similarity"):
                if k in rec:
                    entry[k] = rec[k]
            if "split" in pair:
                entry["split"] = pair["split"]
            out.append(entry)
    return out
