"""Whole-document sentence alignment: two sequences of sentences in, a monotone sequence of beads out.

The aligner is a dynamic programme over beads of up to ``sent_max_side`` sentences a side and
``sent_max_total`` in all (1-0, 0-1, 1-1, 1-2 ... 1-5, 2-4, ...). A bead's score is a weighted sum of features,
each computed for every pair of spans at once as a dense (n_src + 1) x (n_tgt + 1) matrix, plus a bias for its
shape; the DP maximizes the sum over the path. The features, grouped by signal (``Settings.sent_signals``):

- ``embed``: cosine of the two spans' embeddings (every span from one encoder pass, see
  :class:`nlp_toolkit.encoders.spans.SpanEmbedder`), also scaled by the bead's size; the mean similarity of each
  span to its ``sent_margin_k`` nearest sentences on the other side (vecalign's and CSLS's normalization: a
  sentence that resembles everything earns less for resembling its partner); the least similar sentence of the
  bead to the other side's span; and each sentence's similarity to the span it is put with, summed (a path's
  total then counts every sentence once, however it groups them); and, for beads of two or more sentences a
  side, the first sentence of each side against the last of the other, less first against first and last against
  last (``cross``: a bead whose halves would align on their own should be two beads);
- ``edges``: the bead's boundaries: its first clauses (up to the first comma) and last clauses compared across the
  languages, and whether the sentences just before or after the bead resemble it more than their own
  neighbours: most errors put a boundary one sentence off;
- ``gloss``: the share of the English span's content words (weighted by inverse document frequency) found among
  the CC-CEDICT glosses of the words of the Chinese span (``models/cedict_gloss.tsv``), for the whole bead and
  for its weakest English sentence; and, as for ``edges``, the glosses of the first and last clauses of the
  Chinese sentences at the bead's boundaries against the English sentences there and just after;
- ``name``: capitalized English words found as the toneless pinyin of the Chinese span (or its Latin words);
- ``number``: agreement of the numbers (digits, English number words, Chinese numerals);
- ``punct``: agreement of question marks, exclamation marks and quotation marks, and of direct speech at the
  bead's ends (:func:`quote_marks`: both sides inside a quotation or both outside it, both opening or closing
  one there; the single quotes of English dialogue told from apostrophes): in fiction most boundary errors fall
  inside dialogue, where one Chinese quotation becomes several short English sentences;
- ``length``: log ratios of the spans' character and clause counts against the document's own ratios, and the
  document's sentence-count ratio for beads of unequal sides.

Every feature has a shared weight plus one per shape group (1-1, 1-n, n-1, n-n: :data:`SHAPE_GROUPS`).

The weights are learned on MAC-Dev by ``scripts/train_sentalign.py`` (``models/sentalign_weights.json``).
Signals that do not depend on the encoder matter because the default encoder, USE-m3, does not know about 900
simplified characters that occur in literary Chinese.

>>> stem("running"), stem("cities"), stem("walked"), stem("glass")
('run', 'city', 'walk', 'glass')
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .settings import DEFAULT, Settings

HAN = re.compile(r"[\u3400-\u9fff]")
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
EN_WORD = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
LATIN_IN_ZH = re.compile(r"[A-Za-z][A-Za-z\-']*")
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
CLAUSE_MARKS = re.compile(r"[,;:，；：、]")
ZH_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
ZH_QUOTE = re.compile(r"[“”「」『』]")
EN_QUOTE = re.compile(r"[\"“”‘’']")
_OPEN_BEFORE = " \t([{—–-\"“‘'"
_CLOSE_AFTER = ".,;:!?…)]}—–-"


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
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10 ** 4, "亿": 10 ** 8}


def zh_number(s: str) -> Optional[int]:
    """The value of a run of Chinese numerals (``二十一`` -> 21, ``一九六八`` -> 1968, ``三万`` -> 30000).

    >>> zh_number("二十一"), zh_number("十五"), zh_number("一九六八"), zh_number("三万五千")
    (21, 15, 1968, 35000)
    """
    if not s:
        return None
    if all(c in _ZH_DIGITS for c in s) and len(s) > 1:
        return int("".join(str(_ZH_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        elif c in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[c]
            digit = None
        elif c in _ZH_BIG:
            total += (section + (digit or 0)) * _ZH_BIG[c]
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


def _digits(text: str) -> set[float]:
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
class Lexicon:
    gloss: Glosses  # simplified word -> tuple of English stems
    pinyin: dict  # single character -> tuple of toneless readings
    stopwords: frozenset
    max_len: int


@functools.lru_cache(maxsize=None)
def load_lexicon(gloss_file: str = "cedict_gloss.tsv", stop_file: str = "en_stopwords.txt") -> Lexicon:
    """The CC-CEDICT gloss lexicon and the English stop words (files in ``models/`` or paths)."""
    import marshal
    import os

    from .resources import model_file
    from .resources import cache_dir

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
    return Lexicon(Glosses(gloss), pinyin, stop | {stem(w) for w in stop}, max_len)


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


def detect_lang(sentences: Sequence[str]) -> str:
    """'zh' when Han characters make up at least a third of the letters, else 'en'."""
    text = "".join(sentences)
    han = len(HAN.findall(text))
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return "zh" if han * 3 >= han + latin and han else "en"


# -- per-sentence features -------------------------------------------------------------------------------------
@dataclass
class SideFeatures:
    lang: str
    lengths: np.ndarray  # characters (Chinese: without spaces)
    words: list  # en: content stems; zh: gloss stems of the words it contains
    names: list  # en: capitalized tokens (lower case, no hyphens); zh: pinyin keys and Latin words
    numbers: list  # set of values per sentence
    punct: np.ndarray  # (n, 3): has a question mark / an exclamation mark / a double quotation mark
    clauses: np.ndarray  # 1 + the number of clause marks (commas, semicolons, colons)
    quotes: np.ndarray  # (n, 5): direct speech, see quote_marks


def _en_features(sentences: Sequence[str], lex: Lexicon):
    words, names, numbers = [], [], []
    for s in sentences:
        toks = EN_WORD.findall(s)
        low = [t.lower().replace("’", "'") for t in toks]
        words.append({st for st in (stem(t) for t in low) if st not in lex.stopwords and len(st) > 1})
        nm = set()
        for t, lw in zip(toks, low):
            if t[0].isupper() and lw not in lex.stopwords and len(t) > 1:
                nm.add(re.sub(r"[^a-z]", "", lw.split("'")[0]))
        names.append(nm)
        numbers.append(en_numbers(low) | _digits(s))
    return words, names, numbers


def zh_gloss(text: str, lex: Lexicon) -> set:
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


def zh_clause_glosses(sentences: Sequence[str], lex: Lexicon) -> tuple[list, list]:
    """The gloss stems of the first and of the last clause of each Chinese sentence."""
    first, last = [], []
    for s in sentences:
        parts = [p for p in CLAUSE_MARKS.split(s) if p.strip()] or [s]
        first.append(zh_gloss(parts[0], lex))
        last.append(first[-1] if len(parts) == 1 else zh_gloss(parts[-1], lex))
    return first, last


def _zh_features(sentences: Sequence[str], lex: Lexicon, max_name_chars: int = 3):
    words, names, numbers = [], [], []
    for s in sentences:
        g = zh_gloss(s, lex)
        nm: set = set()
        for run in HAN_RUN.findall(s):
            n = len(run)
            for i in range(n):
                # pinyin keys of 1..3 characters (at most two readings a character)
                keys = [""]
                for L in range(1, min(max_name_chars, n - i) + 1):
                    rd = lex.pinyin.get(run[i + L - 1])
                    if not rd:
                        break
                    keys = [k + r for k in keys for r in rd[:2]]
                    nm.update(keys)
        nm.update(w.lower().replace("-", "").replace("'", "") for w in LATIN_IN_ZH.findall(s))
        g.update(stem(w) for w in LATIN_IN_ZH.findall(s))
        nums = _digits(s)
        for m in ZH_NUM.finditer(s):
            v = zh_number(m.group())
            if v is not None:
                nums.add(float(v))
        words.append(g)
        names.append(nm)
        numbers.append(nums)
    return words, names, numbers


def quote_marks(sentences: Sequence[str], lang: str) -> np.ndarray:
    """Direct speech, per sentence: (opening quotation marks, closing ones, starts with an opening mark, ends with a
    closing mark, a quotation is open after it: 1, or not: 0, or 0.5 when a quotation closed shortly before the
    end ("'...,' he said.": the speaker may go on in the next sentence, as a Chinese quotation does)).

    An English single quote opens at a word's start and closes after a word's end before a space or punctuation
    when it follows punctuation (or a space after punctuation) or when a single quote is open; an apostrophe in
    or after a word is neither. Only a mark of the kind that opened the quotation closes it (the other kind is
    quoted speech inside it); a sentence that starts with an opening mark opens a new quotation (an English
    quotation that runs over paragraphs is not closed at a paragraph's end)."""
    out = np.zeros((len(sentences), 5), dtype=np.float32)
    state = None  # the kind of quotation mark that opened the current quotation
    for r, raw in enumerate(sentences):
        s = raw.strip()
        n_open = n_close = 0
        starts = ends = False
        last_close = -1
        for m in (ZH_QUOTE if lang == "zh" else EN_QUOTE).finditer(s):
            k, c = m.start(), m.group()
            if lang == "zh":
                opens, kind = c in "“「『", {"”": "“", "」": "「", "』": "『"}.get(c, c)
            else:
                kind = '"' if c in '"“”' else "'"
                before = s[k - 1] if k else " "
                before2 = s[k - 2] if k > 1 else " "
                after = s[k + 1] if k + 1 < len(s) else " "
                end_after = after.isspace() or after in _CLOSE_AFTER or after in "\"”"
                if before.isspace() and before2 in _CLOSE_AFTER and k + 1 >= len(s) or \
                        (before.isspace() and before2 in _CLOSE_AFTER and after.isspace() and state == kind):
                    opens = False  # "here, ' he said": a closing mark set off by a space
                elif c in "“‘" or (c in "\"'’" and before in _OPEN_BEFORE and not after.isspace()):
                    opens = True
                elif c == "”" or (c == '"' and not before.isspace()):
                    opens = False
                elif not before.isspace() and end_after and \
                        (before in _CLOSE_AFTER or before in "\"”" or state == "'"):
                    opens = False
                else:
                    continue  # an apostrophe
            if k == 0 and opens:
                starts, state = True, None
            if opens:
                n_open += 1
                if state is None:
                    state = kind
            else:
                n_close += 1
                ends = k >= len(s) - 1
                if kind == state:
                    state = None
                    last_close = k
        inside = 1.0 if state is not None else 0.0
        if state is None and 0 <= last_close < len(s) - 1 and len(s[last_close + 1:].split()) <= 8:
            inside = 0.5
        out[r] = (n_open, n_close, starts, ends, inside)
    return out


def side_features(sentences: Sequence[str], lang: str, lex: Optional[Lexicon]) -> SideFeatures:
    if lang == "zh":
        lengths = np.array([len(re.sub(r"\s", "", s)) for s in sentences], dtype=np.float32)
        words, names, numbers = _zh_features(sentences, lex) if lex else ([set()] * len(sentences),) * 3
    else:
        lengths = np.array([len(s.strip()) for s in sentences], dtype=np.float32)
        words, names, numbers = _en_features(sentences, lex) if lex else ([set()] * len(sentences),) * 3
    numbers = [{v for v in ns if v >= 2} for ns in numbers]  # "one" / 一 is an article more often than a count
    quotes = quote_marks(sentences, lang)
    punct = np.array([[("?" in s or "？" in s), ("!" in s or "！" in s), 0.0]
                      for s in sentences], dtype=np.float32).reshape(len(sentences), 3)
    punct[:, 2] = quotes[:, 0] + quotes[:, 1] > 0
    clauses = np.array([1 + len(CLAUSE_MARKS.findall(s)) for s in sentences], dtype=np.float32)
    return SideFeatures(lang, lengths, words, names, numbers, punct, clauses, quotes)


# -- span matrices ---------------------------------------------------------------------------------------------
def _span_presence(sets: list, vocab: dict, k: int) -> list:
    """P[s][i, v] = 1 when vocabulary item v occurs in sentences[i - s:i]; P[0] unused."""
    n = len(sets)
    base = np.zeros((n + 1, max(len(vocab), 1)), dtype=np.float32)
    for i, st in enumerate(sets):
        idx = [vocab[x] for x in st if x in vocab]
        base[i + 1, idx] = 1.0
    cs = np.cumsum(base, axis=0)
    out: list = [None]
    for s in range(1, k + 1):
        p = np.zeros_like(base)
        if n >= s:
            p[s:] = np.minimum(cs[s:] - cs[:-s], 1.0)
        out.append(p)
    return out


def _span_sum(values: np.ndarray, k: int) -> list:
    """S[s][i] = sum of values[i - s:i] (rows i < s are zero)."""
    n = len(values)
    cs = np.concatenate([np.zeros((1,) + values.shape[1:], dtype=np.float64), np.cumsum(values, axis=0)])
    out: list = [None]
    for s in range(1, k + 1):
        v = np.zeros((n + 1,) + values.shape[1:], dtype=np.float32)
        if n >= s:
            v[s:] = cs[s:] - cs[:-s]
        out.append(v)
    return out


@dataclass
class Bead:
    src: list[int]
    tgt: list[int]
    score: float

    def __str__(self) -> str:
        return f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]"


SIGNALS = ("embed", "edges", "gloss", "name", "number", "punct", "length")

#: the features of a bead of a >= 1 and b >= 1 sentences, per signal; their weights are learned
#: (``scripts/train_sentalign.py``) and stored in ``models/sentalign_weights.json``
FEATURES = {
    "embed": ("cos", "cos_scaled", "neighbours", "cos_minpart", "cos_attach", "cos_attach_margin", "cross"),
    "edges": ("edge_first", "edge_last", "edge_out", "out_attach", "out_next", "edge_in", "in_attach"),
    "gloss": ("gloss", "gloss_minpart", "gloss_attach", "gloss_edge_first", "gloss_edge_last", "gloss_edge_out",
              "gloss_cross"),
    "name": ("name",),
    "number": ("number",),
    "punct": ("punct", "quote_inside", "quote_open", "quote_close", "quote_turns"),
    "length": ("length", "length_abs", "length_log", "clauses", "clauses_log", "shape_ratio"),
}

#: every feature also gets a weight per group of bead shapes (added to its shared weight): a cosine of 0.6 says
#: more for a 1-1 bead than for a 1-3 bead, whose span embedding is an approximation and whose sentences a
#: free translation spreads over
SHAPE_GROUPS = ("11", "1n", "n1", "nn")


def shape_group(a: int, b: int) -> str:
    """The group of a bead shape: 1-1, one source sentence to several ("1n"), several to one, several to
    several."""
    return "11" if a == b == 1 else "1n" if a == 1 else "n1" if b == 1 else "nn"


def bead_types(settings: Settings) -> list[tuple[int, int]]:
    """Bead shapes (src sentences, tgt sentences): 1-0, 0-1 and every a-b with a, b <= max_side, a + b <= max_total."""
    m, t = settings.sent_max_side, settings.sent_max_total
    types = [(1, 0), (0, 1)]
    types += [(a, b) for a in range(1, m + 1) for b in range(1, m + 1) if a + b <= t]
    return types


def shape_name(a: int, b: int) -> str:
    return f"shape_{a}_{b}"


def feature_names(settings: Settings) -> list[str]:
    """Names of the learned weights: the active signals' features, each again per shape group
    (``name@group``), then one bias per bead shape except 1-1."""
    names = [f for sig in SIGNALS if sig in settings.sent_signals for f in FEATURES[sig]]
    return names + [f"{f}@{g}" for f in names for g in SHAPE_GROUPS] + \
        [shape_name(a, b) for a, b in bead_types(settings) if (a, b) != (1, 1)]


@functools.lru_cache(maxsize=None)
def _load_weights(name: str) -> dict:
    import json

    from .resources import model_file

    return json.loads(model_file(name).read_text(encoding="utf-8"))


def weights_for(settings: Settings) -> dict[str, float]:
    """The learned weights for the active signals (``settings.sent_weights``: a models/ file or a path). The file
    holds one weight set per signal combination it was trained with; the set for all signals is used, with
    missing signals' features dropped, when the exact combination was not trained."""
    data = _load_weights(settings.sent_weights)
    key = ",".join(sig for sig in SIGNALS if sig in settings.sent_signals)
    sets = data["weights"]
    w = sets.get(key) or sets[",".join(SIGNALS)]
    return {k: float(w.get(k, 0.0)) for k in feature_names(settings)}


def trained_source(settings: Settings) -> str:
    """The language the weights were learned with as the source side (MAC-Dev: Chinese)."""
    return _load_weights(settings.sent_weights).get("source_lang", "zh")


class _Scorer:
    """Every feature of every bead shape for every pair of spans: (n_src + 1) x (n_tgt + 1) matrices indexed by
    span ends (row i: the span ends before src sentence i; column j: before tgt sentence j)."""

    def __init__(self, src: Sequence[str], tgt: Sequence[str], settings: Settings, encoder, src_lang: str,
                 tgt_lang: str):
        st = settings
        self.settings = st
        self.k = k = st.sent_max_side
        self.n, self.m = len(src), len(tgt)
        self.count_ratio = math.log(self.m / self.n)  # of the whole document, also in a window (see window())
        sig = set(st.sent_signals)
        lex = load_lexicon(st.sent_gloss) if sig & {"gloss", "name", "number"} else None
        fs = side_features(src, src_lang, lex)
        ft = side_features(tgt, tgt_lang, lex)
        self.fs, self.ft = fs, ft
        self.Es = self.Et = None
        if "embed" in sig and encoder is not None:
            from .encoders.spans import SpanEmbedder

            se = SpanEmbedder(encoder)
            se.prepare(src, tgt)
            self.Es = se.spans(src, k, "" if src_lang == "zh" else " ")
            self.Et = se.spans(tgt, k, "" if tgt_lang == "zh" else " ")
            self.ms = [None] + [self._neighbour_mean(self.Es[s], self.Et[1][1:], s) for s in range(1, k + 1)]
            self.mt = [None] + [self._neighbour_mean(self.Et[s], self.Es[1][1:], s) for s in range(1, k + 1)]
            self._cos = {}
            if "edges" in sig:
                Fs, Ls_ = se.edges(src)
                Ft, Lt_ = se.edges(tgt)
                self.P_ff, self.P_ll = Fs @ Ft.T, Ls_ @ Lt_.T
                self.P_fl, self.P_lf = Fs @ Lt_.T, Ls_ @ Ft.T
                n, m = self.n, self.m
                out = np.zeros((n + 1, m + 1), dtype=np.float32)
                out[1:, :m] += (Ls_ @ Ft.T)  # the end of our src span vs the start of the next tgt sentence
                out[:n, 1:] += (Fs @ Lt_.T)  # the start of the next src sentence vs the end of our tgt span
                self.edge_out = out
                self.out_next = np.zeros((n + 1, m + 1), dtype=np.float32)
                self.out_next[:n, :m] = self.Es[1][1:] @ self.Et[1][1:].T  # the next two sentences together
                self.edge_last = np.zeros((n + 1, m + 1), dtype=np.float32)
                self.edge_last[1:, 1:] = self.P_ll
        self.Ls = _span_sum(fs.lengths, k)
        self.Lt = _span_sum(ft.lengths, k)
        self.ratio = float(ft.lengths.sum() + 1) / float(fs.lengths.sum() + 1)
        self.Cs = _span_sum(fs.clauses, k)
        self.Ct = _span_sum(ft.clauses, k)
        for M in self.Cs[1:] + self.Ct[1:]:
            M[M == 0] = 1.0
        self.clause_ratio = float(ft.clauses.sum() + 1) / float(fs.clauses.sum() + 1)
        # lexical signals: the English (or, for two Chinese sides, the target) side is the query side
        if tgt_lang == "en" or src_lang != "en":
            qf, gf, self.q_is_tgt = ft, fs, True
        else:
            qf, gf, self.q_is_tgt = fs, ft, False
        self.lex_q, self.lex_g, self.lex_w = self._lexical(qf.words, gf.words, k)
        self._gloss_edges(qf, gf, src if gf is fs else tgt, lex)
        self.name_q, self.name_g, self.name_w = self._lexical(qf.names, gf.names, k)
        self.Ns, self.Nt, self.num_vocab = self._numbers(fs.numbers, ft.numbers, k)
        self.Ps = _span_sum(fs.punct, k)
        self.Pt = _span_sum(ft.punct, k)
        self._quote_boundaries(fs.quotes, ft.quotes, k)

    def _quote_boundaries(self, qs: np.ndarray, qt: np.ndarray, k: int) -> None:
        """Direct speech at bead ends, as (n + 1) x (m + 1) matrices indexed like the beads: [i, j] is the boundary
        before src sentence i and tgt sentence j. Both sides should be inside a quotation or both outside;
        both should end a quotation there, and both start one."""
        n, m = self.n, self.m
        zi, ei = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zi[1:], ei[1:] = qs[:, 4], qt[:, 4]
        self.q_inside = np.abs(zi[:, None] - ei[None, :])
        zo, eo = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zo[:n], eo[:m] = qs[:, 2], qt[:, 2]
        self.q_open = np.abs(zo[:, None] - eo[None, :])
        zc, ec = np.zeros(n + 1, np.float32), np.zeros(m + 1, np.float32)
        zc[1:], ec[1:] = qs[:, 3], qt[:, 3]
        self.q_close = np.abs(zc[:, None] - ec[None, :])
        self.Qs = _span_sum(qs[:, 0], k)
        self.Qt = _span_sum(qt[:, 0], k)

    def _gloss_edges(self, qf, gf, gsents, lex) -> None:
        """Coverage of each query-side sentence by the glosses of the first and of the last clause of each
        glossed-side (Chinese) sentence: Cf, Cl as (n_src x n_tgt) matrices."""
        self.gCf = self.gCl = None
        if gf.lang != "zh" or lex is None:
            return
        first, last = zh_clause_glosses(gsents, lex)
        vocab = {}
        for st in qf.words:
            for x in st:
                vocab.setdefault(x, len(vocab))
        if not vocab:
            return
        w = self.lex_w
        Q = np.zeros((len(qf.words), len(vocab)), dtype=np.float32)
        for t, st in enumerate(qf.words):
            Q[t, [vocab[x] for x in st]] = 1.0
        Qw = Q * w[:len(vocab)]
        tot = np.maximum(Qw.sum(axis=1), 1e-6)

        def cover(sets):
            G = np.zeros((len(sets), len(vocab)), dtype=np.float32)
            for r, st in enumerate(sets):
                idx = [vocab[x] for x in st if x in vocab]
                G[r, idx] = 1.0
            C = (Qw @ G.T) / tot[:, None]  # (n_q, n_g)
            C[Q.sum(axis=1) == 0] = 0.5
            return C.T if self.q_is_tgt else C  # (n_src, n_tgt)

        self.gCf, self.gCl = cover(first), cover(last)

    def _neighbour_mean(self, E: np.ndarray, other: np.ndarray, s: int) -> np.ndarray:
        kk = self.settings.sent_margin_k
        out = np.zeros(len(E), dtype=np.float32)
        if len(other) == 0 or len(E) <= s:
            return out
        sims = E[s:] @ other.T
        kk = min(kk, sims.shape[1])
        top = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:]
        out[s:] = top.mean(axis=1)
        return out

    def _lexical(self, qsets: list, gsets: list, k: int):
        vocab: dict = {}
        df: dict = {}
        for st in qsets:
            for x in st:
                vocab.setdefault(x, len(vocab))
                df[x] = df.get(x, 0) + 1
        n = max(len(qsets), 1)
        w = np.zeros(max(len(vocab), 1), dtype=np.float32)
        for x, i in vocab.items():
            w[i] = math.log((n + 1) / (df[x] + 0.5))
        return _span_presence(qsets, vocab, k), _span_presence(gsets, vocab, k), w

    def _numbers(self, ssets: list, tsets: list, k: int):
        vocab: dict = {}
        for st in list(ssets) + list(tsets):
            for x in st:
                vocab.setdefault(x, len(vocab))
        return _span_presence(ssets, vocab, k), _span_presence(tsets, vocab, k), vocab

    def cos(self, a: int, b: int) -> np.ndarray:
        if (a, b) not in self._cos:
            self._cos[(a, b)] = self.Es[a] @ self.Et[b].T
        return self._cos[(a, b)]

    def _coverage(self, a: int, b: int, Q: list, G: list, w: np.ndarray):
        """(matched query weight / query weight, query weight) of every src span of a and tgt span of b
        sentences, as (n + 1) x (m + 1) matrices (each computed once)."""
        memo = self.__dict__.setdefault("_coverage_memo", {})
        key = (a, b, id(Q))
        if key not in memo:
            memo[key] = self._coverage_of(a, b, Q, G, w)
        return memo[key]

    def _coverage_of(self, a: int, b: int, Q: list, G: list, w: np.ndarray):
        qa, ga = (b, a) if self.q_is_tgt else (a, b)
        Qw = Q[qa] * w
        tot = Qw.sum(axis=1)
        cov = (Qw @ G[ga].T) / np.maximum(tot, 1e-6)[:, None]
        tot = np.broadcast_to(tot[:, None], cov.shape)
        return (cov.T, tot.T) if self.q_is_tgt else (cov, tot)

    @staticmethod
    def _shift(M: np.ndarray, di: int, dj: int) -> np.ndarray:
        """R[i, j] = M[i - di, j - dj] (zero where out of range)."""
        R = np.zeros_like(M)
        R[di:, dj:] = M[:M.shape[0] - di, :M.shape[1] - dj]
        return R

    def _cross(self, S: np.ndarray, a: int, b: int) -> np.ndarray:
        """For beads of two or more sentences a side: the first sentence of each side against the last of the
        other, less first against first and last against last. A bead whose two halves would align on their
        own (first with first, last with last) should rather be two beads; a translation that reorders makes
        the cross pairs as similar as the straight ones. S: 1-1 similarities indexed by bead ends."""
        if a < 2 or b < 2:
            return np.zeros_like(S)
        return self._shift(S, a - 1, 0) + self._shift(S, 0, b - 1) - self._shift(S, a - 1, b - 1) - S

    #: keep computed features (training decodes the same documents many times)
    keep_features = False

    def features(self, a: int, b: int) -> dict[str, np.ndarray]:
        """The features of every a-b bead (a, b >= 1)."""
        cache = self.__dict__.setdefault("_feature_cache", {})
        if (a, b) in cache:
            return cache[(a, b)]
        F = self._features(a, b)
        if self.keep_features:
            cache[(a, b)] = {k: v.astype(np.float32) for k, v in F.items()}
        return F

    def _features(self, a: int, b: int) -> dict[str, np.ndarray]:
        sig = self.settings.sent_signals
        size = (0.5 * (a + b)) ** 0.5
        F: dict[str, np.ndarray] = {}
        if "embed" in sig and self.Es is not None:
            cos = self.cos(a, b)
            F["cos"] = cos
            F["cos_scaled"] = size * cos
            F["neighbours"] = size * 0.5 * (self.ms[a][:, None] + self.mt[b][None, :])
            # every sentence of the bead should resemble the other side's span
            sp = [self._shift(self.cos(1, b), r, 0) for r in range(a)]
            tp = [self._shift(self.cos(a, 1), 0, r) for r in range(b)]
            parts = (sp if a > 1 else []) + (tp if b > 1 else [])
            F["cos_minpart"] = np.minimum.reduce(parts) if parts else cos
            # each sentence's similarity to the span it is put with, summed: a path's total counts every
            # sentence once, however the path groups them
            F["cos_attach"] = np.add.reduce(sp + tp)
            ms1, mt1 = self.ms[1], self.mt[1]
            F["cos_attach_margin"] = F["cos_attach"] \
                - sum(self._shift(np.broadcast_to(ms1[:, None], cos.shape), r, 0) for r in range(a)) \
                - sum(self._shift(np.broadcast_to(mt1[None, :], cos.shape), 0, r) for r in range(b))
            F["cross"] = self._cross(self.cos(1, 1), a, b)
        if "edges" in sig and self.Es is not None and hasattr(self, "P_ff"):
            ef = np.zeros((self.n + 1, self.m + 1), dtype=np.float32)
            ef[a:, b:] = self.P_ff[:self.n + 1 - a, :self.m + 1 - b]
            F["edge_first"] = ef
            F["edge_last"] = self.edge_last
            F["edge_out"] = self.edge_out
            # the sentences just after the bead: would they rather join it than start the next bead together?
            n, m = self.n, self.m
            oa = np.zeros((n + 1, m + 1), dtype=np.float32)
            es1, et1 = self.Es[1][1:], self.Et[1][1:]  # sentence k at row k
            oa[:, :m] += self.Es[a] @ et1.T  # our src span vs the next tgt sentence
            oa[:n, :] += es1 @ self.Et[b].T  # the next src sentence vs our tgt span
            F["out_attach"] = oa
            F["out_next"] = self.out_next
            # the sentences just before the bead: would they rather have joined it?
            ia = np.zeros((n + 1, m + 1), dtype=np.float32)
            if m > b:
                ia[:, b + 1:] += (self.Es[a] @ et1.T)[:, :m - b]
            if n > a:
                ia[a + 1:, :] += (es1 @ self.Et[b].T)[:n - a, :]
            F["in_attach"] = ia
            ei = np.zeros((n + 1, m + 1), dtype=np.float32)
            if m > b:
                ei[a:, b + 1:] += self.P_fl[:n + 1 - a, :m - b]
            if n > a:
                ei[a + 1:, b:] += self.P_lf[:n - a, :m + 1 - b]
            F["edge_in"] = ei
        if "gloss" in sig:
            cov, tot = self._coverage(a, b, self.lex_q, self.lex_g, self.lex_w)
            F["gloss"] = size * cov
            qn = b if self.q_is_tgt else a
            if qn > 1:
                c1, t1 = self._coverage(a, 1, self.lex_q, self.lex_g, self.lex_w) if self.q_is_tgt else \
                    self._coverage(1, b, self.lex_q, self.lex_g, self.lex_w)
                c1 = np.where(t1 > 0, c1, 0.5)
                parts = [self._shift(c1, 0, r) if self.q_is_tgt else self._shift(c1, r, 0) for r in range(qn)]
                F["gloss_minpart"] = np.minimum.reduce(parts)
                F["gloss_attach"] = np.add.reduce(parts)
            else:
                F["gloss_minpart"] = np.where(tot > 0, cov, 0.5)
                F["gloss_attach"] = F["gloss_minpart"]
            c11, t11 = self._coverage(1, 1, self.lex_q, self.lex_g, self.lex_w)
            F["gloss_cross"] = self._cross(np.where(t11 > 0, c11, 0.5), a, b)
            n, m = self.n, self.m
            ge = np.zeros((3, n + 1, m + 1), dtype=np.float32)
            if self.gCf is not None:
                Cf, Cl = self.gCf, self.gCl  # [src x, tgt y]: first/last clause of one side vs the other sentence
                ge[0, a:, b:] = Cf[:n + 1 - a, :m + 1 - b]  # the bead's first sentences
                ge[1, 1:, 1:] = Cl  # the bead's last sentences
                # the bead's end against the next sentences: the Chinese side's last clause of the bead against
                # the next sentence of the other side, and the next Chinese sentence's first clause against the
                # bead's last sentence of the other side
                end_vs_next, next_vs_end = (Cl, Cf) if self.q_is_tgt else (Cf, Cl)
                ge[2, 1:, :m] += end_vs_next  # our last src sentence vs the next tgt sentence
                ge[2, :n, 1:] += next_vs_end  # the next src sentence vs our last tgt sentence
            F["gloss_edge_first"], F["gloss_edge_last"], F["gloss_edge_out"] = ge[0], ge[1], ge[2]
        if "name" in sig:
            cov, tot = self._coverage(a, b, self.name_q, self.name_g, self.name_w)
            F["name"] = size * np.where(tot > 0, cov - 0.5, 0.0)
        if "number" in sig:
            if len(self.num_vocab):
                S, T = self.Ns[a], self.Nt[b]
                inter = S @ T.T
                union = S.sum(1)[:, None] + T.sum(1)[None, :] - inter
                F["number"] = size * np.where(union > 0, 2 * inter / np.maximum(union, 1) - 1, 0.0)
            else:
                F["number"] = np.zeros((self.n + 1, self.m + 1), dtype=np.float32)
        if "punct" in sig:
            ps, pt = np.minimum(self.Ps[a], 1), np.minimum(self.Pt[b], 1)
            F["punct"] = size * np.abs(ps[:, None, :] - pt[None, :, :]).sum(-1)
            F["quote_inside"], F["quote_open"], F["quote_close"] = self.q_inside, self.q_open, self.q_close
            F["quote_turns"] = np.minimum(np.abs(self.Qs[a][:, None] - self.Qt[b][None, :]), 3.0)
        if "length" in sig:
            sm = self.settings.sent_length_smooth
            lr = np.log((self.Lt[b][None, :] + sm) / (self.Ls[a][:, None] * self.ratio + sm))
            F["length"] = size * lr ** 2
            F["length_abs"] = size * np.abs(lr)
            F["length_log"] = size * lr
            # the document's sentence ratio: the more target sentences per source sentence, the more beads
            # with more target than source sentences
            F["shape_ratio"] = np.full((self.n + 1, self.m + 1), (b - a) * self.count_ratio, dtype=np.float32)
            lc = np.log(self.Ct[b][None, :] / (self.Cs[a][:, None] * self.clause_ratio))
            F["clauses"] = size * lc ** 2
            F["clauses_log"] = size * lc
        return F

    def scores(self, weights: dict[str, float], shapes=None) -> dict[tuple[int, int], np.ndarray]:
        """The score of every bead (of ``shapes``, default all): ``sum(w_f * feature_f) + w_shape``, -inf where a
        span would not fit."""
        out = {}
        for a, b in shapes or bead_types(self.settings):
            if a == 0 or b == 0 or a > self.n or b > self.m:
                continue
            F = self.features(a, b)
            g = shape_group(a, b)
            s = np.full((self.n + 1, self.m + 1), weights.get(shape_name(a, b), 0.0), dtype=np.float64)
            for name, M in F.items():
                w = weights.get(name, 0.0) + weights.get(f"{name}@{g}", 0.0)
                if w:
                    s += w * M
            s[:a, :] = -np.inf
            s[:, :b] = -np.inf
            out[(a, b)] = s
        return out

    #: span-end arrays (one row per span end, 0..n) of each side, sliced by a window
    _ROW_ARRAYS = ("Es", "ms", "Ls", "Cs", "Ps", "Ns", "Qs")
    _COL_ARRAYS = ("Et", "mt", "Lt", "Ct", "Pt", "Nt", "Qt")
    #: (n + 1) x (m + 1) matrices indexed by span ends, and n x m matrices indexed by sentences
    _END_MATRICES = ("edge_out", "out_next", "edge_last", "q_inside", "q_open", "q_close")
    _SENTENCE_MATRICES = ("P_ff", "P_ll", "P_fl", "P_lf", "gCf", "gCl")

    def window(self, r0: int, r1: int, c0: int, c1: int) -> "_Scorer":
        """This scorer restricted to span ends r0 <= i < r1 and c0 <= j < c1: every array sliced, nothing
        recomputed, document-wide statistics (length ratios, idf weights, neighbour means) kept. A window's
        features equal the whole document's at every cell whose beads and neighbours lie inside it: at least
        ``k + 1`` rows and columns after its top and left edges and one before its bottom and right edges,
        unless an edge is the document's own."""
        v = object.__new__(_Scorer)
        v.__dict__.update({k: val for k, val in self.__dict__.items()
                           if k not in ("_cos", "_coverage_memo", "_feature_cache")})
        v._cos = {}
        v.keep_features = False
        v.n, v.m = r1 - r0 - 1, c1 - c0 - 1
        rows, cols = slice(r0, r1), slice(c0, c1)

        def cut(x, sl):
            return None if x is None else [None if e is None else e[sl] for e in x] if isinstance(x, list) else x[sl]

        for names, sl in ((self._ROW_ARRAYS, rows), (self._COL_ARRAYS, cols)):
            for name in names:
                if name in self.__dict__:
                    setattr(v, name, cut(self.__dict__[name], sl))
        q_sl, g_sl = (cols, rows) if self.q_is_tgt else (rows, cols)
        for name, sl in (("lex_q", q_sl), ("name_q", q_sl), ("lex_g", g_sl), ("name_g", g_sl)):
            setattr(v, name, cut(self.__dict__[name], sl))
        for name in self._END_MATRICES:
            if self.__dict__.get(name) is not None:
                setattr(v, name, self.__dict__[name][rows, cols])
        for name in self._SENTENCE_MATRICES:
            if self.__dict__.get(name) is not None:
                setattr(v, name, self.__dict__[name][r0:r1 - 1, c0:c1 - 1])
        return v

    def band_scores(self, weights: dict[str, float], width: int, block: int = 64) -> dict:
        """Bead scores near the best path only (Bertalign's two passes): a first pass decodes with 1-1, 1-0 and
        0-1 beads over the whole document; every other shape is scored in windows of ``block`` rows covering
        ``width`` sentences either side of that path, -inf elsewhere. The same alignment as :meth:`scores`
        whenever the best path stays within the band (every MAC-Test and MAC-Dev document down to a width of 4),
        in ~70% of the time (a window's many small operations cost more per cell than the whole matrix's)."""
        n, m, k = self.n, self.m, self.k
        types = [t for t in bead_types(self.settings) if 1 <= t[0] <= n and 1 <= t[1] <= m]
        first = [(1, 1)]
        out = self.scores(weights, first)
        rest = [t for t in types if t not in out]
        if not rest:
            return out
        # the columns the first path visits at each span end row (the lowest and highest)
        lo = np.full(n + 1, m, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        i = j = 0
        lo[0] = 0
        for bd in _best_path(n, m, out, weights, self.settings):
            i2, j2 = i + len(bd.src), j + len(bd.tgt)
            for r in range(i, i2 + 1):
                lo[r] = min(lo[r], j)
                hi[r] = max(hi[r], j2)
            i, j = i2, j2
        for t in rest:
            out[t] = np.full((n + 1, m + 1), -np.inf)
        for r0 in range(0, n + 1, block):
            r1 = min(r0 + block, n + 1)
            near = slice(max(r0 - width, 0), min(r1 + width, n + 1))
            c0, c1 = max(int(lo[near].min()) - width, 0), min(int(hi[near].max()) + width + 1, m + 1)
            # the window with margins (see window()), then the block's cells copied out of it
            w0, x0 = max(r0 - k - 1, 0), max(c0 - k - 1, 0)
            v = self.window(w0, min(r1 + 1, n + 1), x0, min(c1 + 1, m + 1))
            for t, S in v.scores(weights, rest).items():
                out[t][r0:r1, c0:c1] = S[r0 - w0:r1 - w0, c0 - x0:c1 - x0]
        return out


def align_sentences(src: Sequence[str], tgt: Sequence[str], settings: Settings = DEFAULT, encoder=None,
                    src_lang: Optional[str] = None, tgt_lang: Optional[str] = None,
                    weights: Optional[dict] = None) -> list[Bead]:
    """Align two sentence sequences; returns beads in order, covering every sentence once.

    ``encoder``: an encoder with ``encode(texts)`` (default: :func:`default_encoder`); pass ``False`` to align
    without embeddings. ``weights``: feature weights (default: :func:`weights_for` ``(settings)``).
    A bead's ``score`` is the cosine of its two spans when embeddings are used (else its learned score); 0.0
    for a sentence left unaligned. The alignment is the same whichever side is the source: when the target is in
    the language the weights were learned with as the source (:func:`trained_source`), the two swap roles.
    """
    src, tgt = list(src), list(tgt)
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead([i], [], 0.0) for i in range(n)] + [Bead([], [j], 0.0) for j in range(m)]
    if encoder is None:
        encoder = default_encoder(settings)
    elif encoder is False:
        encoder = None
    src_lang = src_lang or detect_lang(src)
    tgt_lang = tgt_lang or detect_lang(tgt)
    if tgt_lang == trained_source(settings) != src_lang:
        # the weights were learned with this target language as the source: align the other way round, so that
        # the alignment does not depend on the order of the two files
        beads = align_sentences(tgt, src, settings, encoder, tgt_lang, src_lang, weights)
        return [Bead(b.tgt, b.src, b.score) for b in beads]
    w = weights if weights is not None else weights_for(settings)
    with _blas_threads(settings.sent_blas_threads):
        sc = _Scorer(src, tgt, settings, encoder, src_lang, tgt_lang)
        return decode(sc, w, band=settings.sent_band)


def default_encoder(settings: Settings):
    """The encoder ``settings`` name, None without the ``embed`` signal."""
    if "embed" not in settings.sent_signals:
        return None
    if settings.encoder == "usem3":
        from .encoders.usem3 import fast_usem3

        return fast_usem3()
    from .encoders import get_encoder

    return get_encoder(settings.encoder, settings.pooling)


def _blas_threads(n: int):
    """Limit BLAS threads while aligning: ``n`` > 0 that many; 0: the cores free right now (threads.py: BLAS
    threads that wait for a busy core make the alignment several times slower)."""
    from .threads import blas_threads

    return blas_threads(n)


def decode(sc: _Scorer, weights: dict[str, float], extra: Optional[dict] = None, band: int = 0) -> list[Bead]:
    """The best monotone bead sequence under ``weights`` (a dynamic programme over span ends); ``extra`` maps
    bead shapes to matrices added to their scores (training adds a loss term); ``band`` > 0 scores the
    larger beads only within that many sentences of a first pass (:meth:`_Scorer.band_scores`)."""
    if band and not extra:
        scores = sc.band_scores(weights, band)
    else:
        scores = sc.scores(weights)
        for t, M in (extra or {}).items():
            if t in scores:
                scores[t] = scores[t] + M
    beads = _best_path(sc.n, sc.m, scores, weights, sc.settings)
    use_cos = sc.Es is not None
    for bd in beads:
        if not bd.src or not bd.tgt:
            continue
        a, b, i, j = len(bd.src), len(bd.tgt), bd.src[-1] + 1, bd.tgt[-1] + 1
        bd.score = float(sc.Es[a][i] @ sc.Et[b][j]) if use_cos else float(scores[(a, b)][i, j])
    return beads


def _best_path(n: int, m: int, scores: dict, weights: dict[str, float], settings: Settings) -> list[Bead]:
    """The dynamic programme: the highest-scoring monotone path through the beads in ``scores`` (shapes missing
    there are not used) and 1-0 / 0-1 beads; bead scores left at 0. Row by row, every bead shape at once: the
    candidates ``D[i - a, j - b] + score[a, b][i, j]`` of all shapes are one gathered array, and the first best
    shape wins a tie."""
    NEG = -1e18
    types = [t for t in bead_types(settings) if t[0] >= 1 and (t[1] == 0 or t in scores)]
    ins_score = weights.get(shape_name(0, 1), 0.0)
    T = len(types)
    A = np.array([a for a, _ in types])
    B = np.array([b for _, b in types])
    S = np.empty((T, n + 1, m + 1), dtype=np.float64)
    for code, (a, b) in enumerate(types):
        S[code] = weights.get(shape_name(1, 0), 0.0) if b == 0 else scores[(a, b)]
    pad = int(B.max())
    # D with `pad` columns of NEG in front, so that column j - b is j - b + pad, never negative
    D = np.full((n + 1, m + 1 + pad), NEG, dtype=np.float64)
    back = np.full((n + 1, m + 1), -1, dtype=np.int16)
    ins_code = T
    C = np.arange(m + 1, dtype=np.float64) * ins_score
    cols = np.arange(m + 1)[None, :] - B[:, None] + pad  # (T, m + 1)
    for i in range(n + 1):
        if i == 0:
            row = np.full(m + 1, NEG)
            row[0] = 0.0
            brow = np.full(m + 1, -1, dtype=np.int16)
        else:
            ok = A <= i
            cand = D[np.maximum(i - A[ok], 0)[:, None], cols[ok]] + S[ok, i]
            code = cand.argmax(axis=0)
            row = cand[code, np.arange(m + 1)]
            brow = np.flatnonzero(ok)[code].astype(np.int16)
            brow[row <= NEG / 2] = -1
            row = np.maximum(row, NEG)
        # 0-1 beads: row[j] = max over k <= j of row[k] + (j - k) * ins_score
        best = np.maximum.accumulate(row - C) + C
        via_ins = best > row + 1e-9
        row[via_ins] = best[via_ins]
        brow[via_ins] = ins_code
        D[i, pad:] = row
        back[i] = brow
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        code = int(back[i, j])
        if code == ins_code:
            beads.append(Bead([], [j - 1], 0.0))
            j -= 1
            continue
        a, b = types[code]
        beads.append(Bead(list(range(i - a, i)), list(range(j - b, j)), 0.0))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def path_features(sc: _Scorer, beads: Sequence[Bead], names: Sequence[str]) -> np.ndarray:
    """The summed features of a bead sequence (for training); beads of shapes the aligner lacks are left out."""
    idx = {n: k for k, n in enumerate(names)}
    phi = np.zeros(len(names))
    types = set(bead_types(sc.settings))
    cache: dict = {}
    for bd in beads:
        a, b = len(bd.src), len(bd.tgt)
        if (a, b) not in types:
            continue
        if (a, b) != (1, 1):
            phi[idx[shape_name(a, b)]] += 1
        if a and b:
            if (a, b) not in cache:
                cache[(a, b)] = sc.features(a, b)
            i, j = bd.src[-1] + 1, bd.tgt[-1] + 1
            g = shape_group(a, b)
            for name, M in cache[(a, b)].items():
                for key in (name, f"{name}@{g}"):
                    if key in idx:
                        phi[idx[key]] += M[i, j]
    return phi


def align_files(src_path, tgt_path, out_path, presplit: bool = False, settings: Settings = DEFAULT) -> int:
    """Align the sentences of two files (one document in two languages, any common encoding) and write one bead
    a line, ``[src ids]:[tgt ids]``, atomically. ``presplit``: the files hold one sentence a line; otherwise
    their text is split into sentences first. Returns the number of beads; unreadable input raises
    :class:`~nlp_toolkit.document.InputError` naming the file."""
    from .export.jsonl import write_lines
    from .read import decode, read_bytes
    from .sentences import split

    sides = []
    for path in (src_path, tgt_path):
        text, _ = decode(read_bytes(path), str(path))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if presplit:  # one sentence a line; a final newline ends the last line, it adds none
            sides.append(text[:-1].split("\n") if text.endswith("\n") else text.split("\n"))
        else:
            sides.append(split(text, detect_lang([text]), settings))
    beads = align_sentences(sides[0], sides[1], settings)
    return write_lines((str(b) for b in beads), out_path)
