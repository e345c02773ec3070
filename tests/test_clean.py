"""Boilerplate removal by general rules and the editable pattern list."""

from nlp_toolkit.clean import clean_article, clean_line, load_patterns
from nlp_toolkit.read import read_text
from nlp_toolkit.settings import Settings

PATS = load_patterns("boilerplate.txt")


def test_credit_lines_dropped_whole():
    for line in ["原创翻译:龙腾网 https://www.ltaaa.cn 转载请注明出处",
                 "本文翻译：译言网 http://www.yeeyan.org",
                 "转载请注明出处",
                 "未经许可，不得转载",
                 "https://example.org/news/2024/05/story.html",
                 "Translated by Jane Doe for Example Weekly"]:
        assert clean_line(line, PATS)[0] == "", line


def test_article_text_is_kept_and_inline_notice_cut():
    assert clean_line("亚马逊的销售额增长了20%。", PATS) == ("亚马逊的销售额增长了20%。", None)
    assert clean_line("Sales at data.ai grew.", PATS) == ("Sales at data.ai grew.", None)
    text, rule = clean_line("这家公司的营收翻了一番。(转载请注明出处)", PATS)
    assert text.startswith("这家公司的营收翻了一番。") and "转载" not in text and rule


def test_removed_lines_are_recorded_with_line_numbers():
    a = read_text("Growth slowed.\n\n增长放缓。\n原创翻译:龙腾网 https://www.ltaaa.cn 转载请注明出处\n\n"
                  "www.ltaaa.cn\n")
    clean_article(a)
    assert [(r.line, r.rule) for r in a.removed] == [(4, "pattern:1"), (6, "url")]
    assert [p.text.strip() for p in a.paragraphs] == ["Growth slowed.", "增长放缓。"]


def test_user_pattern_file(tmp_path):
    custom = tmp_path / "mine.txt"
    custom.write_text("# my site's footer\n^Follow us on .+$\n", encoding="utf-8")
    a = read_text("Real text.\n\nFollow us on Weibo\n")
    clean_article(a, Settings(boilerplate=str(custom)))
    assert [p.text for p in a.paragraphs] == ["Real text."]
