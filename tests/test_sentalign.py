"""Whole-document sentence alignment: beads recovered on a small constructed document, the CLI contract,
span embeddings, the stage that aligns sentences inside paragraph pairs, and (when ../shared is present) a MAC
document scored as mac_check.sh scores it."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlp_toolkit.document import AlignedPair, Article
from nlp_toolkit.sentalign import SentenceBead, align_sentences, align_sentences_article
from nlp_toolkit.sentalign.decode import band_scores, best_path
from nlp_toolkit.sentalign.features import feature_names, quote_marks, trained_source, weights_for
from nlp_toolkit.sentalign.lexicon import en_numbers, stem, zh_number
from nlp_toolkit.sentalign.scorer import Scorer
from nlp_toolkit.sentalign.train import path_features, read_beads
from nlp_toolkit.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MAC = SHARED / "corpora" / "mac_zh_en"

# Our own small document. English sentences 2 and 3 are one Chinese sentence (a 1-2 bead with Chinese as the
# source, 2-1 with English as the source), and Chinese sentence 4 has no English counterpart (1-0 with Chinese as
# the source, 0-1 the other way round).
EN = [
    "The old fisherman lived alone in a small house by the river.",
    "Every morning he rowed his boat out before sunrise.",
    "One day a storm broke the mast.",
    "He had to swim back to the shore.",
    "His neighbours helped him build a new boat in three weeks.",
    "In the spring he caught the biggest fish of his life.",
]
ZH = [
    "老渔夫独自住在河边的一间小房子里。",
    "每天早上，他都在日出之前划船出去。",
    "有一天，一场暴风雨折断了桅杆，他只好游回岸边。",
    "邻居们帮他在三个星期里造了一条新船。",
    "村里没有人记得那样的暴风雨。",
    "春天，他钓到了一生中最大的一条鱼。",
]
GOLD = ["[0]:[0]", "[1]:[1]", "[2,3]:[2]", "[4]:[3]", "[]:[4]", "[5]:[5]"]


def test_two_to_one_and_one_to_zero_beads():
    beads = align_sentences(EN, ZH, Settings())
    assert [str(b) for b in beads] == GOLD
    assert all(-1.0 <= b.score <= 1.0 for b in beads)


def test_same_beads_with_chinese_as_source():
    beads = align_sentences(ZH, EN, Settings())
    assert [str(b) for b in beads] == ["[0]:[0]", "[1]:[1]", "[2]:[2,3]", "[3]:[4]", "[4]:[]", "[5]:[5]"]


def test_without_embeddings_lexical_signals_still_align():
    # the weight set trained without embeddings (edges need embeddings, so they are off too)
    st = Settings(sent_signals=("edges", "gloss", "name", "number", "punct", "length"))
    beads = align_sentences(EN, ZH, st, encoder=False)
    got = {str(b) for b in beads}
    assert {"[0]:[0]", "[1]:[1]", "[2,3]:[2]", "[5]:[5]"} <= got


def test_every_sentence_once_in_order():
    zh = ZH[:1] + ZH[3:]
    beads = align_sentences(EN[:3], zh, Settings())
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert src == list(range(3)) and tgt == list(range(len(zh)))
    assert align_sentences([], ZH[:2]) == [SentenceBead([], [0], 0.0), SentenceBead([], [1], 0.0)]


def test_span_embeddings_match_real_concatenations():
    from nlp_toolkit.encoders.spans import SpanEmbedder
    from nlp_toolkit.encoders.usem3 import fast_usem3

    enc = fast_usem3()
    spans = SpanEmbedder(enc).spans(ZH, 3, "")
    assert np.allclose(spans[1][1:], enc.encode(ZH), atol=1e-4)
    for s in (2, 3):
        real = enc.encode(["".join(ZH[i - s:i]) for i in range(s, len(ZH) + 1)])
        cos = np.sum(real * spans[s][s:], axis=1)
        assert cos.min() > 0.93, cos


def test_alignment_does_not_depend_on_which_file_is_the_source():
    one = align_sentences(EN, ZH, Settings())
    other = align_sentences(ZH, EN, Settings())
    assert [(b.src, b.tgt) for b in one] == [(b.tgt, b.src) for b in other]
    assert trained_source(Settings()) == "zh"


def test_quote_marks_follow_direct_speech_and_skip_apostrophes():
    en = ["'We leave at dawn,' said the captain.", "'Don't be late!", "The river won't wait for anyone.",
          "Bring the maps, and the lamps too.'", "Nobody answered."]
    q = quote_marks(en, "en")  # opening, closing, starts with one, ends with one, inside after it
    assert q[:, 0].tolist() == [1, 1, 0, 0, 0] and q[:, 1].tolist() == [1, 0, 0, 1, 0]
    assert q[:, 2].tolist() == [1, 1, 0, 0, 0] and q[:, 3].tolist() == [0, 0, 0, 1, 0]
    assert q[:, 4].tolist() == [0.5, 1, 1, 0, 0]  # 0.5: closed, then "said the captain" may go on
    zh = ["船长说：“我们天亮出发。", "别迟到！", "河水可不等人。”", "没有人回答。"]
    q = quote_marks(zh, "zh")
    assert q[:, 4].tolist() == [1, 1, 0, 0] and q[:, 3].tolist() == [0, 0, 1, 0]


def test_both_sides_pooled_in_one_pass_give_the_same_spans():
    from nlp_toolkit.encoders.spans import SpanEmbedder
    from nlp_toolkit.encoders.usem3 import fast_usem3

    enc = fast_usem3()
    se = SpanEmbedder(enc)
    se.pooler._cache.clear()
    se.prepare(EN, ZH)
    assert all(t in se.pooler._cache for t in EN + ZH)
    assert np.allclose(se.spans(EN, 2)[1][1:], enc.encode(EN), atol=1e-4)
    assert np.allclose(se.spans(ZH, 2, "")[1][1:], enc.encode(ZH), atol=1e-4)


def test_spans_precomputed_together_are_those_computed_alone():
    from nlp_toolkit.encoders.spans import SpanEmbedder
    from nlp_toolkit.encoders.usem3 import fast_usem3

    se = SpanEmbedder(fast_usem3())
    se.forget()
    alone = [se.spans(EN, 3), se.spans(ZH, 3, ""), se.edges(EN), se.edges(ZH)]
    se.precompute([EN, ZH, EN[:2]], 3)
    kept = [se.spans(EN, 3), se.spans(ZH, 3, ""), se.edges(EN), se.edges(ZH)]
    assert ("spans", tuple(EN[:2]), 3) in se.pooler.heads
    for a, b in zip(alone[:2], kept[:2]):
        assert a[0] is None and b[0] is None and len(a) == len(b) == 4
        for x, y in zip(a[1:], b[1:]):
            assert x.shape == y.shape and np.allclose(x, y, atol=1e-5)
    for a, b in zip(alone[2:], kept[2:]):
        assert all(np.allclose(x, y, atol=1e-5) for x, y in zip(a, b))
    assert se.spans(EN, 2) is not None and ("spans", tuple(EN), 2) not in se.pooler.heads  # another k: computed
    se.forget()
    assert not se.pooler.heads


def test_the_stage_aligns_each_pair_as_the_aligner_does_alone():
    # the stage precomputes the span embeddings of runs of pairs together (SpanEmbedder.precompute); each pair's
    # beads must be those of aligning it alone, on a multi-pair article of our own (the bundled example)
    from nlp_toolkit.api import process_file
    from nlp_toolkit.split import split_en, split_zh

    art = process_file(Path(__file__).resolve().parents[1] / "corpora" / "tesla_vs_byd.bilingual.txt")
    pairs = [p for p in art.pairs if p.en and p.zh]
    assert len(pairs) >= 10 and sum(len(p.sentences) > 1 for p in pairs) >= 3
    for p in pairs:
        beads = align_sentences(split_en([p.en])[0], split_zh(p.zh), Settings(), src_lang="en", tgt_lang="zh")
        assert [(s.en_ids, s.zh_ids) for s in p.sentences] == [(b.src, b.tgt) for b in beads]
        assert [s.score for s in p.sentences] == pytest.approx([b.score for b in beads], abs=1e-4)


def test_numbers_and_stemmer():
    assert zh_number("二十一") == 21 and zh_number("两百") == 200
    assert en_numbers("he was twenty-one and had three hundred sheep".split()) == {21.0, 300.0}
    assert stem("stopped") == "stop" and stem("boats") == "boat"


def test_cli_presplit_contract(tmp_path):
    src, tgt, out = tmp_path / "d.en", tmp_path / "d.zh", tmp_path / "sub" / "d.align"
    src.write_text("\n".join(EN) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "align", str(src), str(tgt), "--presplit",
                        "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").splitlines() == GOLD


def test_cli_raw_text_is_split_first(tmp_path):
    src, tgt, out = tmp_path / "d.en", tmp_path / "d.zh", tmp_path / "d.align"
    src.write_text(" ".join(EN[:4]), encoding="utf-8")
    tgt.write_text("".join(ZH[:3]), encoding="utf-8")
    from nlp_toolkit.cli import main

    assert main(["align-sentences", str(src), str(tgt), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["[0]:[0]", "[1]:[1]", "[2,3]:[2]"]
    # "align" is the same command under its old name
    again = tmp_path / "again.align"
    assert main(["align", str(src), str(tgt), "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_cli_missing_file(tmp_path):
    from nlp_toolkit.cli import main

    assert main(["align", str(tmp_path / "nope.en"), str(tmp_path / "nope.zh"), "-o", str(tmp_path / "o")]) == 2


def _scorer(src, tgt):
    from nlp_toolkit.encoders.usem3 import fast_usem3

    return Scorer(src, tgt, Settings(), fast_usem3(), "zh", "en")


def test_a_window_has_the_whole_documents_features_inside_its_margins():
    sc = _scorer(ZH * 3, EN * 3)  # 18 x 18 sentences: span ends 0..18
    k = sc.k
    # inside: at least k + 1 rows (columns) after a top (left) edge that is not the document's, and one before a
    # bottom (right) edge that is not
    for w0, w1, x0, x1 in ((2, 16, 0, 12), (10, 19, 9, 19), (0, 19, 0, 19)):
        v = sc.window(w0, w1, x0, x1)
        assert (v.n, v.m) == (w1 - w0 - 1, x1 - x0 - 1)
        inner_r = [i for i in range(w0, w1) if (w0 == 0 or i >= w0 + k + 1) and (w1 == sc.n + 1 or i < w1 - 1)]
        inner_c = [j for j in range(x0, x1) if (x0 == 0 or j >= x0 + k + 1) and (x1 == sc.m + 1 or j < x1 - 1)]
        assert inner_r and inner_c
        for a, b in ((1, 1), (1, 2), (2, 1), (2, 3), (1, 5)):
            full, part = sc._features(a, b), v._features(a, b)
            assert set(full) == set(part)
            for name in full:
                got = part[name][np.ix_([i - w0 for i in inner_r], [j - x0 for j in inner_c])]
                want = full[name][np.ix_(inner_r, inner_c)]
                assert np.allclose(got, want, atol=1e-5), (w0, w1, x0, x1, a, b, name)


def test_banded_scoring_gives_the_full_alignment():
    w = weights_for(Settings())
    # twice the small document, with windows of two rows and a band of two sentences: many windows
    src, tgt = ZH + ZH[::-1], EN + EN[::-1]
    sc = _scorer(src, tgt)
    full = best_path(sc.n, sc.m, sc.scores(w), w, sc.settings)
    band = best_path(sc.n, sc.m, band_scores(sc, w, width=2, block=2), w, sc.settings)
    assert [(b.src, b.tgt) for b in band] == [(b.src, b.tgt) for b in full]
    assert "[2]:[2,3]" in {str(b) for b in full}
    scores = band_scores(sc, w, width=1, block=2)
    assert np.isneginf(scores[(1, 3)]).any() and not np.isneginf(scores[(1, 1)][1:, 1:]).any()


def test_one_block_of_rows_is_scored_whole_as_its_window_would_be():
    """A document of fewer span ends than a block: band_scores skips the first pass, and gives, byte for byte,
    what the window of that one block (the whole grid: the first path runs from column 0 to m) gives."""
    w = weights_for(Settings())
    sc = _scorer(ZH, EN)
    got = band_scores(sc, w, width=2)
    first = sc.scores(w, [(1, 1)])
    v = sc.window(0, sc.n + 1, 0, sc.m + 1)
    want = {**first, **v.scores(w, [t for t in got if t != (1, 1)])}
    assert set(got) == set(want)
    for t in got:
        assert got[t].tobytes() == want[t].tobytes(), t


def test_gold_file_reads_back_and_path_features_give_the_path_score(tmp_path):
    gold = tmp_path / "d.gold.align"
    gold.write_text("\n".join(GOLD) + "\n\n", encoding="utf-8")
    beads = read_beads(gold)
    assert [str(b) for b in beads] == GOLD and beads[4] == SentenceBead([], [4], 0.0)
    # the perceptron's view of a path (summed features times weights) is the decoder's score of that path
    sc = _scorer(EN, ZH)
    names = feature_names(Settings())
    w = weights_for(Settings())
    scores = sc.scores(w)
    path = best_path(sc.n, sc.m, scores, w, sc.settings)
    total = sum(scores[(len(b.src), len(b.tgt))][b.src[-1] + 1, b.tgt[-1] + 1] if b.src and b.tgt else
                w["shape_1_0"] if b.src else w["shape_0_1"] for b in path)
    phi = path_features(sc, path, names)
    assert np.isclose(phi @ np.array([w[n] for n in names]), total)
    # the gold path scores below the best one (or equals it, when the decoder finds it)
    assert path_features(sc, beads, names) @ np.array([w[n] for n in names]) <= total + 1e-9


def test_stage_fills_sentence_pairs():
    en = ("The company opened a new factory in Shanghai last year. It employs 3,000 workers. "
          "Sales grew by 40 percent.")
    zh = "该公司去年在上海开设了一家新工厂，雇用了3000名工人。销售额增长了40%。"
    art = Article(doc_id="d", pairs=[
        AlignedPair(index=0, en_ids=[0], zh_ids=[0], en=en, zh=zh, score=0.9),
        AlignedPair(index=1, en_ids=[1], zh_ids=[], en="An English paragraph alone. It has two sentences.", zh="",
                    score=0.0),
    ])
    align_sentences_article(art, Settings())
    sp = art.pairs[0].sentences
    assert [(s.en_ids, s.zh_ids) for s in sp] == [([0, 1], [0]), ([2], [1])]
    assert sp[0].zh == "该公司去年在上海开设了一家新工厂，雇用了3000名工人。"
    assert sp[0].en.startswith("The company") and sp[0].en.endswith("3,000 workers.")
    assert all(-1.0 <= s.score <= 1.0 for s in sp)
    lone = art.pairs[1].sentences
    assert [(s.en_ids, s.zh_ids) for s in lone] == [([0], []), ([1], [])]
    assert art.pairs[0].to_dict("d")["sentences"][1]["zh_ids"] == [1]


def test_weights_file_has_every_feature():
    w = weights_for(Settings())
    assert set(w) == set(feature_names(Settings()))
    assert any(v != 0 for v in w.values())


@pytest.mark.skipif(not MAC.is_dir(), reason=f"../shared is absent ({MAC} not found): MAC corpus test skipped")
def test_mac_document_scores_well(tmp_path):
    sys.path.insert(0, str(MAC.parents[1] / "checks"))
    import align_score

    doc = "004"
    src = (MAC / f"{doc}.zh").read_text(encoding="utf-8").splitlines()
    tgt = (MAC / f"{doc}.en").read_text(encoding="utf-8").splitlines()
    pred = [(tuple(b.src), tuple(b.tgt)) for b in align_sentences(src, tgt, Settings())]
    res = align_score.score([(align_score.read_beads(MAC / f"{doc}.gold.align"), pred)])
    assert res["f1_strict"] >= 0.95, json.dumps(res)
    # the band (Settings.sent_band) changes nothing here, even a narrow one in small windows
    sc = _scorer(src, tgt)
    w = weights_for(Settings())
    full = best_path(sc.n, sc.m, sc.scores(w), w, sc.settings)
    assert best_path(sc.n, sc.m, band_scores(sc, w, width=4, block=16), w, sc.settings) == full
    assert [(tuple(b.src), tuple(b.tgt)) for b in full] == pred
