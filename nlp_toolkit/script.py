"""Chinese script normalization for scoring: Traditional characters to Simplified (OpenCC ``t2s``).

Models and lexicons here (USE-m3's vocabulary, dictionaries) see mostly Simplified Chinese, so scorers compare
Simplified forms; exported text is never changed.

>>> to_simplified("電動汽車領域")
'电动汽车领域'
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text
