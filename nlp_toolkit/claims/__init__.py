"""Numeric claims: extraction in English and Chinese, normalization, and cross-language linking.

``extract_claims`` finds the claims of one text; ``link_claims`` pairs an aligned unit's English and Chinese
claims and warns on disagreements; ``annotate_claims`` is the pipeline stage. The claims contract on files
(``nlp-toolkit claims``) is :func:`nlp_toolkit.commands.claims_file`.

>>> [(c.text, c.value, c.unit) for c in extract_claims("超过1,300万件包裹", "zh")]
[('超过1,300万件包裹', 13000000.0, 'package')]
"""

from __future__ import annotations

import math
import re

from ..document import Article, Claim
from ..limits import check_deadline
from ..script import NUMERAL_CHARS
from ..settings import DEFAULT, Settings


def extract_claims(text: str, lang: str, settings: Settings = DEFAULT, all_numbers: bool = False) -> list[Claim]:
    """The numeric claims of ``text`` in ``lang`` ("en" or "zh"), offsets into ``text`` (end exclusive).

    With ``all_numbers`` bare numbers that count nothing named are reported too (kind ``number``).
    """
    if lang == "en":
        from .english import extract
    elif lang == "zh":
        from .chinese import extract
    else:
        raise ValueError(f"unknown language {lang!r} (expected 'en' or 'zh')")
    claims = extract(text, settings, all_numbers=all_numbers)
    # a run of digits too long for a float is no figure anyone states
    return [c for c in claims if math.isfinite(c.value) and (c.value_max is None or math.isfinite(c.value_max))]


def link_claims(pair, settings: Settings = DEFAULT) -> None:
    """Link the English and Chinese claims of one aligned pair (see :mod:`nlp_toolkit.claims.linking`)."""
    from .linking import link_claims as _link

    _link(pair, settings)


_NUMERAL = re.compile(f"[{NUMERAL_CHARS}]")


def _inside_name(claim: Claim, entities) -> bool:
    """Whether the claim's first numeral lies inside a recognized name (三星 is Samsung, "Model 3" a car)."""
    m = _NUMERAL.search(claim.text)
    if not m:
        return False
    pos = claim.start + m.start()
    return any(e.lang == claim.lang and e.start <= pos < e.end for e in entities)


def annotate_claims(article: Article, settings: Settings = DEFAULT) -> None:
    """The pipeline stage: claims of every pair's English and Chinese text, then their cross-lingual links.

    When the entities stage ran first, a numeral inside a recognized name is not a claim."""
    for pair in article.pairs:
        check_deadline()
        claims = (extract_claims(pair.en, "en", settings) if pair.en else []) + \
                 (extract_claims(pair.zh, "zh", settings) if pair.zh else [])
        pair.claims = [c for c in claims if not _inside_name(c, pair.entities)]
        pair.claim_links = []
        link_claims(pair, settings)


__all__ = ["extract_claims", "link_claims", "annotate_claims"]
