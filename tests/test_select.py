"""What the training exports keep (nlp_toolkit/export/select.py): filters, splits by document, and the marks the
records carry; end to end through ``nlp-toolkit process`` into hf (loaded with ``datasets``), moses and parquet."""

import json
import shutil
from pathlib import Path

import pytest

from nlp_toolkit.export.select import FilterOptions, Selector, dropped_entries, parse_split, split_of
from nlp_toolkit.export.translation_units import translation_units

SPLIT = parse_split("train=0.6,dev=0.2,test=0.2")


def _pair(index, en, zh, score=0.6, quality=1.0, warnings=(), sentences=None):
    return {"doc_id": "d", "index": index, "en": en, "zh": zh, "en_ids": [index], "zh_ids": [index] if zh else [],
            "score": score, "quality": {"score": quality, "reasons": [], "signals": {}},
            "warnings": list(warnings), "sentences": sentences or []}


PAIRS = [
    _pair(0, "BYD opened a plant in Szeged.", "比亚迪在塞格德开设了工厂。"),
    _pair(1, "Photo: Getty Images", "图片来源：盖蒂图片社", quality=0.1),
    _pair(2, "Sales rose 12%.", "销量增长了15%。", warnings=[{"code": "claim_mismatch", "severity": "error"}]),
    _pair(3, "The plant has two lines.", "工厂有两条生产线。", score=0.05),
    _pair(4, "An English paragraph left untranslated.", ""),
]


def test_filters_name_their_reasons_and_leave_the_records_alone():
    selector = Selector(FilterOptions(min_quality=0.5, min_score=0.1, drop_warnings=("claim_mismatch",)))
    doc, marked = selector.select({"doc_id": "d"}, PAIRS)
    assert [p.get("dropped") for p in marked] == [None, ["quality<0.5"], ["warning:claim_mismatch"],
                                                  ["score<0.1"], None]
    assert all("dropped" not in p for p in PAIRS) and "split" not in doc  # copies are marked, not the input
    assert [u["pair"] for u in translation_units(marked)] == [0]
    assert selector.stats.to_dict() == {"kept": 1, "dropped": 3, "by_reason": {
        "quality<0.5": 1, "score<0.1": 1, "warning:claim_mismatch": 1}}
    entries = dropped_entries(marked)
    assert [(e["pair"], e["reasons"]) for e in entries] == [(1, ["quality<0.5"]), (2, ["warning:claim_mismatch"]),
                                                           (3, ["score<0.1"])]
    assert entries[0]["en"] == "Photo: Getty Images" and entries[0]["quality"]["score"] == 0.1


def test_no_filters_and_no_split_return_the_records_themselves():
    selector = Selector()
    assert not selector.active and selector.select({"doc_id": "d"}, PAIRS) == ({"doc_id": "d"}, PAIRS)


def test_sentence_units_are_judged_one_by_one():
    sentences = [{"en_ids": [0], "zh_ids": [0], "en": "Sales rose 12%.", "zh": "销量增长了12%。", "score": 0.7,
                  "quality": {"score": 0.9, "reasons": [], "signals": {}}},
                 {"en_ids": [1], "zh_ids": [1], "en": "Profit fell.", "zh": "利润下降。", "score": 0.2,
                  "quality": {"score": 0.2, "reasons": ["low_similarity"], "signals": {}}}]
    pair = _pair(0, "Sales rose 12%. Profit fell.", "销量增长了12%。利润下降。", sentences=sentences)
    _, marked = Selector(FilterOptions(min_quality=0.5), unit="sentence").select({"doc_id": "d"}, [pair])
    assert [s.get("dropped") for s in marked[0]["sentences"]] == [None, ["quality<0.5"]]
    assert [(u["pair"], u["sentence"]) for u in translation_units(marked, "sentence")] == [(0, 0)]
    assert [(e["pair"], e["sentence"]) for e in dropped_entries(marked, "sentence")] == [(0, 1)]


def test_splits_are_by_document_deterministic_and_near_their_fractions():
    ids = [f"article-{i:04d}" for i in range(3000)]
    first = [split_of(d, SPLIT) for d in ids]
    assert first == [split_of(d, SPLIT) for d in ids]
    shares = {name: first.count(name) / len(ids) for name, _ in SPLIT}
    assert all(abs(shares[name] - f) < 0.03 for name, f in SPLIT), shares
    # adding documents never moves the others
    assert [split_of(d, SPLIT) for d in ids[:100]] == first[:100]


@pytest.mark.parametrize("text, problem", [
    ("train=0.9,test=0.2", "add up to 1.1"),
    ("train=0.5,train=0.5", "given twice"),
    ("train:1", "not NAME=FRACTION"),
    ("train=x", "not a number"),
    ("train=1.5,dev=-0.5", "not a fraction"),
])
def test_bad_split_specs(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_split(text)


@pytest.mark.parametrize("kwargs, problem", [
    ({"min_quality": 1.5}, "--min-quality"), ({"dedup": "fuzzy"}, "--dedup"), ({"dedup_threshold": 0}, "threshold"),
])
def test_bad_filter_options(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        FilterOptions(**kwargs)


# -- end to end -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def archive(tmp_path_factory, example_path):
    """Twelve articles: the bundled example under twelve names (so that splits get documents), one of them with
    two pairs of page furniture added (a photo credit, a prompt to follow the site)."""
    folder = tmp_path_factory.mktemp("archive")
    text = example_path.read_text(encoding="utf-8")
    for i in range(12):
        extra = ("\n\nPhoto: Getty Images\n\n图片来源：盖蒂图片社\n\n"
                 "Follow us on Twitter for more EV news\n\n在推特上关注我们，获取更多电动汽车新闻\n"
                 if i == 0 else "")
        (folder / f"article_{i:02d}.txt").write_text(text + extra, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def run(archive, tmp_path_factory):
    from nlp_toolkit.cli import main

    out = tmp_path_factory.mktemp("out") / "o"
    code = main(["process", str(archive), "-o", str(out), "--format", "jsonl,hf,moses,parquet,tmx",
                 "--min-quality", "0.5", "--split", "train=0.6,dev=0.2,test=0.2", "--workers", "0"])
    assert code == 0
    return out


def _jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_the_run_leaves_out_the_furniture_and_the_copy_and_says_why(run):
    filtered = _jsonl(run / "filtered.jsonl")
    texts = {e["en"]: e for e in filtered}
    assert set(texts) == {"Photo: Getty Images", "Follow us on Twitter for more EV news"}
    assert all("boilerplate" in e["quality"]["reasons"] for e in filtered)
    assert all(e["reasons"] == ["quality<0.5"] and e["doc_id"] == "article_00" for e in filtered)
    summary = json.loads((run / "summary.json").read_text())
    sel = summary["selection"]
    assert sel["dropped"] == len(filtered) and sel["by_reason"] == {"quality<0.5": len(filtered)}
    assert sel["filters"] == "quality>=0.5" and sel["filtered_file"] == "filtered.jsonl"
    # pairs.jsonl keeps every unit, marked
    pairs = _jsonl(run / "pairs.jsonl")
    assert sum(1 for p in pairs if p.get("dropped")) == len(filtered)
    moses = "".join((run / f"corpus.{s}.en").read_text(encoding="utf-8") for s in ("train", "dev", "test"))
    assert "Getty Images" not in moses and "Follow us" not in moses and moses.count("Tesla") >= 12


def test_no_document_in_two_splits_in_any_export(run):
    documents = {d["doc_id"]: d["split"] for d in _jsonl(run / "documents.jsonl")}
    assert set(documents.values()) <= {"train", "dev", "test"} and len(set(documents.values())) >= 2
    for split in ("train", "dev", "test"):
        ids = (run / f"corpus.{split}.ids").read_text(encoding="utf-8").splitlines()
        assert {line.split("\t")[0] for line in ids} <= {d for d, s in documents.items() if s == split}
        assert len(ids) == len((run / f"corpus.{split}.en").read_text(encoding="utf-8").splitlines())
    import pandas as pd

    table = pd.read_parquet(run / "parquet" / "pairs.parquet")
    assert table.groupby("doc_id")["split"].nunique().max() == 1
    assert dict(zip(table["doc_id"], table["split"])) == documents
    summary = json.loads((run / "summary.json").read_text())["selection"]["splits"]
    assert {name: v["documents"] for name, v in summary.items()} == {
        name: list(documents.values()).count(name) for name in ("train", "dev", "test")}


def test_splits_and_filters_round_trip_through_datasets(run, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    loaded = datasets.load_dataset(str(run / "hf"), cache_dir=str(tmp_path / "cache"))
    summary = json.loads((run / "summary.json").read_text())["selection"]
    present = {name for name, v in summary["splits"].items() if v["units"]}
    assert set(loaded) == present
    documents = {d["doc_id"]: d["split"] for d in _jsonl(run / "documents.jsonl")}
    for name in present:
        rows = loaded[name]
        assert len(rows) == summary["splits"][name]["units"]
        assert set(rows["split"]) == {name} and {documents[d] for d in rows["doc_id"]} == {name}
        assert all(q["score"] >= 0.5 for q in rows["quality"])
    card = (run / "hf" / "README.md").read_text(encoding="utf-8")
    assert "Filters: quality>=0.5" in card
    for name, v in summary["splits"].items():
        assert f"| `{name}` | {v['units']} |" in card


def test_apply_decisions_keeps_the_splits(run, tmp_path):
    from nlp_toolkit.commands import apply_decisions
    from nlp_toolkit.decisions import unit_keys

    out = tmp_path / "o"
    shutil.copytree(run, out)
    pairs = _jsonl(out / "pairs.jsonl")
    target = next(p for p in pairs if not p.get("dropped") and p["zh"])
    key = unit_keys([p for p in pairs if p["doc_id"] == target["doc_id"]])[target["index"]]
    decisions = {"format": "nlp_toolkit.decisions", "version": 1, "units": {key: {"decision": "rejected"}}}
    (tmp_path / "decisions.json").write_text(json.dumps(decisions), encoding="utf-8")
    apply_decisions(out, tmp_path / "decisions.json")
    names = sorted(p.name.split("-")[0] for p in (out / "hf" / "data").iterdir())
    before = sorted(p.name.split("-")[0] for p in (run / "hf" / "data").iterdir())
    assert names == before
    split = target["split"]
    ids = (out / f"corpus.{split}.ids").read_text(encoding="utf-8").splitlines()
    assert f"{target['doc_id']}\t{target['index']}" not in ids
    assert "Filters: quality>=0.5" in (out / "hf" / "README.md").read_text(encoding="utf-8")


# -- duplicates across a batch ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def duplicated(tmp_path_factory, example_path):
    """Three articles: the example, a copy of it (every unit an exact duplicate), and a rewrite of it with one
    word changed in each long paragraph (near duplicates) and one paragraph pair of new text."""
    folder = tmp_path_factory.mktemp("dups")
    text = example_path.read_text(encoding="utf-8")
    (folder / "a_original.txt").write_text(text, encoding="utf-8")
    (folder / "b_copy.txt").write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # other bytes, same text
    paragraphs = text.split("\n\n")
    edited = [p.replace(" the ", " this ", 1) if len(p.split()) > 25 else p for p in paragraphs]
    edited.append("BYD also plans a research centre in Szeged with 500 engineers.\n\n"
                  "比亚迪还计划在塞格德设立一个拥有500名工程师的研发中心。\n")
    (folder / "c_rewrite.txt").write_text("\n\n".join(edited), encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_exact_and_near_duplicate_articles(duplicated, tmp_path, engine):
    from nlp_toolkit.cli import main

    if engine == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "o"
    assert main(["process", str(duplicated), "-o", str(out), "--format", "jsonl,moses", "--dedup", "near",
                 "--engine", engine, "--workers", "1" if engine == "dask" else "0"]) == 0
    filtered = _jsonl(out / "filtered.jsonl")
    by_doc: dict = {}
    for e in filtered:
        by_doc.setdefault(e["doc_id"], []).append(e)
    assert "a_original" not in by_doc  # the first occurrence is kept
    pairs = [p for p in _jsonl(out / "pairs.jsonl") if p["doc_id"] == "a_original" and p["en"] and p["zh"]]
    copies = by_doc["b_copy"]
    assert len(copies) == len(pairs) and all(e["duplicate_kind"] == "exact" for e in copies)
    assert [e["duplicate_of"] for e in copies] == [f"a_original#{p['index']}" for p in pairs]
    rewrites = {e["en"]: e for e in by_doc["c_rewrite"]}
    assert not any("research centre" in en for en in rewrites)  # new text is kept
    near = [e for e in rewrites.values() if e["duplicate_kind"] == "near"]
    assert near and all(0.7 <= e["duplicate_similarity"] < 1 and " this " in e["en"] for e in near)
    moses = (out / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(moses) == len(set(moses)) == len(pairs) + len(
        [p for p in _jsonl(out / "pairs.jsonl") if p["doc_id"] == "c_rewrite" and p["en"] and p["zh"]]) - len(
        rewrites)
    summary = json.loads((out / "summary.json").read_text())["selection"]
    assert summary["by_reason"] == {"duplicate": len(filtered)} and summary["filters"] == "dedup=near(0.7)"
    assert not list(out.rglob("*.sqlite*"))  # the index is gone with the run


def test_a_split_whose_units_are_all_dropped_has_no_files_and_still_loads(duplicated, tmp_path, monkeypatch):
    """Copies of one article in every split but the first: deduplication empties the others."""
    datasets = pytest.importorskip("datasets")
    from nlp_toolkit.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    text = (duplicated / "a_original.txt").read_text(encoding="utf-8")
    archive = tmp_path / "copies"
    archive.mkdir()
    for i in range(8):
        (archive / f"copy_{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "o"
    assert main(["process", str(archive), "-o", str(out), "--format", "hf", "--dedup", "exact", "--workers", "0",
                 "--split", "train=0.4,dev=0.3,test=0.3"]) == 0
    splits = json.loads((out / "summary.json").read_text())["selection"]["splits"]
    with_units = {name for name, v in splits.items() if v["units"]}
    assert len(with_units) == 1 and sum(v["documents"] for v in splits.values()) == 8
    assert sum(1 for v in splits.values() if v["documents"]) >= 2  # a split with documents and no units
    assert {p.name.split("-")[0] for p in (out / "hf" / "data").iterdir()} == with_units
    assert set(datasets.load_dataset(str(out / "hf"), cache_dir=str(tmp_path / "c"))) == with_units
    assert not list(out.rglob("*.part"))


def test_a_resumed_run_with_filters_dedup_and_splits_is_byte_identical(duplicated, tmp_path):
    from nlp_toolkit.cli import main

    args = ["--format", "jsonl,hf,moses,tmx,parquet", "--min-quality", "0.5", "--dedup", "near", "--split",
            "train=0.5,dev=0.25,test=0.25", "--workers", "0"]
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["process", str(duplicated), "-o", str(first), *args]) == 0
    assert main(["process", str(duplicated), "-o", str(second), *args]) == 0
    cache = second / ".nlp_toolkit_cache"
    next(p for p in sorted(cache.rglob("*")) if p.is_file()).unlink()  # one input to do again
    assert main(["process", str(duplicated), "-o", str(second), "--resume", *args]) == 0

    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and ".nlp_toolkit_cache" not in p.parts and p.name != ".nlp_toolkit.lock"}

    assert files(first) == files(second) and "filtered.jsonl" in files(first)
    assert not [p for p in second.rglob("*") if p.name.endswith(".part")]
