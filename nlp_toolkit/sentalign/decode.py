"""The sentence aligner's decoder: the best monotone bead sequence under the scorer's bead scores.

:func:`best_path` is the dynamic programme over span ends (every bead shape at once, row by row);
:func:`band_scores` scores the larger beads only near a first 1-1 path (Bertalign's two passes); :func:`decode`
puts them together and gives each bead its score. :class:`SentenceBead` is the result (the paragraph aligner has
its own :class:`~nlp_toolkit.paralign.ParagraphBead`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..settings import Settings
from .features import bead_types, shape_name
from .scorer import Scorer


@dataclass
class SentenceBead:
    """Source sentences aligned with target sentences (indices; either list may be empty) and the bead's score.
    ``str()`` is the line format of alignment files, ``[0,1]:[2]``; :meth:`parse` reads it back."""

    src: list[int]
    tgt: list[int]
    score: float

    def __str__(self) -> str:
        return f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]"

    @classmethod
    def parse(cls, line: str) -> "SentenceBead":
        """A bead from its line, ``[src ids]:[tgt ids]`` (score 0.0).

        >>> SentenceBead.parse("[2,3]:[4]"), str(SentenceBead.parse("[]:[0]"))
        (SentenceBead(src=[2, 3], tgt=[4], score=0.0), '[]:[0]')
        """
        left, right = line.split(":", 1)
        ids = lambda s: [int(x) for x in s.strip().strip("[]").split(",") if x.strip()]  # noqa: E731
        return cls(ids(left), ids(right), 0.0)


def decode(sc: Scorer, weights: dict[str, float], extra: Optional[dict] = None,
           band: int = 0) -> list[SentenceBead]:
    """The best monotone bead sequence under ``weights`` (a dynamic programme over span ends); ``extra`` maps
    bead shapes to matrices added to their scores (training adds a loss term); ``band`` > 0 scores the
    larger beads only within that many sentences of a first pass (:func:`band_scores`)."""
    if band and not extra:
        scores = band_scores(sc, weights, band)
    else:
        scores = sc.scores(weights)
        for t, M in (extra or {}).items():
            if t in scores:
                scores[t] = scores[t] + M
    beads = best_path(sc.n, sc.m, scores, weights, sc.settings)
    use_cos = sc.has_embeddings
    for bd in beads:
        if not bd.src or not bd.tgt:
            continue
        a, b, i, j = len(bd.src), len(bd.tgt), bd.src[-1] + 1, bd.tgt[-1] + 1
        bd.score = sc.cosine(a, b, i, j) if use_cos else float(scores[(a, b)][i, j])
    return beads


def best_path(n: int, m: int, scores: dict, weights: dict[str, float],
              settings: Settings) -> list[SentenceBead]:
    """The dynamic programme: the highest-scoring monotone path through the beads in ``scores`` (shapes missing
    there are not used) and 1-0 / 0-1 beads; bead scores left at 0. Row by row, every bead shape at once: the
    candidates ``D[i - a, j - b] + score[a, b][i, j]`` of all shapes are one gathered array, and the first best
    shape wins a tie."""
    NEG = -1e18
    types = [t for t in bead_types(settings) if t[0] >= 1 and (t[1] == 0 or t in scores)]
    ins_score = weights.get(shape_name(0, 1), 0.0)
    T = len(types)
    A = np.array([a for a, _ in types])
    B = np.array([b for _, b in types])
    S = np.empty((T, n + 1, m + 1), dtype=np.float64)
    for code, (a, b) in enumerate(types):
        S[code] = weights.get(shape_name(1, 0), 0.0) if b == 0 else scores[(a, b)]
    pad = int(B.max())
    # D with `pad` columns of NEG in front, so that column j - b is j - b + pad, never negative
    D = np.full((n + 1, m + 1 + pad), NEG, dtype=np.float64)
    back = np.full((n + 1, m + 1), -1, dtype=np.int16)
    ins_code = T
    C = np.arange(m + 1, dtype=np.float64) * ins_score
    cols = np.arange(m + 1)[None, :] - B[:, None] + pad  # (T, m + 1)
    for i in range(n + 1):
        if i == 0:
            row = np.full(m + 1, NEG)
            row[0] = 0.0
            brow = np.full(m + 1, -1, dtype=np.int16)
        else:
            ok = A <= i
            cand = D[np.maximum(i - A[ok], 0)[:, None], cols[ok]] + S[ok, i]
            code = cand.argmax(axis=0)
            row = cand[code, np.arange(m + 1)]
            brow = np.flatnonzero(ok)[code].astype(np.int16)
            brow[row <= NEG / 2] = -1
            row = np.maximum(row, NEG)
        # 0-1 beads: row[j] = max over k <= j of row[k] + (j - k) * ins_score
        best = np.maximum.accumulate(row - C) + C
        via_ins = best > row + 1e-9
        row[via_ins] = best[via_ins]
        brow[via_ins] = ins_code
        D[i, pad:] = row
        back[i] = brow
    beads: list[SentenceBead] = []
    i, j = n, m
    while i > 0 or j > 0:
        code = int(back[i, j])
        if code == ins_code:
            beads.append(SentenceBead([], [j - 1], 0.0))
            j -= 1
            continue
        a, b = types[code]
        beads.append(SentenceBead(list(range(i - a, i)), list(range(j - b, j)), 0.0))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def band_scores(sc: Scorer, weights: dict[str, float], width: int, block: int = 64) -> dict:
    """Bead scores near the best path only (Bertalign's two passes): a first pass decodes with 1-1, 1-0 and
    0-1 beads over the whole document; every other shape is scored in windows of ``block`` rows covering
    ``width`` sentences either side of that path, -inf elsewhere. The same alignment as :meth:`Scorer.scores`
    whenever the best path stays within the band (every MAC-Test and MAC-Dev document down to a width of 4),
    in ~70% of the time (a window's many small operations cost more per cell than the whole matrix's)."""
    n, m, k = sc.n, sc.m, sc.k
    types = [t for t in bead_types(sc.settings) if 1 <= t[0] <= n and 1 <= t[1] <= m]
    if n + 1 <= block:
        # one block of rows: its window reaches from the first path's first column (0) to its last (m) and
        # beyond, so the band is the whole grid and the window the whole scorer: every score as scores() gives
        # it, without the first pass (most paragraph pairs)
        return sc.scores(weights, types)
    first = [(1, 1)]
    out = sc.scores(weights, first)
    rest = [t for t in types if t not in out]
    if not rest:
        return out
    # the columns the first path visits at each span end row (the lowest and highest)
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    i = j = 0
    lo[0] = 0
    for bd in best_path(n, m, out, weights, sc.settings):
        i2, j2 = i + len(bd.src), j + len(bd.tgt)
        for r in range(i, i2 + 1):
            lo[r] = min(lo[r], j)
            hi[r] = max(hi[r], j2)
        i, j = i2, j2
    for t in rest:
        out[t] = np.full((n + 1, m + 1), -np.inf)
    for r0 in range(0, n + 1, block):
        r1 = min(r0 + block, n + 1)
        near = slice(max(r0 - width, 0), min(r1 + width, n + 1))
        c0, c1 = max(int(lo[near].min()) - width, 0), min(int(hi[near].max()) + width + 1, m + 1)
        # the window with margins (see Scorer.window), then the block's cells copied out of it
        w0, x0 = max(r0 - k - 1, 0), max(c0 - k - 1, 0)
        v = sc.window(w0, min(r1 + 1, n + 1), x0, min(c1 + 1, m + 1))
        for t, S in v.scores(weights, rest).items():
            out[t][r0:r1, c0:c1] = S[r0 - w0:r1 - w0, c0 - x0:c1 - x0]
    return out
