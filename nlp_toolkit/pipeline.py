"""The pipeline: an ordered list of stages over the data model.

A stage is a plain function ``stage(article, settings) -> None`` that reads the :class:`~nlp_toolkit.document.Article`
and adds to it. Stages never read or write files and never call each other; the pipeline calls them in order.
A stage may also offer ``stage.pipe(articles, settings)`` to process several articles in one batch (spaCy's
``nlp.pipe``); :meth:`Pipeline.pipe` uses it when present.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable, Iterator

from .document import Article
from .settings import DEFAULT, Settings

#: name -> "module:function"; stages load lazily so ``import nlp_toolkit`` stays cheap
STAGES: dict[str, str] = {
    "clean": "nlp_toolkit.clean:clean_article",
    "langid": "nlp_toolkit.langid:identify_article",
    "align": "nlp_toolkit.paralign:align_article",
    "sentences": "nlp_toolkit.sentalign:align_sentences_article",
    "entities": "nlp_toolkit.entities:annotate_entities",
    "claims": "nlp_toolkit.claims:annotate_claims",
    "sections": "nlp_toolkit.sections:annotate_sections",
    "comparison": "nlp_toolkit.comparison:annotate_comparison",
}

DEFAULT_STAGES: tuple[str, ...] = tuple(STAGES)


def load_stage(name: str) -> Callable[[Article, Settings], None]:
    try:
        target = STAGES[name]
    except KeyError:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(STAGES)}") from None
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


class Pipeline:
    """Run stages over articles.

    >>> Pipeline(stages=["clean", "langid"]).stage_names
    ['clean', 'langid']
    """

    def __init__(self, settings: Settings = DEFAULT, stages: Iterable[str] = DEFAULT_STAGES):
        self.settings = settings
        self.stage_names = list(stages)
        self._stages = [load_stage(n) for n in self.stage_names]

    def __call__(self, article: Article) -> Article:
        from .encoders import clear_caches
        from .signature import signature

        clear_caches()  # an article's results never depend on the articles processed before it
        for stage in self._stages:
            stage(article, self.settings)
        article.signature = signature(self.settings, self.stage_names)
        return article

    def pipe(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Article]:
        """Process articles in batches; stages with a ``pipe`` method see a whole batch at once (faster; an
        article's embedding-based scores may then differ in the last bits with the articles batched beside it,
        where calling the pipeline on each article gives results that depend on the article alone)."""
        from .signature import signature

        sig = signature(self.settings, self.stage_names)
        batch: list[Article] = []

        def flush():
            from .encoders import clear_caches

            clear_caches()
            for stage in self._stages:
                if hasattr(stage, "pipe"):
                    stage.pipe(batch, self.settings)
                else:
                    for a in batch:
                        stage(a, self.settings)
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
