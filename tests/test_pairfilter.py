"""Filtering a line-parallel corpus (nlp_toolkit/pairfilter.py, ``nlp-toolkit filter``): faithful pairs written
for these tests, and the noise a crawled corpus has (misaligned pairs, untranslated copies, page furniture,
duplicates, numbers changed)."""

import json

import pytest

from nlp_toolkit.export.select import FilterOptions

CLEAN = [
    ("BYD will build its first European car plant in the Hungarian city of Szeged.",
     "比亚迪将在匈牙利城市塞格德建设其在欧洲的第一座汽车工厂。"),
    ("The factory is expected to start production within three years.", "该工厂预计将在三年内投产。"),
    ("Tesla cut the price of its Model Y in China for the second time this year.",
     "特斯拉今年第二次下调了Model Y在中国的售价。"),
    ("Analysts say a price war among electric carmakers is squeezing profits.",
     "分析人士表示，电动汽车制造商之间的价格战正在挤压利润。"),
    ("The company sold 3 million vehicles last year, more than any other maker of electric cars.",
     "该公司去年售出300万辆汽车，超过其他任何电动汽车制造商。"),
    ("Charging networks are growing fastest along motorways in Germany and France.",
     "充电网络在德国和法国的高速公路沿线增长最快。"),
    ("Battery prices fell by about 14% in 2023, according to the research firm.",
     "据这家研究公司称，2023年电池价格下降了约14%。"),
    ("The European Commission opened an investigation into subsidies for Chinese carmakers.",
     "欧盟委员会对中国汽车制造商获得的补贴展开了调查。"),
    ("Workers at the plant in Brazil will assemble buses and trucks.", "巴西工厂的工人将组装公共汽车和卡车。"),
    ("The new model can travel 600 kilometres on a single charge.", "这款新车型一次充电可行驶600公里。"),
    ("Sales of plug-in hybrids rose sharply in the first quarter.", "第一季度插电式混合动力汽车的销量大幅增长。"),
    ("The mayor said the investment would create thousands of jobs in the region.",
     "市长表示，这项投资将为该地区创造数千个就业岗位。"),
    ("Some drivers still worry about how long it takes to charge a car.", "一些司机仍然担心给汽车充电需要多长时间。"),
    ("The carmaker plans to open 100 new showrooms across Europe by next summer.",
     "这家汽车制造商计划在明年夏天之前在欧洲开设100家新展厅。"),
    ("Shares of the company rose 5% after the announcement.", "消息公布后，该公司股价上涨了5%。"),
    ("The government offers a tax credit of up to $7,500 for a new electric car.",
     "政府为购买新电动汽车提供最高7500美元的税收抵免。"),
]


def _corpus():
    """The clean pairs, then noise of each kind; labels say which is which."""
    en, zh, noise = [e for e, _ in CLEAN], [z for _, z in CLEAN], [None] * len(CLEAN)
    add = [
        (CLEAN[0][0], CLEAN[1][1], "misaligned"),         # a neighbour's translation
        (CLEAN[5][0], CLEAN[12][1], "misaligned"),        # another story's
        (CLEAN[2][0], CLEAN[2][0], "untranslated"),       # a copy of the English
        ("Follow us on Twitter for the latest news", "在推特上关注我们，获取最新消息", "boilerplate"),
        ("© 2024 Motor Daily. All rights reserved.", "© 2024 汽车日报 版权所有", "boilerplate"),
        (CLEAN[3][0], CLEAN[3][1], "duplicate"),          # the same pair again
        # again, with spacing, case and punctuation changed (an all-capitals line is another matter: the encoder
        # sees it as other text, and quality drops it before deduplication does)
        (CLEAN[9][0].replace("The new", "the  New").rstrip("."), CLEAN[9][1].replace("。", "！"), "duplicate"),
    ]
    for e, z, kind in add:
        en.append(e)
        zh.append(z)
        noise.append(kind)
    return en, zh, noise


@pytest.fixture(scope="module")
def verdicts():
    from nlp_toolkit import filter_pairs

    en, zh, noise = _corpus()
    return filter_pairs(en, zh, options=FilterOptions(min_quality=0.5, dedup="exact")), noise


def test_every_faithful_pair_is_kept(verdicts):
    out, noise = verdicts
    assert [v.index for v in out if noise[v.index] is None and not v.kept] == []


def test_every_kind_of_noise_is_left_out_with_its_reason(verdicts):
    out, noise = verdicts
    by_kind: dict = {}
    for v in out:
        if noise[v.index]:
            assert not v.kept, (noise[v.index], v.to_dict())
            by_kind.setdefault(noise[v.index], []).append(v)
    assert all(v.dropped == ["quality<0.5"] for v in by_kind["misaligned"] + by_kind["untranslated"]
               + by_kind["boilerplate"])
    assert all({"low_similarity", "low_margin"} & set(v.quality["reasons"]) for v in by_kind["misaligned"])
    assert "identical" in by_kind["untranslated"][0].quality["reasons"]
    assert all("boilerplate" in v.quality["reasons"] for v in by_kind["boilerplate"])
    assert [(v.dropped, v.duplicate_of) for v in by_kind["duplicate"]] == [(["duplicate"], 3), (["duplicate"], 9)]


def test_a_changed_number_lowers_quality_through_the_claims_check():
    from nlp_toolkit import filter_pairs

    en = [e for e, _ in CLEAN]
    zh = [z for _, z in CLEAN]
    zh[14] = "消息公布后，该公司股价上涨了8%。"
    out = filter_pairs(en, zh, options=FilterOptions(drop_warnings=("claim_mismatch",)))
    assert "numbers_differ" in out[14].quality["reasons"] and out[14].dropped == ["warning:claim_mismatch"]
    assert all(v.kept for v in out if v.index != 14)


def test_sides_of_different_lengths_are_refused():
    from nlp_toolkit import filter_pairs

    with pytest.raises(ValueError, match="one text per pair"):
        filter_pairs(["a", "b"], ["甲"])


def test_the_command_writes_the_kept_pairs_and_every_verdict(tmp_path):
    from nlp_toolkit.cli import main

    en, zh, noise = _corpus()
    (tmp_path / "c.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (tmp_path / "c.zh").write_text("\n".join(zh) + "\n", encoding="utf-8")
    assert main(["filter", str(tmp_path / "c.en"), str(tmp_path / "c.zh"), "-o", str(tmp_path / "out"),
                 "--dedup", "exact", "--no-checks"]) == 0
    kept_en = (tmp_path / "out.en").read_text(encoding="utf-8").splitlines()
    kept_zh = (tmp_path / "out.zh").read_text(encoding="utf-8").splitlines()
    assert kept_en == [e for e, n in zip(en, noise) if n is None] and len(kept_zh) == len(kept_en)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in lines] == list(range(len(en))) and [r["kept"] for r in lines] == [n is None
                                                                                               for n in noise]
    assert lines[-1]["en"] == en[-1] and lines[-1]["duplicate_of"] == 9


def test_the_command_names_files_of_different_line_counts(tmp_path, capsys):
    from nlp_toolkit.cli import main

    (tmp_path / "a.en").write_text("One.\nTwo.\n", encoding="utf-8")
    (tmp_path / "a.zh").write_text("一。\n", encoding="utf-8")
    assert main(["filter", str(tmp_path / "a.en"), str(tmp_path / "a.zh"), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a.en: 2 lines" in err[0] and "a.zh: 1 lines" in err[0]
    assert not (tmp_path / "o.en").exists()
