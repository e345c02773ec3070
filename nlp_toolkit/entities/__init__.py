"""Named entities in English and Chinese, and their cross-language links.

- :func:`recognize` / :func:`recognize_many`: entities of texts in one language (no links: ``canonical`` is the
  English name for English entities and for Latin-script Chinese ones, else null).
- :func:`annotate_entities`: the pipeline stage; fills ``pair.entities`` for every pair of an article, Chinese
  entities linked to English ones (:mod:`.linking`), and keeps each English Doc (tags, entities and the
  tok2vec tensor, no dependency parse) on ``pair.en_doc`` (transient, not exported) for the comparison stage,
  which parses the ones it reads from that tensor. ``annotate_entities.pipe(articles, settings)`` batches.

English: :mod:`.english` (spaCy en_core_web_sm + EntityRuler); Chinese: :mod:`.chinese` (spaCy ``blank("zh")``
with LAC, Latin-script spans, gazetteer, rules and projection components); :mod:`.gazetteer`; :mod:`.linking`.
The entities contract on files (``nlp-toolkit entities``) is :func:`nlp_toolkit.commands.entities_file`.
"""

from __future__ import annotations

from typing import Iterable, Optional

from ..document import Article, Entity
from ..settings import DEFAULT, Settings

__all__ = ["recognize", "recognize_many", "annotate_entities"]


def _zh_entities(docs) -> list[list[Entity]]:
    from .chinese import doc_entities, doc_text

    out = []
    for d in docs:
        text = doc_text(d)
        ents = []
        for s, e, label, source, canonical in doc_entities(d):
            ents.append(Entity(lang="zh", text=text[s:e], start=s, end=e, label=label, canonical=canonical,
                               source=source))
        out.append(ents)
    return out


def recognize_many(texts: list[str], lang: str, settings: Settings = DEFAULT,
                   aligned: Optional[list[list[Entity]]] = None) -> list[list[Entity]]:
    """Entities of each text (all in ``lang``: "en" or "zh"), batched.

    ``aligned`` (Chinese only): per text, the English entities of its aligned paragraph, for projection.
    """
    if lang == "en":
        from .english import recognize_many as en_many

        return en_many(list(texts), settings)
    if lang == "zh":
        from .chinese import run

        en = None
        if aligned is not None:
            en = [[(e.text, e.label, e.canonical or e.text) for e in ents] for ents in aligned]
        out = _zh_entities(run(list(texts), settings, en))
        from .linking import LATIN_ONLY

        for ents in out:
            for e in ents:
                if e.canonical is None and LATIN_ONLY.match(e.text):
                    e.canonical = e.text
        return out
    raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")


def recognize(text: str, lang: str, settings: Settings = DEFAULT) -> list[Entity]:
    """Entities of one text.

    >>> [(e.text, e.label, e.canonical) for e in recognize("TikTok Shop launched in the U.K.", "en")]
    [('TikTok Shop', 'ORG', 'TikTok Shop'), ('U.K.', 'GPE', 'U.K.')]
    """
    return recognize_many([text], lang, settings)[0]


def _annotate(articles: list[Article], settings: Settings) -> None:
    from .english import drop_common_words, harmonize, parse_many, to_entities
    from .gazetteer import gazetteer
    from .linking import Matcher, expansions, link_document

    pairs = [p for a in articles for p in a.pairs]
    docs = parse_many([p.en for p in pairs], settings)
    en = [to_entities(d) for d in docs]
    for p, doc in zip(pairs, docs):
        p.en_doc = doc  # the comparison parses the ones it reads, from this Doc's tensor (and drops them)
    k = 0
    for a in articles:  # English consistency is per document, before projection uses the labels
        drop_common_words(en[k:k + len(a.pairs)], docs[k:k + len(a.pairs)], settings)
        harmonize(en[k:k + len(a.pairs)])
        k += len(a.pairs)
    zh = recognize_many([p.zh for p in pairs], "zh", settings, aligned=en)
    gaz = gazetteer(settings.gazetteer)
    k = 0
    for a in articles:
        n = len(a.pairs)
        matcher = Matcher(gaz, expansions(p.en for p in a.pairs), settings.translit_min_similarity)
        link_document(list(zip(en[k:k + n], zh[k:k + n])), gaz, matcher, [p.zh for p in a.pairs])
        for p, e, z in zip(a.pairs, en[k:k + n], zh[k:k + n]):
            p.entities = e + z
        k += n


def annotate_entities(article: Article, settings: Settings = DEFAULT) -> None:
    """Pipeline stage: ``pair.entities`` for every pair of ``article`` (English then Chinese, each in order)."""
    _annotate([article], settings)


def _pipe(articles: Iterable[Article], settings: Settings = DEFAULT) -> None:
    """Batched form of :func:`annotate_entities` (one model pass over all the articles' paragraphs)."""
    _annotate(list(articles), settings)


annotate_entities.pipe = _pipe
