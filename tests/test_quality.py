"""The quality record of translation units (nlp_toolkit/quality.py): each signal on sentences written for these
tests, the furniture rules against news sentences that share their topic words, and the stage on a real
article."""

import pytest

from nlp_toolkit.dedup import normalize
from nlp_toolkit.quality import REASONS, assess, furniture, sentence_warnings

GOOD_EN = "The battery plant near Szeged will employ about 3,000 people when it opens next year."
GOOD_ZH = "塞格德附近的电池厂明年投产后将雇用约3000人。"


def test_a_faithful_pair_scores_one_with_no_reasons():
    q = assess(GOOD_EN, GOOD_ZH, similarity=0.72, margin=0.21)
    assert q == {"score": 1.0, "reasons": [], "signals": q["signals"]}
    assert q["signals"]["similarity"] == 0.72 and q["signals"]["zh_share_zh"] > 0.9


@pytest.mark.parametrize("similarity, margin, reason", [
    (0.12, None, "low_similarity"),       # another sentence's translation
    (0.58, -0.08, "low_margin"),          # a neighbour's translation fits the English better
])
def test_misalignment_signals_sink_the_score(similarity, margin, reason):
    q = assess(GOOD_EN, GOOD_ZH, similarity=similarity, margin=margin)
    assert q["score"] < 0.5 and reason in q["reasons"]


def test_similarity_between_the_thresholds_lowers_the_score_gradually():
    scores = [assess(GOOD_EN, GOOD_ZH, similarity=s)["score"] for s in (0.3, 0.4, 0.5, 0.6)]
    assert scores == sorted(scores) and 0 < scores[0] < scores[-1] == 1.0


def test_untranslated_copies_and_wrong_sides():
    copy = assess(GOOD_EN, GOOD_EN, similarity=1.0)
    assert copy["score"] == 0.0 and {"untranslated", "identical"} <= set(copy["reasons"])
    swapped = assess(GOOD_ZH, GOOD_ZH, similarity=1.0)
    assert swapped["score"] == 0.0 and "not_english" in swapped["reasons"]
    # Chinese text full of Latin names is still Chinese
    names = assess("Marni Levine worked for Meta Platforms before joining BYD.",
                   "Marni Levine此前供职于Meta Platforms，后加入比亚迪。", similarity=0.7)
    assert "untranslated" not in names["reasons"]


def test_length_ratio_far_from_the_articles_own():
    q = assess(GOOD_EN + " " + GOOD_EN + " " + GOOD_EN, "电池厂。", similarity=0.6)
    assert "length_ratio" in q["reasons"] and q["score"] < 0.5
    assert "length_ratio" not in assess(GOOD_EN, GOOD_ZH, similarity=0.7)["reasons"]


def test_identity_ignores_case_spaces_and_punctuation():
    assert normalize("BYD  Seal, 2024!") == normalize("byd seal 2024")
    assert normalize("BYD Seal 2024") != normalize("BYD Seal 2025")


@pytest.mark.parametrize("text, lang, kind", [
    ("Subscribe to our newsletter for the latest EV news", "en", "prompt"),
    ("Follow us on Twitter", "en", "prompt"),
    ("Share this article", "en", "prompt"),
    ("欢迎订阅我们的新闻简报", "zh", "prompt"),
    ("扫描下方二维码，关注我们的公众号", "zh", "prompt"),
    ("© 2024 Szeged Daily. All rights reserved.", "en", "legal"),
    ("We use cookies to improve your experience. By continuing you accept our use of cookies.", "en", "legal"),
    ("版权所有，未经授权不得转载", "zh", "legal"),
    ("Photo: Getty Images", "en", "credit"),
    ("By Jane Smith and Li Wei", "en", "credit"),
    ("（新华社记者王强摄）", "zh", "credit"),
    ("Read more: Tesla cuts prices again", "en", "nav"),
    ("Related stories", "en", "nav"),
    ("相关阅读：比亚迪在欧洲的新工厂", "zh", "nav"),
    ("点击这里查看更多图片", "zh", "nav"),
    ("Got a news tip? Email us", "en", "contact"),
    ("新闻爆料热线：010-12345678", "zh", "contact"),
    ("https://example.com/business/ev-prices", "en", "url"),
    ("Support independent journalism: make a contribution today", "en", "prompt"),
    ("Already a subscriber? Log in", "en", "prompt"),
    ("支持我们的新闻报道，成为会员", "zh", "prompt"),
    ("This site uses cookies. By continuing to browse the site you agree.", "en", "legal"),
    ("© Motor Daily", "en", "legal"),
    ("Reproduction of this article without written permission is prohibited.", "en", "legal"),
    ("继续浏览本网站即表示您同意我们的条款", "zh", "legal"),
    ("Photograph: Attila Kisbenedek/AFP", "en", "credit"),
    ("Li Wei in Shenzhen contributed to this report.", "en", "credit"),
    ("资料图：比亚迪的海豚车型", "zh", "credit"),
    ("Menu", "en", "nav"),
    ("下一页", "zh", "nav"),
    ("Story continues below advertisement", "en", "nav"),
    ("Watch: the first BYD cars leave the Szeged plant", "en", "nav"),
    ("Topics: electric cars, Hungary, trade", "en", "nav"),
    ("视频：比亚迪塞格德工厂首车下线", "zh", "nav"),
    ("关键词：电动汽车 匈牙利", "zh", "nav"),
    ("Published 12 March 2023", "en", "meta"),
    ("Updated: Tue 14 Nov 2023 10.42 GMT", "en", "meta"),
    ("March 12, 2023", "en", "meta"),
    ("更新于2023年11月14日 10:42", "zh", "meta"),
    ("发布时间：2023-11-14", "zh", "meta"),
    ("5 min read", "en", "meta"),
    ("阅读时间约5分钟", "zh", "meta"),
    ("This article is more than two years old", "en", "meta"),
    ("本文发表已超过2年", "zh", "meta"),
    ("Comments are now closed", "en", "meta"),
    ("View all comments", "en", "meta"),
    ("12 comments", "en", "meta"),
    ("评论已关闭", "zh", "meta"),
    ("留下您的评论", "zh", "meta"),
])
def test_furniture_of_each_class(text, lang, kind):
    assert furniture(text, lang) == kind


@pytest.mark.parametrize("text, lang", [
    # news sentences on the same topics: subscriptions, copyright, cookies, credits, advertising, privacy
    ("The newsletter business grew after the company added 2,000 subscribers.", "en"),
    ("A court ruled that the design was protected by copyright.", "en"),
    ("Google said it would stop using third-party cookies in Chrome.", "en"),
    ("By March, sales had doubled.", "en"),
    ("Recommended doses were cut by half.", "en"),
    ("Print on demand grew 20% last year.", "en"),
    ("Meta changed its privacy policy in Europe.", "en"),
    ("广告商削减了第三季度的支出。", "zh"),
    ("该视频获得了超过100万个点赞。", "zh"),
    ("白宫新闻简报会上，发言人回答了有关关税的问题。", "zh"),
    ("美国表示保留一切权利。", "zh"),
    ("未经授权不得进入该军事区。", "zh"),
    ("民众应关注官方发布的信息。", "zh"),
    ("用户可以下载应用程序查看充电桩的位置。", "zh"),
    ("Ukraine wants to become a member of the alliance.", "en"),
    ("By continuing to use coal, the country will miss its target.", "en"),
    ("He declined to add comment on the deal.", "en"),
    ("Users post comments on Weibo every day.", "en"),
    ("The ministry published new rules on 12 March 2023.", "en"),
    ("Updated figures show sales rose 20%.", "en"),
    ("The president will join the discussion on Friday.", "en"),
    ("他在社交媒体上发表评论称，工厂将按时投产。", "zh"),
    ("Home sales fell for a third month.", "en"),
    ("The live broadcast drew 2 million viewers.", "en"),
])
def test_news_sentences_on_those_topics_are_not_furniture(text, lang):
    assert furniture(text, lang) is None


def test_a_long_sentence_is_never_furniture():
    long = ("Subscribe to our newsletter, the company's chief executive told investors on Tuesday, was the "
            "line its marketing team had pushed for a decade, long before anyone at the firm thought about "
            "electric cars, batteries, software or the factories it now runs in Hungary and Brazil.")
    assert furniture(long, "en") is None


def test_boilerplate_and_url_residue_in_the_record():
    assert assess("Photo: Getty Images", "图片来源：盖蒂图片社", similarity=0.6)["reasons"] == ["boilerplate"]
    q = assess("Details are at www.byd.com, the company said in a statement on Monday.",
               "该公司周一在一份声明中表示，详情见www.byd.com。", similarity=0.7)
    assert q["reasons"] == ["url"] and 0.5 < q["score"] < 1


def test_error_warnings_of_the_checks_lower_quality_and_info_does_not():
    numbers = [{"code": "claim_mismatch", "severity": "error"}]
    names = [{"code": "entity_mismatch", "severity": "error"}]
    wording = [{"code": "wording_qualifier", "severity": "info"}]
    assert assess(GOOD_EN, GOOD_ZH, 0.7, warnings=numbers)["reasons"] == ["numbers_differ"]
    assert assess(GOOD_EN, GOOD_ZH, 0.7, warnings=names)["reasons"] == ["names_differ"]
    assert assess(GOOD_EN, GOOD_ZH, 0.7, warnings=wording)["score"] == 1.0


def test_reasons_come_in_the_documented_order():
    q = assess("Photo: Getty Images", "Photo: Getty Images", similarity=0.1)
    assert q["reasons"] == [r for r in REASONS if r in q["reasons"]]


def test_a_sentence_gets_the_warnings_whose_spans_are_inside_it():
    en = "Sales rose 12%. Profit fell 3%."
    zh = "销量增长12%。利润下降了5%。"
    w = {"code": "claim_mismatch", "severity": "error", "en_span": [28, 30], "zh_span": [13, 15]}
    assert sentence_warnings(en, zh, "Profit fell 3%.", "利润下降了5%。", [w]) == [w]
    assert sentence_warnings(en, zh, "Sales rose 12%.", "销量增长12%。", [w]) == []


def test_the_stage_on_the_bundled_article(example_path):
    from nlp_toolkit.api import process_file

    article = process_file(example_path)
    units = [p for p in article.pairs if p.en.strip() and p.zh.strip()]
    assert units and all(p.quality is not None for p in units)
    assert all(0 <= p.quality["score"] <= 1 for p in units)
    # a faithful translation: most units need nothing said against them
    assert sum(p.quality["score"] >= 0.5 for p in units) >= 0.9 * len(units)
    sentences = [s for p in units for s in p.sentences if s.en.strip() and s.zh.strip()]
    assert sentences and all(s.quality is not None for s in sentences)
    record = article.pair_dicts()[0]
    assert set(record["quality"]) == {"score", "reasons", "signals"}
