"""``nlp-toolkit apply-decisions`` and :mod:`nlp_toolkit.decisions` without a browser: keys that survive a re-run
(an index that moves, a text that changes), what a decision does to each export (plain, sharded, compressed,
sentence units), the audit, idempotence, decisions that match nothing, bad files and a failure half-way (one line,
exit 2, the folder as it was), the lock. The page's side (making and downloading decisions) is in
``test_review_page.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import nlp_toolkit
from nlp_toolkit.cli import main
from nlp_toolkit.decisions import FORMAT, Decisions, decide, section_keys, unit_keys, warning_keys
from nlp_toolkit.export.read_output import load_output, read_jsonl


def _write(path: Path, units=None, warnings=None, verdicts=None) -> Path:
    path.write_text(json.dumps({"format": FORMAT, "version": 1, "created": "2026-12-03T09:00:00Z",
                                "units": units or {}, "warnings": warnings or {}, "verdicts": verdicts or {}},
                               ensure_ascii=False), encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".nlp_toolkit_cache" not in p.parts and p.name != ".nlp_toolkit.lock"}


def _unit(pairs: list[dict], text: str) -> tuple[str, dict]:
    [(key, pair)] = [(k, p) for k, p in zip(unit_keys(pairs), pairs) if text in p["en"]]
    return key, pair


def test_decisions_made_on_one_run_find_their_units_in_another(example_out, review_out, tmp_path, capsys):
    """Decisions made on the example's page, applied to the output of the edited example: a unit whose index
    moved (a paragraph was added before it) is found by its text; a unit whose text changed is reported."""
    [(plain_doc, plain)] = load_output(example_out)
    out = shutil.copytree(review_out, tmp_path / "out")
    [(_, edited)] = load_output(out)
    moved_key, moved = _unit(plain, "Tariffs may slow it down.")
    changed_key, changed = _unit(plain, "69,800 yuan")
    _, moved_now = _unit(edited, "Tariffs may slow it down.")
    assert moved_now["index"] == moved["index"] + 1 and moved_key in unit_keys(edited)
    assert changed_key not in unit_keys(edited)  # 6.98万 became 7.98万: another unit
    section = plain_doc["sections"][1]
    verdict_key = section_keys(plain_doc)[1]
    assert verdict_key in section_keys(load_output(out)[0][0])  # headings unchanged: the same key
    path = _write(tmp_path / "decisions.json",
                  units={moved_key: {"decision": "rejected", "note": "tariff line", "doc_id": "tesla_vs_byd",
                                     "index": moved["index"]},
                         changed_key: {"decision": "accepted", "doc_id": "tesla_vs_byd", "index": changed["index"]}},
                  verdicts={verdict_key: {"winner": None, "tie": True, "shared": False, "section": 1}})
    assert main(["apply-decisions", str(out), str(path)]) == 1  # one decision matched nothing
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("apply-decisions: 1 unit(s) rejected, 1 verdict(s) corrected, 1 note(s); rewrote ")
    assert err[0].endswith(f"; 1 match nothing (listed below) -> {out}")
    assert err[1:] == [f"  no unit {changed_key}: unit #{changed['index']} of tesla_vs_byd is not in this output "
                       "(another input, or its text changed)"]
    pairs = list(read_jsonl([out / "pairs.jsonl"]))
    assert moved_now["index"] not in [p["index"] for p in pairs] and len(pairs) == len(edited) - 1
    [doc] = list(read_jsonl([out / "documents.jsonl"]))
    assert doc["pairs"] == len(pairs)
    assert doc["sections"][1]["advantage"]["tie"] is True and doc["sections"][1]["advantage"]["winner"] is None
    assert [r["tie"] for r in doc["comparison"] if r["section"] == 1] == [True]


def test_applying_twice_changes_nothing_the_second_time(review_out, tmp_path, capsys):
    out = shutil.copytree(review_out, tmp_path / "out")
    [(document, pairs)] = load_output(out)
    key, pair = _unit(pairs, "Geneva")
    wkey = warning_keys(key, pair["warnings"])[0]
    path = _write(tmp_path / "d.json", units={key: {"decision": "rejected"}},
                  warnings={wkey: {"decision": "confirmed", "note": "Geneva is dropped"}})
    assert main(["apply-decisions", str(out), str(path)]) == 0
    first = _snapshot(out)
    capsys.readouterr()
    assert main(["apply-decisions", str(out), str(path)]) == 0
    assert capsys.readouterr().err == f"apply-decisions: 2 already applied; nothing to rewrite -> {out}\n"
    assert _snapshot(out) == first
    [doc] = list(read_jsonl([out / "documents.jsonl"]))
    assert len(doc["review"]) == 1 and doc["review"][0]["warnings"][0]["note"] == "Geneva is dropped"
    assert "entity_missing" not in doc["warning_counts"]  # its only unit is gone
    # the rejected unit cannot be accepted later: it is reported, not silently dropped
    again = _write(tmp_path / "d2.json", units={key: {"decision": "accepted", "doc_id": document["doc_id"]}})
    assert main(["apply-decisions", str(out), str(again)]) == 1
    assert "rejected earlier" in capsys.readouterr().err


def test_sharded_compressed_sentence_exports_are_filtered_in_place(review_out, tmp_path):
    """Exports written with other options (shards, gz, sentence units) keep them: a rejected unit's sentences
    leave corpus.tmx (still valid TMX), the Moses files and the hf data; other shards are not touched."""
    from nlp_toolkit.export.base import ExportOptions, get_exporter
    from nlp_toolkit.export.tmx import validate

    [(document, pairs)] = load_output(review_out)
    copies = [({**document, "doc_id": f"copy{i}"}, [{**p, "doc_id": f"copy{i}"} for p in pairs]) for i in range(3)]
    out = tmp_path / "out"
    jsonl = ExportOptions(shard_size=len(pairs), compression="gz")
    sentences = ExportOptions(unit="sentence", compression="gz")
    exporters = [get_exporter("jsonl")(out, jsonl)] + [get_exporter(f)(out, sentences) for f in ("tmx", "moses", "hf")]
    for ex in exporters:
        for d, ps in copies:
            ex.add(d, ps)
        ex.close()
    key, pair = _unit(copies[1][1], "Tesla's cheapest car")
    assert len(pair["sentences"]) == 2
    shards = sorted(out.glob("pairs-*.jsonl.gz"))
    assert len(shards) == 3
    before = _snapshot(out)
    hf_before = sorted(p.name for p in (out / "hf" / "data").glob("train-*"))
    assert nlp_toolkit.apply_decisions(out, _write(tmp_path / "d.json", units={key: {"decision": "rejected"}})).ok
    where = (pair["doc_id"], pair["index"])
    assert where not in {(r["doc_id"], r["index"]) for r in read_jsonl(shards)}
    assert sum(1 for _ in read_jsonl(shards)) == 3 * len(pairs) - 1
    changed = {name for name, data in _snapshot(out).items() if before.get(name) != data}
    assert len([n for n in changed if n.startswith("pairs-")]) == 1  # the one shard that held it
    ids = (out / "corpus.ids").read_text(encoding="utf-8").splitlines()
    assert not [i for i in ids if i.startswith(f"{pair['doc_id']}\t{pair['index']}\t")]
    assert len(ids) == len((out / "corpus.en").read_text(encoding="utf-8").splitlines()) > 0
    tmx = (out / "corpus.tmx").read_text(encoding="utf-8")
    assert f'tuid="{pair["doc_id"]}:{pair["index"]}:' not in tmx and validate(out / "corpus.tmx") == []
    hf = list(read_jsonl(sorted((out / "hf" / "data").glob("train-*.jsonl.gz"))))
    assert (pair["doc_id"], pair["index"]) not in {(r["doc_id"], r["pair"]) for r in hf} and len(hf) == len(ids)
    assert pair["index"] in {r["pair"] for r in hf}  # the same unit of the other copies stays
    # the hf files are named by their new contents (datasets keys its cache by the card's pattern), and the
    # card names them: the same names would load the old rows from a cache
    hf_after = sorted(p.name for p in (out / "hf" / "data").glob("train-*"))
    assert len(hf_after) == len(hf_before) and not set(hf_after) & set(hf_before)
    fingerprint = hf_after[0].split("-")[-1].split(".")[0]
    assert f"train-*-{fingerprint}.jsonl.gz" in (out / "hf" / "README.md").read_text(encoding="utf-8")


def test_a_verdict_for_a_section_without_one_adds_it_and_its_comparison_row(review_out):
    articles = load_output(review_out)
    [(document, pairs)] = articles
    intro = section_keys(document)[0]
    assert document["sections"][0]["advantage"] is None
    result, removed = decide(articles, Decisions(verdicts={intro: {"winner": "BYD", "note": "the lede says so"}}))
    assert result.counts["corrected"] == 1 and removed == set()
    assert document["sections"][0]["advantage"]["winner"] == "BYD"
    assert document["sections"][0]["advantage"]["winner_zh"] == "比亚迪"  # as the article's verdicts write it
    row = document["comparison"][0]
    assert (row["section"], row["winner"], row["source"], row["competitors"]) == (0, "BYD", "reviewer",
                                                                                 ["BYD", "Tesla"])
    assert document["review"][0]["verdicts"][0]["previous"] is None


BAD = {
    "not JSON": ("{", "not JSON (Expecting property name"),
    "another format": ('{"units": {}}', 'not a decisions file (no "format": "nlp_toolkit.decisions"'),
    "another version": (json.dumps({"format": FORMAT, "version": 2}), "version 2 is not supported"),
    "units as a list": (json.dumps({"format": FORMAT, "version": 1, "units": []}), "units must be an object"),
    "a decision unknown": (json.dumps({"format": FORMAT, "version": 1, "units": {"k": {"decision": "maybe"}}}),
                           "units 'k': decision must be 'accepted' or 'rejected' or null, not 'maybe'"),
    "a verdict with two answers": (json.dumps({"format": FORMAT, "version": 1,
                                               "verdicts": {"s": {"winner": "BYD", "tie": True}}}),
                                   "verdicts 's': give exactly one of a winner, tie or shared"),
    "a note not text": (json.dumps({"format": FORMAT, "version": 1, "warnings": {"w": {"note": 3}}}),
                        "warnings 'w': note must be text"),
}


@pytest.mark.parametrize("case", list(BAD) + ["not UTF-8", "absent"])
def test_a_bad_decisions_file_is_one_line_and_exit_2(case, review_out, tmp_path, capsys):
    out = shutil.copytree(review_out, tmp_path / "out")
    before = _snapshot(out)
    path = tmp_path / "decisions.json"
    if case == "not UTF-8":
        path.write_bytes(b'{"format": "\xff"}')
        problem = "not UTF-8 text (byte 12)"
    elif case != "absent":
        path.write_text(BAD[case][0], encoding="utf-8")
        problem = BAD[case][1]
    else:
        problem = "no such file"
    assert main(["apply-decisions", str(out), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nlp-toolkit apply-decisions: error: {path}: {problem}") and err.count("\n") == 1
    assert _snapshot(out) == before


def test_a_failure_half_way_leaves_the_folder_as_it_was(review_out, tmp_path, capsys):
    """corpus.tmx edited by hand (a unit without the properties that say where it comes from): nothing is
    renamed into place, no temporary file is left, the error names the file."""
    out = shutil.copytree(review_out, tmp_path / "out")
    tmx = out / "corpus.tmx"
    tmx.write_text(tmx.read_text(encoding="utf-8").replace('<prop type="x-pair">', '<prop type="x-where">', 1),
                   encoding="utf-8")
    before = _snapshot(out)
    [(_, pairs)] = load_output(out)
    path = _write(tmp_path / "d.json", units={unit_keys(pairs)[3]: {"decision": "rejected"}})
    assert main(["apply-decisions", str(out), str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"nlp-toolkit apply-decisions: error: {tmx}: a <tu> without")
    assert _snapshot(out) == before and not list(out.rglob("*.part"))


def test_a_folder_that_is_not_an_output_or_is_in_use(review_out, tmp_path, capsys):
    from nlp_toolkit.outdir import OutputLock

    path = _write(tmp_path / "d.json")
    assert main(["apply-decisions", str(tmp_path), str(path)]) == 2
    assert "no documents.jsonl" in capsys.readouterr().err
    out = shutil.copytree(review_out, tmp_path / "out")
    with OutputLock(out):
        assert main(["apply-decisions", str(out), str(path)]) == 2
    assert "in use by another run" in capsys.readouterr().err
