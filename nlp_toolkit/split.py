"""Sentence splitting, English and Chinese: :func:`split` (a text in a language) and the splitters behind it.

English: spaCy's statistical sentence recognizer (``senter``) from the English pipeline named in
``Settings.spacy_en``, loaded on its own (only that component runs), or a rule splitter (``sent_split_en="rules"``).
The rule splitter's abbreviations are ``models/en_abbreviations.txt``.
Chinese: a rule splitter: a sentence ends at 。！？；… (and their ASCII forms), and the closing quotes and
brackets that follow stay with it (both sets from :mod:`nlp_toolkit.script`).

The sentence aligner (:mod:`nlp_toolkit.sentalign`) splits each paragraph pair with these before aligning.

>>> split_zh("他说：“你去哪里？”我没有回答。真的吗？！好……")
['他说：“你去哪里？”', '我没有回答。', '真的吗？！', '好……']
>>> split_en_rules("Mr. Smith arrived at 9 a.m. today. He said: 'Hi!' Then he left.")
['Mr. Smith arrived at 9 a.m. today.', "He said: 'Hi!'", 'Then he left.']
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from .resources import import_spacy, read_lines, track_spacy
from .script import ZH_SENTENCE_CLOSE, ZH_SENTENCE_END
from .settings import DEFAULT, Settings

# a run of sentence-final marks, with the closing quotes and brackets after it, ends one Chinese sentence
_ZH_SPLIT = re.compile(rf"([{re.escape(ZH_SENTENCE_END)}]+[{re.escape(ZH_SENTENCE_CLOSE)}]*)")


def split_zh(text: str) -> list[str]:
    """Split Chinese text into sentences; whitespace between sentences is dropped, none inside is changed."""
    out: list[str] = []
    for line in text.splitlines():
        parts = _ZH_SPLIT.split(line)
        cur = ""
        for k, part in enumerate(parts):
            cur += part
            if k % 2 == 1:  # a run of end marks (with its closing quotes)
                if cur.strip():
                    out.append(cur.strip())
                cur = ""
        if cur.strip():
            out.append(cur.strip())
    return out


# -- English -----------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _abbreviations() -> frozenset:
    """The abbreviations after which a period does not end a sentence (``models/en_abbreviations.txt``)."""
    return frozenset(line.strip() for line in read_lines("en_abbreviations.txt"))


_EN_CAND = re.compile(r"[.!?…]+['\"’”)\]]*(?=\s+['\"‘“(\[]?[A-Z0-9])")


def split_en_rules(text: str) -> list[str]:
    """A rule splitter: a sentence ends at . ! ? (with closing quotes) before a capital letter or digit,
    unless the word before the period is a known abbreviation or a single initial."""
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in _EN_CAND.finditer(line):
            if m.group().startswith(".") and len(m.group().rstrip("'\"’”)]")) == 1:
                before = re.search(r"([A-Za-z.]+)$", line[max(start, m.start() - 64):m.start()])
                word = before.group(1).lower().rstrip(".") if before else ""
                if word in _abbreviations() or (len(word) == 1 and word.isalpha()):
                    continue
            out.append(line[start:m.end()].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return [s for s in out if s]


#: where a bounded chunk may end, best first: a sentence end before whitespace, a line break, any whitespace
_CHUNK_CUTS = (re.compile(r"[.!?。！？；;…]['\"’”)\]」』）]*\s+"), re.compile(r"\n+"), re.compile(r"\s+"))


def chunk_spans(text: str, max_chars: int = 100_000) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive ``(start, end)`` pieces of at most ``max_chars`` characters that cover it
    exactly, each ending at the last sentence end (with the whitespace after it) in its second half, else at a
    line break, else after any whitespace, else at ``max_chars``: what a model with a length limit
    (spaCy's ``nlp.max_length``) or a cost superlinear in its input's length is given. Linear in the text.

    >>> chunk_spans("One. Two. Three.", 10)
    [(0, 10), (10, 16)]
    >>> chunk_spans("short", 10)
    [(0, 5)]
    """
    out, start, n = [], 0, len(text)
    while n - start > max_chars:
        end = start + max_chars
        cut = None
        for pattern in _CHUNK_CUTS:
            last = None
            for m in pattern.finditer(text, start + max_chars // 2, end):
                last = m
            if last is not None:
                cut = last.end()
                break
        cut = cut if cut and cut > start else end
        out.append((start, cut))
        start = cut
    if start < n or not out:
        out.append((start, n))
    return out


@functools.lru_cache(maxsize=None)
def _senter(name: str):
    """The English pipeline with only its sentence recognizer (its own copy: other stages keep theirs)."""
    nlp = import_spacy().load(name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"])
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if "senter" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {name!r} has no 'senter' component; use sent_split_en='rules'")
    return track_spacy(nlp)


def split_en(texts: Sequence[str] | str, settings: Settings = DEFAULT) -> list:
    """Split English text into sentences. A string gives a list of sentences; a list of strings gives one
    list per text (processed in one batch)."""
    single = isinstance(texts, str)
    batch = [texts] if single else list(texts)
    if settings.sent_split_en == "rules":
        res = [split_en_rules(t) for t in batch]
    elif settings.sent_split_en == "senter":
        nlp = _senter(settings.spacy_en)
        res = []
        # one Doc per line: a line break always ends a sentence
        # and a line over the chunk size is parsed in bounded pieces (spaCy's max_length, its memory)
        lines = [[ln[a:b] for ln in t.splitlines() if ln.strip() for a, b in chunk_spans(ln)] for t in batch]
        flat = [ln for ls in lines for ln in ls]
        docs = iter(nlp.pipe(flat, batch_size=64))
        for ls in lines:
            sents: list[str] = []
            for _ in ls:
                sents.extend(s.text.strip() for s in next(docs).sents if s.text.strip())
            res.append(sents)
    else:
        raise ValueError(f"unknown English splitter {settings.sent_split_en!r}: use 'senter' or 'rules'")
    return res[0] if single else res


def split(text: str, lang: str, settings: Settings = DEFAULT) -> list[str]:
    """Sentences of a text in ``lang`` ("en" or "zh")."""
    return split_zh(text) if lang == "zh" else split_en(text, settings)
