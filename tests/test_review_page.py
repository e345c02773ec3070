"""The review page as a review tool, in Debian's chromium (Playwright): the warnings index and the keys lead to
each flagged unit, filters and search change what is shown, names and evidence read as they should, and a
decision made in the page, downloaded, then applied with ``nlp-toolkit apply-decisions`` leaves the exports.

Two pages: the bundled example with edits that give it one warning of each kind (``conftest.REVIEW_EDITS``; the
core suite, no ../shared needed) and the seed article (skipped without ../shared). One pipeline run each per
session (``review_out``, ``seed_out``); a test that changes an output directory works on a copy. The seed's
screenshots (light and dark) are saved to ``tests/artifacts/`` and the test's tmp folder; their paths are printed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

import nlp_toolkit
from nlp_toolkit.cli import main
from nlp_toolkit.export.read_output import load_output, read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import ARTIFACTS, open_page  # noqa: E402

pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
from playwright.sync_api import expect  # noqa: E402

HOSTILE_DOC = 'x"><img src=x onerror="window.__pwned=1">'
HOSTILE = """Tesla said <script>window.__pwned = 2</script> it would spend $3 billion <img src=x onerror="window.__pwned=3;alert(3)">.

特斯拉表示,<script>window.__pwned = 4</script>将投入30亿美元。

BYD sold 3 million cars.

比亚迪售出了400万辆汽车。
"""


def _page_of(out: Path, browser, tmp_path: Path, **context):
    """The report of an output directory, opened."""
    html = tmp_path / "review.html"
    assert main(["report", str(out), "-o", str(html)]) == 0
    return open_page(browser, html, **context)


@pytest.fixture(params=["example", "seed"])
def output(request) -> Path:
    """The output directory of the edited example, then of the seed (skipped without ../shared)."""
    return request.getfixturevalue("review_out" if request.param == "example" else "seed_out")


def _flagged(out: Path) -> list[str]:
    """The anchors of the units with warnings, in page order (one article per page here)."""
    [(document, pairs)] = load_output(out)
    return [f"a0-p{p['index']}" for p in pairs if p["warnings"]]


def _visible(page) -> list[str]:
    return page.eval_on_selector_all("tr.pair", "rows => rows.filter(r => !r.hidden).map(r => r.id)")


def test_the_warnings_index_and_the_keys_reach_each_flagged_unit(output, browser, tmp_path):
    flagged = _flagged(output)
    assert flagged
    page, seen = _page_of(output, browser, tmp_path)
    try:
        links = page.locator("ol.windex li.wi a")
        targets = [a.get_attribute("href")[1:] for a in links.all()]
        assert sorted(set(targets)) == sorted(flagged)  # every flagged unit is in the index, nothing else
        for target in targets:  # a click on each entry brings its unit into view, as the current unit
            page.locator(f'ol.windex a[href="#{target}"]').first.click()
            row = page.locator(f"#{target}")
            expect(row).to_be_in_viewport()
            assert page.evaluate("location.hash") == f"#{target}"
            assert "current" in row.get_attribute("class")
        page.evaluate("window.scrollTo(0, 0)")
        page.reload()  # from the top: j walks the flagged units in order, k walks back, both wrap
        reached = []
        for _ in flagged:
            page.keyboard.press("j")
            reached.append(page.evaluate("document.activeElement.id"))
            expect(page.locator(f"#{reached[-1]}")).to_be_in_viewport()
        assert reached == flagged
        page.keyboard.press("n")
        assert page.evaluate("document.activeElement.id") == flagged[0]
        page.keyboard.press("k")
        assert page.evaluate("document.activeElement.id") == flagged[-1]
        page.keyboard.press("p")
        assert page.evaluate("document.activeElement.id") == flagged[-2 if len(flagged) > 1 else -1]
        assert "next warning" in page.locator("p.keys").inner_text()  # the keys are documented on the page
        assert seen["errors"] == [] and seen["requests"] == [] and seen["dialogs"] == []
    finally:
        page.close()


def test_filters_and_search_change_what_is_shown(review_out, browser, tmp_path):
    [(document, pairs)] = load_output(review_out)
    ids = lambda keep: [f"a0-p{p['index']}" for p in pairs if keep(p)]  # noqa: E731
    codes = {w["code"]: w["severity"] for p in pairs for w in p["warnings"]}
    assert codes == {"claim_mismatch": "error", "entity_mismatch": "error", "unaligned": "warning",
                     "entity_missing": "warning"}
    page, seen = _page_of(review_out, browser, tmp_path)
    try:
        everything = ids(lambda p: True)
        assert _visible(page) == everything
        page.select_option("#f-kind", "claim_mismatch")
        assert _visible(page) == ids(lambda p: any(w["code"] == "claim_mismatch" for w in p["warnings"])) \
            and len(_visible(page)) == 1
        assert page.locator("ol.windex li.wi:visible").all_inner_texts()[0].find("claim_mismatch") > 0
        assert page.locator("ol.windex li.wi:visible").count() == 1
        page.select_option("#f-kind", "")
        page.select_option("#f-severity", "warning")
        assert _visible(page) == ids(lambda p: any(w["severity"] == "warning" for w in p["warnings"]))
        assert len(_visible(page)) == 2
        page.select_option("#f-severity", "")
        page.check("#f-unaligned")
        assert _visible(page) == ids(lambda p: p["bead"] in ("1-0", "0-1")) and len(_visible(page)) == 1
        assert page.locator("#f-count").inner_text() == f"showing 1 of {len(pairs)} units"
        page.uncheck("#f-unaligned")
        page.check("#f-flagged")
        assert _visible(page) == ids(lambda p: p["warnings"]) and len(_visible(page)) == 4
        page.uncheck("#f-flagged")
        page.fill("#f-score", "0.4")
        page.check("#f-low")
        low = ids(lambda p: p["score"] < 0.4)
        assert _visible(page) == low and 0 < len(low) < len(pairs)
        page.uncheck("#f-low")
        section = document["sections"][2]
        page.select_option("#f-section", f"a0-s{section['index']}")
        assert _visible(page) == ids(lambda p: p["section"] == section["index"])
        assert page.locator("tr.section-row:visible").count() == 1
        page.select_option("#f-section", "")
        # search: words in either language, names, numbers; the labels drawn beside names are not text
        for query, keep in [("Geneva", lambda p: "Geneva" in p["en"]), ("比亚迪", lambda p: "比亚迪" in p["zh"]),
                            ("69,800", lambda p: "69,800" in p["en"])]:
            page.fill("#f-search", query)
            assert _visible(page) == ids(keep) and 0 < len(_visible(page)) < len(pairs), query
        page.fill("#f-search", "no ZH link")
        assert _visible(page) == []
        page.fill("#f-search", "")
        assert _visible(page) == everything
        assert seen["errors"] == [] and seen["dialogs"] == []
    finally:
        page.close()


def _label(locator) -> str:
    """The label the style sheet draws after a name (``::after`` of its ``.lbl``)."""
    return locator.evaluate("e => getComputedStyle(e, '::after').content").strip('"')


def test_names_show_linked_unlinked_and_flagged(review_out, browser, tmp_path):
    page, seen = _page_of(review_out, browser, tmp_path)
    try:
        # a name the translation replaced (Brazil -> 阿根廷): outlined on both sides, labelled
        row = page.locator("tr.pair", has=page.locator("td.en", has_text="Brazil"))
        assert row.locator("td.en .entity-flag").inner_text() == "Brazil"
        assert row.locator("td.zh .entity-flag").inner_text() == "阿根廷"
        assert [_label(x) for x in row.locator("td.en .lbl.bad").all()] == ["≠ ZH"]
        assert [_label(x) for x in row.locator("td.zh .lbl.bad").all()] == ["≠ EN"]
        # a name the translation leaves out (Geneva, flagged by the entity check): "not in ZH"
        geneva = page.locator("tr.pair", has=page.locator("td.en", has_text="Geneva"))
        assert geneva.locator("td.en .entity-flag").inner_text() == "Geneva"
        assert [_label(x) for x in geneva.locator("td.en .lbl.bad").all()] == ["not in ZH"]
        # a name dropped without a warning (上海 for "Shanghai"): not coloured as linked, labelled as unlinked
        shanghai = page.locator("td.en span.ent", has_text="Shanghai").first
        assert "nolink" in shanghai.get_attribute("class") and "linked" not in shanghai.get_attribute("class").split()
        assert _label(shanghai.locator("xpath=following-sibling::span[1]")).endswith("no ZH link")
        # a linked name: the same colour on both sides of its unit, its type shown without hover
        byd_en = page.locator("td.en span.ent.linked[title$='→ BYD']").first
        byd_zh = page.locator("td.zh span.ent.linked[title$='→ BYD']").first
        bg = lambda loc: loc.evaluate("e => getComputedStyle(e).backgroundColor")  # noqa: E731
        assert bg(byd_en) == bg(byd_zh) != bg(shanghai)
        assert _label(byd_en.locator("xpath=following-sibling::span[1]")) == "ORG"
        # the legend's hues are all different, in the light and the dark palette
        light = page.eval_on_selector_all(".legend li", "ls => ls.map(l => getComputedStyle(l).backgroundColor)")
        assert len(set(light[:10])) == min(10, len(light)) >= 5
        assert seen["errors"] == []
    finally:
        page.close()
    page, _ = _page_of(review_out, browser, tmp_path, color_scheme="dark")
    try:
        dark = page.eval_on_selector_all(".legend li", "ls => ls.map(l => getComputedStyle(l).backgroundColor)")
        assert len(set(dark[:10])) == len(set(light[:10])) and set(dark).isdisjoint(light)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(22, 26, 33)"
    finally:
        page.close()


def test_evidence_is_shown_as_values_per_competitor(output, browser, tmp_path):
    from nlp_toolkit.report import evidence_value

    [(document, _)] = load_output(output)
    page, _ = _page_of(output, browser, tmp_path)
    try:
        figures = page.locator("figure.evidence")
        assert figures.count() == len({r["section"] for r in document["comparison"]}) > 0
        for figure, row in zip(figures.all(), document["comparison"]):
            shown = {tr.locator("th bdi").inner_text(): tr.locator("b.value").all_inner_texts()
                     for tr in figure.locator("table.evidence tr").all()}
            expected = {name: [] for name in row["competitors"]}
            for e in row["evidence"]:
                expected.setdefault(e["competitor"] or "(no competitor)", []).append(evidence_value(e))
            assert shown == expected
            assert f"advantage: {row['winner']}" in figure.locator("figcaption").inner_text()
        assert page.locator("figure.evidence b.value", has_text="69,800 CNY").count() + page.locator(
            "figure.evidence b.value", has_text="> 13,000,000 package/day").count() == 1
    finally:
        page.close()


def test_a_decision_made_in_the_page_leaves_the_exports(output, browser, tmp_path):
    """Reject the first flagged unit with the keys, accept another with a click, dismiss a warning, correct a
    verdict, write a note; reload (local storage keeps them); download decisions.json; apply it."""
    out = shutil.copytree(output, tmp_path / "out")
    [(document, pairs)] = load_output(out)
    flagged = [p for p in pairs if p["warnings"]]
    gone, kept = flagged[0], pairs[0]
    section = next(s for s in document["sections"] if s["advantage"])
    other = next(r for r in document["comparison"] if r["section"] == section["index"])["competitors"]
    new_winner = next(n for n in other if n != section["advantage"]["winner"])
    page, seen = _page_of(out, browser, tmp_path)
    try:
        page.keyboard.press("j")
        page.keyboard.press("r")  # the current unit, rejected
        row = page.locator(f"#a0-p{gone['index']}")
        assert "dec-rejected" in row.get_attribute("class")
        row.locator("input.note").fill("the translation is wrong here")
        row.locator("input.note").press("Tab")
        page.locator(f"#a0-p{kept['index']} button[data-set=accepted]").focus()
        page.keyboard.press("Enter")  # a real button: the keyboard works it
        warning = row.locator("li.warning").first
        warning.locator("button[data-wset=dismissed]").click()
        page.select_option(f"select.verdict[data-section='{section['index']}']", f"winner:{new_winner}")
        page.reload()
        assert page.locator(f"#a0-p{gone['index']} button[data-set=rejected]").get_attribute("aria-pressed") == "true"
        assert page.locator(f"#a0-p{gone['index']} input.note").input_value() == "the translation is wrong here"
        assert page.locator("#d-count").inner_text() == "4 decision(s), 1 unit(s) rejected"
        with page.expect_download() as download:
            page.click("#d-download")
        path = tmp_path / "decisions.json"
        download.value.save_as(path)
        assert download.value.suggested_filename == "decisions.json"
        assert all(u.startswith("blob:") for u in seen["requests"]) and seen["errors"] == []
    finally:
        page.close()
    decisions = json.loads(path.read_text(encoding="utf-8"))
    assert {r["decision"] for r in decisions["units"].values()} == {"rejected", "accepted"}
    assert main(["apply-decisions", str(out), str(path)]) == 0
    where = (gone["doc_id"], gone["index"])
    assert where not in {(r["doc_id"], r["index"]) for r in read_jsonl([out / "pairs.jsonl"])}
    assert (kept["doc_id"], kept["index"]) in {(r["doc_id"], r["index"]) for r in read_jsonl([out / "pairs.jsonl"])}
    tmx = (out / "corpus.tmx").read_text(encoding="utf-8")
    assert f'tuid="{gone["doc_id"]}:{gone["index"]}"' not in tmx and f'tuid="{kept["doc_id"]}:{kept["index"]}"' in tmx
    ids = (out / "corpus.ids").read_text(encoding="utf-8").splitlines()
    assert f"{gone['doc_id']}\t{gone['index']}" not in ids and f"{kept['doc_id']}\t{kept['index']}" in ids
    english = (out / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(english) == len(ids) == len((out / "corpus.zh").read_text(encoding="utf-8").splitlines())
    assert gone["en"] not in english
    hf = list(read_jsonl(sorted((out / "hf" / "data").glob("train-*"))))
    assert where not in {(r["doc_id"], r["index"]) for r in hf} and len(hf) == len(ids)
    from nlp_toolkit.export.parquet import read_records

    assert where not in {(r["doc_id"], r["index"]) for r in read_records(out / "parquet")[1]}
    [doc] = list(read_jsonl([out / "documents.jsonl"]))
    [audit] = doc["review"]
    assert audit["file"] == "decisions.json"
    rejected = [u for u in audit["units"] if u["decision"] == "rejected"]
    assert rejected == [{"key": rejected[0]["key"], "index": gone["index"], "bead": gone["bead"],
                         "decision": "rejected", "note": "the translation is wrong here", "en": gone["en"],
                         "zh": gone["zh"], "score": gone["score"]}]
    assert [w["decision"] for w in audit["warnings"]] == ["dismissed"]
    assert audit["warnings"][0]["message"] == gone["warnings"][0]["message"]
    corrected = next(s for s in doc["sections"] if s["index"] == section["index"])["advantage"]
    assert (corrected["winner"], corrected["source"]) == (new_winner, "reviewer")
    assert audit["verdicts"][0]["previous"]["winner"] == section["advantage"]["winner"]
    import pandas as pd

    csv = pd.read_csv(out / "comparison.csv")
    assert csv.loc[csv["section"] == section["index"], "winner"].tolist() == [new_winner]


def test_article_text_cannot_run_in_the_review_page(browser, pipeline, tmp_path):
    """Markup in the text and in the document id (which every unit's key and data- attribute carries) stays
    text through search, filters, keys and decisions; the downloaded keys hold the id exactly."""
    from nlp_toolkit.commands import write_report

    article = nlp_toolkit.process_text(HOSTILE, doc_id=HOSTILE_DOC)
    assert any(w["code"] == "claim_mismatch" for p in article.pair_dicts() for w in p["warnings"])
    html = write_report(article.to_dict(), article.pair_dicts(), tmp_path / "hostile.html")
    page, seen = open_page(browser, html)
    try:
        page.fill("#f-search", "script")
        page.fill("#f-search", "")
        page.check("#f-flagged")
        page.keyboard.press("j")
        page.keyboard.press("r")
        page.locator("li.warning button[data-wset=confirmed]").first.click()
        with page.expect_download() as download:
            page.click("#d-download")
        decisions = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("document.scripts.length") == 1
        assert seen["dialogs"] == [] and seen["errors"] == []
        assert all(u.startswith("blob:") for u in seen["requests"])  # the download only, nothing from the network
        assert '<script>window.__pwned = 2</script>' in page.locator("tr.pair td.en").first.inner_text()
        [unit] = decisions["units"].values()
        assert unit["doc_id"] == HOSTILE_DOC and all(k.startswith(HOSTILE_DOC + "/") for k in decisions["units"])
    finally:
        page.close()


def test_screenshots_of_the_seed_page(seed_out, browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    saved = []
    for scheme in ("light", "dark"):
        page, seen = _page_of(seed_out, browser, tmp_path, color_scheme=scheme)
        try:
            page.keyboard.press("j")  # the first flagged unit, current, under the tools
            for name, full in ((f"review_seed_{scheme}.png", True), (f"review_seed_{scheme}_flagged.png", False)):
                for folder in (ARTIFACTS, tmp_path):
                    page.screenshot(path=str(folder / name), full_page=full)
                    saved.append(folder / name)
            assert seen["errors"] == []
        finally:
            page.close()
    for path in saved:
        assert path.stat().st_size > 20_000
        print(f"screenshot: {path}")
