"""The translation check (nlp_toolkit.claims.linking): every figure in digits accounted for on the other side, the
counted noun never deciding, severities, spans and reasons. Sentence pairs written for these tests, one or more
per class of phenomenon."""

import pytest

from nlp_toolkit.claims import extract_claims, link_claims
from nlp_toolkit.claims.linking import account, currencies, figures_en, figures_zh
from nlp_toolkit.document import AlignedPair
from nlp_toolkit.settings import Settings


def check(en: str, zh: str) -> AlignedPair:
    p = AlignedPair(index=0, en_ids=[0], zh_ids=[0], en=en, zh=zh, score=1.0)
    p.claims = extract_claims(en, "en") + extract_claims(zh, "zh")
    link_claims(p, Settings())
    return p


def numeric(p: AlignedPair) -> list:
    """The warnings a QA scorer counts as numeric: codes starting with claim_ or time_."""
    return [w for w in p.warnings if w.code.startswith(("claim_", "time_"))]


def assert_clean(en: str, zh: str) -> None:
    p = check(en, zh)
    assert numeric(p) == [], [(w.code, w.message) for w in numeric(p)]


def assert_caught(en: str, zh: str, reason: str = "", text: str = "") -> list:
    ws = numeric(check(en, zh))
    assert ws, "no numeric warning"
    assert all(w.severity == "error" for w in ws)
    if reason:
        assert any(reason in (w.reason or "") for w in ws), [(w.reason, w.message) for w in ws]
    if text:
        assert any(text in w.message for w in ws), [w.message for w in ws]
    return ws


# -- a changed digit anywhere is caught --------------------------------------------------------------------------

@pytest.mark.parametrize("en, zh, ok, bad", [
    # a day of a month (the month named in words in English)
    ("The talks were moved to 14 March after the storm.", "暴风雨过后，会谈改到了{} 月 14 日。", "3", "4"),
    ("The deadline is October 3, the ministry said.", "该部表示，截止日期是 10 月 {} 日。", "3", "8"),
    # a year
    ("The bridge opened in 1998 and closed last spring.", "这座桥于 {} 年通车，去年春天关闭。", "1998", "1989"),
])
def test_changed_digit_in_a_date(en, zh, ok, bad):
    assert_clean(en, zh.format(ok))
    assert_caught(en, zh.format(bad), reason="date", text=bad)


@pytest.mark.parametrize("en, zh, ok, bad", [
    # a code (a flight, a model), its letters kept in the translation
    ("Flight QX418 landed safely in the rain.", "QX{} 航班在雨中安全降落。", "418", "481"),
    ("The firm released GPT-4 to paying users first.", "该公司首先向付费用户发布了 GPT-{}。", "4", "5"),
    # a figure inside a name translated in full
    ("Traffic on Route 66 was slow on Friday.", "周五，{} 号公路交通缓慢。", "66", "68"),
    ("Police were called to No 12 Elm Street.", "警方被叫到榆树街 {} 号。", "12", "21"),
])
def test_changed_digit_in_a_code_or_a_name(en, zh, ok, bad):
    assert_clean(en, zh.format(ok))
    assert_caught(en, zh.format(bad), text=bad)


def test_changed_clock_time():
    en = "The shop opens at 9.30am and closes at 6pm."
    assert_clean(en, "这家店上午 9 点半开门，下午 6 点关门。")
    assert_clean(en, "这家店 9:30 开门，18:00 关门。")  # 24-hour clock
    assert_caught(en, "这家店上午 9 点半开门，下午 7 点关门。", reason="time", text="7")


def test_conversion_with_a_changed_value_is_caught():
    assert_caught("The trail is 5 miles long.", "这条小路长 9 公里。")
    assert_caught("The race runs 26 miles.", "比赛全程 26 英里（52 公里）。")
    assert_caught("Winds reached 100 miles an hour (161 km/h).", "风速达到每小时 100 英里（每小时 171 公里）。")
    assert_caught("Snow fell above 3,000 feet (914 meters).", "3050 英尺（914 米）以上地区降雪。")


def test_changed_digit_in_a_plain_figure():
    en = "The council counted 1,274 complaints."
    assert_clean(en, "议会统计到 1274 起投诉。")
    ws = assert_caught(en, "议会统计到 1247 起投诉。", reason="value differs")
    assert ws[0].code == "claim_mismatch" and ws[0].en_span is not None and ws[0].zh_span is not None
    p = check(en, "议会统计到 1247 起投诉。")
    w = numeric(p)[0]
    assert p.en[w.en_span[0]:w.en_span[1]] == "1,274" and p.zh[w.zh_span[0]:w.zh_span[1]] == "1247"


# -- scales and currencies --------------------------------------------------------------------------------------

def test_wan_yi_swapped():
    en = "About 120,000 households lost power."
    assert_clean(en, "约 12 万户家庭断电。")
    ws = assert_caught(en, "约 12 亿户家庭断电。", reason="scale differs")
    assert "1.2e+09" in ws[0].message


def test_scale_words_and_suffixes():
    assert_clean("The club paid £75m for the striker.", "该俱乐部花了 7500 万英镑买下这名前锋。")
    assert_clean("Investors put in $2bn last month.", "投资者上个月投入了 20 亿美元。")
    assert_clean("The fund holds 100 billion yuan.", "该基金持有 1,000 亿元人民币。")
    assert_caught("The club paid £75m for the striker.", "该俱乐部花了 7500 亿英镑买下这名前锋。")


def test_currency_swapped():
    en = "The city spent $40 million on new buses."  # "spent $": no "nt$" (New Taiwan dollars)
    assert_clean(en, "该市花了 4000 万美元购买新公交车。")
    assert_caught(en, "该市花了 4000 万欧元购买新公交车。", reason="currency differs", text="欧元")
    en = "Tickets cost 300 yuan each."
    assert_clean(en, "门票每张 300 元。")
    assert_caught(en, "门票每张 300 美元。", reason="currency differs")


def test_currency_words_that_are_also_other_words():
    # "won" the verb, "per cent", "pounds" of weight, 公元 (the era), 块 a classifier
    assert_clean("The party won 12 seats, up 5 per cent.", "该党赢得了 12 个席位，增长了 5%。")
    assert_clean("The sack weighed 50 pounds.", "这袋东西重 50 磅。")
    assert_clean("The temple was built in 1420 and holds 3 gold plaques.", "这座寺庙建于公元 1420 年，藏有 3 块金匾。")
    # 元 is also the generic unit word for dollars
    assert_clean("A ticket costs HK$80.", "一张票 80 港元。")


# -- the counted noun never decides on its own ---------------------------------------------------------------------

@pytest.mark.parametrize("en, zh", [
    ("More than 300 attendees signed the letter.", "超过 300 名与会者在信上签了名。"),
    ("Two people died and five others were hurt.", "2 人死亡，另有 5 人受伤。"),
    ("The team fielded eight players in the final.", "该队在决赛中派出了 8 名队员。"),
    ("They tested three methods.", "他们测试了 3 种方法。"),
])
def test_count_with_a_different_noun_no_warning(en, zh):
    assert_clean(en, zh)


# -- wording ----------------------------------------------------------------------------------------------------

def test_softened_qualifier_is_info():
    p = check("Results arrive in 20 minutes.", "结果在 20 分钟内送达。")
    assert numeric(p) == []
    info = [w for w in p.warnings if w.code == "wording_qualifier"]
    assert len(info) == 1 and info[0].severity == "info" and info[0].en_span and info[0].zh_span
    p = check("Up to 96 samples fit in the machine.", "机器可容纳 96 个样本。")
    assert numeric(p) == [] and [w.severity for w in p.warnings] == ["info"]


# -- absent vs present in another form ----------------------------------------------------------------------------

def test_value_truly_absent_is_unmatched():
    p = check("The storm cut power to 4,500 homes and closed 38 schools.", "暴风雨导致 4500 户家庭断电。")
    ws = numeric(p)
    assert [w.code for w in ws] == ["claim_unmatched"]
    assert ws[0].lang == "en" and ws[0].zh_span is None and "38" in ws[0].message
    assert ws[0].reason == "value absent" and ws[0].severity == "error"
    assert p.en[ws[0].en_span[0]:ws[0].en_span[1]].startswith("38")


@pytest.mark.parametrize("en, zh", [
    ("Sales rose to 3.5 million units.", "销量升至 350 万台。"),  # a scale word
    ("Five people were rescued.", "5 人获救。"),  # a number in words
    ("The firm employs 12 staff.", "这家公司雇用了十二名员工。"),  # a Chinese numeral
    ("Nearly 30% of voters stayed home.", "近百分之三十的选民留在家中。"),
    ("One in ten shoppers paid by phone.", "十分之一的购物者用手机付款。"),
    ("He was born in the 1960s.", "他出生于 20 世纪 60 年代。"),  # a decade
    ("He was born in the 1960s.", "他出生于 60 年代。"),
    ("The race runs 26 miles.", "比赛全程 26 英里（42 公里）。"),  # a conversion the translator added
    ("Anyone who tests positive for Covid-19 must isolate.", "任何新冠病毒检测呈阳性的人都必须隔离。"),
    ("Isolate for 10 days, as will close contacts.", "隔离 10 天，密切接触者也要隔离 10 天。"),  # repeated
    ("Sales doubled last year.", "2021 年销售额翻了一番。"),  # a year resolved from "last year"
    ("The 2021-22 season ended early.", "2021-2022 赛季提前结束。"),  # a year range
    ("The trail is 5 miles long.", "这条小路长 8 公里。"),  # a unit converted in place
    ("It was 86F at noon.", "中午气温为 30 摄氏度。"),  # a temperature converted
    ("Half of the staff work from home.", "50% 的员工在家工作。"),  # a fraction as a percentage
    ("She graduated with the class of '98.", "她是 1998 届的毕业生。"),  # a two-digit year
    ("FY22 revenue fell.", "2022 财年收入下降。"),  # a fiscal year code
])
def test_value_present_in_another_form_no_warning(en, zh):
    assert_clean(en, zh)


def test_figures_and_accounting():
    en = figures_en("On 24 December at 5.30pm, 2.5 million people watched.")
    assert [(f.text, f.digits) for f in en] == [("24", True), ("December", False), ("5", True), ("30", True),
                                                ("2.5 million", True)]
    zh = figures_zh("12 月 24 日下午 5 点半，250 万人观看。")
    assert [f.values for f in zh][:2] == [(12.0,), (24.0,)]
    m = account(en, zh)
    assert len(m) == 5


def test_currency_mentions():
    got = currencies("They paid $5 million and €3 to 20 euros.", "en")
    assert [s for *_, s, _ in got] == ["$", "€", "euros"]
    assert currencies("公元 2020 年", "zh") == []


def test_warnings_export_fields():
    p = check("The council counted 1,274 complaints.", "议会统计到 1247 起投诉。")
    d = numeric(p)[0].to_dict()
    assert {"code", "message", "lang", "severity", "en_span", "zh_span", "reason"} <= set(d)
    assert isinstance(d["en_span"], list) and len(d["en_span"]) == 2
