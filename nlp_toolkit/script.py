"""Script data every stage shares: Han character ranges, sentence-final and closing marks, Chinese numerals and
scales, and Traditional-to-Simplified normalization for scoring.

One place for these facts, so that a stage never carries its own copy. Each range or mark set is a string
ready to put inside a regular-expression character class (``rf"[{HAN_BASIC}]"``); which set a stage uses is part
of its behaviour (the language identifier counts every Han block, the entity recognizer only the basic block
its models were trained on).

>>> import re
>>> bool(re.fullmatch(rf"[{HAN_ALL}]+", "𠀀漢字")), bool(re.fullmatch(rf"[{HAN_BASIC}]+", "𠀀"))
(True, False)
>>> ZH_DIGIT_VALUE["两"], ZH_UNIT_VALUE["千"], ZH_BIG_VALUE["亿"]
(2, 1000, 100000000)

Models and lexicons here (USE-m3's vocabulary, dictionaries) see mostly Simplified Chinese, so scorers compare
Simplified forms; exported text is never changed.

>>> to_simplified("電動汽車領域")
'电动汽车领域'
"""

from __future__ import annotations

import functools

# -- Han characters (for character classes) ---------------------------------------------------------------------
#: CJK Unified Ideographs, the basic block (U+4E00-U+9FFF): what the segmenters and taggers were trained on
HAN_BASIC = "\u4e00-\u9fff"
#: the basic block and Extension A (U+3400-U+4DBF), contiguous: the characters of dictionaries and glosses
HAN_CORE = "\u3400-\u9fff"
#: every Han block a text may use: Extension A, the basic block, compatibility ideographs, Extensions B-F and the
#: supplement (planes 2)
HAN_ALL = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"

# -- sentence ends and closing marks -------------------------------------------------------------------------------
#: full-width sentence-final marks of Chinese text
ZH_STOPS = "。！？"
#: their ASCII forms, also used in Chinese text
ASCII_STOPS = "!?"
#: semicolons (full-width, ASCII): a Chinese sentence ends at one
SEMICOLONS = "；;"
#: the ellipsis character (a run of them ends a Chinese sentence)
ELLIPSIS = "…"
#: a Chinese sentence ends at a run of these (``split_zh``)
ZH_SENTENCE_END = ZH_STOPS + SEMICOLONS[0] + ASCII_STOPS + SEMICOLONS[1] + ELLIPSIS
#: closing quotation marks, full-width and corner brackets
CLOSE_QUOTES = "”’」』"
#: ASCII quotation marks (they close as well as open)
ASCII_QUOTES = "\"'"
#: closing brackets, full-width and ASCII
CLOSE_BRACKETS = "）)】〕〉》"
#: closing parentheses, full-width and ASCII
CLOSE_PARENS = "）)"
#: English sentence-final marks, and the closing curly quotes of English text
EN_STOPS = ".!?"
EN_CLOSE_QUOTES = "”’"
#: closing quotes and brackets that stay with the sentence before them (``split_zh``)
ZH_SENTENCE_CLOSE = CLOSE_QUOTES + "）)】〕〉》" + ASCII_QUOTES
#: marks a paragraph may end with when it is a finished sentence rather than a heading or a label
TERMINAL_MARKS = ".!?" + ZH_STOPS + ELLIPSIS + ASCII_QUOTES + "”’」』)）"

# -- Chinese numerals -----------------------------------------------------------------------------------------------
#: digit characters, simplified, and their values (两 = 2 before a measure word; 〇 as written in years)
ZH_DIGIT_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9}
#: financial (anti-fraud) digit forms: 壹 = 一 ... 玖 = 九
ZH_FINANCIAL_DIGIT_VALUE = {"壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
#: units within a myriad, plain and financial
ZH_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}
ZH_FINANCIAL_UNIT_VALUE = {"拾": 10, "佰": 100, "仟": 1000}
#: the myriad scales (兆 = 10^12 as the claims extractor reads it: a trillion in mainland financial news)
ZH_BIG_VALUE = {"万": 10 ** 4, "亿": 10 ** 8}
ZH_TRILLION = {"兆": 10 ** 12}
#: Traditional forms of numeral characters, each to its simplified form (one character for one: offsets keep)
ZH_TRADITIONAL_NUMERALS = {"兩": "两", "萬": "万", "億": "亿", "貳": "贰", "參": "叁", "陸": "陆"}
#: every character that can be part of a Chinese numeral, in any of the forms above, with ASCII and full-width
#: digits
NUMERAL_CHARS = ("0123456789０１２３４５６７８９" + "".join(ZH_DIGIT_VALUE) + "".join(ZH_FINANCIAL_DIGIT_VALUE)
                 + "".join(ZH_UNIT_VALUE) + "".join(ZH_FINANCIAL_UNIT_VALUE) + "".join(ZH_BIG_VALUE)
                 + "".join(ZH_TRADITIONAL_NUMERALS))


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text
