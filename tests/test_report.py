"""The HTML review page, in a real headless Chromium (Debian's ``chromium`` driven by Playwright from PyPI; no
browser download) and without one (the CLI, escaping).

The example test saves a screenshot: ``tests/artifacts/report_example.png`` (git-ignored). The page as a review
tool (filters, keys, decisions) is tested in ``test_review_page.py``.
"""

import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nlp_toolkit
from nlp_toolkit.cli import main
from nlp_toolkit.commands import write_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import ARTIFACTS, open_page  # noqa: E402
#: the page's own inline script, the only one a page may have (its CSP allows it by its hash)
SCRIPT = (Path(nlp_toolkit.__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")

# An article whose text carries markup: it must be shown as text and never run.
SCRIPTED = """Tesla said <script>window.__pwned = 1; document.title = "pwned"</script> its R&D budget rose 20% to $3 billion <img src=x onerror="window.__pwned=2">.

特斯拉表示,<script>window.__pwned = 3</script>其研发预算增长了20%,达到30亿美元。

Shops were busy in May, and prices rose 5%.

5月份商店很忙,价格上涨了5%。
"""


@pytest.fixture(scope="module")
def example(example_path, pipeline):
    article = nlp_toolkit.process_file(example_path)
    return article.to_dict(), article.pair_dicts()


def test_example_report_in_chromium(browser, example, tmp_path):
    document, pairs = example
    out = write_report(document, pairs, tmp_path / "report.html")
    page, seen = open_page(browser, out)
    try:
        rows = page.locator("table.pairs tr.pair")
        assert rows.count() == len(pairs) == 15
        assert page.locator("table.pairs tr.section-row").count() == len(document["sections"])
        assert page.locator("table.advantages tbody tr").count() == len(document["sections"])
        # a section with a verdict shows its evidence as values per competitor, one without a chart of its claims
        with_rows = {r["section"] for r in document["comparison"]}
        assert page.locator("figure.evidence").count() == len(with_rows) == 3
        assert page.locator("figure.chart svg").count() == len(document["sections"]) - len(with_rows)
        price = page.locator("figure.evidence").first.locator("table.evidence tr", has_text="BYD")
        assert price.locator("b.value").all_inner_texts() == ["69,800 CNY", "< 10,000 USD"]
        # side by side: the row of unit i shows unit i's English and Chinese text
        for i in (0, len(pairs) - 1):
            assert rows.nth(i).locator("td.en").inner_text().startswith(pairs[i]["en"][:40])
            assert rows.nth(i).locator("td.zh").inner_text().startswith(pairs[i]["zh"][:15])
        # a linked EN/ZH entity pair shares its colour; another name has another colour
        linked = [e["canonical"] for p in pairs for e in p["entities"] if e["lang"] == "zh" and e["canonical"]
                  and any(f["lang"] == "en" and f["canonical"] == e["canonical"] for f in p["entities"])]
        assert len(set(linked)) >= 2

        def colour(lang, name):
            span = page.locator(f"td.{lang} span.ent[title$='→ {name}']").first
            return span.evaluate("e => getComputedStyle(e).backgroundColor")

        a, b = list(dict.fromkeys(linked))[:2]
        assert colour("en", a) == colour("zh", a) != colour("en", b)
        # every claim in a disagreeing cross-language link is flagged (the mismatch test below has one)
        flagged = sum(len({i for l in p["claim_links"] if not l["agree"] for i in (l["en"], l["zh"])}) for p in pairs)
        assert page.locator("sup.flag").count() == flagged
        assert page.locator("span.claim").count() >= sum(len(p["claims"]) for p in pairs)
        # sentences on demand
        assert page.locator("details.sentences").count() == sum(bool(p["sentences"]) for p in pairs)
        assert seen["errors"] == [] and seen["requests"] == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report_example.png"), full_page=True)
        assert (ARTIFACTS / "report_example.png").stat().st_size > 10_000
    finally:
        page.close()


def test_markup_in_an_article_is_shown_as_text_and_not_run(browser, pipeline, tmp_path):
    article = nlp_toolkit.process_text(SCRIPTED, doc_id="<b>scripted</b>")
    assert "<script>" in article.pairs[0].en and "<script>" in article.pairs[0].zh
    out = write_report(article.to_dict(), article.pair_dicts(), tmp_path / "scripted.html")
    page, seen = open_page(browser, out)
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.title() != "pwned"
        assert page.evaluate("document.querySelectorAll('img, h2 b').length") == 0
        assert page.evaluate("Array.from(document.scripts, s => s.textContent)") == [SCRIPT]  # the page's own
        row = page.locator("table.pairs tr.pair").first
        assert '<script>window.__pwned = 1; document.title = "pwned"</script>' in row.locator("td.en").inner_text()
        assert '<img src=x onerror="window.__pwned=2">' in row.locator("td.en").inner_text()
        assert "<script>window.__pwned = 3</script>" in row.locator("td.zh").inner_text()
        assert "<b>scripted</b>" in page.locator("article h2").inner_text()
        assert seen["errors"] == [] and seen["requests"] == []
    finally:
        page.close()


MISMATCH = """Tesla sold 1.8 million cars in 2023, up 38%.

特斯拉在2023年售出了280万辆汽车,增长了38%。
"""


def test_a_cross_language_mismatch_is_flagged(browser, pipeline, tmp_path):
    article = nlp_toolkit.process_text(MISMATCH, doc_id="mismatch")
    pair = article.pairs[0]
    assert [l.agree for l in pair.claim_links].count(False) == 1
    out = write_report(article.to_dict(), article.pair_dicts(), tmp_path / "mismatch.html")
    page, seen = open_page(browser, out)
    try:
        row = page.locator("table.pairs tr.pair").first
        assert "flagged" in row.get_attribute("class")
        assert row.locator("td.en span.claim.mismatch").inner_text() == "1.8 million cars"
        assert row.locator("td.zh span.claim.mismatch").inner_text() == "280万辆汽车"
        assert page.locator("sup.flag").count() == 2
        assert row.locator("span.claim.linked").count() == 4  # 2023 and 38% agree in both languages
        assert "value" in row.locator("ul.warnings").inner_text()
        red = row.locator("td.en span.claim.mismatch").evaluate("e => getComputedStyle(e).color")
        assert red == "rgb(192, 38, 45)"
        assert seen["errors"] == []
    finally:
        page.close()


# -- without a browser ----------------------------------------------------------------------------------------------
def test_report_escapes_all_article_text(pipeline):
    from nlp_toolkit.report import render_page

    article = nlp_toolkit.process_text(SCRIPTED, doc_id="<b>scripted</b>")
    html = render_page([(article.to_dict(), article.pair_dicts())])  # the renderer sees records only
    assert html.lower().count("<script") == 1 and f"<script>{SCRIPT}</script>" in html  # only the page's own
    assert "<img" not in html.lower() and "<b>scripted" not in html
    assert "&lt;b&gt;scripted&lt;/b&gt;" in html
    assert "&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from the network


def test_cli_report_from_an_output_directory_and_from_an_article(example, example_path, tmp_path):
    from nlp_toolkit.export.jsonl import JsonlExporter

    document, pairs = example
    out_dir = tmp_path / "out"
    with JsonlExporter(out_dir) as ex:
        ex.add(document, pairs)
    assert main(["report", str(out_dir), "-o", str(tmp_path / "from_dir.html")]) == 0
    from_dir = (tmp_path / "from_dir.html").read_text(encoding="utf-8")
    assert from_dir.count('<tr class="pair') == len(pairs)

    article_copy = tmp_path / "article.bilingual.txt"
    shutil.copy(example_path, article_copy)
    assert main(["report", str(article_copy), "-o", str(tmp_path / "from_file.html")]) == 0
    assert (tmp_path / "from_file.html").read_text(encoding="utf-8").count('<tr class="pair') == len(pairs)
    assert main(["report", str(tmp_path / "missing_dir_or_file"), "-o", str(tmp_path / "x.html")]) == 2
    assert not (tmp_path / "x.html").exists()


def test_one_page_for_several_articles_from_sharded_compressed_output(example, pipeline, tmp_path):
    from nlp_toolkit.export.base import ExportOptions
    from nlp_toolkit.export.jsonl import JsonlExporter
    from nlp_toolkit.commands import write_reports
    from nlp_toolkit.export.read_output import load_output

    other = nlp_toolkit.process_text(MISMATCH, doc_id="mismatch")
    articles = [example, (other.to_dict(), other.pair_dicts())]
    out_dir = tmp_path / "out"
    with JsonlExporter(out_dir, ExportOptions(shard_size=1, compression="gz")) as ex:
        for doc, pairs in articles:
            ex.add(doc, pairs)
    assert len(list(out_dir.glob("pairs-*.jsonl.gz"))) == 2
    loaded = load_output(out_dir)
    assert loaded == articles
    html = write_reports(loaded, tmp_path / "both.html").read_text(encoding="utf-8")
    assert html.count('<article class="doc"') == 2
    assert html.count('<tr class="pair') == sum(len(p) for _, p in articles)
    assert 'href="#a0"' in html and 'href="#a1"' in html
    with pytest.raises(FileNotFoundError):
        load_output(tmp_path)


def test_report_of_an_output_directory_is_the_report_of_its_article_file(example_path, pipeline, tmp_path):
    out_dir = tmp_path / "out"
    assert main(["process", str(example_path), "-o", str(out_dir)]) == 0
    assert main(["report", str(out_dir), "-o", str(tmp_path / "from_dir.html")]) == 0
    assert main(["report", str(example_path), "-o", str(tmp_path / "from_file.html")]) == 0
    from_dir = (tmp_path / "from_dir.html").read_text(encoding="utf-8")
    assert from_dir.count('<tr class="pair') == 15
    assert from_dir == (tmp_path / "from_file.html").read_text(encoding="utf-8")


# -- tampered records -------------------------------------------------------------------------------------------
HOSTILE = '<img src=x onerror="alert({n})"><script>alert({n})</script>'
BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}


class _Tags(HTMLParser):
    """Every start tag of a page, its attributes, and its text (character data) with the enclosing tags."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.texts, self.attrs, self.stack = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag not in ("br", "meta", "rect"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.texts.append((tuple(self.stack), data))


def _leaves(value, path=()):
    """(path, value) of every scalar in a record."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


def _assert_inert(page: str):
    p = _Tags(page)
    assert {"img", "iframe", "object"}.isdisjoint(p.tags)
    assert p.tags.count("script") == 1 and f"<script>{SCRIPT}</script>" in page  # the page's own, no other
    assert not [a for a in p.attrs if a[1].startswith("on")]


def test_every_field_of_a_tampered_record_is_escaped(example):
    """Records edited by hand: each field in turn (numbers, offsets, ids, scores included) holds markup, then
    every field at once, then containers of the wrong type; the page is rendered, and has no tag from them."""
    from nlp_toolkit.report import render_page

    document, pairs = example
    # the record kinds are told apart: a section advantage's "evidence" is text, a comparison row's a list
    page = render_page([(document, pairs)])
    read_from = [f'{s["advantage"]["evidence"]}, {s["advantage"]["source"]}' for s in document["sections"]
                 if s.get("advantage")]
    assert read_from and all(f'<td>{e}</td><td></td><td class="vdec">' in page
                             or f'<td>{e}</td><td class="disagree">' in page for e in read_from)
    pair = next(p for p in pairs if p["entities"] and p["claims"] and p["claim_links"] and p["sentences"])
    doc_paths = [pth for pth, _ in _leaves(document)]
    pair_paths = [pth for pth, _ in _leaves(pair)]
    assert ("score",) in pair_paths and ("entities", 0, "start") in pair_paths
    assert any(pth[:2] == ("sections", 0) for pth in doc_paths)
    for n, path in enumerate(doc_paths):
        _assert_inert(render_page([(_replace(document, path, HOSTILE.format(n=n)), [pair])]))
    for n, path in enumerate(pair_paths):
        _assert_inert(render_page([(document, [_replace(pair, path, HOSTILE.format(n=n))])]))
    d_all, p_all = document, pair
    for pth, _ in _leaves(document):
        d_all = _replace(d_all, pth, HOSTILE.format(n=1))
    for pth, _ in _leaves(pair):
        p_all = _replace(p_all, pth, HOSTILE.format(n=2))
    page = render_page([(d_all, [p_all])])
    _assert_inert(page)
    assert 'score &lt;img src=x onerror=&quot;alert(2)&quot;&gt;' in page  # the numeric field, shown as text
    assert page.count("&lt;script&gt;alert(") > 20
    # containers replaced by markup, scalars by containers
    wrong = {**pair, "entities": HOSTILE.format(n=3), "claims": [HOSTILE.format(n=4)], "index": [HOSTILE],
             "score": {"<b>": HOSTILE}, "claim_links": [{"en": [0], "zh": "<i>", "agree": False}]}
    doc_wrong = {**document, "sections": {"<b>": 1}, "warnings": "<b>x</b>", "doc_id": ["<script>x</script>"]}
    _assert_inert(render_page([(doc_wrong, [wrong])]))


def test_bidi_controls_are_shown_as_marks_and_cannot_leak_into_later_cells(example):
    """An unclosed RIGHT-TO-LEFT OVERRIDE in one unit (and other controls elsewhere) would reverse the text of
    every cell after it; on the page each control is a visible mark and none is left raw."""
    from nlp_toolkit.report import render_page

    document, pairs = example
    tampered = [dict(p) for p in pairs]
    tampered[0]["en"] = "Tesla \u202eslas 08% of cars in 2023"  # unclosed RLO
    tampered[0]["entities"] = []
    tampered[1]["zh"] = "\u2067特斯拉\u202b比亚迪\u200f"  # unclosed RLI and RLE, then an RLM
    tampered[2]["sentences"] = [{"en": "a\u202db", "zh": "\u2066c\u061c", "en_ids": [0], "zh_ids": [0]}]
    doc = {**document, "doc_id": "doc\u202e", "warnings": [{"code": "x\u202a", "message": "y\u2068"}]}
    page = render_page([(doc, tampered)])
    assert not BIDI & set(page)  # no raw control anywhere: text or attribute
    p = _Tags(page)
    marks = [a for a in p.attrs if a[:2] == ("span", "title") and a[2].startswith("U+")]
    assert ("span", "title", "U+202E RIGHT-TO-LEFT OVERRIDE") in marks
    assert {m[2].split()[0] for m in marks} >= {"U+202E", "U+2067", "U+202B", "U+200F", "U+202D", "U+2066",
                                                "U+061C", "U+2068"}
    text = "".join(t for _, t in p.texts)
    assert "Tesla ⟨RLO⟩slas 08% of cars in 2023" in text and "x⟨LRE⟩" in text  # a warning code: a plain mark
    assert 'data-doc-id="doc&#10216;RLO&#10217;"' in page  # in an attribute too
    # the article text of every unit's cells sits in an isolate (<bdi>) inside a dir=auto cell
    assert page.count('<td class="en" lang="en" dir="auto"><bdi>') == len(pairs)
    assert page.count('<td class="zh" lang="zh" dir="auto"><bdi>') == len(pairs)


def test_a_units_quality_and_what_the_filters_left_it_out_for_are_shown(example):
    from nlp_toolkit.report import render_page

    document, pairs = example
    pair = {**pairs[4], "dropped": ["quality<0.7"], "duplicate_of": "other#3",
            "quality": {"score": 0.677, "reasons": ["low_similarity"], "signals": {"similarity": 0.45}}}
    page = render_page([(document, [pair])])
    assert '<span class="quality">quality 0.677 (low_similarity)</span>' in page
    assert '<span class="dropped">left out: quality&lt;0.7 of other#3</span>' in page
    assert all(f'quality {p["quality"]["score"]:g}' in render_page([(document, [p])]) for p in pairs[:3])
    hostile = {**pair, "dropped": "<b>x</b>", "quality": {"score": "<i>", "reasons": "<u>"}}
    _assert_inert(render_page([(document, [hostile])]))
