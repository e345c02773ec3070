"""Filtering a parallel corpus someone already has (``nlp-toolkit filter``, :func:`filter_pairs`): the same
quality record, filters and deduplication as the training exports of ``nlp-toolkit process``, for sentence or
paragraph pairs given one a line instead of articles the toolkit aligned.

The signals come from the same components: the encoder's cosine of each pair, its margin (vecalign's: the
similarity minus the average of each side's best ``MARGIN_K`` matches among the other pairs of its block of
``MARGIN_BLOCK`` consecutive pairs, so that an English sentence whose own translation sits elsewhere in the
corpus is seen to be misaligned), the corpus's own length ratio, the language of each side, site furniture,
and, with ``checks``, the claims and entity checks of the pipeline (their ``error`` warnings). Then
:class:`~nlp_toolkit.export.select.Selector` decides, in corpus order.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from .export.select import FilterOptions, Selector
from .settings import DEFAULT, Settings

#: neighbours a margin averages over, and how many consecutive pairs share one similarity matrix
MARGIN_K = 4
MARGIN_BLOCK = 8192
#: the filters :func:`filter_pairs` applies unless told otherwise
DEFAULT_FILTERS = FilterOptions(min_quality=0.5, dedup="near")


@dataclass
class UnitVerdict:
    """What the filter says of one pair: kept or not, why, and its quality record."""

    index: int
    kept: bool
    quality: dict
    dropped: list = field(default_factory=list)
    #: the index of the earlier pair this one duplicates
    duplicate_of: Optional[int] = None
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"index": self.index, "kept": self.kept, "dropped": self.dropped, "duplicate_of": self.duplicate_of,
                "quality": self.quality, "warnings": self.warnings}


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def similarities(en: Sequence[str], zh: Sequence[str], settings: Settings = DEFAULT, encoder=None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's cosine and margin (see the module docstring); margins are NaN in a block of fewer than
    ``MARGIN_K + 1`` pairs (no neighbours to speak of)."""
    from .encoders import get_encoder
    from .script import to_simplified

    encoder = encoder or get_encoder(settings.encoder, settings.pooling)
    n = len(en)
    sim, margin = np.zeros(n), np.full(n, np.nan)
    for start in range(0, n, MARGIN_BLOCK):
        stop = min(n, start + MARGIN_BLOCK)
        E = _unit(np.asarray(encoder.encode(list(en[start:stop])), dtype=np.float32))
        Z = _unit(np.asarray(encoder.encode([to_simplified(t) for t in zh[start:stop]]), dtype=np.float32))
        S = E @ Z.T
        sim[start:stop] = np.diag(S)
        if stop - start > MARGIN_K:
            row = np.sort(S, axis=1)[:, -MARGIN_K:].mean(axis=1)
            col = np.sort(S, axis=0)[-MARGIN_K:, :].mean(axis=0)
            margin[start:stop] = sim[start:stop] - 0.5 * (row + col)
    return sim, margin


def _check_warnings(en: Sequence[str], zh: Sequence[str], settings: Settings) -> list[list[dict]]:
    """The claims and entity checks' warnings of each pair (the pipeline's stages over the pairs as 1-1 units)."""
    from .document import AlignedPair, Article
    from .pipeline import load_stage

    article = Article(doc_id="pairs", pairs=[AlignedPair(index=i, en_ids=[i], zh_ids=[i], en=e, zh=z, score=0.0)
                                             for i, (e, z) in enumerate(zip(en, zh))])
    for stage in ("entities", "entity_check", "claims"):
        if stage == "entity_check" and not settings.entity_check:
            continue
        load_stage(stage)(article, settings)
    return [[w.to_dict() for w in p.warnings] for p in article.pairs]


def filter_pairs(en: Sequence[str], zh: Sequence[str], settings: Settings = DEFAULT,
                 options: FilterOptions = DEFAULT_FILTERS, checks: bool = True, encoder=None,
                 workdir=None) -> list[UnitVerdict]:
    """Judge pairs ``(en[i], zh[i])`` in order; returns a :class:`UnitVerdict` each.

    ``options``: the filters (default: quality at least 0.5 and near-duplicates out); ``checks``: run the
    claims and entity checks (slower: both languages' recognizers) so that pairs whose numbers or names differ
    lose quality."""
    from .export.translation_units import is_translation
    from .quality import assess

    if len(en) != len(zh):
        raise ValueError(f"{len(en)} English and {len(zh)} Chinese texts: the sides must have one text per pair")
    sim, margin = similarities(en, zh, settings, encoder)
    ratios = [len(z) / len(e) for e, z in zip(en, zh) if len(e) >= 20 and z]
    ratio = statistics.median(ratios) if len(ratios) >= 20 else settings.quality_zh_ratio
    warnings = _check_warnings(en, zh, settings) if checks else [[] for _ in en]
    pairs = []
    for i, (e, z) in enumerate(zip(en, zh)):
        m = None if np.isnan(margin[i]) else float(margin[i])
        quality = assess(e, z, float(sim[i]), m, ratio, warnings[i], settings)
        pairs.append({"doc_id": "pairs", "index": i, "en": e, "zh": z, "score": round(float(sim[i]), 4),
                      "quality": quality, "warnings": warnings[i]})
    with Selector(options, "paragraph", workdir=workdir) as selector:
        _, marked = selector.select({"doc_id": "pairs"}, pairs)
    out = []
    for rec in marked:
        dup = rec.get("duplicate_of")
        dropped = list(rec.get("dropped") or []) or ([] if is_translation(rec["en"], rec["zh"]) else ["empty"])
        out.append(UnitVerdict(index=rec["index"], kept=not dropped, quality=rec["quality"], dropped=dropped,
                               duplicate_of=int(dup.rsplit("#", 1)[1]) if dup else None, warnings=rec["warnings"]))
    return out
