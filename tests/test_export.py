"""JSONL export: atomic files, every key written."""

import json

import pytest

from nlp_toolkit.document import AlignedPair, Article
from nlp_toolkit.export.jsonl import AtomicWriter, export_jsonl


def test_atomic_writer_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "pairs.jsonl"
    with pytest.raises(RuntimeError):
        with AtomicWriter(target) as w:
            w.write_record({"a": 1})
            raise RuntimeError("killed half-way")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_empty_lists_are_written_not_dropped(tmp_path):
    a = Article(doc_id="d", pairs=[AlignedPair(index=0, en_ids=[0], zh_ids=[], en="Alone.", zh="", score=0.0)])
    counts = export_jsonl([a], tmp_path, errors=[{"source": "x.txt", "error": "x.txt: empty file"}])
    assert counts == {"documents": 1, "pairs": 1, "errors": 1}
    rec = json.loads((tmp_path / "pairs.jsonl").read_text(encoding="utf-8"))
    assert rec["zh"] == "" and rec["zh_ids"] == [] and rec["bead"] == "1-0"
    for key in ("entities", "claims", "claim_links", "sentences", "warnings"):
        assert rec[key] == []
