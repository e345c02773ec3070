"""Long documents for the sentence aligner: cut into pieces at anchor points of a cheap first pass, so that the
aligner's dense (n + 1) x (m + 1) feature matrices never cover more than one piece.

The scorer (:mod:`nlp_toolkit.sentalign.scorer`) computes every feature for every pair of span ends, which is
right for a document of a few hundred sentences a side (all of MAC: at most 345 x 380) and quadratic beyond. Above
``Settings.sent_piece_cells`` (source x target sentences) :func:`cut_points` runs a first pass in the manner of
Bertalign: a DP of 1-1, 1-0 and 0-1 beads scored by the cosine of the two sentences' embeddings (or, without
embeddings, by their length ratio alone), only within ``sent_piece_band`` sentences of the diagonal scaled to
the two lengths (:func:`nlp_toolkit.paralign.band_limits`: about ``(2 * band + 1) * n + m`` cells). Along that
path, about every ``sent_piece_size`` steps, the best-scoring 1-1 bead near the step ends a piece; the full
aligner then runs on each piece. Time and memory are linear in the document's length.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..encoders.spans import SpanEmbedder
from ..limits import check_deadline
from ..paralign import band_limits
from ..settings import Settings

NEG = -1e18


def _first_pass(sim_row, n: int, m: int, lo: np.ndarray, hi: np.ndarray, skip: float):
    """The best path of 1-1 (score ``sim_row(i, j0, j1)``: sentence i against j0..j1 - 1), 1-0 and 0-1 (score
    ``skip``) beads within the band; returns its states (i, j) after each bead and each bead's 1-1 score (None
    for a skip)."""
    rows, backs = [], []
    for i in range(n + 1):
        check_deadline()
        l, h = int(lo[i]), int(hi[i])
        width = h - l + 1
        cand = np.full(width, NEG)
        back = np.full(width, -1, dtype=np.int8)
        if i == 0:
            cand[0] = 0.0 if l == 0 else NEG
        else:
            pl, prow = int(lo[i - 1]), rows[i - 1]
            js = np.arange(l, h + 1)
            # 1-0: from (i - 1, j)
            k = js - pl
            ok = (k >= 0) & (k < len(prow))
            up = np.where(ok, prow[np.clip(k, 0, len(prow) - 1)], NEG) + skip
            # 1-1: from (i - 1, j - 1), sentence i - 1 against j - 1
            k1 = k - 1
            ok1 = (k1 >= 0) & (k1 < len(prow)) & (js >= 1)
            diag = np.full(width, NEG)
            if ok1.any():
                j_lo, j_hi = int(js[ok1][0]), int(js[ok1][-1]) + 1
                s = sim_row(i - 1, j_lo - 1, j_hi - 1)
                diag[ok1] = prow[k1[ok1]] + s
            cand = np.maximum(up, diag)
            back = np.where(diag >= up, 0, 1).astype(np.int8)
            back[cand <= NEG / 2] = -1
        # 0-1 within the row: cand[j] = max over j' <= j of cand[j'] + (j - j') * skip
        C = np.arange(width) * skip
        best = np.maximum.accumulate(cand - C) + C
        via = best > cand + 1e-12
        cand = np.where(via, best, cand)
        back[via] = 2
        rows.append(cand)
        backs.append(back)
    states, scores = [], []
    i, j = n, m
    while i or j:
        b = int(backs[i][j - int(lo[i])])
        states.append((i, j))
        if b == 0:
            scores.append(float(rows[i][j - int(lo[i])] - rows[i - 1][j - 1 - int(lo[i - 1])]))
            i, j = i - 1, j - 1
        elif b == 1:
            scores.append(None)
            i -= 1
        else:
            scores.append(None)
            j -= 1
    return states[::-1], scores[::-1]


def cut_points(src: Sequence[str], tgt: Sequence[str], settings: Settings, encoder,
               src_lang: str, tgt_lang: str) -> list[tuple[int, int]]:
    """Piece boundaries ``[(0, 0), (i1, j1), ..., (n, m)]``: each (i, j) ends a piece after src sentence i - 1
    and tgt sentence j - 1."""
    n, m = len(src), len(tgt)
    ls = np.array([len(s) for s in src], dtype=float)
    lt = np.array([len(t) for t in tgt], dtype=float)
    ratio = (lt.sum() + 1) / (ls.sum() + 1)
    Es = Et = None
    if encoder is not None and "embed" in settings.sent_signals:
        se = SpanEmbedder(encoder)
        se.prepare(src, tgt)
        Es = se.spans(src, 1, "" if src_lang == "zh" else " ")[1][1:]
        Et = se.spans(tgt, 1, "" if tgt_lang == "zh" else " ")[1][1:]

    def sim_row(i: int, j0: int, j1: int) -> np.ndarray:
        length = np.abs(np.log((lt[j0:j1] + 10) / (ratio * (ls[i] + 10))))
        cos = Et[j0:j1] @ Es[i] if Es is not None else 0.5
        return cos - 0.5 * np.minimum(length, 2.0)

    lo, hi = band_limits(n, m, settings.sent_piece_band)
    states, scores = _first_pass(sim_row, n, m, lo, hi, skip=0.15)
    size = settings.sent_piece_size
    cuts = [(0, 0)]
    step = size
    while step < len(states) - size // 2:
        window = range(max(step - size // 4, 0), min(step + size // 4, len(states) - 1))
        good = [t for t in window if scores[t] is not None]
        t = max(good, key=lambda t: (scores[t], -abs(t - step))) if good else step
        if states[t] != cuts[-1]:
            cuts.append(states[t])
        step = t + size
    cuts.append((n, m))
    return cuts
