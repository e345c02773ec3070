"""The pipeline: an ordered list of stages over the data model.

A stage is a plain function ``stage(article, settings) -> None`` that reads the :class:`~nlp_toolkit.document.Article`
and adds to it. Stages never read or write files and never call each other; the pipeline calls them in order.
A stage may also offer ``stage.pipe(articles, settings)`` to process several articles in one batch (spaCy's
``nlp.pipe``); :meth:`Pipeline.pipe` uses it when present.

Every stage declares, in :data:`STAGES`, what it needs and what it adds (spaCy's ``requires``/``assigns``), as
``owner.attribute`` names of the data model: ``article.pairs``, ``pair.entities``, ``section.advantage``...
:class:`Pipeline` checks an order before it runs anything: each requirement must be provided by the reader
(:data:`READER_PROVIDES`: the raw paragraphs) or assigned by an earlier stage, else it raises a ``ValueError``
naming the stage and the one that must come before it. Any consistent subset runs (``["clean", "langid"]``).
Warnings, which several stages add to, are left out of the declarations: no stage needs them.

>>> Pipeline(stages=["clean", "langid", "align", "claims"])
Traceback (most recent call last):
...
ValueError: stage 'claims' requires pair.entities, assigned by 'entities', which must come before it
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from .document import Article
from .settings import DEFAULT, Settings


@dataclass(frozen=True)
class StageSpec:
    """A stage: where its function is ("module:function", loaded lazily so ``import nlp_toolkit`` stays cheap),
    the data-model attributes it reads, and those it sets or adds to."""

    target: str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


#: what the reader gives every article before any stage runs
READER_PROVIDES: frozenset[str] = frozenset({"article.paragraphs"})

#: the stages in their default order
STAGES: dict[str, StageSpec] = {
    "clean": StageSpec("nlp_toolkit.clean:clean_article", ("article.paragraphs",), ("article.removed",)),
    "langid": StageSpec("nlp_toolkit.langid:identify_article", ("article.paragraphs",), ("paragraph.lang", "paragraph.side", "paragraph.index")),
    "align": StageSpec("nlp_toolkit.paralign:align_article", ("paragraph.side",), ("article.pairs", "article.sections")),
    "sentences": StageSpec("nlp_toolkit.sentalign:align_sentences_article", ("article.pairs",), ("pair.sentences",)),
    "entities": StageSpec("nlp_toolkit.entities:annotate_entities", ("article.pairs",), ("pair.entities",)),
    # entity_mismatch / entity_missing warnings (warnings are not declared: see above); Settings.entity_check
    "entity_check": StageSpec("nlp_toolkit.entities.check:check_article", ("article.pairs", "pair.entities"), ()),
    "claims": StageSpec("nlp_toolkit.claims:annotate_claims", ("article.pairs", "pair.entities"), ("pair.claims", "pair.claim_links")),
    "sections": StageSpec("nlp_toolkit.sections:annotate_sections", ("article.pairs", "pair.entities"), ("article.sections", "section.advantage", "pair.section")),
    "comparison": StageSpec("nlp_toolkit.comparison:annotate_comparison", ("pair.entities", "pair.claims", "pair.claim_links", "section.advantage"), ("claim.subject", "article.comparison_rows")),
    # after the checks: a unit's quality reads their error warnings
    "quality": StageSpec("nlp_toolkit.quality:assess_article", ("article.pairs",), ("pair.quality", "sentence.quality")),
}

DEFAULT_STAGES: tuple[str, ...] = tuple(STAGES)


def _spec(name: str) -> StageSpec:
    try:
        return STAGES[name]
    except KeyError:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(STAGES)}") from None


def check_order(names: Sequence[str]) -> None:
    """Raise ``ValueError`` unless every stage's requirements are met by the reader or an earlier stage.

    >>> check_order(["clean", "langid", "align", "entities", "claims"])
    >>> check_order(["langid", "sentences"])
    Traceback (most recent call last):
    ...
    ValueError: stage 'sentences' requires article.pairs, assigned by 'align', which must come before it
    """
    available = set(READER_PROVIDES)
    for name in names:
        spec = _spec(name)
        for need in spec.requires:
            if need not in available:
                by = " or ".join(repr(n) for n, s in STAGES.items() if need in s.assigns)
                raise ValueError(f"stage {name!r} requires {need}, " + (
                    f"assigned by {by}, which must come before it" if by else "which no stage assigns"))
        available.update(spec.assigns)


def load_stage(name: str) -> Callable[[Article, Settings], None]:
    module, func = _spec(name).target.split(":")
    return getattr(importlib.import_module(module), func)


class Pipeline:
    """Run stages over articles, in an order :func:`check_order` accepts.

    >>> Pipeline(stages=["clean", "langid"]).stage_names
    ['clean', 'langid']
    """

    def __init__(self, settings: Settings = DEFAULT, stages: Iterable[str] = DEFAULT_STAGES):
        self.settings = settings
        self.stage_names = list(stages)
        check_order(self.stage_names)
        self._stages = [load_stage(n) for n in self.stage_names]
        self._names = {id(f): n for f, n in zip(self._stages, self.stage_names)}
        self._signature: str | None = None

    @property
    def signature(self) -> str:
        """The reproducibility signature of this pipeline's records (:func:`nlp_toolkit.signature.signature`),
        computed once: it hashes the model files its settings name, which a process loads once too."""
        if self._signature is None:
            from .signature import signature

            self._signature = signature(self.settings, self.stage_names)
        return self._signature

    def _segments(self) -> list[tuple[bool, list]]:
        """The stages in runs: ``(True, [stage])`` for a stage with a ``pipe`` method, ``(False, stages)`` for
        each maximal run of the others. Every cache is emptied at the start of each article's run and around
        each batched stage, in :meth:`__call__` and :meth:`pipe` alike, so that an article's embeddings are
        computed from the same texts in the same groups however it is processed."""
        out: list[tuple[bool, list]] = []
        for stage in self._stages:
            if hasattr(stage, "pipe"):
                out.append((True, [stage]))
            elif out and not out[-1][0]:
                out[-1][1].append(stage)
            else:
                out.append((False, [stage]))
        return out

    def __call__(self, article: Article, on_stage: Callable[[str], None] | None = None) -> Article:
        """Run the stages over one article, within the current deadline (:func:`nlp_toolkit.limits.deadline`):
        :func:`~nlp_toolkit.limits.check_deadline` between stages (and the stages call it in their loops).
        ``on_stage(name)`` is called before each stage (a warm-up saying which models load)."""
        from .encoders import clear_caches
        from .limits import check_deadline

        for _batched, stages in self._segments():
            clear_caches()  # an article's results never depend on the articles processed before it
            for stage in stages:
                check_deadline()
                if on_stage is not None:
                    on_stage(self._names[id(stage)])
                stage(article, self.settings)
        clear_caches()
        check_deadline()
        article.signature = self.signature
        return article

    def pipe(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Article]:
        """Process articles in batches; stages with a ``pipe`` method (the entity recognizers: spaCy's
        ``nlp.pipe``) see a whole batch at once, the others run article by article with the caches emptied
        between articles: each article's records are those :meth:`__call__` gives it (tests/test_pipeline.py)."""
        from .encoders import clear_caches
        from .limits import check_deadline

        sig = self.signature
        batch: list[Article] = []

        def flush():
            for batched, stages in self._segments():
                if batched:
                    clear_caches()
                    check_deadline()
                    stages[0].pipe(batch, self.settings)
                    continue
                for a in batch:
                    clear_caches()
                    for stage in stages:
                        check_deadline()
                        stage(a, self.settings)
            clear_caches()
            for a in batch:
                a.signature = sig
            yield from batch
            batch.clear()

        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                yield from flush()
        if batch:
            yield from flush()
