"""Sentence alignment: two sequences of sentences in, a monotone sequence of beads out; and the pipeline's
``sentences`` stage, which aligns the sentences inside each aligned paragraph pair.

The aligner is a dynamic programme over beads of up to ``sent_max_side`` sentences a side and
``sent_max_total`` in all (1-0, 0-1, 1-1, 1-2 ... 1-5, 2-4, ...). A bead's score is a weighted sum of features,
each computed for every pair of spans at once as a dense (n_src + 1) x (n_tgt + 1) matrix, plus a bias for its
shape; the DP maximizes the sum over the path. The package:

- :mod:`~nlp_toolkit.sentalign.lexicon`: the stemmer, number words, the CC-CEDICT gloss lexicon and stop words;
- :mod:`~nlp_toolkit.sentalign.features`: per-sentence side features, the feature table (by signal) and the
  learned weights;
- :mod:`~nlp_toolkit.sentalign.scorer`: :class:`~nlp_toolkit.sentalign.scorer.Scorer`, every feature of every
  bead of one document, and the bead scores;
- :mod:`~nlp_toolkit.sentalign.decode`: the DP, banded decoding, :class:`SentenceBead`;
- :mod:`~nlp_toolkit.sentalign.train`: what ``scripts/train_sentalign.py`` needs besides the decoder;
- here: :func:`align_sentences` and the stage :func:`align_sentences_article` (sentences split by
  :mod:`nlp_toolkit.split`). Aligning two files is a command (:func:`nlp_toolkit.commands.align_sentence_files`).
"""

from __future__ import annotations

import contextlib
import time
from typing import Optional, Sequence

from ..document import Article, SentencePair
from ..encoders import get_encoder
from ..encoders.spans import SpanEmbedder
from ..encoders.usem3 import fast_usem3
from ..langid import detect_lang
from ..settings import DEFAULT, Settings
from ..split import split_en, split_zh
from ..threads import blas_threads
from ..limits import check_deadline
from .decode import SentenceBead, decode
from .pieces import cut_points
from .features import trained_source, weights_for
from .scorer import Scorer

__all__ = ["SentenceBead", "align_sentences", "align_sentences_article", "default_encoder"]

#: paragraph pairs whose span embeddings go through the encoder's head together (align_sentences_article)
_HEAD_RUN = 32


def align_sentences(src: Sequence[str], tgt: Sequence[str], settings: Settings = DEFAULT, encoder=None,
                    src_lang: Optional[str] = None, tgt_lang: Optional[str] = None,
                    weights: Optional[dict] = None) -> list[SentenceBead]:
    """Align two sentence sequences; returns beads in order, covering every sentence once.

    ``encoder``: an encoder with ``encode(texts)`` (default: :func:`default_encoder`); pass ``False`` to align
    without embeddings. ``weights``: feature weights (default: ``features.weights_for(settings)``).
    A bead's ``score`` is the cosine of its two spans when embeddings are used (else its learned score); 0.0
    for a sentence left unaligned. The alignment is the same whichever side is the source: when the target is in
    the language the weights were learned with as the source (``features.trained_source``), the two swap roles.
    """
    src, tgt = list(src), list(tgt)
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [SentenceBead([i], [], 0.0) for i in range(n)] + [SentenceBead([], [j], 0.0) for j in range(m)]
    if encoder is None:
        encoder = default_encoder(settings)
    elif encoder is False:
        encoder = None
    src_lang = src_lang or detect_lang(src)
    tgt_lang = tgt_lang or detect_lang(tgt)
    if tgt_lang == trained_source(settings) != src_lang:
        # the weights were learned with this target language as the source: align the other way round, so that
        # the alignment does not depend on the order of the two files
        beads = align_sentences(tgt, src, settings, encoder, tgt_lang, src_lang, weights)
        return [SentenceBead(b.tgt, b.src, b.score) for b in beads]
    w = weights if weights is not None else weights_for(settings)
    if n * m > settings.sent_piece_cells:
        # a long document: aligned piece by piece between anchor points of a banded first pass (pieces.py)
        with blas_threads(settings.sent_blas_threads):
            cuts = cut_points(src, tgt, settings, encoder, src_lang, tgt_lang)
        beads: list[SentenceBead] = []
        for (i0, j0), (i1, j1) in zip(cuts, cuts[1:]):
            check_deadline()
            sub = _align_piece(src[i0:i1], tgt[j0:j1], settings, encoder, src_lang, tgt_lang, w)
            beads.extend(SentenceBead([i + i0 for i in b.src], [j + j0 for j in b.tgt], b.score) for b in sub)
        return beads
    return _align_piece(src, tgt, settings, encoder, src_lang, tgt_lang, w)


def _align_piece(src, tgt, settings, encoder, src_lang, tgt_lang, w) -> list[SentenceBead]:
    """The full aligner over one document or one piece of a long one."""
    if not src or not tgt:
        return [SentenceBead([i], [], 0.0) for i in range(len(src))] + \
            [SentenceBead([], [j], 0.0) for j in range(len(tgt))]
    # BLAS threads: Settings.sent_blas_threads, 0 = the cores free right now (threads.py: BLAS threads that wait
    # for a busy core make the alignment several times slower)
    with blas_threads(settings.sent_blas_threads):
        sc = Scorer(src, tgt, settings, encoder, src_lang, tgt_lang)
        return decode(sc, w, band=settings.sent_band)


def default_encoder(settings: Settings):
    """The encoder ``settings`` name, None without the ``embed`` signal."""
    if "embed" not in settings.sent_signals:
        return None
    if settings.encoder == "usem3":
        return fast_usem3()
    return get_encoder(settings.encoder, settings.pooling)


# -- the pipeline stage ----------------------------------------------------------------------------------------------
def align_sentences_article(article: Article, settings: Settings = DEFAULT) -> None:
    """Fill ``pair.sentences`` of every aligned paragraph pair: split both sides, then align the sentences.

    A pair with one side empty gets one unaligned ``SentencePair`` per sentence of the other side.
    """
    pairs = article.pairs
    en_split = split_en([p.en for p in pairs], settings) if pairs else []
    zh_split = [split_zh(p.zh) for p in pairs]
    encoder = default_encoder(settings)
    spans = SpanEmbedder(encoder) if encoder is not None else None
    edges = "edges" in settings.sent_signals
    # the BLAS threads are decided for the pairs of a second at a time (each pair's own blas_threads keeps
    # them): setting them per pair cost more than aligning a short pair, and once per article would miss a
    # process that starts on the other core meanwhile
    with contextlib.ExitStack() as threads:
        decided = None
        for at, (pair, en, zh) in enumerate(zip(pairs, en_split, zh_split)):
            check_deadline()
            if decided is None or time.monotonic() - decided > 1.0:
                threads.close()
                threads.enter_context(blas_threads(settings.sent_blas_threads))
                decided = time.monotonic()
            if spans is not None and at % _HEAD_RUN == 0:
                # the span embeddings of the next run of pairs through one head call (SpanEmbedder.precompute);
                # the runs are fixed by the article, so its results depend on it alone
                spans.forget()
                run = [(e, z) for e, z in zip(en_split[at:at + _HEAD_RUN], zh_split[at:at + _HEAD_RUN])
                       if e and z and len(e) * len(z) <= settings.sent_piece_cells]
                spans.precompute([x for e_z in run for x in e_z], settings.sent_max_side, edges)
            beads = align_sentences(en, zh, settings, encoder, src_lang="en", tgt_lang="zh")
            pair.sentences = [
                SentencePair(en_ids=list(b.src), zh_ids=list(b.tgt), en=" ".join(en[i] for i in b.src),
                             zh="".join(zh[j] for j in b.tgt), score=b.score)
                for b in beads
            ]
    if spans is not None:
        spans.forget()

