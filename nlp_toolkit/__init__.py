"""nlp_toolkit: English/Chinese bilingual news — read, align, extract entities and numeric claims, export.

The public API::

    import nlp_toolkit
    article = nlp_toolkit.process_file("article.bilingual.txt")   # -> Article
    article = nlp_toolkit.process_text(text)                       # -> Article
    article = nlp_toolkit.process_pair("a.en.txt", "a.zh.txt")     # an article as two files
    nlp_toolkit.export_jsonl([article], "out/")                    # pairs.jsonl, documents.jsonl, errors.jsonl

Options are one :class:`Settings` object (``process_file(path, skip_score=0.1)`` overrides one field).
"""

__version__ = "0.1.0"

from .api import get_pipeline, process_file, process_pair, process_text
from .batch import process_inputs
from .document import (Advantage, AlignedPair, Article, Claim, ClaimLink, Entity, InputError, Paragraph,
                       Removed, Section, SentencePair, Warning)
from .export.jsonl import export_jsonl
from .pipeline import Pipeline
from .settings import Settings

__all__ = [
    "__version__", "process_file", "process_text", "process_pair", "process_inputs", "export_jsonl",
    "get_pipeline", "Pipeline", "Settings", "Article", "Paragraph", "AlignedPair", "SentencePair", "Entity",
    "Claim", "ClaimLink", "Section", "Advantage", "Warning", "Removed", "InputError",
]
