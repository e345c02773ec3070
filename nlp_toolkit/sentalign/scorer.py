"""The bead scorer of the sentence aligner: every feature (:mod:`nlp_toolkit.sentalign.features`) of every bead
shape for every pair of spans of one document, as dense matrices, and the beads' weighted scores.

Each feature is computed for all spans at once: span embeddings from one encoder pass
(:class:`~nlp_toolkit.encoders.spans.SpanEmbedder`), lexical and number signals as span-presence matrices over
the document's vocabulary, lengths and quotation marks as running sums. Training (``scripts/train_sentalign.py``)
and the decoder (:mod:`nlp_toolkit.sentalign.decode`) use it only through the interface :class:`Scorer`
documents.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..encoders.spans import SpanEmbedder
from ..settings import Settings
from .features import span_presence, span_sum, bead_types, shape_group, shape_name, side_features
from .lexicon import load_lexicon, zh_clause_glosses


class Scorer:
    """Every feature of every bead shape for every pair of spans: (n_src + 1) x (n_tgt + 1) matrices indexed by
    span ends (row i: the span ends before src sentence i; column j: before tgt sentence j).

    The interface the decoder and the training script use:

    - ``Scorer(src, tgt, settings, encoder, src_lang, tgt_lang)``: the side features and span embeddings of one
      document (``encoder`` None: no ``embed`` or ``edges`` features);
    - ``n``, ``m``: the sentence counts; ``settings``; ``k``: the largest side of a bead;
      ``has_embeddings``: whether the embedding features exist (else a bead's score is its learned score);
    - :meth:`features` ``(a, b)``: the named feature matrices of every a-b bead; set ``keep_features`` to keep
      them across calls (training decodes the same document many times);
    - :meth:`scores` ``(weights, shapes)``: every bead's weighted score; :meth:`cosine` ``(a, b, i, j)``: the
      embedding cosine of one bead;
    - :meth:`window`: the scorer restricted to a block of span ends (banded decoding,
      :func:`nlp_toolkit.sentalign.decode.band_scores`).
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str], settings: Settings, encoder, src_lang: str,
                 tgt_lang: str):
        st = settings
        self.settings = st
        self.k = k = st.sent_max_side
        self.n, self.m = len(src), len(tgt)
        self.count_ratio = math.log(self.m / self.n)  # of the whole document, also in a window (see window())
        sig = set(st.sent_signals)
        lex = load_lexicon(st.sent_gloss) if sig & {"gloss", "name", "number"} else None
        fs = side_features(src, src_lang, lex)
        ft = side_features(tgt, tgt_lang, lex)
        self.fs, self.ft = fs, ft
        self.Es = self.Et = None
        if "embed" in sig and encoder is not None:
            se = SpanEmbedder(encoder)
            se.prepare(src, tgt)
            self.Es = se.spans(src, k, "" if src_lang == "zh" else " ")
            self.Et = se.spans(tgt, k, "" if tgt_lang == "zh" else " ")
            self.ms = [None] + [self._neighbour_mean(self.Es[s], self.Et[1][1:], s) for s in range(1, k + 1)]
            self.mt = [None] + [self._neighbour_mean(self.Et[s], self.Es[1][1:], s) for s in range(1, k + 1)]
            self._cos = {}
            if "edges" in sig:
                Fs, Ls_ = se.edges(src)
                Ft, Lt_ = se.edges(tgt)
                self.P_ff, self.P_ll = Fs @ Ft.T, Ls_ @ Lt_.T
                self.P_fl, self.P_lf = Fs @ Lt_.T, Ls_ @ Ft.T
                n, m = self.n, self.m
                out = np.zeros((n + 1, m + 1), dtype=np.float32)
                out[1:, :m] += (Ls_ @ Ft.T)  # the end of our src span vs the start of the next tgt sentence
                out[:n, 1:] += (Fs @ Lt_.T)  # the start of the next src sentence vs the end of our tgt span
                self.edge_out = out
                self.out_next = np.zeros((n + 1, m + 1), dtype=np.float32)
                self.out_next[:n, :m] = self.Es[1][1:] @ self.Et[1][1:].T  # the next two sentences together
                self.edge_last = np.zeros((n + 1, m + 1), dtype=np.float32)
                self.edge_last[1:, 1:] = self.P_ll
        self.Ls = span_sum(fs.lengths, k)
        self.Lt = span_sum(ft.lengths, k)
        self.ratio = float(ft.lengths.sum() + 1) / float(fs.lengths.sum() + 1)
        self.Cs = span_sum(fs.clauses, k)
        self.Ct = span_sum(ft.clauses, k)
        for M in self.Cs[1:] + self.Ct[1:]:
            M[M == 0] = 1.0
        self.clause_ratio = float(ft.clauses.sum() + 1) / float(fs.clauses.sum() + 1)
        # lexical signals: the English (or, for two Chinese sides, the target) side is the query side
        if tgt_lang == "en" or src_lang != "en":
            qf, gf, self.q_is_tgt = ft, fs, True
        else:
            qf, gf, self.q_is_tgt = fs, ft, False
        self.lex_q, self.lex_g, self.lex_w = self._lexical(qf.words, gf.words, k)
        self._gloss_edges(qf, gf, src if gf is fs else tgt, lex)
        self.name_q, self.name_g, self.name_w = self._lexical(qf.names, gf.names, k)
        self.Ns, self.Nt, self.num_vocab = self._numbers(fs.numbers, ft.numbers, k)
        self.Ps = span_sum(fs.punct, k)
        self.Pt = span_sum(ft.punct, k)
        self._quote_boundaries(fs.quotes, ft.quotes, k)

    def _quote_boundaries(self, qs: np.ndarray, qt: np.ndarray, k: int) -> None:
        """Direct speech at bead ends, as (n + 1) x (m + 1) matrices indexed like the beads: [i, j] is the boundary
        before src sentence i and tgt sentence j. Both sides should be inside a quotation or both outside;
        both should end a quotation there, and both start one."""
        n, m = self.n, self.m
        zi, ei = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zi[1:], ei[1:] = qs[:, 4], qt[:, 4]
        self.q_inside = np.abs(zi[:, None] - ei[None, :])
        zo, eo = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zo[:n], eo[:m] = qs[:, 2], qt[:, 2]
        self.q_open = np.abs(zo[:, None] - eo[None, :])
        zc, ec = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zc[1:], ec[1:] = qs[:, 3], qt[:, 3]
        self.q_close = np.abs(zc[:, None] - ec[None, :])
        self.Qs = span_sum(qs[:, 0], k)
        self.Qt = span_sum(qt[:, 0], k)

    def _gloss_edges(self, qf, gf, gsents, lex) -> None:
        """Coverage of each query-side sentence by the glosses of the first and of the last clause of each
        glossed-side (Chinese) sentence: Cf, Cl as (n_src x n_tgt) matrices."""
        self.gCf = self.gCl = None
        if gf.lang != "zh" or lex is None:
            return
        first, last = zh_clause_glosses(gsents, lex)
        vocab = {}
        for st in qf.words:
            for x in st:
                vocab.setdefault(x, len(vocab))
        if not vocab:
            return
        w = self.lex_w
        Q = np.zeros((len(qf.words), len(vocab)), dtype=np.float32)
        for t, st in enumerate(qf.words):
            Q[t, [vocab[x] for x in st]] = 1.0
        Qw = Q * w[:len(vocab)]
        tot = np.maximum(Qw.sum(axis=1), 1e-6)

        def cover(sets):
            G = np.zeros((len(sets), len(vocab)), dtype=np.float32)
            for r, st in enumerate(sets):
                idx = [vocab[x] for x in st if x in vocab]
                G[r, idx] = 1.0
            C = (Qw @ G.T) / tot[:, None]  # (n_q, n_g)
            C[Q.sum(axis=1) == 0] = 0.5
            return C.T if self.q_is_tgt else C  # (n_src, n_tgt)

        self.gCf, self.gCl = cover(first), cover(last)

    def _neighbour_mean(self, E: np.ndarray, other: np.ndarray, s: int) -> np.ndarray:
        kk = self.settings.sent_margin_k
        out = np.zeros(len(E), dtype=np.float32)
        if len(other) == 0 or len(E) <= s:
            return out
        sims = E[s:] @ other.T
        kk = min(kk, sims.shape[1])
        top = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:]
        out[s:] = top.mean(axis=1)
        return out

    def _lexical(self, qsets: list, gsets: list, k: int):
        vocab: dict = {}
        df: dict = {}
        for st in qsets:
            for x in st:
                vocab.setdefault(x, len(vocab))
                df[x] = df.get(x, 0) + 1
        n = max(len(qsets), 1)
        w = np.zeros(max(len(vocab), 1), dtype=np.float32)
        for x, i in vocab.items():
            w[i] = math.log((n + 1) / (df[x] + 0.5))
        return span_presence(qsets, vocab, k), span_presence(gsets, vocab, k), w

    def _numbers(self, ssets: list, tsets: list, k: int):
        vocab: dict = {}
        for st in list(ssets) + list(tsets):
            for x in st:
                vocab.setdefault(x, len(vocab))
        return span_presence(ssets, vocab, k), span_presence(tsets, vocab, k), vocab

    def cos(self, a: int, b: int) -> np.ndarray:
        if (a, b) not in self._cos:
            self._cos[(a, b)] = self.Es[a] @ self.Et[b].T
        return self._cos[(a, b)]

    @property
    def has_embeddings(self) -> bool:
        return self.Es is not None

    def cosine(self, a: int, b: int, i: int, j: int) -> float:
        """The cosine of the embeddings of src sentences ``i - a .. i - 1`` and tgt sentences ``j - b .. j - 1``."""
        return float(self.Es[a][i] @ self.Et[b][j])

    def _coverage(self, a: int, b: int, Q: list, G: list, w: np.ndarray):
        """(matched query weight / query weight, query weight) of every src span of a and tgt span of b
        sentences, as (n + 1) x (m + 1) matrices (each computed once)."""
        memo = self.__dict__.setdefault("_coverage_memo", {})
        key = (a, b, id(Q))
        if key not in memo:
            memo[key] = self._coverage_of(a, b, Q, G, w)
        return memo[key]

    def _coverage_of(self, a: int, b: int, Q: list, G: list, w: np.ndarray):
        qa, ga = (b, a) if self.q_is_tgt else (a, b)
        Qw = Q[qa] * w
        tot = Qw.sum(axis=1)
        cov = (Qw @ G[ga].T) / np.maximum(tot, 1e-6)[:, None]
        tot = np.broadcast_to(tot[:, None], cov.shape)
        return (cov.T, tot.T) if self.q_is_tgt else (cov, tot)

    @staticmethod
    def _shift(M: np.ndarray, di: int, dj: int) -> np.ndarray:
        """R[i, j] = M[i - di, j - dj] (zero where out of range)."""
        R = np.zeros_like(M)
        R[di:, dj:] = M[:M.shape[0] - di, :M.shape[1] - dj]
        return R

    def _cross(self, S: np.ndarray, a: int, b: int) -> np.ndarray:
        """For beads of two or more sentences a side: the first sentence of each side against the last of the
        other, less first against first and last against last. A bead whose two halves would align on their
        own (first with first, last with last) should rather be two beads; a translation that reorders makes
        the cross pairs as similar as the straight ones. S: 1-1 similarities indexed by bead ends."""
        if a < 2 or b < 2:
            return np.zeros_like(S)
        return self._shift(S, a - 1, 0) + self._shift(S, 0, b - 1) - self._shift(S, a - 1, b - 1) - S

    #: keep computed features (training decodes the same documents many times)
    keep_features = False

    def features(self, a: int, b: int) -> dict[str, np.ndarray]:
        """The features of every a-b bead (a, b >= 1)."""
        cache = self.__dict__.setdefault("_feature_cache", {})
        if (a, b) in cache:
            return cache[(a, b)]
        F = self._features(a, b)
        if self.keep_features:
            cache[(a, b)] = {k: v.astype(np.float32) for k, v in F.items()}
        return F

    def _features(self, a: int, b: int) -> dict[str, np.ndarray]:
        sig = self.settings.sent_signals
        size = (0.5 * (a + b)) ** 0.5
        F: dict[str, np.ndarray] = {}
        if "embed" in sig and self.Es is not None:
            cos = self.cos(a, b)
            F["cos"] = cos
            F["cos_scaled"] = size * cos
            F["neighbours"] = size * 0.5 * (self.ms[a][:, None] + self.mt[b][None, :])
            # every sentence of the bead should resemble the other side's span
            sp = [self._shift(self.cos(1, b), r, 0) for r in range(a)]
            tp = [self._shift(self.cos(a, 1), 0, r) for r in range(b)]
            parts = (sp if a > 1 else []) + (tp if b > 1 else [])
            F["cos_minpart"] = np.minimum.reduce(parts) if parts else cos
            # each sentence's similarity to the span it is put with, summed: a path's total counts every
            # sentence once, however the path groups them
            F["cos_attach"] = np.add.reduce(sp + tp)
            ms1, mt1 = self.ms[1], self.mt[1]
            F["cos_attach_margin"] = F["cos_attach"] \
                - sum(self._shift(np.broadcast_to(ms1[:, None], cos.shape), r, 0) for r in range(a)) \
                - sum(self._shift(np.broadcast_to(mt1[None, :], cos.shape), 0, r) for r in range(b))
            F["cross"] = self._cross(self.cos(1, 1), a, b)
        if "edges" in sig and self.Es is not None and hasattr(self, "P_ff"):
            ef = np.zeros((self.n + 1, self.m + 1), dtype=np.float32)
            ef[a:, b:] = self.P_ff[:self.n + 1 - a, :self.m + 1 - b]
            F["edge_first"] = ef
            F["edge_last"] = self.edge_last
            F["edge_out"] = self.edge_out
            # the sentences just after the bead: would they rather join it than start the next bead together?
            n, m = self.n, self.m
            oa = np.zeros((n + 1, m + 1), dtype=np.float32)
            es1, et1 = self.Es[1][1:], self.Et[1][1:]  # sentence k at row k
            oa[:, :m] += self.Es[a] @ et1.T  # our src span vs the next tgt sentence
            oa[:n, :] += es1 @ self.Et[b].T  # the next src sentence vs our tgt span
            F["out_attach"] = oa
            F["out_next"] = self.out_next
            # the sentences just before the bead: would they rather have joined it?
            ia = np.zeros((n + 1, m + 1), dtype=np.float32)
            if m > b:
                ia[:, b + 1:] += (self.Es[a] @ et1.T)[:, :m - b]
            if n > a:
                ia[a + 1:, :] += (es1 @ self.Et[b].T)[:n - a, :]
            F["in_attach"] = ia
            ei = np.zeros((n + 1, m + 1), dtype=np.float32)
            if m > b:
                ei[a:, b + 1:] += self.P_fl[:n + 1 - a, :m - b]
            if n > a:
                ei[a + 1:, b:] += self.P_lf[:n - a, :m + 1 - b]
            F["edge_in"] = ei
        if "gloss" in sig:
            cov, tot = self._coverage(a, b, self.lex_q, self.lex_g, self.lex_w)
            F["gloss"] = size * cov
            qn = b if self.q_is_tgt else a
            if qn > 1:
                c1, t1 = self._coverage(a, 1, self.lex_q, self.lex_g, self.lex_w) if self.q_is_tgt else \
                    self._coverage(1, b, self.lex_q, self.lex_g, self.lex_w)
                c1 = np.where(t1 > 0, c1, 0.5)
                parts = [self._shift(c1, 0, r) if self.q_is_tgt else self._shift(c1, r, 0) for r in range(qn)]
                F["gloss_minpart"] = np.minimum.reduce(parts)
                F["gloss_attach"] = np.add.reduce(parts)
            else:
                F["gloss_minpart"] = np.where(tot > 0, cov, 0.5)
                F["gloss_attach"] = F["gloss_minpart"]
            c11, t11 = self._coverage(1, 1, self.lex_q, self.lex_g, self.lex_w)
            F["gloss_cross"] = self._cross(np.where(t11 > 0, c11, 0.5), a, b)
            n, m = self.n, self.m
            ge = np.zeros((3, n + 1, m + 1), dtype=np.float32)
            if self.gCf is not None:
                Cf, Cl = self.gCf, self.gCl  # [src x, tgt y]: first/last clause of one side vs the other sentence
                ge[0, a:, b:] = Cf[:n + 1 - a, :m + 1 - b]  # the bead's first sentences
                ge[1, 1:, 1:] = Cl  # the bead's last sentences
                # the bead's end against the next sentences: the Chinese side's last clause of the bead against
                # the next sentence of the other side, and the next Chinese sentence's first clause against the
                # bead's last sentence of the other side
                end_vs_next, next_vs_end = (Cl, Cf) if self.q_is_tgt else (Cf, Cl)
                ge[2, 1:, :m] += end_vs_next  # our last src sentence vs the next tgt sentence
                ge[2, :n, 1:] += next_vs_end  # the next src sentence vs our last tgt sentence
            F["gloss_edge_first"], F["gloss_edge_last"], F["gloss_edge_out"] = ge[0], ge[1], ge[2]
        if "name" in sig:
            cov, tot = self._coverage(a, b, self.name_q, self.name_g, self.name_w)
            F["name"] = size * np.where(tot > 0, cov - 0.5, 0.0)
        if "number" in sig:
            if len(self.num_vocab):
                S, T = self.Ns[a], self.Nt[b]
                inter = S @ T.T
                union = S.sum(1)[:, None] + T.sum(1)[None, :] - inter
                F["number"] = size * np.where(union > 0, 2 * inter / np.maximum(union, 1) - 1, 0.0)
            else:
                F["number"] = np.zeros((self.n + 1, self.m + 1), dtype=np.float32)
        if "punct" in sig:
            ps, pt = np.minimum(self.Ps[a], 1), np.minimum(self.Pt[b], 1)
            F["punct"] = size * np.abs(ps[:, None, :] - pt[None, :, :]).sum(-1)
            F["quote_inside"], F["quote_open"], F["quote_close"] = self.q_inside, self.q_open, self.q_close
            F["quote_turns"] = np.minimum(np.abs(self.Qs[a][:, None] - self.Qt[b][None, :]), 3.0)
        if "length" in sig:
            sm = self.settings.sent_length_smooth
            lr = np.log((self.Lt[b][None, :] + sm) / (self.Ls[a][:, None] * self.ratio + sm))
            F["length"] = size * lr ** 2
            F["length_abs"] = size * np.abs(lr)
            F["length_log"] = size * lr
            # the document's sentence ratio: the more target sentences per source sentence, the more beads
            # with more target than source sentences
            F["shape_ratio"] = np.full((self.n + 1, self.m + 1), (b - a) * self.count_ratio, dtype=np.float32)
            lc = np.log(self.Ct[b][None, :] / (self.Cs[a][:, None] * self.clause_ratio))
            F["clauses"] = size * lc ** 2
            F["clauses_log"] = size * lc
        return F

    def scores(self, weights: dict[str, float], shapes=None) -> dict[tuple[int, int], np.ndarray]:
        """The score of every bead (of ``shapes``, default all): ``sum(w_f * feature_f) + w_shape``, -inf where a
        span would not fit."""
        out = {}
        for a, b in shapes or bead_types(self.settings):
            if a == 0 or b == 0 or a > self.n or b > self.m:
                continue
            F = self.features(a, b)
            g = shape_group(a, b)
            s = np.full((self.n + 1, self.m + 1), weights.get(shape_name(a, b), 0.0), dtype=np.float64)
            for name, M in F.items():
                w = weights.get(name, 0.0) + weights.get(f"{name}@{g}", 0.0)
                if w:
                    s += w * M
            s[:a, :] = -np.inf
            s[:, :b] = -np.inf
            out[(a, b)] = s
        return out

    #: span-end arrays (one row per span end, 0..n) of each side, sliced by a window
    _ROW_ARRAYS = ("Es", "ms", "Ls", "Cs", "Ps", "Ns", "Qs")
    _COL_ARRAYS = ("Et", "mt", "Lt", "Ct", "Pt", "Nt", "Qt")
    #: (n + 1) x (m + 1) matrices indexed by span ends, and n x m matrices indexed by sentences
    _END_MATRICES = ("edge_out", "out_next", "edge_last", "q_inside", "q_open", "q_close")
    _SENTENCE_MATRICES = ("P_ff", "P_ll", "P_fl", "P_lf", "gCf", "gCl")

    def window(self, r0: int, r1: int, c0: int, c1: int) -> "Scorer":
        """This scorer restricted to span ends r0 <= i < r1 and c0 <= j < c1: every array sliced, nothing
        recomputed, document-wide statistics (length ratios, idf weights, neighbour means) kept. A window's
        features equal the whole document's at every cell whose beads and neighbours lie inside it: at least
        ``k + 1`` rows and columns after its top and left edges and one before its bottom and right edges,
        unless an edge is the document's own."""
        v = object.__new__(Scorer)
        v.__dict__.update({k: val for k, val in self.__dict__.items()
                           if k not in ("_cos", "_coverage_memo", "_feature_cache")})
        v._cos = {}
        v.keep_features = False
        v.n, v.m = r1 - r0 - 1, c1 - c0 - 1
        rows, cols = slice(r0, r1), slice(c0, c1)

        def cut(x, sl):
            return None if x is None else [None if e is None else e[sl] for e in x] if isinstance(x, list) else x[sl]

        for names, sl in ((self._ROW_ARRAYS, rows), (self._COL_ARRAYS, cols)):
            for name in names:
                if name in self.__dict__:
                    setattr(v, name, cut(self.__dict__[name], sl))
        q_sl, g_sl = (cols, rows) if self.q_is_tgt else (rows, cols)
        for name, sl in (("lex_q", q_sl), ("name_q", q_sl), ("lex_g", g_sl), ("name_g", g_sl)):
            setattr(v, name, cut(self.__dict__[name], sl))
        for name in self._END_MATRICES:
            if self.__dict__.get(name) is not None:
                setattr(v, name, self.__dict__[name][rows, cols])
        for name in self._SENTENCE_MATRICES:
            if self.__dict__.get(name) is not None:
                setattr(v, name, self.__dict__[name][r0:r1 - 1, c0:c1 - 1])
        return v

