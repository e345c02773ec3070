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


def link_document(pairs: list[tuple[list[Entity], list[Entity]]], gaz: Gazetteer) -> None:
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
    for en_ents, zh_ents in pairs:
        pair_en = {norm_en(e.canonical or e.text): e.canonical or e.text for e in en_ents}
        for z in zh_ents:
            link = _pair_link(z, pair_en, gaz)
            z.canonical = link
            if link:
                votes.setdefault(z.text, Counter())[link] += 1
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
