"""The word knowledge of the sentence aligner: an English stemmer, English and Chinese number words, and the
CC-CEDICT gloss lexicon (``models/cedict_gloss.tsv``) with the English stop words (``models/en_stopwords.txt``).

The gloss lexicon is read once per process and kept in a marshal cache in :func:`nlp_toolkit.resources.cache_dir`
(keyed by the file's size and time). Chinese numeral values come from :mod:`nlp_toolkit.script`.

English number words stay here rather than in ``models/claim_words.tsv``: its ``number`` and ``scale`` rows hold
more words than the aligner counts (``oh``, ``couple``, ``dozen``, ``trillion``, ``lakh``, and suffix scales such
as ``k`` and ``b``) and no ordinals, so reading them would change which numbers a sentence holds, and with them
alignments.

>>> stem("running"), stem("cities"), stem("walked"), stem("glass")
('run', 'city', 'walk', 'glass')
"""

from __future__ import annotations

import functools
import marshal
import os
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..resources import cache_dir, model_file
from ..script import HAN_CORE, ZH_BIG_VALUE, ZH_DIGIT_VALUE, ZH_UNIT_VALUE

HAN_RUN = re.compile(rf"[{HAN_CORE}]+")
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
CLAUSE_MARKS = re.compile(r"[,;:，；：、]")
#: a run of Chinese numeral characters (digits, units, myriads)
ZH_NUM = re.compile(rf"[{''.join(ZH_DIGIT_VALUE)}{''.join(ZH_UNIT_VALUE)}{''.join(ZH_BIG_VALUE)}]+")


# -- English words ---------------------------------------------------------------------------------------------
def stem(word: str) -> str:
    """A small suffix-stripping stemmer, applied alike to dictionary glosses and to English text."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        return w[:-1] if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" else w
    if w.endswith("ed") and len(w) > 4:
        w = w[:-2]
        return w[:-1] if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" else w
    if w.endswith("ly") and len(w) > 5:
        return w[:-2]
    if w.endswith("es") and len(w) > 4 and w[-3] in "sxz":
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and not w.endswith("us") and len(w) > 3:
        return w[:-1]
    return w


_EN_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_EN_NUMBERS.update({w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())})
_EN_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10 ** 6, "billion": 10 ** 9}


def zh_number(s: str) -> Optional[int]:
    """The value of a run of Chinese numerals (``二十一`` -> 21, ``一九六八`` -> 1968, ``三万`` -> 30000).

    >>> zh_number("二十一"), zh_number("十五"), zh_number("一九六八"), zh_number("三万五千")
    (21, 15, 1968, 35000)
    """
    if not s:
        return None
    if all(c in ZH_DIGIT_VALUE for c in s) and len(s) > 1:
        return int("".join(str(ZH_DIGIT_VALUE[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in ZH_DIGIT_VALUE:
            digit = ZH_DIGIT_VALUE[c]
        elif c in ZH_UNIT_VALUE:
            section += (1 if digit is None else digit) * ZH_UNIT_VALUE[c]
            digit = None
        elif c in ZH_BIG_VALUE:
            total += (section + (digit or 0)) * ZH_BIG_VALUE[c]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def en_numbers(words: Sequence[str]) -> set[float]:
    """Numbers written as words or digits in a list of (lower-case) English tokens."""
    out: set[float] = set()
    cur: Optional[int] = None
    for w in list(words) + [""]:
        parts = w.split("-")
        if all(p in _EN_NUMBERS for p in parts) and parts[0]:
            v = sum(_EN_NUMBERS[p] for p in parts)
            cur = v if cur is None else (cur + v)
            continue
        if w in _EN_SCALES and cur is not None:
            cur *= _EN_SCALES[w]
            continue
        if w in _EN_ORDINALS:
            out.add(float(_EN_ORDINALS[w] + (cur or 0)))
            cur = None
            continue
        if cur is not None:
            out.add(float(cur))
            cur = None
    return out


def digit_numbers(text: str) -> set[float]:
    """Numbers written in digits (``3,000`` -> 3000.0)."""
    out = set()
    for m in DIGITS.finditer(text):
        try:
            out.add(float(m.group().replace(",", "")))
        except ValueError:
            pass
    return out


# -- the gloss lexicon -----------------------------------------------------------------------------------------
class Glosses:
    """Simplified word -> tuple of English stems. The stems are kept as one space-joined string per word and
    split on lookup: half the objects to build when a process loads the lexicon (40 ms instead of 80 ms)."""

    __slots__ = ("joined",)

    def __init__(self, joined: dict):
        self.joined = joined  # word -> "stem stem ..."

    def get(self, word: str, default=None):
        v = self.joined.get(word)
        return default if v is None else tuple(v.split(" "))

    def __getitem__(self, word: str) -> tuple:
        return tuple(self.joined[word].split(" "))

    def __contains__(self, word) -> bool:
        return word in self.joined

    def __iter__(self):
        return iter(self.joined)

    def __len__(self) -> int:
        return len(self.joined)


@dataclass(frozen=True)
class GlossLexicon:
    """What the lexical signals look up: glosses and pinyin of Chinese words, English stop words (and their
    stems), and the longest Chinese word's length."""

    gloss: Glosses  # simplified word -> tuple of English stems
    pinyin: dict  # single character -> tuple of toneless readings
    stopwords: frozenset
    max_len: int


@functools.lru_cache(maxsize=None)
def load_lexicon(gloss_file: str = "cedict_gloss.tsv", stop_file: str = "en_stopwords.txt") -> GlossLexicon:
    """The CC-CEDICT gloss lexicon and the English stop words (files in ``models/`` or paths)."""
    path = model_file(gloss_file)
    stat = os.stat(path)
    cached = cache_dir() / f"gloss-v2-{path.stem}-{stat.st_size}-{int(stat.st_mtime)}.marshal"
    data = None
    try:
        data = marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    if data is None:
        data = _read_gloss(path)
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(cached.name + f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(data))
            os.replace(tmp, cached)
        except OSError:
            pass
    gloss, pinyin, max_len = data
    stop = frozenset(w for w in model_file(stop_file).read_text(encoding="utf-8").split()
                     if not w.startswith("#") and w.isalpha())
    return GlossLexicon(Glosses(gloss), pinyin, stop | {stem(w) for w in stop}, max_len)


def _read_gloss(path) -> tuple:
    gloss: dict = {}
    pinyin: dict = {}
    max_len = 1
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            word, py, stems = line.rstrip("\n").split("\t")
            if stems:
                gloss[word] = " ".join(stems.split())
            if len(word) == 1:
                pinyin[word] = tuple(py.split("|"))
            if len(word) > max_len:
                max_len = len(word)
    return gloss, pinyin, max_len



def zh_gloss(text: str, lex: GlossLexicon) -> set:
    """The English gloss stems of every dictionary word in a piece of Chinese text."""
    g: set = set()
    get = lex.gloss.joined.get
    for run in HAN_RUN.findall(text):
        n = len(run)
        for i in range(n):
            for L in range(1, min(lex.max_len, n - i) + 1):
                st = get(run[i:i + L])
                if st:
                    g.update(st.split(" "))
    return g


def zh_clause_glosses(sentences: Sequence[str], lex: GlossLexicon) -> tuple[list, list]:
    """The gloss stems of the first and of the last clause of each Chinese sentence."""
    first, last = [], []
    for s in sentences:
        parts = [p for p in CLAUSE_MARKS.split(s) if p.strip()] or [s]
        first.append(zh_gloss(parts[0], lex))
        last.append(first[-1] if len(parts) == 1 else zh_gloss(parts[-1], lex))
    return first, last

