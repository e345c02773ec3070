"""The signature: readable non-default settings, and a hash over the data files that changes with their contents."""

import re
import shutil
from pathlib import Path

from nlp_toolkit import signature as sig
from nlp_toolkit.resources import model_file
from nlp_toolkit.settings import DEFAULT

STAGES = ["clean", "langid", "align"]


def _parts(s: str) -> dict[str, str]:
    assert "\n" not in s
    return dict(part.split(":", 1) for part in s.split("|"))


def test_default_settings_read_default():
    parts = _parts(sig.signature(DEFAULT, STAGES))
    assert parts["stages"] == "clean+langid+align" and parts["settings"] == "default"
    assert re.fullmatch(r"[0-9a-f]{12}", parts["models"])


def test_non_default_settings_are_named_in_declaration_order():
    s = DEFAULT.replace(zh_entity_components="lac,latin", skip_score=0.1, zh_government_org=True,
                        sent_signals=("embed", "gloss"), encoder="transformers:/m|x")
    assert _parts(sig.signature(s, STAGES))["settings"] == (
        "encoder=transformers:/m%7Cx,skip_score=0.1,sent_signals=embed,gloss,zh_entity_components=lac,latin,"
        "zh_government_org=true")
    assert sig.signature(s, STAGES).count("|") == sig.signature(DEFAULT, STAGES).count("|")


def test_a_user_lexicon_is_hashed_by_content(tmp_path):
    lexicon = tmp_path / "units.tsv"
    shutil.copy(model_file("claim_units.tsv"), lexicon)
    s = DEFAULT.replace(claims_units=str(lexicon))
    assert ("claims_units=" + str(lexicon), lexicon) in sig.data_files(s)
    before = sig.models_hash(s)
    assert before != sig.models_hash(DEFAULT) and sig.models_hash(s) == before
    with lexicon.open("a", encoding="utf-8") as f:
        f.write("en\tnoun\tscooters\tscooter\n")
    assert sig.models_hash(s) != before


def test_a_models_file_is_hashed_and_the_hash_is_cached(tmp_path, monkeypatch):
    """In a copy of the models package: the hash follows an edit of any data file, and is computed once for
    unchanged files (the per-article signature must not re-read megabytes)."""
    models = Path(str(sig.resources.files("nlp_toolkit.models")))
    copy = tmp_path / "models"
    shutil.copytree(models, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sig.resources, "files", lambda package: copy)
    original = sig.models_hash(DEFAULT)
    assert {label for label, _ in sig.data_files(DEFAULT)} >= {"models/claim_words.tsv", "models/gazetteer.tsv"}
    assert not any(label.endswith(".py") for label, _ in sig.data_files(DEFAULT))

    hits = sig._hash_contents.cache_info().hits
    assert sig.models_hash(DEFAULT) == original and sig._hash_contents.cache_info().hits == hits + 1

    words = copy / "claim_words.tsv"
    words.write_text(words.read_text(encoding="utf-8") + "en\tqualifier\troughly\tapprox\n", encoding="utf-8")
    edited = sig.models_hash(DEFAULT)
    assert edited != original
    assert _parts(sig.signature(DEFAULT, STAGES))["models"] == edited
