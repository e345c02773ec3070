"""Language of each paragraph: English, Chinese or mixed.

English and Chinese are told apart by script, which is decisive for this pair, but brand and person names in
Latin script are common inside Chinese text ("TikTok Shop", "Marni Levine"). So the measure is the share of
Chinese *units*: each Han character is one unit; a lower-case Latin word, the stuff of English prose, counts
``latin_word_weight`` units (an English word carries about as much as one to two Chinese characters); a
capitalized or mixed-case Latin word, a name or a brand, counts only ``latin_name_weight``. A paragraph is
Chinese at or above ``zh_min_share``, English at or below ``en_max_share``, and mixed in between.

Raw paragraphs (blocks of lines) are then split where the language changes from one line to the next, and a
mixed line holding an English sentence followed by its Chinese translation (or the reverse) is split there.

:func:`detect_lang` is the coarser test of a whole document side (the sentence aligner's, when no language is
given). The Han ranges and sentence-final marks come from :mod:`nlp_toolkit.script`.

>>> identify("TikTok上个月推出了名为TikTok Shop的购物功能")
'zh'
>>> identify("Marni Levine, a new TikTok executive, declined to comment.")
'en'
>>> identify("The deal was signed. 协议已签署。")
'mixed'
"""

from __future__ import annotations

import re
from typing import Sequence

from .document import Article, Paragraph
from .limits import check_deadline
from .script import HAN_ALL, HAN_BASIC, HAN_CORE, TERMINAL_MARKS
from .settings import DEFAULT, Settings

HAN = re.compile(rf"[{HAN_ALL}]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_TERMINAL = tuple(TERMINAL_MARKS)
# where a mixed line may be cut: after sentence-final punctuation, or at a space/boundary before a change of script
_CUT = re.compile(rf"(?<=[{re.escape(TERMINAL_MARKS)}])\s*|(?<=[A-Za-z0-9,;:])\s+(?=[{HAN_BASIC}“「（])"
                  rf"|(?<=[{HAN_BASIC}。，”])\s*(?=[A-Z])")


def zh_share(text: str, settings: Settings = DEFAULT) -> float:
    """Share of Chinese units in ``text`` (0.0 for text without letters or Han characters).

    >>> round(zh_share("用户参与度方面,TikTok占优"), 2)
    0.95
    >>> round(zh_share("Marni Levine此前供职于Facebook母公司Meta Platforms。"), 2)
    0.76
    """
    han = len(HAN.findall(text))
    words = LATIN_WORD.findall(text)
    lower = sum(1 for w in words if w.islower())
    units = han + settings.latin_word_weight * lower + settings.latin_name_weight * (len(words) - lower)
    return han / units if units else 0.0


def identify(text: str, settings: Settings = DEFAULT) -> str:
    """``en``, ``zh`` or ``mixed``; text with no letters at all (a number, a dash) counts as ``en``."""
    share = zh_share(text, settings)
    if share >= settings.zh_min_share:
        return "zh"
    if share <= settings.en_max_share:
        return "en"
    return "mixed"


_HAN_CORE = re.compile(rf"[{HAN_CORE}]")


def detect_lang(texts: Sequence[str]) -> str:
    """The language of a whole document given as texts (the sentences of one side of a sentence alignment):
    ``zh`` when Han characters (U+3400-U+9FFF) make up at least a third of its letters, else ``en``. Coarser than
    :func:`identify`, which weighs Latin words and knows ``mixed``: a document side is one language or the other.

    >>> detect_lang(["TikTok上个月推出了购物功能。", "Marni Levine拒绝置评。"]), detect_lang(["No Han here."])
    ('zh', 'en')
    """
    text = "".join(texts)
    han = len(_HAN_CORE.findall(text))
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return "zh" if han * 3 >= han + latin and han else "en"


def split_mixed(text: str, settings: Settings = DEFAULT) -> list[tuple[str, str]] | None:
    """Split a mixed line into an English part and a Chinese part (in their order) when one cut does it.

    >>> split_mixed("Amazon has spent years building trust. 亚马逊花了多年时间建立信任。")
    [('en', 'Amazon has spent years building trust.'), ('zh', '亚马逊花了多年时间建立信任。')]
    """
    best = None
    for m in _CUT.finditer(text):
        left, right = text[:m.start()].strip(), text[m.end():].strip()
        if not left or not right:
            continue
        a, b = identify(left, settings), identify(right, settings)
        if {a, b} == {"en", "zh"}:
            # prefer the cut whose halves are purest
            purity = abs(zh_share(left, settings) - zh_share(right, settings))
            if best is None or purity > best[0]:
                best = (purity, [(a, left), (b, right)])
    return best[1] if best else None


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(_TERMINAL)


def _join(lines: list[str], lang: str) -> str:
    if lang == "zh":
        # a Chinese line break inside a sentence joins without a space, unless Latin text meets Latin text
        out = lines[0]
        for line in lines[1:]:
            sep = " " if out[-1:].isascii() and out[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum() else ""
            out += sep + line
        return out
    return " ".join(lines)


def split_block(para: Paragraph, settings: Settings = DEFAULT) -> list[Paragraph]:
    """Split one raw block into paragraphs of one language each (see the module docstring)."""
    first = para.lines[0]
    runs: list[list] = []  # [lang, [(line_no, text), ...]]
    for k, line in enumerate(para.text.split("\n")):
        if not line.strip():
            continue
        lang = identify(line, settings)
        parts = [(lang, line.strip())]
        if lang == "mixed" and not para.side:
            parts = split_mixed(line, settings) or parts
        for plang, ptext in parts:
            # in a two-file article the side is given; lines only group by it
            key = para.side or plang
            if runs and runs[-1][0] == key and len(parts) == 1:
                runs[-1][1].append((first + k, ptext))
            else:
                runs.append([key, [(first + k, ptext)]])
    out = []
    for key, lines in runs:
        texts = [t for _, t in lines]
        # one paragraph per line when every line is a finished sentence (a file with one paragraph a line);
        # otherwise the lines are a hard-wrapped paragraph
        groups = [[ln] for ln in lines] if len(lines) > 1 and all(map(_ends_sentence, texts)) else [lines]
        for g in groups:
            lang = key if key in ("en", "zh") and not para.side else None
            text = _join([t for _, t in g], "zh" if key == "zh" or (key == "mixed" and
                                                                      identify(g[0][1], settings) == "zh") else "en")
            lang = lang or identify(text, settings)
            side = para.side or (lang if lang in ("en", "zh") else
                                 ("zh" if zh_share(text, settings) >= 0.5 else "en"))
            out.append(Paragraph(lang=lang, text=text, lines=(g[0][0], g[-1][0]), side=side, source=para.source))
    return out


def identify_article(article: Article, settings: Settings = DEFAULT) -> None:
    """Give every paragraph its language and side, split blocks that hold both languages, number each side."""
    paragraphs = []
    for raw in article.paragraphs:
        check_deadline()
        paragraphs.extend(split_block(raw, settings))
    counters = {"en": 0, "zh": 0}
    for p in paragraphs:
        p.index = counters[p.side]
        counters[p.side] += 1
    article.paragraphs = paragraphs
