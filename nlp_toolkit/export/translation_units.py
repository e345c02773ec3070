"""Translation units for the translation-only exports (tmx, moses, hf): aligned pairs or sentence pairs.

A unit with an empty side (a 1-0 or 0-1 bead: a paragraph or sentence with no counterpart) is no translation and
is left out; the jsonl and parquet exports keep it. So is a unit the run's filters marked ``dropped``
(:mod:`nlp_toolkit.export.select`).

>>> pairs = [{"doc_id": "d", "index": 0, "en": "Hi.", "zh": "你好。", "en_ids": [0], "zh_ids": [0], "score": 0.5,
...           "sentences": []},
...          {"doc_id": "d", "index": 1, "en": "Extra.", "zh": "", "en_ids": [1], "zh_ids": [], "score": 0.0,
...           "sentences": []}]
>>> [(u["pair"], u["en"], u["zh"]) for u in translation_units(pairs, "paragraph")]
[(0, 'Hi.', '你好。')]
>>> next(translation_units(pairs, "sentence"))
Traceback (most recent call last):
...
ValueError: unit 'sentence': pair 0 of document 'd' has no sentence alignment (run the sentences stage)
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

UNITS = ("paragraph", "sentence")
_LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def is_translation(en: str, zh: str) -> bool:
    """Both sides hold text (a 1-0/0-1 bead does not)."""
    return bool(en and en.strip()) and bool(zh and zh.strip())


def one_line(text: str) -> str:
    """``text`` on one line: each run of line breaks (and the spaces around it) becomes one space.

    >>> one_line("First paragraph.\\n\\nSecond\\u2028line.")
    'First paragraph. Second line.'
    """
    return _LINE_BREAKS.sub(" ", text).strip()


def translation_units(pairs: Iterable[dict], unit: str = "paragraph") -> Iterator[dict]:
    """``{doc_id, pair, sentence, en, zh, en_ids, zh_ids, score, record}`` for each unit with text on both sides
    and not ``dropped``, in document order; ``sentence`` is None for paragraph units and ``record`` is the source
    record."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: use 'paragraph' or 'sentence'")
    for pair in pairs:
        if unit == "paragraph":
            if is_translation(pair["en"], pair["zh"]) and not pair.get("dropped"):
                yield {"doc_id": pair["doc_id"], "pair": pair["index"], "sentence": None, "en": pair["en"],
                       "zh": pair["zh"], "en_ids": pair["en_ids"], "zh_ids": pair["zh_ids"],
                       "score": pair["score"], "split": pair.get("split"), "record": pair}
            continue
        sentences = pair.get("sentences") or []
        if not sentences and is_translation(pair["en"], pair["zh"]):
            raise ValueError(f"unit 'sentence': pair {pair['index']} of document {pair['doc_id']!r} has no "
                             f"sentence alignment (run the sentences stage)")
        for i, s in enumerate(sentences):
            if is_translation(s["en"], s["zh"]) and not s.get("dropped"):
                yield {"doc_id": pair["doc_id"], "pair": pair["index"], "sentence": i, "en": s["en"], "zh": s["zh"],
                       "en_ids": s["en_ids"], "zh_ids": s["zh_ids"], "score": s["score"],
                       "split": pair.get("split"), "record": s}
