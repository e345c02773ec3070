"""Chinese named entities by a linear-chain CRF over characters (python-crfsuite).

The model (``models/zh_ner_crf.crfsuite``) is trained by ``scripts/train_zh_ner.py`` on the MSRA training set
(PER, LOC, ORG in BMES tags; provenance and terms in ``models/README.md``). Each character is described by the
characters around it, the LAC word it belongs to (its position in the word, its POS tag, the word itself when
short) and the bilingual gazetteer's matches around it; the same :func:`char_features` serves training and
tagging, so the two cannot drift apart.

Texts are tagged in chunks cut at sentence ends (as the training sentences are), so the cost is linear in the
length of a text.

>>> spans_from_tags(["B-ORG", "M-ORG", "E-ORG", "O", "S-LOC", "B-PER", "E-PER"])
[(0, 3, 'ORG'), (4, 5, 'LOC'), (5, 7, 'PER')]
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Optional, Sequence

from .lac import split_chunks

#: the labels the model knows
LABELS = ("PER", "LOC", "ORG")
#: longest chunk given to the CRF at once (sentences longer than this are cut at clauses, as LAC's are)
CHUNK = 200
#: a LAC word up to this length is a feature of its own
WORD_FEATURE_MAX = 4


def _ctype(ch: str) -> str:
    if ch.isdigit():
        return "D"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "H"
    if ch.isascii() and ch.isalpha():
        return "L"
    if ch.isspace():
        return "S"
    cat = unicodedata.category(ch)
    return "P" if cat.startswith("P") else "X"


def char_features(text: str, tokens: Sequence[tuple[int, int, str]],
                  gazetteer_spans: Sequence[tuple[int, int, str]] = ()) -> list[list[str]]:
    """The features of each character of ``text``.

    ``tokens``: LAC's ``(start, end, tag)`` words covering the text; ``gazetteer_spans``: ``(start, end, label)``
    names of the gazetteer found in it. Offsets are into ``text``.
    """
    n = len(text)
    pos = ["O"] * n  # position in the LAC word: B M E S
    tag = ["x"] * n
    word = [""] * n
    for s, e, t in tokens:
        s, e = max(0, s), min(n, e)
        if e <= s:
            continue
        w = text[s:e] if e - s <= WORD_FEATURE_MAX else ""
        for i in range(s, e):
            pos[i] = "S" if e - s == 1 else "B" if i == s else "E" if i == e - 1 else "M"
            tag[i] = t
            word[i] = w
    gz = [""] * n
    for s, e, label in gazetteer_spans:
        for i in range(max(0, s), min(n, e)):
            gz[i] = ("S" if e - s == 1 else "B" if i == s else "E" if i == e - 1 else "M") + "-" + label
    chars = ["<s2>", "<s1>"] + list(text) + ["</s1>", "</s2>"]
    types = [_ctype(c) for c in text]
    out = []
    for i in range(n):
        k = i + 2
        c_2, c_1, c0, c1, c2 = chars[k - 2], chars[k - 1], chars[k], chars[k + 1], chars[k + 2]
        f = ["b", "c0=" + c0, "c-1=" + c_1, "c1=" + c1, "c-2=" + c_2, "c2=" + c2,
             "c-1c0=" + c_1 + c0, "c0c1=" + c0 + c1, "c-1c1=" + c_1 + c1,
             "t=" + types[i] + (types[i - 1] if i else "^") + (types[i + 1] if i + 1 < n else "$"),
             "w=" + pos[i] + tag[i], "p=" + tag[i],
             "p-1=" + (tag[i - 1] if i else "^") + pos[i], "p1=" + (tag[i + 1] if i + 1 < n else "$") + pos[i]]
        if word[i]:
            f.append("wd=" + pos[i] + word[i])
        if gz[i]:
            f.append("g=" + gz[i])
            f.append("gt=" + gz[i] + tag[i])
        out.append(f)
    return out


def spans_from_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans of BMES tags (a B without its E, or an M out of place, ends the entity where it stops)."""
    out = []
    start, label = None, None
    for i, t in enumerate(tags):
        if t == "O" or "-" not in t:
            if start is not None:
                out.append((start, i, label))
            start, label = None, None
            continue
        p, lab = t.split("-", 1)
        if p == "S":
            if start is not None:
                out.append((start, i, label))
            out.append((i, i + 1, lab))
            start, label = None, None
        elif p == "B" or start is None or lab != label:
            if start is not None:
                out.append((start, i, label))
            start, label = i, lab
            if p == "E":
                out.append((i, i + 1, lab))
                start, label = None, None
        elif p == "E":
            out.append((start, i + 1, label))
            start, label = None, None
    if start is not None:
        out.append((start, len(tags), label))
    return out


class CrfTagger:
    """A trained model file; :meth:`entities` tags one text given its LAC tokens and gazetteer matches."""

    def __init__(self, path: str):
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(path)

    def entities(self, text: str, tokens: Sequence[tuple[int, int, str]],
                 gazetteer_spans: Sequence[tuple[int, int, str]] = ()) -> list[tuple[int, int, str]]:
        """``(start, end, label)`` entities of ``text`` (offsets into it)."""
        out = []
        for s, e, toks, gaz in chunked(text, tokens, gazetteer_spans):
            for a, b, label in spans_from_tags(self.tagger.tag(char_features(text[s:e], toks, gaz))):
                out.append((s + a, s + b, label))
        return out


def _clip(spans, s: int, e: int, k: int):
    """The spans from index ``k`` on (sorted by start) that overlap ``[s, e)``, shifted to the chunk; the index
    to resume from."""
    got = []
    while k < len(spans) and spans[k][1] <= s:
        k += 1
    j = k
    while j < len(spans) and spans[j][0] < e:
        a, b, lab = spans[j]
        got.append((max(a, s) - s, min(b, e) - s, lab))
        j += 1
    return got, k


def chunked(text: str, tokens, gazetteer_spans=()):
    """``(start, end, tokens, gazetteer spans)`` of each chunk of ``text`` (cut at sentence ends, as the
    training sentences are), offsets of the spans relative to the chunk."""
    toks = sorted(tokens)
    gaz = sorted(gazetteer_spans)
    kt = kg = 0
    for s, e in split_chunks(text, CHUNK):
        ct, kt = _clip(toks, s, e, kt)
        cg, kg = _clip(gaz, s, e, kg)
        yield s, e, ct, cg


@functools.lru_cache(maxsize=4)
def crf_tagger(path: str) -> CrfTagger:
    """The tagger of a model file (loaded once per process)."""
    return CrfTagger(path)


def gazetteer_spans(gaz, text: str, labels: Optional[set] = None) -> list[tuple[int, int, str]]:
    """The gazetteer's names in ``text`` as CRF features: ``(start, end, label)``, labels folded to the model's
    (GPE is LOC), names of one character left out (too often part of a word)."""
    out = []
    for s, e, entry in gaz.find(text):
        label = {"GPE": "LOC"}.get(entry.label, entry.label)
        if e - s >= 2 and (labels is None or label in labels):
            out.append((s, e, label))
    return out
