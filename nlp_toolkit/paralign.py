"""Paragraph alignment (the pipeline's ``align`` stage): a dynamic program over the English and the Chinese
paragraph sequences. Sentences inside each aligned pair are aligned afterwards by :mod:`nlp_toolkit.sentalign`.

Beads are 1-1, 2-1, 1-2 (a paragraph merged or split in translation), 1-0 and 0-1 (a paragraph with no
counterpart). A bead's score adds three signals (weights in :class:`~nlp_toolkit.settings.Settings`):

* ``similarity``: cosine of the USE-m3 embeddings of the bead's English and Chinese text (a merged side is
  embedded as one text), made relative by subtracting half the mean similarity of each side to the other
  side's neighbourhood, so that a paragraph that resembles everything (a short heading) gains nothing;
* ``anchor``: overlap of numbers and Latin-script tokens (names, brands) found in the Chinese text and in the
  English text;
* ``length``: how far the bead's Chinese/English character ratio strays from the document's ratio.

A skipped paragraph scores ``skip_score``; a 2-1 or 1-2 bead pays ``merge_penalty``. The DP maximizes the
total, so one missing translation or two merged paragraphs cost only locally and the rest still aligns. The
same aligner serves interleaved and two-file input: it sees only the two sequences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .document import AlignedPair, Article, Notice, Section
from .script import TERMINAL_MARKS, to_simplified
from .settings import DEFAULT, Settings
from .encoders.spans import SpanEmbedder
from .limits import check_deadline
from .split import split_en, split_zh
from .threads import blas_threads

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-'’][A-Za-z0-9]+)*")
BEADS = ((1, 1), (2, 1), (1, 2), (1, 0), (0, 1))


@dataclass
class ParagraphBead:
    """English paragraphs aligned with Chinese paragraphs (either list may be empty), the bead's score and its
    parts."""

    en_ids: list[int]
    zh_ids: list[int]
    score: float
    parts: dict[str, float]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


_POSSESSIVE = re.compile(r"['’]s$")


def _latin(text: str) -> set[str]:
    """Latin-script tokens, lower-cased, possessives dropped ("TikTok’s" -> "tiktok")."""
    return {_POSSESSIVE.sub("", w.lower()) for w in LATIN.findall(text) if len(w) > 1}


def _overlap(en_anchors, zh_anchors) -> float:
    (num_en, lat_en), (num_zh, lat_zh) = en_anchors, zh_anchors
    total = len(num_en | num_zh) + len(lat_zh)
    if not total:
        return 0.0
    return (len(num_en & num_zh) + len(lat_zh & lat_en)) / (total + 1)


def anchor_matrix(en_anchors: list, zh_anchors: list) -> np.ndarray:
    """:func:`_overlap` of every English anchor set with every Chinese one, as a ``(len(en), len(zh))`` matrix:
    the set sizes and intersections come from 0/1 indicator products (exact integer counts), so each cell is
    the same float as the one-pair function gives (both divide the same two small integers).

    >>> a = [(_numbers(t), _latin(t)) for t in ("TikTok has 150 million users, up 20%.", "No anchors.")]
    >>> z = [(_numbers(t), _latin(t)) for t in ("TikTok拥有1.5亿用户，增长20%。", "这里没有。")]
    >>> anchor_matrix(a, z).tolist()
    [[0.4, 0.0], [0.0, 0.0]]
    """
    out = np.zeros((len(en_anchors), len(zh_anchors)))
    if not len(en_anchors) or not len(zh_anchors):
        return out

    def indicators(sets_a, sets_b):
        vocab: dict = {}
        for st in sets_a:
            for x in st:
                vocab.setdefault(x, len(vocab))
        for st in sets_b:
            for x in st:
                vocab.setdefault(x, len(vocab))
        mats = []
        for sets in (sets_a, sets_b):
            M = np.zeros((len(sets), max(len(vocab), 1)))
            for r, st in enumerate(sets):
                M[r, [vocab[x] for x in st]] = 1.0
            mats.append(M)
        return mats[0], mats[1], mats[0] @ mats[1].T

    NE, NZ, num_inter = indicators([a[0] for a in en_anchors], [a[0] for a in zh_anchors])
    _, LZ, lat_inter = indicators([a[1] for a in en_anchors], [a[1] for a in zh_anchors])
    total = NE.sum(axis=1)[:, None] + NZ.sum(axis=1)[None, :] - num_inter + LZ.sum(axis=1)[None, :]
    np.divide(num_inter + lat_inter, total + 1, out=out, where=total > 0)
    return out


def anchor_overlap(en: str, zh: str) -> float:
    """Share of the anchors (numbers in either text, Latin tokens of the Chinese text) that both texts hold,
    smoothed by one so that a single shared token is weaker evidence than several.

    >>> anchor_overlap("TikTok has 150 million users, up 20%.", "TikTok拥有1.5亿用户，增长20%。")
    0.4
    >>> anchor_overlap("No anchors here.", "这里没有。")
    0.0
    """
    return _overlap((_numbers(en), _latin(en)), (_numbers(zh), _latin(zh)))


#: a finished sentence ends with one of these (a label such as "Source:" counts too)
_TERMINAL = tuple(TERMINAL_MARKS + ":：")


def _heading_like(texts: list[str], first: int, count: int) -> bool:
    """Whether any of ``texts[first:first + count]`` looks like a heading: short, no closing punctuation."""
    return any(len(t) < 80 and not t.rstrip().endswith(_TERMINAL) for t in texts[first:first + count])


def band_limits(n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """For each DP row i (English paragraphs before the bead, 0..n): the first and last Chinese position
    (0..m) within ``width`` of the diagonal scaled to the two lengths (``i * m / n``). A row also reaches the
    next row's centre and the previous row's, so that every cell of the band is reachable however unequal the
    lengths: about ``(2 * width + 1) * n + m`` cells in all.

    >>> [x.tolist() for x in band_limits(4, 8, 1)]
    [[0, 0, 1, 3, 5], [3, 5, 7, 8, 8]]
    """
    c = (np.arange(n + 1) * m) // n
    prev = np.concatenate([c[:1], c[:-1]])
    nxt = np.concatenate([c[1:], c[-1:]])
    lo = np.maximum(np.minimum(c, prev) - width, 0)
    hi = np.minimum(np.maximum(c, nxt) + width, m)
    return lo.astype(np.int64), hi.astype(np.int64)


class Banded:
    """A matrix stored only within a band: row ``i`` holds columns ``lo[i] .. lo[i] + W - 1``; reading a cell
    outside gives ``fill``. Indexed like the dense matrix it stands for (``t[i, j]``)."""

    def __init__(self, data: np.ndarray, lo: np.ndarray, fill: float = float("nan")):
        self.data, self.lo, self.fill = data, lo, fill

    def __getitem__(self, ij):
        i, j = ij
        k = j - self.lo[i]
        if 0 <= k < self.data.shape[1] and not np.isnan(self.data[i, k]):
            return self.data[i, k]
        return self.fill


class ParagraphAligner:
    """Align two paragraph sequences; ``encoder`` is any :class:`nlp_toolkit.encoders.Encoder`."""

    def __init__(self, settings: Settings = DEFAULT, encoder=None):
        self.settings = settings
        self._encoder = encoder

    @property
    def encoder(self):
        if self._encoder is None:
            from .encoders import get_encoder

            self._encoder = get_encoder(self.settings.encoder, self.settings.pooling)
        return self._encoder

    def align(self, en: list[str], zh: list[str]) -> list[ParagraphBead]:
        n, m = len(en), len(zh)
        if n == 0 or m == 0:
            return ([ParagraphBead([i], [], 0.0, {}) for i in range(n)]
                    + [ParagraphBead([], [j], 0.0, {}) for j in range(m)])
        width = self.band_width(n, m)
        if width:
            lo, hi = band_limits(n, m, width)
            tables = self._banded_tables(en, zh, lo, hi)
            path = self._dp_banded(n, m, tables, lo, hi)
        else:
            tables = self._score_tables(en, zh)
            path = self._dp(n, m, tables)
        beads = []
        for i, j, di, dj in path:
            if di and dj:
                parts = {name: float(t[i, j]) for name, t in tables[(di, dj)].items()}
                beads.append(ParagraphBead(list(range(i, i + di)), list(range(j, j + dj)), parts.pop("score"),
                                           parts))
            else:
                beads.append(ParagraphBead(list(range(i, i + di)), list(range(j, j + dj)), 0.0, {}))
        return beads

    def band_width(self, n: int, m: int) -> int:
        """How far from the diagonal (scaled to the two lengths) beads are scored and the DP goes: ``band`` when
        set, else none up to ``band_auto_cells`` cells (every normal article: the whole grid), and
        ``band_auto_width`` above, so that the cost stays linear in the article's length."""
        s = self.settings
        if s.band:
            return s.band
        return 0 if n * m <= s.band_auto_cells else s.band_auto_width

    def _span_embeddings(self, en, zh):
        """Embeddings of the paragraphs and of the pairs of adjacent paragraphs of each side (``E``, ``E2``,
        ``Z``, ``Z2``), both sides pooled in one encoder pass; Chinese compared in its Simplified form."""
        span = SpanEmbedder(self.encoder)
        zh_simplified = [to_simplified(t) for t in zh]
        if self.settings.para_pool == "sentences" and span.pooler is not None:
            # pooled from the sentences the sentence aligner will align (cached for it: one encoder pass)
            en_sents, zh_sents = split_en(en, self.settings), [split_zh(t) for t in zh_simplified]
            span.prepare([x for ss in en_sents for x in ss], [x for ss in zh_sents for x in ss])
            en_spans = span.grouped_spans(en, en_sents, 2, " ")
            zh_spans = span.grouped_spans(zh_simplified, zh_sents, 2, "")
            return en_spans[1][1:], en_spans[2][2:], zh_spans[1][1:], zh_spans[2][2:]
        span.prepare(en, zh_simplified)
        en_spans = span.spans(en, 2, " ")
        zh_spans = span.spans(zh_simplified, 2, "")
        return en_spans[1][1:], en_spans[2][2:], zh_spans[1][1:], zh_spans[2][2:]

    def _score_tables(self, en: list[str], zh: list[str]) -> dict:
        """For each bead shape (1-1, 2-1, 1-2): matrices of its score and of each signal, indexed by the
        bead's first English and first Chinese paragraph."""
        s = self.settings
        n, m = len(en), len(zh)
        en2 = [en[i] + " " + en[i + 1] for i in range(n - 1)]
        zh2 = [zh[j] + zh[j + 1] for j in range(m - 1)]
        # paragraphs and pairs of adjacent paragraphs (for 2-1 and 1-2 beads); Traditional Chinese is compared
        # in Simplified form, which the encoder knows far better
        # (with USE-m3, a pair's embedding comes from its paragraphs' pooled token features: encoders/spans.py)
        E, E2, Z, Z2 = self._span_embeddings(en, zh)
        sim = E @ Z.T
        # neighbourhood normalization (vecalign-style margin): what a paragraph scores against anything
        k = min(4, n, m)
        row = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
        col = np.sort(sim, axis=0)[-k:, :].mean(axis=0)
        ratio = sum(map(len, zh)) / max(1, sum(map(len, en)))
        en_texts = {1: en, 2: en2}
        zh_texts = {1: zh, 2: zh2}
        en_anchor = {d: [(_numbers(t), _latin(t)) for t in ts] for d, ts in en_texts.items()}
        zh_anchor = {d: [(_numbers(t), _latin(t)) for t in ts] for d, ts in zh_texts.items()}
        tables = {}
        for di, dj, S in ((1, 1, sim), (2, 1, E2 @ Z.T if n > 1 else None), (1, 2, E @ Z2.T if m > 1 else None)):
            if S is None:
                continue
            r = row if di == 1 else (row[:-1] + row[1:]) / 2
            c = col if dj == 1 else (col[:-1] + col[1:]) / 2
            margin = S - 0.5 * (r[:, None] + c[None, :])
            anchor = anchor_matrix(en_anchor[di], zh_anchor[dj])
            el = np.array([len(t) for t in en_texts[di]], dtype=float)
            zl = np.array([len(t) for t in zh_texts[dj]], dtype=float)
            length = np.minimum(2.0, np.abs(np.log((zl[None, :] + 10) / (ratio * (el[:, None] + 10)))))
            score = s.w_similarity * (S + margin) / 2 + s.w_anchor * anchor - s.w_length * length
            if di + dj == 3:
                # a heading is never merged with body text in translation
                heads = np.array([_heading_like(en, i, di) for i in range(len(en_texts[di]))])[:, None] | \
                    np.array([_heading_like(zh, j, dj) for j in range(len(zh_texts[dj]))])[None, :]
                score = score - s.merge_penalty - s.heading_merge_penalty * heads
            tables[(di, dj)] = {"score": score, "similarity": S, "margin": margin, "anchor": anchor,
                                "length": length}
        return tables

    def _dp(self, n: int, m: int, tables: dict) -> list[tuple[int, int, int, int]]:
        """Best path as (first en, first zh, en count, zh count) beads: :func:`best_path` over the whole grid."""
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
        scores = {}
        for key, t in tables.items():
            data = np.full((t["score"].shape[0], m + 1), np.nan)
            data[:, :t["score"].shape[1]] = t["score"]
            scores[key] = data
        return best_path(n, m, scores, lo, hi, self.settings.skip_score)

    def _banded_tables(self, en: list[str], zh: list[str], lo: np.ndarray, hi: np.ndarray,
                       block: int = 128) -> dict:
        """The tables of :meth:`_score_tables`, computed only within the band ``lo``/``hi`` (see
        :func:`band_limits`) and stored as :class:`Banded` matrices: time and memory linear in the article.
        The neighbourhood normalization takes its top scores within the band (the full grid's rows and
        columns would cost n x m); the signals are those of the dense tables."""
        s = self.settings
        n, m = len(en), len(zh)
        E, E2, Z, Z2 = self._span_embeddings(en, zh)
        W = int((hi - lo).max()) + 1
        k = min(4, n, m)
        blocks = [(r0, min(r0 + block, n)) for r0 in range(0, n, block)]

        def window(r0, r1, rows, cols):
            """Column range of DP rows r0..r1 - 1 (clipped to ``cols``) and the in-band mask over it."""
            c0, c1 = int(lo[r0]), min(int(hi[r1 - 1]) + 1, cols)
            j = np.arange(c0, c1)[None, :]
            mask = (j >= lo[r0:r1, None]) & (j <= hi[r0:r1, None])
            return c0, c1, mask[:min(r1, rows) - r0]

        # the neighbourhood normalization within the band: top-k mean of each row and each column
        row = np.zeros(n)
        col_top = np.full((k, m), -np.inf)
        for r0, r1 in blocks:
            check_deadline()
            c0, c1, mask = window(r0, r1, n, m)
            S = np.where(mask, E[r0:r1] @ Z[c0:c1].T, -np.inf)
            top = np.sort(S, axis=1)[:, -k:]
            row[r0:r1] = np.where(np.isfinite(top), top, 0).sum(axis=1) / np.maximum(np.isfinite(top).sum(axis=1), 1)
            col_top[:, c0:c1] = np.sort(np.vstack([col_top[:, c0:c1], S]), axis=0)[-k:]
        fin = np.isfinite(col_top)
        col = np.where(fin, col_top, 0).sum(axis=0) / np.maximum(fin.sum(axis=0), 1)
        ratio = sum(map(len, zh)) / max(1, sum(map(len, en)))
        en_texts = {1: en, 2: [en[i] + " " + en[i + 1] for i in range(n - 1)]}
        zh_texts = {1: zh, 2: [zh[j] + zh[j + 1] for j in range(m - 1)]}
        en_anchor = {d: [(_numbers(t), _latin(t)) for t in ts] for d, ts in en_texts.items()}
        zh_anchor = {d: [(_numbers(t), _latin(t)) for t in ts] for d, ts in zh_texts.items()}
        en_heads = {d: np.array([_heading_like(en, i, d) for i in range(len(ts))]) for d, ts in en_texts.items()}
        zh_heads = {d: np.array([_heading_like(zh, j, d) for j in range(len(ts))]) for d, ts in zh_texts.items()}
        en_len = {d: np.array([len(t) for t in ts], dtype=float) for d, ts in en_texts.items()}
        zh_len = {d: np.array([len(t) for t in ts], dtype=float) for d, ts in zh_texts.items()}
        tables = {}
        for di, dj, Ea, Zb in ((1, 1, E, Z), (2, 1, E2, Z), (1, 2, E, Z2)):
            rows, cols = n - di + 1, m - dj + 1
            if rows < 1 or cols < 1:
                continue
            r_all = row if di == 1 else (row[:-1] + row[1:]) / 2
            c_all = col if dj == 1 else (col[:-1] + col[1:]) / 2
            out = {name: np.full((rows, W), np.nan) for name in ("score", "similarity", "margin", "anchor", "length")}
            for r0, r1 in blocks:
                if r0 >= rows:
                    break
                check_deadline()
                c0, c1, mask = window(r0, r1, rows, cols)
                r1 = min(r1, rows)
                S = Ea[r0:r1] @ Zb[c0:c1].T
                margin = S - 0.5 * (r_all[r0:r1, None] + c_all[None, c0:c1])
                # every cell of the block (those outside the band are not stored)
                anchor = anchor_matrix(en_anchor[di][r0:r1], zh_anchor[dj][c0:c1])
                el, zl = en_len[di][r0:r1], zh_len[dj][c0:c1]
                length = np.minimum(2.0, np.abs(np.log((zl[None, :] + 10) / (ratio * (el[:, None] + 10)))))
                score = s.w_similarity * (S + margin) / 2 + s.w_anchor * anchor - s.w_length * length
                if di + dj == 3:
                    heads = en_heads[di][r0:r1, None] | zh_heads[dj][None, c0:c1]
                    score = score - s.merge_penalty - s.heading_merge_penalty * heads
                # into band storage: DP row i keeps columns lo[i] .. hi[i] at offsets 0 ..
                rr, cc = np.nonzero(mask)
                off = cc + c0 - lo[r0 + rr]
                for name, M in (("score", score), ("similarity", S), ("margin", margin), ("anchor", anchor),
                                ("length", length)):
                    out[name][r0 + rr, off] = M[rr, cc]
            tables[(di, dj)] = {name: Banded(v, lo[:rows]) for name, v in out.items()}
        return tables

    def _dp_banded(self, n: int, m: int, tables: dict, lo: np.ndarray, hi: np.ndarray) -> list:
        """:meth:`_dp` within the band: DP row i holds columns ``lo[i] .. hi[i]`` only."""
        scores = {key: t["score"].data for key, t in tables.items()}
        return best_path(n, m, scores, lo, hi, self.settings.skip_score)


def best_path(n: int, m: int, scores: dict, lo: np.ndarray, hi: np.ndarray,
              skip_score: float) -> list[tuple[int, int, int, int]]:
    """The paragraph DP: the best monotone path from (0, 0) to (n, m) as (first en, first zh, en count, zh count)
    beads. Row ``i`` holds columns ``lo[i] .. hi[i]`` at offsets ``0 ..``; ``scores[(di, dj)][i, k]`` is the
    score of the bead starting at row ``i`` and column ``lo[i] + k`` (NaN: none; a shape missing: unused).

    Each cell takes, of the beads in :data:`BEADS` order, the first that gives the highest total (a later
    bead must beat it strictly). The four beads that come from earlier rows are weighed for a whole row at
    once, in that order, and the 0-1 bead, which comes from the cell to the left, after them cell by cell:
    the same additions and comparisons as one cell at a time, so the same path and the same doubles.

    >>> lo, hi = np.zeros(2, dtype=np.int64), np.ones(2, dtype=np.int64)
    >>> best_path(1, 1, {(1, 1): np.array([[0.5, np.nan]])}, lo, hi, 0.1)
    [(0, 0, 1, 1)]
    >>> best_path(1, 1, {(1, 1): np.array([[0.1, np.nan]])}, lo, hi, 0.1)  # a tie: 1-0 comes before 0-1
    [(0, 0, 0, 1), (0, 1, 1, 0)]
    """
    NEG = -1e18
    W = int((hi - lo).max()) + 1
    best = np.full((n + 1, W), NEG)
    back = np.full((n + 1, W), -1, dtype=np.int8)
    best[0, 0] = 0.0
    rows_from = [(b, di, dj, scores.get((di, dj)) if di and dj else None)
                 for b, (di, dj) in enumerate(BEADS) if di]
    rows_from = [mv for mv in rows_from if not mv[2] or mv[3] is not None]
    ins = next(b for b, (di, dj) in enumerate(BEADS) if (di, dj) == (0, 1))
    for i in range(n + 1):
        check_deadline()
        li, width = int(lo[i]), int(hi[i] - lo[i]) + 1
        js = np.arange(li, li + width)
        cur = np.full(width, NEG)
        arg = np.full(width, -1, dtype=np.int64)
        for b, di, dj, table in rows_from:
            pi = i - di
            if pi < 0:
                continue
            pj = js - dj
            k = pj - lo[pi]
            ok = (pj >= 0) & (k >= 0) & (k < W) & (pj <= hi[pi])
            kk = np.where(ok, k, 0)
            prev = best[pi, kk]
            ok &= prev != NEG
            v = prev + (table[pi, kk] if table is not None else skip_score)
            win = ok & (v > cur)  # NaN never wins, as in a comparison one cell at a time
            cur = np.where(win, v, cur)
            arg = np.where(win, b, arg)
        # 0-1 beads: from the cell to the left, in order
        stored = np.where(arg >= 0, cur, best[i, :width]).tolist()
        cur_l, arg_l = cur.tolist(), arg.tolist()
        for t in range(1, width):
            prev = stored[t - 1]
            if prev != NEG:
                v = prev + skip_score
                if v > cur_l[t]:
                    cur_l[t], arg_l[t], stored[t] = v, ins, v
        best[i, :width] = stored
        back[i, :width] = arg_l
    path = []
    i, j = n, m
    while i or j:
        di, dj = BEADS[back[i, j - lo[i]]]
        i, j = i - di, j - dj
        path.append((i, j, di, dj))
    return path[::-1]


def align_article(article: Article, settings: Settings = DEFAULT, aligner: ParagraphAligner | None = None) -> None:
    """Stage: fill ``article.pairs`` with aligned paragraph units, in document order."""
    check_deadline()
    en = [p.text for p in article.en_paragraphs]
    zh = [p.text for p in article.zh_paragraphs]
    # BLAS threads only for the cores free now (threads.py): the block products are small, and a second
    # thread waiting for a busy core made this stage three times slower (10k paragraphs: 3.1 s one thread,
    # 10.6 s two, beside one busy process); the numbers are the same either way
    with blas_threads(0):
        beads = (aligner or ParagraphAligner(settings)).align(en, zh)
    article.pairs = []
    for k, b in enumerate(beads):
        pair = AlignedPair(index=k, en_ids=b.en_ids, zh_ids=b.zh_ids,
                           en=" ".join(en[i] for i in b.en_ids), zh="".join(zh[j] for j in b.zh_ids),
                           score=b.score, score_parts=b.parts)
        if not b.en_ids or not b.zh_ids:
            lang = "zh" if b.en_ids else "en"
            pair.warnings.append(Notice("unaligned", f"paragraph with no {lang} counterpart", lang=lang))
        article.pairs.append(pair)
    # one section spanning the article until the sections stage finds headings
    article.sections = [Section(index=0, first_pair=0, last_pair=len(article.pairs) - 1)] if article.pairs else []
