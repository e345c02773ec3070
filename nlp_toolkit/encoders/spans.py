"""Embeddings of sentences and of runs of consecutive sentences ("spans"), each distinct sentence encoded once.

A sentence aligner scores beads such as 2-1 or 1-3 and so needs the embedding of every run of up to ``k``
consecutive sentences on each side; encoding every concatenation costs ``k`` times the encoding of the document.
For USE-m3 that cost is avoidable (:mod:`nlp_toolkit.encoders.usem3`): one encoder pass over the document's
sentences yields all span embeddings from their pooled token features (cosine with the embedding of the real
concatenation about 0.98, see ``tests/test_sentalign.py``).

Any other encoder (e.g. ``transformers:``) gets the exact embedding of each concatenation, through the cached
encoder, so each distinct sentence and concatenation is still encoded once per process.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .usem3 import pooler_for, usem3_backend


class SpanEmbedder:
    """All span embeddings of a sentence sequence.

    ``spans(sentences, k, joiner)`` returns a list ``E`` where ``E[s]`` (``s`` = 1..k) is an array of shape
    ``(n + 1, dim)`` whose row ``i`` (``i >= s``) is the embedding of ``sentences[i - s:i]`` joined; rows ``i < s``
    are zero. ``E[0]`` is unused (None).
    """

    def __init__(self, encoder):
        self.encoder = encoder
        self.name = getattr(encoder, "name", "encoder")
        backend = usem3_backend(encoder)
        self.pooler = None
        if backend is not None:
            self.pooler = pooler_for(backend)
            self.name += "+pooled-spans"

    def prepare(self, *sides: Sequence[str]) -> None:
        """Encode the sentences of several sequences (a document's two sides) in one pass before their spans
        are asked for: one schedule of batches over the cores instead of one per side (MAC: 5.1 -> 4.2 s)."""
        if self.pooler is not None:
            self.pooler.fill([s for side in sides for s in side])

    def edges(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of the first and of the last clause of each sentence (split at commas, semicolons,
        colons): for USE-m3 from the sentence's own token features, else by encoding the clauses."""
        if self.pooler is not None:
            kept = self.pooler.heads.get(("edges", tuple(sentences)))
            if kept is not None:
                return kept
            rows, counts = self._edge_rows(sentences)
            heads = self.pooler.head(rows, counts)
            return heads[:len(sentences)], heads[len(sentences):]
        first, last = [], []
        for s in sentences:
            parts = [p for p in re.split(r"(?<=[,;:，；：、—])", s) if p.strip()]
            first.append(parts[0] if parts else s)
            last.append(parts[-1] if parts else s)
        return self.encoder.encode(first), self.encoder.encode(last)

    def spans(self, sentences: Sequence[str], k: int, joiner: str = " ") -> list:
        if self.pooler is not None:
            kept = self.pooler.heads.get(("spans", tuple(sentences), k))
            if kept is not None:
                return kept
            return self._from_pooled(*self.pooler.pooled(list(sentences))[:4], k)
        return self._encoded(sentences, k, joiner)

    def precompute(self, sequences: Sequence[Sequence[str]], k: int, edges: bool = True) -> None:
        """The :meth:`spans` (and, with ``edges``, the :meth:`edges`) of several sentence sequences (the two
        sides of a run of paragraph pairs) through one call of the model's head, kept until :meth:`forget`
        (or the article's end: the pooler's caches are scoped to it) for the calls that ask for them. One head
        call of ~1,000 rows instead of six of a few rows per pair: the head's small products cost more per
        call than per row (the 10,000-paragraph benchmark spent 7 s in 30,000 calls). The rows a sequence gets
        depend on the sequences precomputed with it only in their last bits (BLAS blocks by row count); the
        sentence aligner precomputes fixed runs of an article's pairs, so an article's results still depend
        on the article alone. No effect without pooled sums (any encoder but USE-m3)."""
        if self.pooler is None:
            return
        seqs = list(dict.fromkeys(tuple(x) for x in sequences if len(x)))
        seqs = [q for q in seqs if ("spans", q, k) not in self.pooler.heads]
        if not seqs:
            return
        self.pooler.fill([s for q in seqs for s in q])
        rows, counts, plan = [], [], []
        for q in seqs:
            r, c, sizes = self._span_rows(*self.pooler.pooled(list(q))[:4], k)
            rows += r
            counts += c
            plan.append(("spans", q, sizes))
            if edges:
                r, c = self._edge_rows(q)
                rows.append(r)
                counts.append(c)
                plan.append(("edges", q, None))
        heads = self.pooler.head(np.concatenate(rows), np.concatenate(counts))
        at = 0
        dim = heads.shape[1]
        for kind, q, sizes in plan:
            n = len(q)
            if kind == "spans":
                used = sum(n - s + 1 for s in sizes)
                self.pooler.heads[("spans", q, k)] = self._assemble(heads[at:at + used], n, k, dim)
            else:
                used = 2 * n
                part = heads[at:at + used]
                self.pooler.heads[("edges", q)] = (part[:n], part[n:])
            at += used

    def forget(self) -> None:
        """Drop what :meth:`precompute` kept."""
        if self.pooler is not None:
            self.pooler.heads.clear()

    def _edge_rows(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The head's input rows for :meth:`edges`: the first clauses' rows, then the last clauses'."""
        inner, bos, eos, n, f_in, f_n, l_in, l_n = self.pooler.pooled(list(sentences), clauses=True)
        return np.concatenate([f_in + bos + eos, l_in + bos + eos]), np.concatenate([f_n + 2, l_n + 2])

    def grouped_spans(self, texts: Sequence[str], sentences: Sequence[Sequence[str]], k: int,
                      joiner: str = " ") -> list:
        """:meth:`spans` of ``texts`` (paragraphs), each text pooled from its ``sentences`` (one list per text,
        its sentences in order) as a span of them is: with USE-m3, one encoder pass over the sentences serves
        both aligners (the sentence aligner then finds every sentence pooled). Any other encoder, or a text
        with no sentences, is encoded whole (:meth:`spans`)."""
        if self.pooler is None or any(not ss for ss in sentences):
            return self.spans(texts, k, joiner)
        flat = [x for ss in sentences for x in ss]
        inner, bos, eos, lens = self.pooler.pooled(flat)[:4]
        sizes = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        last = first + sizes - 1
        # a text is the span of its sentences: their inner sums, the first one's BOS and the last one's EOS
        t_inner = np.add.reduceat(inner.astype(np.float64), first, axis=0).astype(np.float32)
        t_lens = np.add.reduceat(lens.astype(np.float64), first) - 2 * (sizes - 1)
        return self._from_pooled(t_inner, bos[first], eos[last], t_lens.astype(np.float32), k)

    def _from_pooled(self, inner, bos, eos, lens, k: int) -> list:
        """:meth:`spans` from the pooled sums of the sequence's items (USE-m3)."""
        rows, counts, sizes = self._span_rows(inner, bos, eos, lens, k)
        # every span length's pooled rows through the head at once (one call instead of k: the head's
        # products are small, its per-call cost counts)
        heads = self.pooler.head(np.concatenate(rows), np.concatenate(counts)) if sizes else None
        return self._assemble(heads, len(inner), k, inner.shape[1])

    @staticmethod
    def _span_rows(inner, bos, eos, lens, k: int) -> tuple[list, list, list]:
        """The head's input rows of every span of 1..k items (for each size, the spans in order of their end)
        and their token counts; the sizes present (at most the item count)."""
        n = len(inner)
        cs = np.zeros((n + 1, inner.shape[1]), dtype=np.float64)
        np.cumsum(inner, axis=0, out=cs[1:])
        cl = np.concatenate([[0.0], np.cumsum(lens)])
        sizes = [s for s in range(1, k + 1) if n >= s]
        # one BOS (of the first sentence) and one EOS (of the last) for the whole span, as the encoder sees
        # a concatenation
        rows = [(cs[s:] - cs[:-s]).astype(np.float32) + bos[:n - s + 1] + eos[s - 1:] for s in sizes]
        counts = [(cl[s:] - cl[:-s]) - 2 * (s - 1) for s in sizes]
        return rows, counts, sizes

    @staticmethod
    def _assemble(heads, n: int, k: int, dim: int) -> list:
        """:meth:`spans`' list from the head's rows in :meth:`_span_rows`' order."""
        out: list = [None]
        at = 0
        for s in range(1, k + 1):
            e = np.zeros((n + 1, dim), dtype=np.float32)
            if n >= s:
                e[s:] = heads[at:at + n - s + 1]
                at += n - s + 1
            out.append(e)
        return out

    def _encoded(self, sentences: Sequence[str], k: int, joiner: str) -> list:
        """:meth:`spans` by encoding every concatenation (an encoder without pooled sums)."""
        n = len(sentences)
        out: list = [None]
        for s in range(1, k + 1):
            texts = [joiner.join(sentences[i - s:i]) for i in range(s, n + 1)]
            vecs = self.encoder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
            dim = vecs.shape[1] if len(texts) else (out[1].shape[1] if len(out) > 1 else 1)
            e = np.zeros((n + 1, dim), dtype=np.float32)
            if texts:
                e[s:] = vecs
            out.append(e)
        return out
