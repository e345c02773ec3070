"""The per-sentence features of one side of a document, and the features a bead is scored by, with their
learned weights.

A bead's features, grouped by signal (``Settings.sent_signals``; :data:`FEATURES` names them, the
:class:`~nlp_toolkit.sentalign.scorer.Scorer` computes them):

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

Every feature has a shared weight plus one per shape group (1-1, 1-n, n-1, n-n: :data:`SHAPE_GROUPS`), and every
bead shape but 1-1 a bias. The weights are learned on MAC-Dev by ``scripts/train_sentalign.py``
(``models/sentalign_weights.json``, :func:`weights_for`). Signals that do not depend on the encoder matter because
the default encoder, USE-m3, does not know about 900 simplified characters that occur in literary Chinese.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from ..resources import model_file
from ..settings import Settings
from .lexicon import (CLAUSE_MARKS, HAN_RUN, ZH_NUM, GlossLexicon, digit_numbers, en_numbers, stem, zh_gloss,
                      zh_number)

EN_WORD = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
LATIN_IN_ZH = re.compile(r"[A-Za-z][A-Za-z\-']*")
ZH_QUOTE = re.compile(r"[“”「」『』]")
EN_QUOTE = re.compile(r"[\"“”‘’']")
_OPEN_BEFORE = " \t([{—–-\"“‘'"
_CLOSE_AFTER = ".,;:!?…)]}—–-"


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


def _en_features(sentences: Sequence[str], lex: GlossLexicon):
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
        numbers.append(en_numbers(low) | digit_numbers(s))
    return words, names, numbers



def _zh_features(sentences: Sequence[str], lex: GlossLexicon, max_name_chars: int = 3):
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
        nums = digit_numbers(s)
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


def side_features(sentences: Sequence[str], lang: str, lex: Optional[GlossLexicon]) -> SideFeatures:
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
def span_presence(sets: list, vocab: dict, k: int) -> list:
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


def span_sum(values: np.ndarray, k: int) -> list:
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

