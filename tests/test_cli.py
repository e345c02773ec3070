"""End-to-end runs of the CLI on real articles: contract files, every key, bad inputs isolated."""

import json
import subprocess
import sys

import pytest

from nlp_toolkit.cli import main

PAIR_KEYS = {"doc_id", "index", "en", "zh", "en_ids", "zh_ids", "score", "section", "entities", "claims",
             "claim_links", "translation", "bead", "sentences", "warnings", "signature"}
SECTION_KEYS = {"index", "pairs", "heading", "aspect", "advantage"}


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_process_example_writes_the_contract(example_path, tmp_path):
    out = tmp_path / "out"
    assert main(["process", str(example_path), "-o", str(out)]) == 0
    pairs, docs, errors = (_jsonl(out / f) for f in ("pairs.jsonl", "documents.jsonl", "errors.jsonl"))
    assert errors == [] and len(docs) == 1
    assert [p["index"] for p in pairs] == list(range(len(pairs)))
    for p in pairs:
        assert PAIR_KEYS <= set(p)
        assert p["translation"] == {"en": p["en"], "zh": p["zh"]}
        assert p["doc_id"] == "tesla_vs_byd"
    doc = docs[0]
    assert doc["doc_id"] == "tesla_vs_byd" and doc["source"] == str(example_path)
    assert doc["sections"] and all(SECTION_KEYS <= set(s) for s in doc["sections"])
    assert doc["sections"][0]["pairs"][0] == 0 and doc["sections"][-1]["pairs"][1] == len(pairs) - 1
    # the two credit lines of the example are removed and recorded
    assert [r["line"] for r in doc["removed"]] == [8, 38]
    assert not any("转载" in p["zh"] or "yeeyan" in p["zh"] for p in pairs)
    assert pairs[0]["signature"].startswith("nlp_toolkit:") and doc["signature"] == pairs[0]["signature"]


def test_bad_files_are_isolated_in_a_batch(example_path, tmp_path, capsys):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a_good.txt").write_bytes(example_path.read_bytes())
    (batch / "b_binary.txt").write_bytes(bytes(range(256)) * 64)
    (batch / "c_empty.txt").write_bytes(b"")
    (batch / "d_good_gb18030.txt").write_bytes(example_path.read_text(encoding="utf-8").encode("gb18030"))
    out = tmp_path / "out"
    assert main(["process", str(batch), "-o", str(out)]) == 1  # failures are reported in the exit code
    errors = _jsonl(out / "errors.jsonl")
    assert [(e["source"].rsplit("/", 1)[-1], e["error"].split(": ", 1)[1]) for e in errors] == [
        ("b_binary.txt", "not a text file (binary content)"), ("c_empty.txt", "empty file")]
    # the end-of-run summary points at them, and so does summary.json
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("2 documents, ") and lines[-1].startswith(f"next: nlp-toolkit report {out} -o ")
    assert lines[-2] == (f"failed: 2 inputs (see {out}/errors.jsonl): {errors[0]['error']}; {errors[1]['error']}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["documents"], summary["failed"], summary["errors_file"]) == (2, 2, "errors.jsonl")
    assert summary["failed_inputs"] == [{"source": e["source"], "error": e["error"]} for e in errors]
    docs = _jsonl(out / "documents.jsonl")
    assert [d["doc_id"] for d in docs] == ["a_good", "d_good_gb18030"]
    pairs = _jsonl(out / "pairs.jsonl")
    by_doc = {}
    for p in pairs:
        by_doc.setdefault(p["doc_id"], []).append((p["en_ids"], p["zh_ids"], p["zh"]))
    assert by_doc["a_good"] == by_doc["d_good_gb18030"]
    assert not list(out.glob(".*.part"))  # no temporary files left behind


def test_two_file_article_from_a_directory_and_pair_flag(example_path, tmp_path):
    from nlp_toolkit.clean import clean_article
    from nlp_toolkit.langid import identify_article
    from nlp_toolkit.read import read_file

    a = read_file(example_path)
    clean_article(a)
    identify_article(a)
    d = tmp_path / "two"
    d.mkdir()
    (d / "ev.en.txt").write_text("\n\n".join(p.text for p in a.en_paragraphs), encoding="utf-8")
    (d / "ev.zh.txt").write_text("\n\n".join(p.text for p in a.zh_paragraphs), encoding="utf-16")
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    assert main(["process", str(d), "-o", str(out1)]) == 0
    assert main(["process", "--pair", str(d / "ev.en.txt"), str(d / "ev.zh.txt"), "-o", str(out2)]) == 0
    p1, p2 = _jsonl(out1 / "pairs.jsonl"), _jsonl(out2 / "pairs.jsonl")
    assert [(p["en_ids"], p["zh_ids"]) for p in p1] == [([i], [i]) for i in range(len(a.en_paragraphs))]
    assert [(p["en"], p["zh"]) for p in p1] == [(p["en"], p["zh"]) for p in p2]


def test_console_script_runs_on_the_seed_and_passes_the_foundation_checks(seed_path, shared_dir, tmp_path):
    out = tmp_path / "seed_out"
    subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "process", str(seed_path), "-o", str(out)], check=True)
    res = subprocess.run([sys.executable, str(shared_dir / "checks" / "seed_check.py"), str(out)],
                         capture_output=True, text=True)
    scores = json.loads(res.stdout.strip().splitlines()[-1])
    assert scores["alignment"] == 1.0
    assert scores["boilerplate"] == 1.0


def test_process_api_matches_cli(example_path, tmp_path):
    import nlp_toolkit

    article = nlp_toolkit.process_file(example_path)
    nlp_toolkit.export_jsonl([article], tmp_path / "api")
    assert main(["process", str(example_path), "-o", str(tmp_path / "cli")]) == 0
    strip = lambda recs: [{k: v for k, v in r.items()} for r in recs]
    assert strip(_jsonl(tmp_path / "api" / "pairs.jsonl")) == strip(_jsonl(tmp_path / "cli" / "pairs.jsonl"))


def test_case_files_keep_the_order_of_mixed_languages(tmp_path):
    """One case-file runner for both contracts: cases are grouped per language for the models, and written back
    in the order of the file."""
    cases = tmp_path / "cases.jsonl"
    lines = [{"id": "e1", "lang": "en", "text": "Amazon hired 300 people in Seattle."},
             {"id": 2, "lang": "zh", "text": "比亚迪在深圳卖出了3万辆汽车。"},
             {"id": "e3", "lang": "en", "text": "Prices rose 5% in May."}]
    cases.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    assert main(["claims", str(cases), "-o", str(tmp_path / "claims.jsonl")]) == 0
    assert main(["entities", str(cases), "-o", str(tmp_path / "entities.jsonl")]) == 0
    claims, ents = _jsonl(tmp_path / "claims.jsonl"), _jsonl(tmp_path / "entities.jsonl")
    assert [r["id"] for r in claims] == [r["id"] for r in ents] == ["e1", 2, "e3"]
    assert [[c["text"] for c in r["claims"]] for r in claims] == [["300 people"], ["3万辆汽车"], ["5%"]]
    assert ("Seattle", "GPE", "en") in {(e["text"], e["label"], e["lang"]) for e in ents[0]["entities"]}
    assert {e["lang"] for e in ents[1]["entities"]} == {"zh"}
    for case, row in zip(lines, ents):
        assert all(case["text"][e["start"]:e["end"]] == e["text"] for e in row["entities"])


def test_align_writes_scores_and_the_sentences_its_ids_count(tmp_path):
    """Without --presplit the tool splits the text: the ids would point into a split nobody saw, so the split is
    written out; every bead's score goes beside the contract's bead file (which stays ``[src]:[tgt]`` a line)."""
    en, zh = tmp_path / "a.en.txt", tmp_path / "a.zh.txt"
    en.write_text("Tesla sold 1.8 million cars in 2023. Sales rose 38%.\nBYD built a plant in Hungary.\n",
                  encoding="utf-8")
    zh.write_text("特斯拉在2023年售出了180万辆汽车。销量增长了38%。\n比亚迪在匈牙利建了一座工厂。\n", encoding="utf-8")
    out = tmp_path / "beads.txt"
    assert main(["align", str(en), str(zh), "-o", str(out), "--with-text"]) == 0
    beads = out.read_text(encoding="utf-8").splitlines()
    src = (tmp_path / "beads.txt.src.txt").read_text(encoding="utf-8").splitlines()
    tgt = (tmp_path / "beads.txt.tgt.txt").read_text(encoding="utf-8").splitlines()
    assert src == ["Tesla sold 1.8 million cars in 2023.", "Sales rose 38%.", "BYD built a plant in Hungary."]
    assert tgt == ["特斯拉在2023年售出了180万辆汽车。", "销量增长了38%。", "比亚迪在匈牙利建了一座工厂。"]
    details = _jsonl(tmp_path / "beads.txt.jsonl")
    assert beads == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]
    assert [f"[{','.join(map(str, d['src']))}]:[{','.join(map(str, d['tgt']))}]" for d in details] == beads
    assert all(d["score"] > 0 for d in details)
    assert [(d["src_text"], d["tgt_text"]) for d in details] == list(zip(src, tgt))
    # presplit: the files are the sentences, nothing else to write; scores without texts
    (tmp_path / "p.en").write_text("\n".join(src) + "\n", encoding="utf-8")
    (tmp_path / "p.zh").write_text("\n".join(tgt) + "\n", encoding="utf-8")
    out2 = tmp_path / "p.align"
    assert main(["align", str(tmp_path / "p.en"), str(tmp_path / "p.zh"), "--presplit", "-o", str(out2)]) == 0
    assert out2.read_text(encoding="utf-8").splitlines() == beads
    assert [set(d) for d in _jsonl(tmp_path / "p.align.jsonl")] == [{"src", "tgt", "score"}] * 3
    assert not (tmp_path / "p.align.src.txt").exists()
