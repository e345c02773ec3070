"""English named entities: spaCy's statistical recognizer, an EntityRuler and a few fixes.

- ``ner`` (en_core_web_sm, via the registry package named by ``Settings.spacy_en``);
- ``entity_ruler`` after it (overwriting): patterns from ``models/en_entity_patterns.jsonl`` (Prime Day, TikTok
  Shop, ...) plus "given name + capitalized word" -> PERSON from ``models/en_given_names.txt``;
- ``en_entity_fixes``: possessives and a leading "the" leave the span (``Facebook’s`` -> ``Facebook``); labels not
  in ``Settings.en_entity_labels`` (dates, amounts: claims) are dropped; in a heading (a short line without
  closing punctuation) a multi-word "organization" made of common nouns (``Customer Trust``) is dropped.

Document-level consistency (a surname alone is the person named in full elsewhere: ``Sprouse`` after
``Krystal Sprouse``) is :func:`harmonize`, applied over a whole article.

The model is the one English pipeline of the process (:func:`nlp_toolkit.resources.spacy_english`); the ruler
and fixes are added to it under names of their own and run after the recognizer, so the parse other stages read
(the comparison's claim subjects, from the Docs :func:`parse_many` returns) is unchanged by them.
"""

from __future__ import annotations

import functools
import hashlib
import re

from ..document import Entity
from ..resources import read_lines, spacy_english
from ..settings import DEFAULT, Settings
from .rules import jsonl

LABEL_OUT = {"PERSON": "PER"}
POSSESSIVE = re.compile(r"(?:['’]s?|['’])$")


def canonical(text: str) -> str:
    """An English entity's canonical name: its text without a possessive or a leading "the".

    >>> canonical("Facebook’s"), canonical("the U.S."), canonical("Humphreys'")
    ('Facebook', 'U.S.', 'Humphreys')
    """
    s = text.strip()
    s = POSSESSIVE.sub("", s) if len(s) > 2 else s
    s = re.sub(r"^(?:the|The)\s+", "", s)
    return s.strip()


@functools.lru_cache(maxsize=4)
def _components(spacy_en: str, patterns_file: str, labels: str) -> tuple[str, ...]:
    """Add the ruler and fixes of one configuration to the shared English pipeline (once); their names.

    The names carry a digest of the configuration, so two settings with different patterns or labels in one
    process each run their own components (:func:`pipeline`) on the one copy of the model."""
    nlp = spacy_english(spacy_en)
    from spacy.language import Language

    tag = hashlib.sha1(f"{patterns_file}\n{labels}".encode("utf-8")).hexdigest()[:8]
    ruler_name, fixes_name = f"entity_ruler_{tag}", f"en_entity_fixes_{tag}"
    if ruler_name in nlp.pipe_names:
        return ruler_name, fixes_name
    ruler = nlp.add_pipe("entity_ruler", name=ruler_name, after="ner", config={"overwrite_ents": True})
    patterns = list(jsonl(patterns_file))
    names = sorted({w for line in read_lines("en_given_names.txt") for w in line.split()})
    patterns.append({"label": "PERSON", "pattern": [{"TEXT": {"IN": names}},
                                                    {"IS_TITLE": True, "TEXT": {"REGEX": r"^[A-Z][a-z]+$"},
                                                     "ENT_TYPE": {"NOT_IN": ["GPE", "LOC"]}}]})
    ruler.add_patterns([dict(p, id=p.get("id", "ruler")) for p in patterns])  # ent_id_ marks the ruler's
    if not Language.has_factory("en_entity_fixes"):
        Language.factory("en_entity_fixes", func=_make_fixes)
    nlp.add_pipe("en_entity_fixes", name=fixes_name, after=ruler_name, config={"labels": labels})
    return ruler_name, fixes_name


#: components of the English model whose output nothing reads: the attribute ruler maps tags to
#: coarse POS, morphology and lemma exceptions and the lemmatizer writes lemmas; the recognizer after them
#: reads neither (its features are the words' own), nor do the ruler, the fixes (which read ``tag_``, see
#: :func:`_possessive_tag`) or the comparison (heads and sentences). Leaving them out saves a tenth of the parse.
UNREAD = ("attribute_ruler", "lemmatizer")


def pipeline(settings: Settings = DEFAULT):
    """The English pipeline with this configuration's ruler and fixes: ``(nlp, components to disable)``, the
    latter being the components other configurations added to the shared model and :data:`UNREAD`."""
    own = _components(settings.spacy_en, settings.en_entity_patterns, settings.en_entity_labels)
    nlp = spacy_english(settings.spacy_en)
    other = [n for n in nlp.pipe_names if (n.startswith(("entity_ruler_", "en_entity_fixes_")) and n not in own)
             or n in UNREAD]
    return nlp, other


def _possessive_tag(token) -> bool:
    """Whether the tagger tagged ``token`` a possessive ending, as it reads after the attribute ruler (which
    retags every whitespace token ``_SP``), so that the fixes do not depend on whether that component ran."""
    return token.tag_ == "POS" and not token.is_space


def _make_fixes(nlp, name: str, labels: str):
    keep = {x.strip() for x in labels.split(",") if x.strip()}
    common = _nouns_and_adjectives(nlp)  # empty without lookup tables: no heading rule

    def fixes(doc):
        heading = len(doc) <= 12 and not re.search(r"[.!?”\"]\s*$", doc.text)
        ents = []
        for e in doc.ents:
            if e.label_ not in keep:
                continue
            start, end = e.start, e.end
            while end > start + 1 and (_possessive_tag(doc[end - 1]) or doc[end - 1].text in ("'s", "’s", "'", "’")):
                end -= 1
            while start < end - 1 and doc[start].lower_ == "the":
                start += 1
            span = doc[start:end]
            if (heading and e.label_ in ("ORG", "PRODUCT", "WORK_OF_ART") and len(span) > 1 and common
                    and all(_common(t.lower_, common) for t in span)):
                continue
            if span.text and POSSESSIVE.sub("", span.text):
                ents.append(doc.char_span(span.start_char, span.end_char, label=e.label_) or span)
        doc.ents = ents
        return doc

    return fixes


def _common(word: str, common: set) -> bool:
    """A common noun or adjective, or an agent noun made from one (influencer <- influence, shoppers <- shop)."""
    w = word[:-1] if word.endswith("s") and word[:-1] in common | {word[:-1]} else word
    if word in common or w in common:
        return True
    for suffix in ("er", "ers", "r", "rs"):
        if word.endswith(suffix) and word[: -len(suffix)] in common:
            return True
    return False


def to_entities(doc) -> list[Entity]:
    out = []
    for e in doc.ents:
        text = e.text
        label = LABEL_OUT.get(e.label_, e.label_)
        end = e.end_char
        m = POSSESSIVE.search(text)
        if m and len(text) > 2 and m.start() > 0:
            end -= len(m.group())
            text = text[: m.start()]
        out.append(Entity(lang="en", text=text, start=e.start_char, end=end, label=label,
                          canonical=canonical(text), source="ruler" if e.ent_id_ else "model"))
    return out


#: texts longer than this (no normal paragraph: a few thousand characters) are parsed in pieces cut at sentence
#: ends (nlp_toolkit.split.chunk_spans) and joined
#: back into one Doc: spaCy's max_length is never reached and its memory stays bounded
CHUNK_CHARS = 20_000
#: and a batch of texts given to spaCy at once holds at most this many characters (spaCy's memory grows with
#: a batch's length: 224k characters at once took 700 MB) or ``batch_size`` texts
BATCH_CHARS = 50_000


#: components the entity stage leaves out besides :data:`UNREAD`: the dependency parse is read only by the
#: comparison's claim subjects, in articles that compare competitors, for units with English claims, which it
#: parses itself (``comparison._english_docs``). The recognizer does not read it: on the 511 WMT22 sentences,
#: 557 paragraphs of 2, 3 and 5 of them, and the English paragraphs of the seed and the bundled articles its
#: entities were the same with and without the parser, and the parse took 11-14% less time
NOT_FOR_ENTITIES = ("parser",)


def parse_many(texts: list[str], settings: Settings = DEFAULT, batch_size: int = 64) -> list:
    """The spaCy Doc of each text: tags and entities, no dependency parse (read the entities with
    :func:`to_entities`). A text over :data:`CHUNK_CHARS` is done in pieces, joined into one Doc whose text and
    offsets are the text's own."""
    nlp, other = pipeline(settings)
    return pipe_chunked(nlp, texts, list(other) + [n for n in NOT_FOR_ENTITIES if n in nlp.pipe_names], batch_size)


def pipe_chunked(nlp, texts: list[str], disable=(), batch_size: int = 64) -> list:
    """``nlp.pipe`` over texts of any length: a text over :data:`CHUNK_CHARS` in pieces joined back into one
    Doc (its text the text's own, offsets unchanged)."""
    from ..limits import check_deadline
    from ..split import chunk_spans
    from ..threads import blas_threads

    pieces, owner = [], []
    for k, t in enumerate(texts):
        for a, b in chunk_spans(t, CHUNK_CHARS):
            pieces.append(t[a:b])
            owner.append(k)
    docs: list = [[] for _ in texts]
    groups, cur, chars = [], [], 0
    for i, piece in enumerate(pieces):
        if cur and (len(cur) >= batch_size or chars + len(piece) > BATCH_CHARS):
            groups.append(cur)
            cur, chars = [], 0
        cur.append(i)
        chars += len(piece)
    if cur:
        groups.append(cur)
    for group in groups:
        check_deadline()
        # the model's products run on numpy's BLAS (resources.spacy_english), on one thread: a second one
        # spins while spaCy's Python code runs between products (10k paragraphs on an idle machine: 38.7 s
        # and 64 CPU-s with two, 35.5 s and 35.5 CPU-s with one)
        with blas_threads(1):
            parsed = list(nlp.pipe([pieces[i] for i in group], batch_size=len(group), disable=list(disable)))
        for i, d in zip(group, parsed):
            docs[owner[i]].append(d)
    from spacy.tokens import Doc

    return [ds[0] if len(ds) == 1 else Doc.from_docs(ds, ensure_whitespace=False) for ds in docs]


def recognize_many(texts: list[str], settings: Settings = DEFAULT, batch_size: int = 64) -> list[list[Entity]]:
    return [to_entities(d) for d in parse_many(texts, settings, batch_size)]


#: places keep their names whatever else the document writes in lower case (Turkey and turkey, China and china)
_PLACES = frozenset({"GPE", "LOC", "FAC", "NORP"})


def drop_common_words(groups: list[list[Entity]], docs, settings: Settings = DEFAULT) -> None:
    """Leave out, in place, a one-word name that the same document also writes in lower case as a common noun or
    adjective: a headline's or a title's capital made a name of it ("Avalanche at Washington state ski resort",
    then "the avalanche was reported"; "Interview with the Vampire", then "the vampire Lestat"). ``docs``: the
    document's spaCy Docs, one per group.

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> v = Vocab()
    >>> docs = [Doc(v, words=["Avalanche", "at", "a", "resort"]), Doc(v, words=["The", "avalanche", "hit", "Leeds"])]
    >>> g = [[Entity("en", "Avalanche", 0, 9, "ORG")], [Entity("en", "Leeds", 20, 25, "GPE")]]
    >>> drop_common_words(g, docs); [[e.text for e in x] for x in g]
    [[], ['Leeds']]
    """
    common = _common_words(settings.spacy_en)
    lower = {t.text for d in docs for t in d if t.text.islower() and t.text.isalpha()}
    for g in groups:
        g[:] = [e for e in g if not (e.label not in _PLACES and " " not in e.text and e.text[:1].isupper()
                                     and e.text.lower() in lower and (not common or e.text.lower() in common))]


@functools.lru_cache(maxsize=2)
def _common_words(name: str) -> frozenset:
    """:func:`_nouns_and_adjectives` of the English pipeline ``name``, read once per process."""
    return _nouns_and_adjectives(spacy_english(name))


def _nouns_and_adjectives(nlp) -> frozenset:
    """A spaCy pipeline's common nouns and adjectives (its lemmatizer's index), empty when it has none."""
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        return frozenset(index["noun"]) | frozenset(index["adj"])
    except Exception:  # a pipeline without lookup tables
        return frozenset()


def harmonize(groups: list[list[Entity]]) -> None:
    """Make English entities of one document consistent, in place: a one-word entity equal to the surname (or
    the given name) of a person named in full elsewhere in the document is that person (``Sprouse`` ->
    PER, canonical ``Krystal Sprouse`` stays ``Sprouse``); a name labelled differently in different places takes
    its most frequent label.

    >>> a = [Entity("en", "Krystal Sprouse", 0, 15, "PER", "Krystal Sprouse")]
    >>> b = [Entity("en", "Sprouse", 5, 12, "ORG", "Sprouse"), Entity("en", "Grace Humphrey", 0, 14, "PER")]
    >>> harmonize([a, b]); [(e.text, e.label) for e in a + b]
    [('Krystal Sprouse', 'PER'), ('Sprouse', 'PER'), ('Grace Humphrey', 'PER')]
    """
    from collections import Counter

    ents = [e for g in groups for e in g]
    persons = [e for e in ents if e.label == "PER" and len(e.text.split()) >= 2]
    surnames = {e.text.split()[-1] for e in persons}
    full = {e.text for e in persons}
    for e in ents:
        if len(e.text.split()) == 1 and e.text in surnames:
            e.label = "PER"
    # a full name whose surname is used alone as a person, or that is a person elsewhere, is a person
    for e in ents:
        if len(e.text.split()) >= 2 and (e.text in full or e.text.split()[-1] in surnames) and e.label == "ORG" \
                and all(w[:1].isupper() for w in e.text.split()):
            e.label = "PER"
    votes: dict[str, Counter] = {}
    for e in ents:
        votes.setdefault(e.canonical or e.text, Counter())[e.label] += 1
    for e in ents:
        v = votes[e.canonical or e.text]
        if len(v) > 1:
            e.label = v.most_common(1)[0][0]
