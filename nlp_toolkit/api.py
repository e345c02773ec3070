"""The single-article API: read, then run the pipeline. Errors are exceptions naming the file."""

from __future__ import annotations

import functools
from pathlib import Path

from .document import Article
from .pipeline import Pipeline
from .read import read_file, read_pair, read_text
from .settings import DEFAULT, Settings


@functools.lru_cache(maxsize=8)
def get_pipeline(settings: Settings = DEFAULT) -> Pipeline:
    """One pipeline per settings per process (models inside it load once, lazily)."""
    return Pipeline(settings)


def _settings(settings: Settings | None, overrides: dict) -> Settings:
    s = settings or DEFAULT
    return s.replace(**overrides) if overrides else s


def process_text(text: str, doc_id: str = "doc", settings: Settings | None = None, **overrides) -> Article:
    """Process an article held in memory (English paragraphs and their Chinese translations).

    >>> a = process_text("Prices rose 5% in May.\\n\\n5月份价格上涨了5%。")
    >>> [(p.en_ids, p.zh_ids) for p in a.pairs]
    [([0], [0])]
    """
    return get_pipeline(_settings(settings, overrides))(read_text(text, doc_id=doc_id))


def process_file(path: str | Path, settings: Settings | None = None, doc_id: str | None = None,
                 **overrides) -> Article:
    """Process one article file (both languages in one file, any common encoding)."""
    return get_pipeline(_settings(settings, overrides))(read_file(path, doc_id=doc_id))


def process_pair(en_path: str | Path, zh_path: str | Path, settings: Settings | None = None,
                 doc_id: str | None = None, **overrides) -> Article:
    """Process an article given as an English file and a Chinese file."""
    return get_pipeline(_settings(settings, overrides))(read_pair(en_path, zh_path, doc_id=doc_id))
