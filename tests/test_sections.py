"""Sections and advantages: every heading form in both languages, ties, disagreement, articles without verdicts,
and the structured comparison of the seed article."""

import json
from pathlib import Path

import pytest

from nlp_toolkit import process_text
from nlp_toolkit.sections import is_heading, parse_heading

CASES = json.loads((Path(__file__).parent / "data" / "headings.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_parse_heading(case):
    r = parse_heading(case["text"], case["lang"])
    if case.get("none"):
        assert r is None
        return
    assert (r.aspect, r.winner, r.margin, r.gaining, r.tie, r.shared) == (
        case["aspect"], case["winner"], case["margin"], case["gaining"], case["tie"], case.get("shared", False))


def test_heading_detection_needs_both_sides_to_agree():
    assert is_heading("The Road Ahead", "未来之路")
    assert not is_heading("The Road Ahead", "两家公司都预计竞争会越来越激烈。")
    assert not is_heading("Shares rose 5% on Monday.", "周一股价上涨5%。")


PHONES = """Phones have a new rivalry: Apple versus Samsung.

手机市场出现了新的竞争:苹果对阵三星。

Both companies sold more than 50 million phones in the last quarter, according to the research firm Counterpoint.

根据研究公司Counterpoint的数据,两家公司上个季度的手机销量都超过5,000万部。

{h1_en}

{h1_zh}

Samsung's flagship phone runs for about 30 hours on one charge. Apple's lasts about 25 hours.

三星旗舰手机充一次电可以使用约30个小时,苹果手机约为25个小时。

{h2_en}

{h2_zh}

Apple's camera app is used by more than 100 million people every day, the company said.

苹果公司表示,每天有超过1亿人使用其相机应用。
"""


def _article(**headings):
    return process_text(PHONES.format(**headings), doc_id="phones")


def _adv(article, k):
    s = article.sections[k]
    a = s.advantage
    return (s.aspect_en, s.aspect_zh, a.winner, a.winner_zh, a.margin, a.gaining, a.tie) if a else None


def test_article_with_verdict_headings_in_both_languages():
    a = _article(h1_en="Battery Life — Advantage: Samsung, by a wide margin", h1_zh="电池续航方面,三星遥遥领先",
                 h2_en="Camera — Advantage: Apple, but Samsung is catching up",
                 h2_zh="苹果占据相机优势,而三星正在迅速追赶")
    assert [(s.first_pair, s.last_pair) for s in a.sections] == [(0, 1), (2, 3), (4, 5)]
    assert a.sections[0].advantage is None
    assert _adv(a, 1) == ("Battery Life", "电池续航", "Samsung", "三星", "large", None, False)
    assert _adv(a, 2) == ("Camera", "相机", "Apple", "苹果", "normal", "Samsung", False)
    assert [p.section for p in a.pairs] == [0, 0, 1, 1, 2, 2]
    assert not a.warnings
    # the comparison has one row per verdict, with the section's claims under the competitor they are about
    df = a.comparison()
    assert list(df["aspect_en"]) == ["Battery Life", "Camera"]
    battery = {(e["competitor"], e["value"], e["unit"]) for e in df["evidence"][0]}
    assert battery == {("Samsung", 30.0, "hour"), ("Apple", 25.0, "hour")}


def test_other_forms_and_a_tie():
    a = _article(h1_en="Samsung leads on battery life", h1_zh="三星在电池续航方面略占优势",
                 h2_en="Camera — Advantage: none", h2_zh="相机方面,双方平分秋色")
    assert _adv(a, 1)[:3] == ("battery life", "电池续航", "Samsung")
    s2 = a.sections[2]
    assert s2.advantage.tie and s2.advantage.winner is None and s2.aspect_zh == "相机"


def test_languages_disagree_both_readings_kept_with_a_warning():
    a = _article(h1_en="Battery Life — Advantage: Samsung", h1_zh="电池续航方面,苹果占优",
                 h2_en="Camera — Advantage: Apple", h2_zh="相机方面,苹果占优")
    s1 = a.sections[1]
    assert (s1.advantage.winner, s1.advantage.evidence) == ("Samsung", "en")
    assert (s1.advantage_alt.winner, s1.advantage_alt.winner_zh, s1.advantage_alt.evidence) == ("Apple", "苹果", "zh")
    assert [w.code for w in a.warnings] == ["advantage_disagreement"]
    assert a.sections[2].advantage_alt is None and a.sections[2].advantage.evidence == "both"
    assert a.to_dict()["sections"][1]["advantage_alt"]["winner"] == "Apple"


def test_no_verdicts_no_invented_advantage():
    a = _article(h1_en="The Road Ahead", h1_zh="未来之路",
                 h2_en="Samsung has a clear advantage in price, analysts said.", h2_zh="分析师说,三星在价格上有明显优势。")
    assert [s.heading_en for s in a.sections] == [None, "The Road Ahead"]
    assert all(s.advantage is None for s in a.sections)
    assert a.comparison().empty


def test_seed_sections_and_comparison(seed_path, pipeline):
    from nlp_toolkit.read import read_file

    a = pipeline(read_file(seed_path))
    df = a.comparison()
    assert len(df) == 4
    row = df[df["aspect_en"] == "User Engagement"].iloc[0]
    ev = {(e["competitor"], e["kind"], e["value"], e["unit"], e["period"], e["qualifier"]) for e in row["evidence"]}
    assert ("TikTok", "duration", 2.0, "hour", "day", "approx") in ev
    assert ("Amazon", "duration", 9.7, "minute", "day", "approx") in ev
    assert a.sections[4].advantage.gaining == "Amazon"


def test_example_article_verdicts_agree_across_languages(example_path, pipeline):
    """The gazetteer spells 比亚迪 "BYD Company"; the article's "BYD" is the same competitor, not a disagreement."""
    from nlp_toolkit.read import read_file

    a = pipeline(read_file(example_path))
    got = [(s.aspect_en, s.aspect_zh, s.advantage.winner, s.advantage.winner_zh, s.advantage.margin,
            s.advantage.gaining, s.advantage.evidence) for s in a.sections if s.advantage]
    assert got == [("Price", "价格", "BYD", "比亚迪", "large", None, "both"),
                   ("Software", "软件", "Tesla", "特斯拉", "normal", None, "both"),
                   ("Global Reach", "全球布局", "Tesla", "特斯拉", "normal", "BYD", "both")]
    assert not a.warnings


def test_claim_subjects_from_the_comparisons_own_parse_equal_those_of_a_whole_pipeline_parse(seed_path):
    """The entity stage leaves spaCy's parser out; the comparison parses the units it reads from the entity
    stage's Docs (and drops them). Its subjects equal those read off Docs of the whole English pipeline (parser
    and recognizer in one pass, as the entity stage made them before), and those of a fresh parse."""
    from nlp_toolkit.comparison import annotate_comparison, assign_subjects
    from nlp_toolkit.entities.english import pipe_chunked, pipeline
    from nlp_toolkit.pipeline import Pipeline
    from nlp_toolkit.read import read_file

    a = Pipeline(stages=["clean", "langid", "align", "entities", "claims", "sections"])(read_file(seed_path))
    assert all(p.en_doc is not None and not p.en_doc.has_annotation("DEP") for p in a.pairs)
    annotate_comparison(a)
    assert all(p.en_doc is None for p in a.pairs)  # dropped once read
    shared = [c.subject for p in a.pairs for c in p.claims]
    assert {"TikTok", "Amazon"} <= set(shared)
    nlp, other = pipeline()
    for p, doc in zip(a.pairs, pipe_chunked(nlp, [p.en for p in a.pairs], other)):
        assert doc.has_annotation("DEP")
        p.en_doc = doc
        for c in p.claims:
            c.subject = None
    assign_subjects(a)
    assert [c.subject for p in a.pairs for c in p.claims] == shared
    for p in a.pairs:
        p.en_doc = None
        for c in p.claims:
            c.subject = None
    assign_subjects(a)  # no Doc on the pairs: the comparison parses them from their text
    assert [c.subject for p in a.pairs for c in p.claims] == shared


def test_the_parser_alone_on_the_entity_stages_docs_parses_as_the_whole_pipeline():
    """Texts written for this test, one with sentences that end mid-paragraph and a quotation."""
    from nlp_toolkit.comparison import _english_docs
    from nlp_toolkit.document import AlignedPair
    from nlp_toolkit.entities.english import parse_many, pipe_chunked, pipeline

    texts = ["BYD sold 3 million cars last year. Tesla sold 1.8 million, most of them in the US and China.",
             '"We control the whole chain," said Stella Li of BYD in Mexico City on Tuesday.',
             "On Amazon, customers spend about 9.7 minutes a day; on TikTok, users spend two hours."]
    pairs = [AlignedPair(index=i, en_ids=[i], zh_ids=[i], en=t, zh="", score=0.0) for i, t in enumerate(texts)]
    for p, doc in zip(pairs, parse_many(texts)):
        assert not doc.has_annotation("DEP") and doc.tensor.shape[0] == len(doc)
        p.en_doc = doc
    parsed = _english_docs(pairs, __import__("nlp_toolkit").Settings())
    nlp, other = pipeline()
    for doc, whole in zip(parsed, pipe_chunked(nlp, texts, other)):
        assert [(t.dep_, t.head.i) for t in doc] == [(t.dep_, t.head.i) for t in whole]
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in whole.ents]


CARS = """Two carmakers are fighting for the same buyers: Tesla and BYD.

两家汽车制造商正在争夺同一批买家:特斯拉和比亚迪。

Price

价格

BYD's cheapest electric car sells for about $10,000 in China. Tesla's cheapest costs about $32,000.

比亚迪最便宜的电动汽车在中国售价约为1万美元,特斯拉最便宜的车型售价约为3.2万美元。

{line_en}

{line_zh}

Software

软件

Tesla updates its cars over the air every few weeks, analysts said.

分析师说,特斯拉每隔几周就会通过无线方式更新汽车软件。

{end_en}

{end_zh}
"""


def _cars(**lines):
    return process_text(CARS.format(**lines), doc_id="cars")


def test_verdict_lines_after_aspect_headings_and_closing_sections():
    a = _cars(line_en="Winner: BYD, by a wide margin.", line_zh="胜者:比亚迪,大幅领先。",
              end_en="Tesla takes this round.", end_zh="这一轮特斯拉胜出。")
    got = [(s.heading_en, s.aspect_en, s.aspect_zh, s.advantage.winner, s.advantage.winner_zh, s.advantage.margin,
            s.advantage.source, s.advantage.evidence, s.verdict_pair) for s in a.sections if s.advantage]
    assert got == [("Price", "Price", "价格", "BYD", "比亚迪", "large", "line", "both", 3),
                   ("Software", "Software", "软件", "Tesla", "特斯拉", "normal", "line", "both", 6)]
    # the verdict lines stay inside their sections: three sections, not five
    assert [(s.first_pair, s.last_pair) for s in a.sections] == [(0, 0), (1, 3), (4, 6)]
    assert a.to_dict()["sections"][1]["advantage"]["source"] == "line"


def test_a_tie_in_a_sentence_and_traditional_characters():
    a = _cars(line_en="On price, the two are evenly matched.", line_zh="在價格方面,兩者不相上下。",
              end_en="Verdict: Tesla.", end_zh="結論:特斯拉。")
    price, software = a.sections[1], a.sections[2]
    assert price.advantage.tie and price.advantage.winner is None and price.advantage.evidence == "both"
    assert (software.advantage.winner, software.advantage.winner_zh) == ("Tesla", "特斯拉")


def test_body_sentences_and_reported_claims_are_not_verdicts():
    """A comparison inside the body (not after the heading, not closing the section) and a reported claim
    ("analysts said") make no advantage; an aspect heading without a verdict names no aspect."""
    a = _cars(line_en="BYD sells more cars than Tesla in China, according to analysts.",
              line_zh="据分析师称,比亚迪在中国的汽车销量超过特斯拉。",
              end_en="Both companies plan to cut prices again next year.", end_zh="两家公司都计划明年再次降价。")
    assert all(s.advantage is None for s in a.sections)
    assert [s.aspect_en for s in a.sections] == [None, None, None]
    assert a.comparison().empty


SEED_CUTS = {"Customer Trust — Advantage: Amazon": "Customer Trust", "客户信任方面,亚马逊占优": "客户信任",
             "User Engagement — Advantage: TikTok": "User Engagement", "用户参与度方面,TikTok占优": "用户参与度",
             "Delivery Logistics — Advantage: Amazon by miles": "Delivery Logistics", "配送物流方面,亚马逊遥遥领先": "配送物流",
             "Influencer Army — Advantage: TikTok, but Amazon is slowly gaining": "Influencer Army",
             "TikTok占据网红大军优势,而亚马逊的网红“带货”队伍也在缓慢扩大": "网红大军"}


def test_seed_with_headings_cut_to_their_aspects_gets_its_verdicts_from_the_prose(seed_path):
    """The seed's sections argue their verdicts in prose too ("TikTok's biggest advantage is its ubiquity",
    "a logistics apparatus that can rival Amazon", "Amazon has made strides"): with every verdict cut from the
    headings, the prose gives the winners, and the gaining competitor of the last section."""
    text = seed_path.read_text(encoding="utf-8")
    for full, aspect in SEED_CUTS.items():
        assert full in text
        text = text.replace(full, aspect)
    a = process_text(text, doc_id="seed-cut")
    got = [(s.aspect_en, s.aspect_zh, s.advantage.winner, s.advantage.source) for s in a.sections if s.advantage]
    want = [("Customer Trust", "客户信任", "Amazon", "prose"), ("User Engagement", "用户参与度", "TikTok", "prose"),
            ("Delivery Logistics", "配送物流", "Amazon", "prose"), ("Influencer Army", "网红大军", "TikTok", "prose")]
    assert sum(g == w for g, w in zip(got, want)) >= 3 and len(got) == 4
    last = a.sections[-1]
    assert last.advantage.gaining == "Amazon"
    assert all(0 < s.advantage.confidence <= 1 for s in a.sections if s.advantage)
    # each section lists the sentences that argue its advantage, with the pair and the sentence bead
    ev = a.sections[3].prose
    assert any(e["effect"] == "favour" and e["competitor"] == "Amazon" and "rival Amazon" in e["text"] for e in ev)
    assert all(a.pairs[e["pair"]].section == 3 for e in ev)
    row = a.comparison().iloc[0]
    assert row["source"] == "prose" and row["prose_evidence"]


def test_prose_that_contradicts_a_stated_verdict_is_a_warning():
    text = CARS.format(line_en="Winner: Tesla.", line_zh="胜者:特斯拉。", end_en="", end_zh="").replace(
        "Tesla's cheapest costs about $32,000.", "Tesla's cheapest costs about $32,000. Tesla cannot match BYD on price.")
    text = text.replace("特斯拉最便宜的车型售价约为3.2万美元。", "特斯拉最便宜的车型售价约为3.2万美元。特斯拉在价格上无法匹敌比亚迪。")
    a = process_text(text, doc_id="cars-contradiction")
    price = a.sections[1]
    assert (price.advantage.winner, price.advantage.source) == ("Tesla", "line")
    assert [e["competitor"] for e in price.prose] == ["BYD", "BYD"]  # one sentence, read in each language
    assert [w.code for w in a.warnings] == ["advantage_prose_contradiction"]
    assert "prose favours BYD" in a.warnings[0].message


def test_a_competitor_that_only_describes_a_person_is_not_the_claims_subject():
    """"Maria Lopez, a longtime Walmart shopper, recently read about a television for sale on Target's new
    website for $300": the price is about Target, where it is sold; Walmart only says who she is (the parse hangs
    "$300" on "read", where Walmart is the closer mention)."""
    text = ("Two retailers compete for the same shoppers: Walmart and Target.\n\n两家零售商争夺同一批顾客:沃尔玛和塔吉特。\n\n"
            "Online Prices — Advantage: Target\n\n线上价格方面,塔吉特占优\n\n"
            "Maria Lopez, a longtime Walmart shopper, recently read about a television for sale on Target's new website for $300.\n\n"
            "沃尔玛的老顾客玛丽亚·洛佩斯最近看到塔吉特的新网站上有一台电视机售价300美元。\n\n"
            "Walmart sold the same television for $350.\n\n沃尔玛的同款电视机售价为350美元。\n")
    a = process_text(text, doc_id="retail")
    ev = {(e["competitor"], e["value"]) for e in a.comparison()["evidence"][0] if e["lang"] == "en"}
    assert ev == {("Target", 300.0), ("Walmart", 350.0)}


# -- competitors named by the opening of a comparison ------------------------------------------------------------------
@pytest.mark.parametrize("lead, pair", [
    ("Kindle Paperwhite vs. Kobo Clara: which e-reader should you buy?", ["Kindle Paperwhite", "Kobo Clara"]),
    ("For a month we compared the Pixel 9 Pro to the Galaxy S24 in daily use.", ["Pixel 9 Pro", "Galaxy S24"]),
    ("This test pits the Model Y against the Ioniq 5 on a winter road trip.", ["Model Y", "Ioniq 5"]),
    ("Two coffee chains, Luckin and Starbucks, now fight for the same office workers.", ["Luckin", "Starbucks"]),
])
def test_the_opening_of_a_comparison_names_its_competitors(lead, pair):
    from nlp_toolkit.comparison import framing_pair
    from nlp_toolkit.document import AlignedPair, Article

    a = Article(doc_id="d", pairs=[AlignedPair(index=0, en_ids=[0], zh_ids=[], score=1.0, en=lead, zh="")])
    assert framing_pair(a) == pair


def test_plain_news_opening_names_no_competitors():
    from nlp_toolkit.comparison import framing_pair
    from nlp_toolkit.document import AlignedPair, Article

    lead = "Talks between Russia and Ukraine resumed in Istanbul on Monday, officials said."
    a = Article(doc_id="d", pairs=[AlignedPair(index=0, en_ids=[0], zh_ids=[], score=1.0, en=lead, zh="")])
    assert framing_pair(a) == []


def test_competitors_without_verdicts_come_from_the_opening_not_the_most_named_companies():
    from nlp_toolkit import process_text

    text = ("Two ride-hailing apps, Didi and Meituan, compete for drivers in every large Chinese city.\n\n"
            "滴滴和美团这两款网约车应用在中国每个大城市争夺司机。\n\n"
            "Alibaba and Tencent, which back many start-ups, stayed out of the fight. Alibaba said nothing, "
            "and Tencent declined to comment; Alibaba later issued a short statement.\n\n"
            "阿里巴巴和腾讯投资了许多初创企业,但没有卷入这场竞争。阿里巴巴未发表评论,腾讯拒绝置评;阿里巴巴随后发表了简短声明。\n")
    from nlp_toolkit.comparison import competitors

    assert competitors(process_text(text, doc_id="ride")) == ["Didi", "Meituan"]


def test_a_verdict_line_the_forms_miss_is_read_from_the_competitors_the_opening_frames():
    # the opening frames the comparison (comparison.framing_pair), so a line after an aspect heading that names a
    # competitor beside a verdict word is that section's verdict; the same line in plain news (no framing) is none
    body = """We compared the Kobo Libra Colour with the Kindle Colorsoft for a month.

我们用一个月时间比较了Kobo Libra Colour和Kindle Colorsoft。

Screen

屏幕

Both use colour E Ink panels of seven inches.

两款都采用七英寸彩色电子墨水屏。

Honestly, the Kobo's screen just looks sharper.

说实话,Kobo Libra Colour的屏幕看起来更锐利。
"""
    a = process_text(body, doc_id="ereaders")
    screen = [s for s in a.sections if s.aspect_en == "Screen"]
    assert screen and screen[0].advantage is not None
    # the English line is read (evidence "en"; the Chinese side's 更锐利 by its own forms); the Chinese
    # "Kobo Libra Colour" is linked to the English "Kobo" of the same pair, so the two sides name the Kobo apart
    sides = {a.evidence: a.winner for a in (screen[0].advantage, screen[0].advantage_alt) if a}
    assert set(sides) == {"en", "zh"} and all(w.startswith("Kobo") for w in sides.values())
    assert screen[0].advantage.source == "line"
    plain = process_text(body.replace("We compared the Kobo Libra Colour with the Kindle Colorsoft for a month.",
                                      "Readers wrote to us about their e-readers this month."), doc_id="plain")
    # no framing: the English line states no verdict of its own (only the Chinese form reads one)
    assert all(a.evidence == "zh" for s in plain.sections for a in (s.advantage, s.advantage_alt) if a)
