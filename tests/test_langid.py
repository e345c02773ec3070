"""Language identification per paragraph, robust to Latin names inside Chinese."""

import pytest

from nlp_toolkit.langid import identify, identify_article, split_mixed
from nlp_toolkit.read import read_text


@pytest.mark.parametrize("text, lang", [
    ("Warren Buffett's Berkshire Hathaway invested in BYD.", "en"),
    ("获得沃伦·巴菲特旗下伯克希尔-哈撒韦公司投资的比亚迪", "zh"),
    ("TikTok Shop上个月在美国上线。", "zh"),
    ("Marni Levine此前供职于Facebook母公司Meta Platforms。", "zh"),
    ("软件方面,Tesla占优", "zh"),
    ("1,300", "en"),
    ("Tesla 特斯拉 BYD 比亚迪", "zh"),
    ("The deal was signed on Monday. 协议已签署。", "mixed"),
    ("In China, the Seagull is called 海鸥.", "en"),
])
def test_identify(text, lang):
    assert identify(text) == lang


def test_mixed_line_split_into_english_and_chinese():
    parts = split_mixed("Prices fell 5% in May. 5月份价格下降了5%。")
    assert parts == [("en", "Prices fell 5% in May."), ("zh", "5月份价格下降了5%。")]


def test_block_split_where_language_changes_and_sides_numbered():
    a = read_text("Sales rose.\n销售额上升。\n\nA hard-wrapped English\nparagraph goes on here\n\n"
                  "一个被硬换行的\n中文段落。")
    identify_article(a)
    got = [(p.side, p.index, p.text) for p in a.paragraphs]
    assert got == [("en", 0, "Sales rose."), ("zh", 0, "销售额上升。"),
                   ("en", 1, "A hard-wrapped English paragraph goes on here"), ("zh", 1, "一个被硬换行的中文段落。")]
