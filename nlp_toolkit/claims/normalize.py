"""NFKC normalization that remembers where every normalized character came from.

Extraction runs on the normalized text (full-width digits and punctuation become ASCII); claims report offsets
into the original text through the map.

>>> n = Normalized("约１，３００万件")
>>> n.text
'约1,300万件'
>>> n.span(1, 6)
(1, 6)
>>> n = Normalized("¾ of them")
>>> n.text[:3], n.span(0, 3)
('3⁄4', (0, 1))
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections import OrderedDict


@functools.lru_cache(maxsize=65536)
def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


class Normalized:
    """``text``: NFKC of ``original``, character by character; ``low``: the same, lower-cased, same length."""

    __slots__ = ("original", "text", "low", "_start", "_end")

    def __init__(self, original: str):
        self.original = original
        changed = {}
        for ch in set(original):
            if ord(ch) > 127:
                n = _nfkc(ch)
                if n != ch:
                    changed[ch] = n
        if all(len(n) == 1 for n in changed.values()):  # the usual case: one character for one, offsets kept
            self.text = original.translate(str.maketrans(changed)) if changed else original
            self._start = self._end = None
        else:
            out: list[str] = []
            start: list[int] = []
            end: list[int] = []
            for i, ch in enumerate(original):
                n = changed.get(ch, ch)
                if not n:
                    continue
                out.append(n)
                start.extend([i] * len(n))
                end.extend([i + 1] * len(n))
            self.text = "".join(out)
            self._start = start
            self._end = end
        low = self.text.lower()
        if len(low) != len(self.text):  # a few characters lower-case into two (İ): keep the length
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)
        self.low = low

    def origin(self, i: int) -> int:
        """The original index of normalized character ``i``."""
        return i if self._start is None else self._start[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the normalized span ``[start, end)``."""
        if self._start is None:
            return start, max(start, end)
        if end <= start:
            i = self._start[start] if start < len(self._start) else len(self.original)
            return i, i
        return self._start[start], self._end[end - 1]


class LastTexts:
    """The results of a pure function of a text for the last few texts seen. The extractor and the translation
    check read the same paragraph one after the other (its normalization, its numbers), and the second reading
    is served from here. A value depends on the text alone, so a hit returns what a new reading would; the few
    entries kept (``size``) hold one aligned unit's two sides, not an article or a batch."""

    def __init__(self, size: int = 2):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str, compute):
        with self.lock:
            got = self.items.get(text)
            if got is not None:
                self.items.move_to_end(text)
                return got
        got = compute(text)
        with self.lock:
            self.items[text] = got
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return got


_RECENT = LastTexts(4)


def normalized(text: str) -> Normalized:
    """``Normalized(text)``, shared by the readers of one unit (extraction, time references, the check)."""
    return _RECENT.get(text, Normalized)
