"""Cross-language links: each Chinese entity gets ``canonical``, the English entity it stands for.

Within one aligned pair, in order: what projection (component e) found; a Latin-script name spelled as an English
entity; a gazetteer name whose English name or alias is an English entity of the pair (英国 -> ``U.K.``,
弗吉尼亚州 -> ``Va.``). Then over the document: a Chinese name linked in one pair is linked the same way in every
pair (the most frequent link wins), also where its pair's English side does not name it; an English entity of
the document is tried when the pair's own did not match. A linked Latin-script name takes the English entity's
label (LAC's tags of Latin words are guesses), and one Chinese name has one label in a document. Unlinked Chinese entities keep ``canonical`` null, or
their own text when they are Latin-script.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from ..document import Entity
from ..script import HAN_BASIC
from .gazetteer import Gazetteer, norm_en

LATIN_ONLY = re.compile(rf"^[^{HAN_BASIC}]*[A-Za-z][^{HAN_BASIC}]*$")


def _pair_link(zh: Entity, en_by_key: dict[str, str], gaz: Gazetteer) -> Optional[str]:
    if zh.canonical and norm_en(zh.canonical) in en_by_key:
        return en_by_key[norm_en(zh.canonical)]
    if LATIN_ONLY.match(zh.text):
        return en_by_key.get(norm_en(zh.text))
    entry = gaz.get(zh.text)
    if entry:
        for name in entry.english:
            if norm_en(name) in en_by_key:
                return en_by_key[norm_en(name)]
    return None


#: titles before an English name that its Chinese form renders apart (特拉斯女士 for "Ms Truss") or drops
TITLE = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|Sgt|Gen|Col|Capt|Rev|St)\.?|President|"
                   r"Prime Minister|Chancellor|Senator|Governor|Mayor|King|Queen|Prince|Princess|Pope)\s+")
#: "World Food Programme (WFP)": an expansion written out before its acronym
EXPANSION = re.compile(r"((?:[A-Z][\w'’-]*(?:,?\s+(?:of|for|and|the|on|de|du|des|&)?\s*)?){2,8})\s*\(([A-Z]{2,7})\)")
#: an acronym as English writes it (UN, NATO, WFP)
ACRONYM = re.compile(r"[A-Z]{2,7}")
#: the least transliteration similarity at which the matcher links two names of one unit
MATCH_MIN_SIM = 0.6
#: English labels the matcher links: names of people, organizations, places, things and events
NAMES = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
#: the English words that carry no name (left out of the gloss comparison)
FUNCTION = frozenset({"of", "the", "for", "and", "on", "in", "de", "du", "des", "&", "a", "an", "at", "to"})


def initials(name: str) -> str:
    """The acronym a name's capitalized words make ("United Nations" -> "UN", "World Food Programme" -> "WFP").

    >>> initials("North Atlantic Treaty Organization"), initials("Department of Health")
    ('NATO', 'DH')
    """
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower() not in FUNCTION).upper()


def expansions(texts) -> dict[str, set]:
    """Acronym -> the expansions written out before it in ``texts`` ("World Food Programme (WFP)").

    >>> expansions(["aid through the World Food Programme (WFP) and others"])
    {'WFP': {'World Food Programme'}}
    """
    out: dict[str, set] = {}
    for t in texts:
        for m in EXPANSION.finditer(t):
            words = m.group(1).strip(" ,")
            acro = m.group(2)
            # the expansion is the shortest tail of the capitalized run whose initials are the acronym
            parts = words.split()
            for k in range(len(parts)):
                cand = " ".join(parts[k:])
                if initials(cand) == acro:
                    out.setdefault(acro, set()).add(cand)
                    break
    return out


class Matcher:
    """Scores an English entity against a Chinese one of the same unit when the gazetteer does not link them:
    an acronym and a name it abbreviates (UN and 联合国's "United Nations"), the CC-CEDICT glosses of the
    Chinese name's words against the English name's words (欧盟委员会 and "European Commission"), or the sound
    of a transliterated name (肖尔茨 and "Scholz", 特拉斯 and "Ms Truss")."""

    def __init__(self, gaz: Gazetteer, expansions: dict[str, set], min_sim: float = 0.55):
        from ..sentalign.lexicon import load_lexicon, stem

        # the matcher compares every unlinked name of a unit with every other, so a sound-alike must be closer
        # than projection's one name against the text (0.55): chance similarities of 0.57 ("Tory MPs" / 鲍里斯)
        self.gaz, self.expansions, self.min_sim = gaz, expansions, max(min_sim, MATCH_MIN_SIM)
        self.lex = load_lexicon()
        self.stem = stem

    def stems(self, name: str) -> set:
        """The stems of a name's words that carry it (function words left out)."""
        return {self.stem(w) for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in FUNCTION}

    def score(self, en: Entity, zh: Entity) -> float:
        from ..sentalign.lexicon import zh_gloss
        from .chinese import translit_similarity

        name = en.canonical or en.text
        if LATIN_ONLY.match(zh.text):
            return 0.0
        names = {name} | self.expansions.get(name, set())
        entry = self.gaz.get(zh.text)
        zh_names = set(entry.english) if entry else set()
        if zh.canonical:
            zh_names.add(zh.canonical)
        if ACRONYM.fullmatch(name) and any(initials(n) == name for n in zh_names):
            return 1.0
        if any(initials(n) == initials(z) and len(initials(n)) >= 2 and (ACRONYM.fullmatch(n) or ACRONYM.fullmatch(z))
               for n in names for z in zh_names):
            return 1.0
        best = 0.0
        glosses = zh_gloss(zh.text, self.lex)
        for n in names:
            st = self.stems(n)
            if st and glosses:
                share = len(st & glosses) / len(st)
                if share >= 0.5 and (len(st) > 1 or share == 1.0):
                    best = max(best, 0.5 + share / 2)
        if (zh.label in ("PER", "LOC", "GPE", "ORG") or en.label in ("PERSON", "PER", "GPE", "LOC")) and \
                not re.search(r"(?<![A-Za-z])[a-z]{3,}", TITLE.sub("", name)):  # "RIA news agency": no name's sound
            bare = TITLE.sub("", name)
            sim = translit_similarity(bare, zh.text)
            if sim >= self.min_sim:
                best = max(best, sim)
        return best


def _match_unlinked(en_ents: list[Entity], zh_ents: list[Entity], matcher: Matcher) -> list[Entity]:
    """Link the unit's unlinked Chinese entities to its English names no Chinese entity stands for, best score
    first, one English entity per Chinese mention; returns the Chinese entities it linked. Nationalities and
    languages (NORP: "French") are no names of the places they come from (法国 is France)."""
    linked = {z.canonical for z in zh_ents if z.canonical}
    free_en = [e for e in en_ents if (e.canonical or e.text) not in linked and e.label in NAMES]
    free_zh = [z for z in zh_ents if not z.canonical]
    if not free_en or not free_zh:
        return []
    scored = []
    for i, e in enumerate(free_en):
        for j, z in enumerate(free_zh):
            sc = matcher.score(e, z)
            if sc > 0:
                scored.append((-sc, i, j))
    scored.sort()
    done_en, done_zh = set(), set()
    for _, i, j in scored:
        if i in done_en or j in done_zh:
            continue
        done_en.add(i)
        done_zh.add(j)
        free_zh[j].canonical = free_en[i].canonical or free_en[i].text
    return [free_zh[j] for j in done_zh]


ZH_NAME_SEP = re.compile(r"[·・•‧\-－]")
#: a transliterated full name (奥拉夫·肖尔茨): given name and surname joined by a middle dot
ZH_PERSON = re.compile(r"^[^\sA-Za-z]{1,8}[·・•‧][^\sA-Za-z]{1,8}$")


def _harmonize_english(pairs, gaz: Gazetteer) -> None:
    """English labels that the linked Chinese name contradicts: the gazetteer's label of the Chinese name (a
    dictionary knows 北约 is an organization), and a transliterated full name with a middle dot is a person
    ("Olaf Scholz" tagged ORG next to 奥拉夫·肖尔茨)."""
    label_of: dict[str, str] = {}
    for _, zh_ents in pairs:
        for z in zh_ents:
            if not z.canonical or LATIN_ONLY.match(z.text):
                continue
            entry = gaz.get(z.text)
            if entry and "guess" not in entry.flags and entry.label in ("PER", "ORG", "GPE", "LOC"):
                label_of.setdefault(z.canonical, entry.label)
            elif ZH_PERSON.match(z.text):
                label_of.setdefault(z.canonical, "PER")
    for en_ents, _ in pairs:
        for e in en_ents:
            want = label_of.get(e.canonical or e.text)
            if want is None or e.label == want:
                continue
            if want in ("GPE", "LOC") and e.label in ("GPE", "LOC", "FAC"):
                continue  # kinds of place: the English model's finer label stays
            if want in ("PER", "ORG", "GPE", "LOC"):
                e.label = want


def _link_short_forms(pairs, votes: dict[str, Counter]) -> None:
    """A person named in full once and by surname after (Olaf Scholz / 奥拉夫·肖尔茨, then Scholz / 肖尔茨): the
    Chinese surname, the last part of the linked Chinese full name, stands for the English surname where the
    same unit names it; so does the first part for the given name of a two-part name (Yahya / 叶海亚)."""
    tails: dict[str, str] = {}  # Chinese surname (or given name) -> English surname (or given name)
    for text, c in votes.items():
        parts = ZH_NAME_SEP.split(text)
        full = c.most_common(1)[0][0]
        words = TITLE.sub("", full).split()
        if len(parts) > 1 and len(words) > 1 and parts[-1]:
            tails.setdefault(parts[-1], words[-1])
            if len(parts) == len(words) == 2 and len(parts[0]) >= 2:
                # the given name alone, as news writes a young person or a first-name subject ("Yahya" /
                # 叶海亚 after "Yahya Sharif" / 叶海亚·谢里夫)
                tails.setdefault(parts[0], words[0])
    if not tails:
        return
    for en_ents, zh_ents in pairs:
        short = {TITLE.sub("", e.canonical or e.text): e.canonical or e.text for e in en_ents}
        for z in zh_ents:
            if z.canonical is None and z.text in tails and tails[z.text] in short:
                z.canonical = short[tails[z.text]]
                votes.setdefault(z.text, Counter())[z.canonical] += 1


#: a Latin-script name in brackets right after a Chinese name: the translator's gloss of the original
GLOSSED = re.compile(r"\s*[(（]\s*$")


def _glossed_names(zh_ents: list[Entity], text: str) -> None:
    """A Chinese name followed by its original in brackets (达伦·莫斯 (Darren Moss)) stands for that name."""
    latin = {z.start: z for z in zh_ents if LATIN_ONLY.match(z.text)}
    for z in zh_ents:
        if z.canonical or LATIN_ONLY.match(z.text):
            continue
        for k in range(z.end, min(len(text), z.end + 4) + 1):
            o = latin.get(k)
            if o is not None and GLOSSED.match(text[z.end:k]) and re.match(r"\s*[)）]", text[o.end:o.end + 3]):
                z.canonical = o.canonical or o.text
                break


def _dictionary_mentions(en_ents: list[Entity], zh_ents: list[Entity], text: str, gaz: Gazetteer,
                         expanded: dict[str, set], matcher: "Optional[Matcher]" = None) -> None:
    """English names no Chinese entity stands for, found in the Chinese text through the gazetteer where the
    recognizer tagged nothing: the gazetteer's English name, an alias, the expansion of an acronym written out
    in the document (WFP: World Food Programme), or a name whose initials are the acronym (UAE: United Arab
    Emirates, 阿联酋). Added as entities of source ``link``."""
    linked = {z.canonical for z in zh_ents if z.canonical}
    want = {}
    for e in en_ents:
        name = e.canonical or e.text
        if name in linked or e.label not in NAMES:
            continue
        for n in {name} | expanded.get(name, set()):
            want.setdefault(norm_en(n), (name, e.label))
        if ACRONYM.fullmatch(name):
            want.setdefault(("initials", name), (name, e.label))
    taken = [(z.start, z.end) for z in zh_ents]
    for s, e, entry in (gaz.find(text) if want else ()):
        if any(a < e and s < b for a, b in taken):
            continue
        hit = None
        for n in entry.english:
            hit = want.get(norm_en(n)) or want.get(("initials", initials(n)))
            if hit:
                break
        if hit:
            label = {"PERSON": "PER", "FAC": "LOC"}.get(hit[1], entry.label if entry.label in (
                "PER", "ORG", "GPE", "LOC") else hit[1])
            zh_ents.append(Entity("zh", text[s:e], s, e, label, hit[0], "link"))
            taken.append((s, e))
    if matcher is not None:
        _gloss_mentions(en_ents, zh_ents, text, matcher, taken)
        _composed_mentions(en_ents, zh_ents, text, matcher, taken)
    zh_ents.sort(key=lambda z: (z.start, z.end))


def _unlinked(en_ents, zh_ents) -> list[tuple[str, str]]:
    """``(name, label)`` of the unit's English names (persons, organizations, places) that no Chinese entity of
    the unit stands for yet."""
    linked = {z.canonical for z in zh_ents if z.canonical}
    return [(e.canonical or e.text, e.label) for e in en_ents
            if (e.canonical or e.text) not in linked and e.label in NAMES]


def _gloss_mentions(en_ents, zh_ents, text: str, matcher: "Matcher", taken: list) -> None:
    """A dictionary word of the Chinese text whose CC-CEDICT glosses name an English name of the unit that no
    Chinese entity stands for: all its words (柴犬 for "Shiba Inu", 新冠 for "COVID-19"), or an acronym spelled by
    consecutive gloss words (阿联酋 "united arab emirates" for "UAE", 北约 for "NATO"). Names of one word that
    is no acronym are left out (a common noun's gloss names many things)."""
    wants = []
    for name, label in _unlinked(en_ents, zh_ents):
        stems = matcher.stems(name)
        acro = name if ACRONYM.fullmatch(name) else None
        if acro or len(stems) >= 2 or re.search(r"\d", name):
            wants.append((name, label, stems, acro))
    if not wants:
        return
    gloss, max_len = matcher.lex.gloss, matcher.lex.max_len
    i, n = 0, len(text)
    cover = [0] * (n + 1)  # cover[k]: characters before k inside an entity (overlap tests in O(1))
    mark = bytearray(n)
    for a, b in taken:
        mark[max(0, a):min(n, b)] = b"\1" * (min(n, b) - max(0, a))
    for k in range(n):
        cover[k + 1] = cover[k] + mark[k]
    while i < n:
        found = None
        for L in range(min(max_len, n - i), 1, -1):
            if cover[i + L] != cover[i]:
                continue
            st = gloss.get(text[i:i + L])
            if not st:
                continue
            for name, label, stems, acro in wants:
                if (acro and _spells(st, acro)) or (not acro and stems and stems <= set(st)):
                    found = (L, name, label)
                    break
            if found:
                break
        if found:
            L, name, label = found
            zh_ents.append(Entity("zh", text[i:i + L], i, i + L, {"PERSON": "PER", "FAC": "LOC"}.get(label, label),
                                  name, "link"))
            taken.append((i, i + L))
            i += L
        else:
            i += 1


#: the longest Chinese unit searched for names translated word by word (a paragraph is under 1,000 characters;
#: the search compares every unlinked name with every run of words, so a pathological 300 KB paragraph skips it)
COMPOSED_MAX_CHARS = 4000
#: the word for the kind of body a translated name may end with, glossing nothing of the English name
#: ("World Food Programme" -> 世界粮食计划署)
_ORG_SUFFIX = re.compile(r"署|局|处|厅|部|委员会|委|会|办公室|办|院|所|系|中心|基金会|协会|组织|集团|公司")
#: what may stand between the words of a name translated word by word (外交、联邦和发展办公室)
_COMPOSED_GAP = re.compile(r"^[、和与及·]?$")


def _composed_mentions(en_ents, zh_ents, text: str, matcher: "Matcher", taken: list) -> None:
    """A multi-word English name translated word by word, found where the recognizer tagged nothing: the
    shortest run of consecutive dictionary words of the Chinese text whose CC-CEDICT glosses together hold every
    word of the name, the run's first and last words each glossing one of them (世界粮食计划署 for "World Food
    Programme", 阿富汗人道主义基金 for "Afghanistan Humanitarian Fund", 化学工程系 for "Department of Chemical
    Engineering"). Names of fewer than two words and acronyms are :func:`_gloss_mentions`' business; units over
    :data:`COMPOSED_MAX_CHARS` are not searched.

    >>> from nlp_toolkit.entities.gazetteer import Gazetteer
    >>> m = Matcher(Gazetteer.from_lines([]), {})
    >>> en = [Entity("en", "World Food Programme", 0, 20, "ORG", "World Food Programme")]
    >>> zh = []
    >>> _composed_mentions(en, zh, "资金通过世界粮食计划署发放。", m, [])
    >>> [(z.text, z.canonical, z.source) for z in zh]
    [('世界粮食计划署', 'World Food Programme', 'link')]
    """
    wants = []
    for name, label in _unlinked(en_ents, zh_ents):
        stems = matcher.stems(name)
        if len(stems) >= 2 and not ACRONYM.fullmatch(name):
            wants.append((name, label, stems))
    if not wants or len(text) > COMPOSED_MAX_CHARS:
        return
    gloss, max_len = matcher.lex.gloss, matcher.lex.max_len
    n = len(text)
    free = [True] * n
    for a, b in taken:
        free[max(0, a):min(n, b)] = [False] * (min(n, b) - max(0, a))
    # the text's dictionary words, longest first at each place, outside what entities already cover
    words, i = [], 0
    while i < n:
        for L in range(min(max_len, n - i), 0, -1):
            st = gloss.get(text[i:i + L]) if all(free[i:i + L]) else None
            if st:
                words.append((i, i + L, set(st)))
                i += L
                break
        else:
            i += 1

    def held(stems: set, glosses: set) -> set:
        """The name's stems a word's glosses hold: the same stem, or one that begins the other, of four
        letters or more ("food" / "foodstuff", "programme" / "program")."""
        return {x for x in stems if x in glosses or (len(x) >= 4 and any(
            len(g) >= 4 and (g.startswith(x) or x.startswith(g)) for g in glosses))}

    for name, label, stems in wants:
        best = None
        for a in range(len(words)):
            if not held(stems, words[a][2]):
                continue
            have = set()
            for b in range(a, len(words)):
                if b > a and not _COMPOSED_GAP.match(text[words[b - 1][1]:words[b][0]]):
                    break
                have |= held(stems, words[b][2])
                if stems <= have:
                    end = words[b][1]
                    m = _ORG_SUFFIX.match(text, end)  # the kind of body the translation adds: 计划 + 署
                    if m and all(free[end:m.end()]):
                        end = m.end()
                    if b > a and (best is None or end - words[a][0] < best[1] - best[0]):
                        best = (words[a][0], end)
                    break
        if best and all(free[best[0]:best[1]]):
            zh_ents.append(Entity("zh", text[best[0]:best[1]], best[0], best[1],
                                  {"PERSON": "PER", "FAC": "LOC"}.get(label, label), name, "link"))
            taken.append(best)
            for k in range(*best):
                free[k] = False


def _spells(stems, acro: str) -> bool:
    """Whether the acronym is a gloss word itself or the initials of consecutive gloss words."""
    a = acro.lower()
    if a in stems:
        return True
    seq = "".join(w[0] for w in stems)
    return a in seq


def link_document(pairs: list[tuple[list[Entity], list[Entity]]], gaz: Gazetteer,
                  matcher: Optional[Matcher] = None, zh_texts: Optional[list[str]] = None) -> None:
    """Set ``canonical`` on the Chinese entities of one document, in place.

    ``pairs``: per aligned unit, (English entities, Chinese entities); English entities already carry their
    canonical names.

    >>> from nlp_toolkit.entities.gazetteer import Gazetteer
    >>> g = Gazetteer.from_lines(["英国\\tUnited Kingdom\\tGPE\\tU.K.|Britain\\t"])
    >>> en = [Entity("en", "U.K.", 0, 4, "GPE", "U.K.")]
    >>> zh1, zh2 = [Entity("zh", "英国", 0, 2, "GPE")], [Entity("zh", "英国", 3, 5, "GPE")]
    >>> link_document([(en, zh1), ([], zh2)], g); zh1[0].canonical, zh2[0].canonical
    ('U.K.', 'U.K.')
    """
    doc_en: dict[str, str] = {}
    en_label: dict[str, Counter] = {}
    for en_ents, _ in pairs:
        for e in en_ents:
            doc_en.setdefault(norm_en(e.canonical or e.text), e.canonical or e.text)
            en_label.setdefault(e.canonical or e.text, Counter())[e.label] += 1
    votes: dict[str, Counter] = {}
    weak: dict[str, Counter] = {}
    for k, (en_ents, zh_ents) in enumerate(pairs):
        pair_en = {norm_en(e.canonical or e.text): e.canonical or e.text for e in en_ents}
        for z in zh_ents:
            z.canonical = _pair_link(z, pair_en, gaz)
        if zh_texts is not None:
            _glossed_names(zh_ents, zh_texts[k])
            _dictionary_mentions(en_ents, zh_ents, zh_texts[k], gaz, matcher.expansions if matcher else {},
                                 matcher)
        for z in zh_ents:
            if z.canonical:
                votes.setdefault(z.text, Counter())[z.canonical] += 1
        if matcher is not None:  # weaker evidence: counts only where no dictionary link voted for the name
            for z in _match_unlinked(en_ents, zh_ents, matcher):
                weak.setdefault(z.text, Counter())[z.canonical] += 1
    for text, c in weak.items():
        votes.setdefault(text, c)
    _link_short_forms(pairs, votes)
    labels: dict[str, Counter] = {}
    for _, zh_ents in pairs:
        for z in zh_ents:
            if z.label != "MISC":
                labels.setdefault(z.text, Counter())[z.label] += 1
    for _, zh_ents in pairs:
        for z in zh_ents:
            if z.text in labels:  # one name, one label in a document (the most frequent)
                z.label = labels[z.text].most_common(1)[0][0]
            if z.text in votes:
                z.canonical = votes[z.text].most_common(1)[0][0]
            elif z.canonical is None:
                z.canonical = _pair_link(z, doc_en, gaz)
            if z.canonical is None and LATIN_ONLY.match(z.text):
                z.canonical = z.text
            if z.canonical in en_label and (LATIN_ONLY.match(z.text) or z.label == "MISC"):
                z.label = en_label[z.canonical].most_common(1)[0][0]  # the English side knows Latin names
    _harmonize_english(pairs, gaz)
