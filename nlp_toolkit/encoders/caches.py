"""The registry of this process's caches of computed embeddings, so that one call empties them all.

Every cache whose values depend on what was batched together when they were computed (the
:class:`~nlp_toolkit.encoders.CachedEncoder` and the USE-m3 pooler of :mod:`nlp_toolkit.encoders.usem3`)
registers here; the pipeline calls :func:`clear_caches` at the start of every article, so that an article's
results depend on the article alone.
"""

from __future__ import annotations

import weakref

_CACHES: "weakref.WeakSet" = weakref.WeakSet()


def register_cache(cache) -> None:
    """Have :func:`clear_caches` empty ``cache`` (any object with a ``clear()`` method) from now on."""
    _CACHES.add(cache)


def clear_caches() -> None:
    """Empty every registered cache of computed embeddings in this process."""
    for c in list(_CACHES):
        c.clear()
