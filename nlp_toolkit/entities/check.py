"""The entity check of aligned units: a name on one side whose counterpart on the other side is another name, or
that the other side leaves out (translation QA for names, as :mod:`nlp_toolkit.claims.linking` is for figures).

A name is *known* when the toolkit knows what it is called in the other language: a Chinese entity with an entry
in the bilingual gazetteer (``models/gazetteer.tsv``), a country name in the Chinese text, a Chinese country
abbreviation (中美 -> 中, 美); an English entity whose name or alias the gazetteer gives in Chinese. Each known
name has *keys*, the loose English names it stands for: its gazetteer names and aliases and, for a country, the
country itself when the name is one of the forms ``models/entity_check.txt`` lists for it (demonyms, combining
forms such as Sino-, capitals and seats of government: "Washington" and 白宫 stand for the United States,
"Belarusian" for Belarus). Two names *match* when their keys meet.

The classes of phenomena, each with tests in ``tests/test_entity_check.py``:

- a Chinese name is *explained* by the English side when an English entity of the unit matches it or one of its
  English forms is written in the English text (NER misses names, and names inside names). A name that is no
  country is also explained by looser evidence, since the gazetteer gives one English name of several: a
  distinctive word of its English name written in the English text ("Shetland" for 设得兰群岛 *Shetland Islands*,
  "Democrats" for 民主党 *Democratic Party*, "south-east Asia" for 东南亚), an English name it sounds like
  (维拉 for "Villa", 卢卡申科 for "Lukashenko"), a link the linker made to an English entity of the unit, or the
  Latin-script name the translator put in brackets after it;
- an English name is *rendered* in Chinese when a known Chinese name matches it, one of its Chinese forms is in
  the Chinese text, the text keeps it in Latin letters, a Chinese word of the text has it as its CC-CEDICT gloss
  (西方 "the West"), or a Chinese entity is linked to it or sounds like it that is no known name of something
  else;
- ``entity_mismatch`` (``error``): a known Chinese name the English side does not explain while the English side
  names a known name of the same kind (a place, an organization, a person) that the Chinese does not render:
  EN "France" where ZH has 德国 and not 法国. A Chinese name the linker tied to the English name although the
  gazetteer says it is a country of its own (德国 linked to "France") is no rendering;
- ``entity_missing`` (``warning``), a name given on one side and nothing for it on the other:
  - an English name the gazetteer gives in Chinese, with no Chinese counterpart in the unit or its neighbours and
    no Chinese stand-in for it (他/她/其/该公司/该国...: translators write a pronoun for a name said before);
  - a country in the Chinese text that the English side names in no form, in the unit or its neighbours, and
    that is no stand-in made explicit ("it" for a country the article names) and, where the English unit names
    no country at all, no country it leaves implicit ("the country"; the owner of an institution or office the
    English names alone: "the Met Office" -> 英国气象局, "President Joe Biden" -> 美国总统乔·拜登).
    Only countries: Chinese text adds other names for clarity (a person's full name, 外交部 for "the Foreign
    Office") and the gazetteer's homonyms (北岛 is a poet) would make warnings a reviewer learns to ignore.
  Abbreviations (中美, 英里's 英) only ever render a name, never raise a warning.

Warnings carry ``code``, ``severity``, ``reason``, ``lang`` (the side whose name has no counterpart), both spans
when known and a message naming the names, so that a changed name gives a message the faithful unit does not have.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..document import AlignedPair, Article, Notice
from ..patterns import bounded
from ..settings import DEFAULT, Settings
from .gazetteer import Gazetteer, gazetteer, norm_en
from .linking import LATIN_ONLY
from .rules import sections

#: kinds of names compared for a mismatch: English labels and gazetteer labels -> kind
KIND = {"GPE": "place", "LOC": "place", "NORP": "place", "ORG": "organization", "PER": "person"}
#: how many units before and after a unit are its neighbours (a name said in one of them is not missing)
NEIGHBOURS = 2
#: words of names that say what a name is rather than which one it is (not evidence of a match by themselves)
GENERIC = frozenset("""
the of and for in on at to de la le du des van von der al el st saint san santa new old north south east west
northern southern eastern western central upper lower greater great united states state kingdom republic people
peoples federal federation national international island islands isle isles party union council committee
ministry department office agency bureau service services association organization organisation company group
corporation corp inc bank university college school city county province region district territory river mountain
mount lake sea ocean bay gulf park street road square airport station club league team world general royal
government army force forces court house hall centre center institute foundation news times daily post media
""".split())
_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "ics", "ic", "ish", "ern", "es", "s", "n")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’]*")
_BRACKET = re.compile(r"\s*[(（]\s*([^()（）]*[A-Za-z][^()（）]*?)\s*[)）]")


def loose_stem(word: str) -> str:
    """A word's loose stem for matching names: case, a possessive and one demonym or plural ending dropped.

    >>> loose_stem("Asian"), loose_stem("Democrats"), loose_stem("Democratic"), loose_stem("Macron's")
    ('asia', 'democrat', 'democrat', 'macro')
    """
    w = word.lower().replace("’", "'")
    w = re.sub(r"'s?$", "", w)
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def distinctive(name: str) -> set[str]:
    """Loose stems of the words of a name that tell it apart (not :data:`GENERIC`, at least 3 letters)."""
    return {loose_stem(w) for w in _WORD.findall(name) if len(w) >= 3 and w.lower() not in GENERIC}


@dataclass
class Forms:
    """What ``models/entity_check.txt`` says: per country key its English and Chinese forms; the stand-in
    patterns of each language; and the Chinese one-character country abbreviations (``zh_entity_rules.txt``)."""

    en_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    zh_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: loose English form -> country keys it stands for
    country_of: dict[str, set[str]] = field(default_factory=dict)
    #: Chinese form -> country keys
    country_of_zh: dict[str, set[str]] = field(default_factory=dict)
    #: the keys of unions and continents (``[region]``): forms like a country's, but no country
    regions: set[str] = field(default_factory=set)
    en_standins: tuple[re.Pattern, ...] = ()
    zh_standins: tuple[re.Pattern, ...] = ()
    #: English descriptions of a country ("the country"), and what follows a country as an office's owner
    en_country_standins: tuple[re.Pattern, ...] = ()
    zh_office: tuple[re.Pattern, ...] = ()
    abbrev: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_sections(cls, secs: dict[str, list[str]], abbrev: Optional[dict[str, str]] = None) -> "Forms":
        f = cls(abbrev=dict(abbrev or {}))
        rows = [("country", n, row) for n, row in enumerate(secs.get("country", []), 1)]
        rows += [("region", n, row) for n, row in enumerate(secs.get("region", []), 1)]
        for section, n, row in rows:
            cols = row.split("\t")
            if len(cols) < 2:
                raise ValueError(f"[{section}] line {n}: need name<TAB>English forms[<TAB>Chinese forms], "
                                 f"got {row!r}")
            key = norm_en(cols[0])
            if section == "region":
                f.regions.add(key)
            en = tuple(x.strip() for x in cols[1].split("|") if x.strip())
            zh = tuple(x.strip() for x in (cols[2].split("|") if len(cols) > 2 else []) if x.strip())
            f.en_forms[key] = (cols[0].strip(),) + en
            f.zh_forms[key] = zh
            for form in f.en_forms[key]:
                f.country_of.setdefault(norm_en(form), set()).add(key)
            for form in zh:
                f.country_of_zh.setdefault(form, set()).add(key)
        f.en_standins = tuple(re.compile(p, re.I) for p in secs.get("en_standin_regex", []))
        f.zh_standins = tuple(re.compile(p) for p in secs.get("zh_standin_regex", []))
        f.en_country_standins = tuple(re.compile(p, re.I) for p in secs.get("en_country_standin_regex", []))
        f.zh_office = tuple(re.compile(p) for p in secs.get("zh_office_regex", []))
        return f


@functools.lru_cache(maxsize=None)
def forms(name: str = "entity_check.txt", rules: str = "zh_entity_rules.txt") -> Forms:
    """The forms table ``name`` with the country abbreviations of the Chinese rules file ``rules``."""
    abbrev = {}
    for row in sections(rules).get("country_abbrev", []):
        ch, _, en = row.partition("\t")
        if ch.strip() and en.strip():
            abbrev[ch.strip()] = en.strip()
    return Forms.from_sections(sections(name), abbrev)


@dataclass
class Name:
    """A known name of one side of a unit."""

    lang: str
    text: str
    start: int
    end: int
    kind: str
    keys: frozenset
    #: the English names it is given by (messages, and searching the English text)
    english: tuple[str, ...] = ()
    #: the English entity the linker tied it to (Chinese names) or its canonical name (English ones)
    canonical: Optional[str] = None
    #: a country (or union) of the forms table
    country: bool = False
    #: evidence enough to raise a warning about it (not an abbreviation, not a label the gazetteer guessed)
    firm: bool = True


class Checker:
    """Known names and their matching, over one gazetteer and one forms table."""

    def __init__(self, gaz: Gazetteer, fm: Forms, translit_min: float = 0.55):
        self.gaz, self.fm, self.translit_min = gaz, fm, translit_min
        self._keys: dict[str, frozenset] = {}
        self._zh_forms: dict[frozenset, frozenset] = {}
        self._patterns: dict[tuple, Optional[re.Pattern]] = {}
        # the Chinese names of the forms table's countries: found in raw text too (they are unambiguous)
        self.country_zh: set[str] = set()
        for key in fm.en_forms:
            if key in fm.regions:
                continue
            for zh in self.gaz.zh_names(fm.en_forms[key][0]):
                e = self.gaz.get(zh)
                if e is not None and not e.ambiguous and not e.part:
                    self.country_zh.add(zh)
        self._lex = None

    # -- keys and forms ----------------------------------------------------------------------------------
    def keys_en(self, name: str) -> frozenset:
        """Keys of an English name: itself, the names and aliases of the gazetteer entries it names, and the
        countries it is a form of."""
        k = norm_en(name)
        got = self._keys.get(k)
        if got is not None:
            return got
        out = {k}
        for zh in self.gaz.zh_names(name):
            e = self.gaz.get(zh)
            if e is not None and not e.part:
                out.update(norm_en(x) for x in e.english)
        for x in list(out):
            out.update(self.fm.country_of.get(x, ()))
        got = frozenset(x for x in out if x)
        self._keys[k] = got
        return got

    def is_country(self, keys: Iterable[str]) -> bool:
        return any(k in self.fm.en_forms and k not in self.fm.regions for k in keys)

    def zh_forms(self, keys: frozenset) -> frozenset:
        """Every Chinese form known for these keys (gazetteer names, the forms table's Chinese forms, and the
        Chinese names of a country's English forms such as its capital)."""
        got = self._zh_forms.get(keys)
        if got is not None:
            return got
        out: set[str] = set()
        for k in keys:
            out.update(self.gaz.zh_names(k))
            out.update(self.fm.zh_forms.get(k, ()))
            for form in self.fm.en_forms.get(k, ()):
                if not form.endswith("-"):
                    out.update(self.gaz.zh_names(form))
        got = frozenset(z for z in out if self._usable(z))
        self._zh_forms[keys] = got
        return got

    def _usable(self, zh: str) -> bool:
        e = self.gaz.get(zh)
        return len(zh) > 1 and (e is None or not e.part)

    def en_forms(self, keys: frozenset, english: tuple = ()) -> set[str]:
        out: set[str] = set(english)
        for k in keys:
            out.update(self.fm.en_forms.get(k, ()))
            for zh in self.gaz.zh_names(k):
                e = self.gaz.get(zh)
                if e is not None and not e.part:
                    out.update(e.english)
        return out

    def en_pattern(self, keys: frozenset, english: tuple = ()) -> Optional[re.Pattern]:
        """A pattern of the English forms of a name: names, aliases, country forms (case kept: "US", not "us")."""
        key = (keys, english)
        if key in self._patterns:
            return self._patterns[key]
        parts = []
        for f in sorted({f for f in self.en_forms(keys, english) if len(f) > 1}, key=len, reverse=True):
            body = re.escape(f).replace(r"\ ", r"[\s\-]+")
            parts.append(rf"(?<![A-Za-z]){body}(?=[A-Za-z])" if f.endswith("-") else
                         rf"(?<![A-Za-z]){body}(?![A-Za-z])")
        pat = re.compile("|".join(parts)) if parts else None
        self._patterns[key] = pat
        return pat

    # -- the known names of one side ---------------------------------------------------------------------
    def zh_known(self, text: str) -> Optional[Name]:
        """A known Chinese name (spans left 0), or None."""
        e = self.gaz.get(text)
        if e is not None and not e.ambiguous and not e.part and e.label in KIND:
            keys = set(self.fm.country_of_zh.get(text, ()))
            for x in e.english:
                keys |= self.keys_en(x)
            keys = frozenset(keys)
            country = self.is_country(keys)
            return Name("zh", text, 0, 0, KIND[e.label] if not country else "place", keys, e.english,
                        country=country, firm=country or "guess" not in e.flags)
        if text in self.fm.country_of_zh:
            keys = set()
            for c in self.fm.country_of_zh[text]:
                keys |= self.keys_en(self.fm.en_forms[c][0])
            first = self.fm.en_forms[sorted(self.fm.country_of_zh[text])[0]][0]
            return Name("zh", text, 0, 0, "place", frozenset(keys), (first,), country=self.is_country(keys))
        if text in self.fm.abbrev:
            en = self.fm.abbrev[text]
            return Name("zh", text, 0, 0, "place", self.keys_en(en), (en,), country=True, firm=False)
        return None

    def en_names(self, pair: AlignedPair) -> list[Name]:
        """English entities whose Chinese names are known (the others cannot be checked)."""
        out = []
        for e in pair.entities:
            if e.lang != "en" or e.label not in KIND:
                continue
            name = e.canonical or e.text
            keys = self.keys_en(name)
            if not self.zh_forms(keys):
                continue
            country = self.is_country(keys)
            out.append(Name("en", e.text, e.start, e.end, "place" if country else KIND[e.label], keys, (name,),
                            name, country=country))
        return out

    def zh_names(self, pair: AlignedPair) -> list[Name]:
        """Known Chinese names: recognized entities the gazetteer knows, country names inside a recognized
        entity (美国国务院), and country names the recognizer left out, unless they are rather parts of other
        words (:meth:`_straddled`) or of a recognized name they touch."""
        out: list[Name] = []
        taken: list[tuple[int, int]] = []

        def add(text, s, e, canonical=None) -> bool:
            n = self.zh_known(text)
            if n is None:
                return False
            n.start, n.end, n.canonical = s, e, canonical
            out.append(n)
            taken.append((s, e))
            return True

        for ent in pair.entities:
            if ent.lang != "zh" or LATIN_ONLY.match(ent.text):
                continue
            if add(ent.text, ent.start, ent.end, ent.canonical):
                continue
            for s, e, g in self.gaz.find(ent.text):
                if g.zh in self.country_zh:
                    add(g.zh, ent.start + s, ent.start + e)
        spans = [(x.start, x.end) for x in pair.entities if x.lang == "zh"]
        for s, e, g in self.gaz.find(pair.zh):
            if g.zh in self.country_zh and not any(a < e and s < b for a, b in taken) \
                    and not any(b == s or a == e for a, b in spans) and not self._straddled(pair.zh, s, e):
                add(g.zh, s, e)  # (a country name touching a recognized name is part of it: 史诺瓜|米国家森林)
        out.sort(key=lambda n: n.start)
        return out

    def _straddled(self, text: str, s: int, e: int) -> bool:
        """Whether a country name found in raw text at ``text[s:e]`` is rather part of other words: a dictionary
        word ends inside it (欧美|国家, "Europe and America, countries"), or it starts with a measure right after
        a number (610 米|国家, "610 meters, the country")."""
        if re.search(r"[0-9０-９零〇一二三四五六七八九十百千万亿两]\s*$", text[max(0, s - 3):s]):
            return True
        lex = self._lexicon()
        get = lex.gloss.joined.get
        for i in range(max(0, s - lex.max_len + 1), s):
            for j in range(s + 1, e):
                if j - i >= 2 and get(text[i:j]):
                    return True
        return False

    def _lexicon(self):
        if self._lex is None:
            from ..sentalign.lexicon import load_lexicon

            self._lex = load_lexicon()
        return self._lex

    # -- matching ----------------------------------------------------------------------------------------
    def explained(self, z: Name, en_text: str, en_names: list[Name], pair: Optional[AlignedPair] = None) -> bool:
        """Whether an English text (with its known names) names what the Chinese name ``z`` names; ``pair``:
        the unit ``z`` is in when ``en_text`` is its own English (links, brackets, entities it sounds like)."""
        if any(z.keys & n.keys for n in en_names):
            return True
        pat = self.en_pattern(z.keys, z.english)
        if pat is not None and pat.search(en_text):
            return True
        if z.country:
            return False
        words = {loose_stem(w) for w in _WORD.findall(en_text)}
        if any(distinctive(name) & words for name in z.english):
            return True
        if pair is None:
            return False
        if z.canonical and norm_en(z.canonical) in {norm_en(e.canonical or e.text) for e in pair.entities
                                                      if e.lang == "en"}:
            return True
        m = _BRACKET.match(pair.zh, z.end)
        if m and (m.group(1).lower() in en_text.lower() or distinctive(m.group(1)) & words):
            return True
        candidates = {e.canonical or e.text for e in pair.entities if e.lang == "en"}
        candidates |= {w for w in _WORD.findall(en_text) if w[:1].isupper() and len(w) >= 3}
        return any(self._sounds(c, z.text) for c in candidates)

    def rendered(self, x: Name, zh_text: str, zh_names: list[Name], pair: Optional[AlignedPair] = None) -> bool:
        """Whether a Chinese text (with its known names) names what the English name ``x`` names; ``pair``: the
        unit ``x`` is in when ``zh_text`` is its own Chinese (links, entities it sounds like)."""
        if any(x.keys & z.keys for z in zh_names):
            return True
        if bounded(x.text, re.I).search(zh_text):
            return True
        if any(f in zh_text for f in self.zh_forms(x.keys)):
            return True
        if self._glossed(x.canonical or x.text, zh_text):
            return True
        if x.country:
            return False
        # no country: a known Chinese name sharing a distinctive word (中亚 "Central Asia" for "Asian")
        mine = distinctive(x.canonical or x.text)
        if mine and any(mine & distinctive(n) for z in zh_names for n in z.english):
            return True
        if mine and any(mine & distinctive(n) for _, _, g in self.gaz.find(zh_text) for n in g.english):
            return True
        if pair is None:
            return False
        others = {(z.start, z.end) for z in zh_names if z.firm}  # known names of something else
        for e in pair.entities:
            if e.lang != "zh" or (e.start, e.end) in others or LATIN_ONLY.match(e.text):
                continue
            if (e.canonical and norm_en(e.canonical) in x.keys) or self._sounds(x.canonical or x.text, e.text):
                return True
        return False

    def _sounds(self, en: str, zh: str) -> bool:
        """Whether a name sounds like a Chinese transliteration (surnames alone count: 卢卡申科, "Lukashenko")."""
        try:
            from .chinese import translit_similarity
        except ImportError:  # pragma: no cover - the recognizer's transliteration measure is optional here
            return False
        if len(zh) < 2 or not re.search(r"[\u4e00-\u9fff]", zh):
            return False
        parts = [en] + [w for w in _WORD.findall(en) if len(w) >= 4 and w.lower() not in GENERIC]
        return any(translit_similarity(p, zh) >= max(self.translit_min, 0.7) for p in parts)

    def _glossed(self, name: str, zh_text: str) -> bool:
        """Whether a word of two or more characters of the Chinese text has every distinctive word of ``name``
        among its CC-CEDICT glosses (西方: "the West")."""
        from ..sentalign.lexicon import HAN_RUN, stem

        self._lexicon()
        need = {stem(w) for w in _WORD.findall(name) if w.lower() not in ("the", "of", "and")}
        if not need:
            return False
        get = self._lex.gloss.joined.get
        for run in HAN_RUN.findall(zh_text):
            n = len(run)
            for i in range(n):
                for L in range(2, min(self._lex.max_len, n - i) + 1):
                    g = get(run[i:i + L])
                    if g and need <= set(g.split(" ")):
                        return True
        return False

    def standin(self, lang: str, text: str) -> bool:
        pats = self.fm.en_standins if lang == "en" else self.fm.zh_standins
        return any(p.search(text) for p in pats)


@dataclass
class Context:
    """What a unit is checked against besides itself: its neighbours (``NEIGHBOURS`` units either side) and the
    article's English side."""

    en: str = ""
    zh: str = ""
    en_names: list = field(default_factory=list)
    zh_names: list = field(default_factory=list)
    doc_en: str = ""
    doc_en_names: list = field(default_factory=list)


def _once(names: list[Name]) -> list[Name]:
    """One name said twice is one name (the first mention)."""
    seen, out = set(), []
    for n in names:
        if n.keys not in seen:
            seen.add(n.keys)
            out.append(n)
    return out


def check_pair(pair: AlignedPair, checker: Checker, context: Optional[Context] = None) -> list[Notice]:
    """The entity warnings of one unit (none for a unit with one side empty: the aligner reports those)."""
    if not pair.en.strip() or not pair.zh.strip():
        return []
    ctx = context or Context()
    en, zh = checker.en_names(pair), checker.zh_names(pair)
    if not en and not zh:
        return []
    lost_zh = _once([z for z in zh if z.firm and not checker.explained(z, pair.en, en, pair)])
    lost_en = _once([x for x in en if not checker.rendered(x, pair.zh, zh, pair)])
    notes: list[Notice] = []
    paired_en: set[int] = set()
    paired_zh: set[int] = set()
    for i, z in enumerate(lost_zh):
        j = next((j for j, x in enumerate(lost_en) if j not in paired_en and x.kind == z.kind), None)
        if j is None:
            continue
        x = lost_en[j]
        paired_en.add(j)
        paired_zh.add(i)
        notes.append(Notice(
            code="entity_mismatch", lang="zh", severity="error", reason=f"name differs ({z.kind})",
            en_span=(x.start, x.end), zh_span=(z.start, z.end),
            message=f"EN {x.text!r} vs ZH {z.text!r} ({z.english[0]}): the Chinese names {z.english[0]} "
                    f"where the English names {x.canonical or x.text}"))
    for i, z in enumerate(lost_zh):
        if i in paired_zh or not z.country:
            continue
        if checker.explained(z, ctx.en, ctx.en_names):
            continue  # said in a neighbouring unit: one mention for two sentences, a pronoun made explicit
        if checker.standin("en", pair.en) and checker.explained(z, ctx.doc_en, ctx.doc_en_names):
            continue  # a stand-in for a country the article names
        if not any(x.country for x in en) and (
                any(p.search(pair.en) for p in checker.fm.en_country_standins)
                or any(p.match(pair.zh, z.end) for p in checker.fm.zh_office)):
            # an English unit that names no country leaves one implicit, which the translation makes explicit:
            # "the country", or the owner of an institution or office (英国气象局, 美国总统)
            continue
        notes.append(Notice(
            code="entity_missing", lang="zh", severity="warning", reason="country absent from EN",
            zh_span=(z.start, z.end),
            message=f"ZH {z.text!r} ({z.english[0]}) is not named in EN in any form"))
    for j, x in enumerate(lost_en):
        if j in paired_en:
            continue
        if checker.rendered(x, ctx.zh, ctx.zh_names) or checker.standin("zh", pair.zh):
            continue
        own = set(checker.gaz.zh_names(x.canonical or x.text))
        known = ", ".join(sorted(checker.zh_forms(x.keys), key=lambda s: (s not in own, len(s), s))[:3])
        notes.append(Notice(
            code="entity_missing", lang="en", severity="warning", reason=f"name absent from ZH ({x.kind})",
            en_span=(x.start, x.end),
            message=f"EN {x.text!r} is not named in ZH in any form (known Chinese names: {known})"))
    return notes


def check_article(article: Article, settings: Settings = DEFAULT) -> None:
    """The pipeline stage: entity warnings on the aligned units of ``article`` (needs ``pair.entities``)."""
    if not settings.entity_check:
        return
    checker = checker_for(settings)
    pairs = article.pairs
    en_names = [checker.en_names(p) for p in pairs]
    zh_names = [checker.zh_names(p) for p in pairs]
    doc_en = "\n".join(p.en for p in pairs)
    doc_en_names = [n for ns in en_names for n in ns]
    for i, p in enumerate(pairs):
        around = [j for j in range(max(0, i - NEIGHBOURS), min(len(pairs), i + NEIGHBOURS + 1)) if j != i]
        ctx = Context(en="\n".join(pairs[j].en for j in around), zh="\n".join(pairs[j].zh for j in around),
                      en_names=[n for j in around for n in en_names[j]],
                      zh_names=[n for j in around for n in zh_names[j]], doc_en=doc_en, doc_en_names=doc_en_names)
        p.warnings.extend(check_pair(p, checker, ctx))


def checker_for(settings: Settings = DEFAULT) -> Checker:
    """The checker of these settings' gazetteer, Chinese rules and transliteration threshold (one per process)."""
    return _checker(settings.gazetteer, settings.zh_entity_rules, settings.translit_min_similarity)


@functools.lru_cache(maxsize=4)
def _checker(gaz_name: str, rules: str, translit_min: float) -> Checker:
    return Checker(gazetteer(gaz_name), forms("entity_check.txt", rules), translit_min)
