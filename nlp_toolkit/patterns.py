"""Compiled patterns for names looked up in text, one compilation per process.

The stages search every paragraph for names that vary by article (an English entity in its Chinese
translation, a competitor's surface forms). Python's own cache of compiled patterns holds 512 of them and
drops the oldest first, and every other pattern of the stages passes through it too, so a news batch
recompiled its name patterns over and over (WMT22 news: ~900 compilations, 0.3 s of 11). These caches keep
them.

>>> [m.span() for m in bounded("Amazon").finditer("Amazon's AmazonBasics, 亚马逊Amazon")]
[(0, 6), (26, 32)]
>>> bool(bounded("tiktok", re.I).search("TikTok Shop")), [m.span() for m in literal("亚马逊").finditer("亚马逊和亚马逊")]
(True, [(0, 3), (4, 7)])
"""

from __future__ import annotations

import functools
import re

__all__ = ["bounded", "literal"]


@functools.lru_cache(maxsize=16384)
def bounded(name: str, flags: int = 0) -> re.Pattern:
    """``name`` as written, not inside a longer Latin word (no letter A-Z or a-z right before or after it)."""
    return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", flags)


@functools.lru_cache(maxsize=16384)
def literal(name: str) -> re.Pattern:
    """``name`` as written, anywhere."""
    return re.compile(re.escape(name))
