"""Paragraph alignment on real articles: encodings, two-file input, missing and merged paragraphs.

The perturbation tests run on the project's example article always, and on the seed article when
../shared is present.
"""

import codecs

import pytest

from nlp_toolkit.paralign import ParagraphAligner, anchor_overlap
from nlp_toolkit.clean import clean_article
from nlp_toolkit.langid import identify_article
from nlp_toolkit.read import read_text


def _paragraphs(path):
    a = read_text(path.read_text(encoding="utf-8"))
    clean_article(a)
    identify_article(a)
    return [p.text for p in a.en_paragraphs], [p.text for p in a.zh_paragraphs]


def _beads(pipeline, path=None, data=None, pair=None):
    from nlp_toolkit.read import read_file, read_pair

    article = read_pair(*pair) if pair else read_file(path)
    pipeline(article)
    return [(p.en_ids, p.zh_ids) for p in article.pairs], article


@pytest.fixture(scope="module", params=["example", "seed"])
def article_path(request, example_path):
    return example_path if request.param == "example" else request.getfixturevalue("seed_path")


@pytest.fixture(scope="module")
def aligner(pipeline):
    return ParagraphAligner(pipeline.settings)


def test_interleaved_article_aligns_one_to_one(pipeline, article_path):
    beads, article = _beads(pipeline, article_path)
    n = len(article.en_paragraphs)
    assert n == len(article.zh_paragraphs) > 10
    assert beads == [([i], [i]) for i in range(n)]
    assert all(p.score > 0 for p in article.pairs)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_other_encodings_give_the_same_pairs(pipeline, article_path, tmp_path, encoding):
    want, ref = _beads(pipeline, article_path)
    f = tmp_path / f"article.{encoding}.txt"
    f.write_bytes(article_path.read_text(encoding="utf-8").encode(encoding))
    got, article = _beads(pipeline, f)
    assert got == want
    assert [p.zh for p in article.pairs] == [p.zh for p in ref.pairs]


def test_traditional_big5_aligns_the_same_way(pipeline, article_path, tmp_path):
    opencc = pytest.importorskip("opencc")
    want, _ = _beads(pipeline, article_path)
    f = tmp_path / "article.big5.txt"
    f.write_bytes(opencc.OpenCC("s2tw").convert(article_path.read_text(encoding="utf-8")).encode("big5"))
    got, article = _beads(pipeline, f)
    assert "big5" in article.encoding
    assert got == want


def test_two_files_give_the_same_pairs(pipeline, article_path, tmp_path):
    want, ref = _beads(pipeline, article_path)
    en, zh = _paragraphs(article_path)
    (tmp_path / "a.en.txt").write_text("\n\n".join(en) + "\n", encoding="utf-8")
    (tmp_path / "a.zh.txt").write_text("\n\n".join(zh) + "\n", encoding="utf-8")
    got, article = _beads(pipeline, pair=(tmp_path / "a.en.txt", tmp_path / "a.zh.txt"))
    assert got == want
    assert [(p.en, p.zh) for p in article.pairs] == [(p.en, p.zh) for p in ref.pairs]


def _body(texts):
    """Indices of body paragraphs (not headings), away from the document edges."""
    return [k for k in range(1, len(texts) - 2) if len(texts[k]) > 80 and len(texts[k + 1]) > 80]


def test_missing_translation_becomes_a_1_0_bead(aligner, article_path):
    en, zh = _paragraphs(article_path)
    for k in _body(en)[::2]:
        beads = [(b.en_ids, b.zh_ids) for b in aligner.align(en, zh[:k] + zh[k + 1:])]
        want = [([i], [i if i < k else i - 1]) if i != k else ([k], []) for i in range(len(en))]
        assert beads == want, f"zh paragraph {k} deleted"


def test_merged_english_paragraphs_become_one_bead_with_two_chinese(aligner, article_path):
    en, zh = _paragraphs(article_path)
    for k in _body(en)[::2]:
        merged = en[:k] + [en[k] + " " + en[k + 1]] + en[k + 2:]
        beads = [(b.en_ids, b.zh_ids) for b in aligner.align(merged, zh)]
        want = [([i], [i]) for i in range(k)] + [([k], [k, k + 1])] + \
            [([i - 1], [i]) for i in range(k + 2, len(zh))]
        assert beads == want, f"en paragraphs {k} and {k + 1} merged"


def test_merged_chinese_paragraphs_become_a_2_1_bead(aligner, article_path):
    en, zh = _paragraphs(article_path)
    for k in _body(zh)[1::2]:
        merged = zh[:k] + [zh[k] + zh[k + 1]] + zh[k + 2:]
        beads = aligner.align(en, merged)
        assert ([k, k + 1], [k]) in [(b.en_ids, b.zh_ids) for b in beads], f"zh paragraphs {k}, {k + 1} merged"
        assert sum(1 for b in beads if len(b.en_ids) == 1 and len(b.zh_ids) == 1) == len(en) - 2


def test_cpp_and_python_tokenizers_align_the_same(article_path):
    """The C++ sentencepiece ids equal the pure-Python port's except for runs of unknown characters
    (one <unk> instead of one per character); paragraph alignment is unchanged."""
    from nlp_toolkit.encoders import CachedEncoder
    from nlp_toolkit.encoders.usem3 import USEM3Encoder

    en, zh = _paragraphs(article_path)
    cpp, py = USEM3Encoder(tokenizer="cpp"), USEM3Encoder(tokenizer="python")
    ids = lambda tok, text: tok.encode(text, out_type=int, add_bos=True, add_eos=True)
    for text in en:
        assert ids(cpp.tokenizer, text) == ids(py.tokenizer, text)
    unknown = "𠀀𠀁𠀂 are rare characters"
    assert ids(cpp.tokenizer, unknown).count(0) == 1
    assert ids(py.tokenizer, unknown).count(0) == 3
    a = ParagraphAligner(encoder=CachedEncoder(cpp)).align(en, zh)
    b = ParagraphAligner(encoder=CachedEncoder(py)).align(en, zh)
    assert [(x.en_ids, x.zh_ids) for x in a] == [(x.en_ids, x.zh_ids) for x in b]


def test_empty_side_gives_unaligned_beads(aligner):
    beads = aligner.align(["Only English here."], [])
    assert [(b.en_ids, b.zh_ids) for b in beads] == [([0], [])]


def test_anchor_overlap_counts_names_and_numbers():
    assert anchor_overlap("BYD sold 2,000 cars in Hungary.", "比亚迪在匈牙利卖出了2,000辆车。") == 0.5
    assert anchor_overlap("Tesla's Model 3 and Model Y", "特斯拉的Model 3和Model Y") == 2 / 3
    # more shared anchors are stronger evidence
    assert anchor_overlap("Li met Zhu in Shanghai in 2024 and 2025.", "Li和Zhu于2024年和2025年在上海会面。") == 0.8
    assert anchor_overlap("Nothing shared 5", "没有共同之处7") == 0.0


def _cell_by_cell(n, m, scores, lo, hi, skip):
    """The paragraph DP one cell at a time (the form the row-wise best_path replaced), for comparison."""
    from nlp_toolkit.paralign import BEADS

    NEG = -1e18
    W = int((hi - lo).max()) + 1
    best = [[NEG] * W for _ in range(n + 1)]
    back = [[-1] * W for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(int(lo[i]), int(hi[i]) + 1):
            cur, arg = NEG, -1
            for b, (di, dj) in enumerate(BEADS):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                k = pj - int(lo[pi])
                if not (0 <= k < W and pj <= hi[pi]) or best[pi][k] == NEG:
                    continue
                if di and dj:
                    if (di, dj) not in scores:
                        continue
                    sc = float(scores[(di, dj)][pi, k])
                else:
                    sc = skip
                if best[pi][k] + sc > cur:
                    cur, arg = best[pi][k] + sc, b
            if arg >= 0:
                best[i][j - int(lo[i])], back[i][j - int(lo[i])] = cur, arg
    path, i, j = [], n, m
    while i or j:
        di, dj = BEADS[back[i][j - int(lo[i])]]
        i, j = i - di, j - dj
        path.append((i, j, di, dj))
    return path[::-1], best


@pytest.mark.parametrize("seed", range(6))
def test_row_wise_paragraph_dp_equals_the_cell_by_cell_dp(seed):
    """Ties (scores drawn from a few values), NaN cells, missing shapes, a band and the whole grid: the same
    path and the same totals as the one-cell-at-a-time programme."""
    import numpy as np

    from nlp_toolkit.paralign import band_limits, best_path

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 30)), int(rng.integers(1, 30))
    width = int(rng.integers(1, 5)) if seed % 2 else 0
    lo, hi = band_limits(n, m, width) if width else (np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))
    W = int((hi - lo).max()) + 1
    shapes = [(1, 1), (2, 1), (1, 2)] if seed != 4 else [(1, 1)]
    scores = {}
    for di, dj in shapes:
        t = rng.choice([0.1, 0.2, 0.35, -0.3], size=(n - di + 1, W))
        t[rng.random(t.shape) < 0.1] = np.nan
        scores[(di, dj)] = t
    path, _ = _cell_by_cell(n, m, scores, lo, hi, 0.1)
    assert best_path(n, m, scores, lo, hi, 0.1) == path


def test_anchor_matrix_equals_the_pairwise_overlap():
    import numpy as np

    from nlp_toolkit.paralign import _latin, _numbers, _overlap, anchor_matrix

    en = ["BYD sold 2,000 cars in Hungary.", "Tesla's Model 3 and Model Y", "Nothing shared 5", "",
          "Li met Zhu in Shanghai in 2024 and 2025."]
    zh = ["比亚迪在匈牙利卖出了2,000辆车。", "特斯拉的Model 3和Model Y", "没有共同之处7", "Li和Zhu于2024年和2025年在上海会面。", "空"]
    ea = [(_numbers(t), _latin(t)) for t in en]
    za = [(_numbers(t), _latin(t)) for t in zh]
    got = anchor_matrix(ea, za)
    want = np.array([[_overlap(a, b) for b in za] for a in ea])
    assert got.tobytes() == want.tobytes()
    assert anchor_matrix(ea, []).shape == (5, 0)


def test_paragraphs_pooled_from_their_sentences_match_whole_paragraphs(aligner, article_path):
    """Settings.para_pool="sentences": a paragraph's embedding is the span of its sentences' pooled features,
    close to encoding it whole (the few token windows across a sentence end differ), and one encoder pass
    serves the sentence aligner too: its sentences are all pooled already."""
    import numpy as np

    from nlp_toolkit.encoders.spans import SpanEmbedder
    from nlp_toolkit.split import split_en

    en, zh = _paragraphs(article_path)
    span = SpanEmbedder(aligner.encoder)
    assert span.pooler is not None
    sents = split_en(en, aligner.settings)
    assert any(len(s) > 1 for s in sents)  # real multi-sentence paragraphs, or the test shows nothing
    span.pooler.clear()
    grouped = span.grouped_spans(en, sents, 2)
    pooled_now = set(span.pooler._cache)
    assert pooled_now == {x for ss in sents for x in ss}  # the sentences, not the paragraphs
    whole = span.spans(en, 2)
    for size in (1, 2):
        cos = np.einsum("ij,ij->i", grouped[size][size:], whole[size][size:])
        assert cos.mean() > 0.97 and cos.min() > 0.9, (size, cos.mean(), cos.min())
    # a paragraph of one sentence is that sentence: the same embedding either way
    one = [k for k, s in enumerate(sents) if len(s) == 1]
    assert one and np.allclose(grouped[1][1:][one], whole[1][1:][one], atol=1e-5)
    span.pooler.clear()


def test_both_paragraph_poolings_align_the_same(pipeline, article_path):
    """The two para_pool settings give the same beads on a real article with merged and missing paragraphs."""
    en, zh = _paragraphs(article_path)
    en2 = en[:3] + [en[3] + " " + en[4]] + en[5:]  # a merged English pair: a 1-2 bead
    zh2 = zh[:7] + zh[8:]  # a dropped Chinese paragraph: a 1-0 bead
    beads = {}
    for pool in ("sentences", "paragraphs"):
        al = ParagraphAligner(pipeline.settings.replace(para_pool=pool))
        beads[pool] = [(b.en_ids, b.zh_ids) for b in al.align(en2, zh2)]
    assert beads["sentences"] == beads["paragraphs"]
    assert any(e and not z for e, z in beads["sentences"])  # the paragraph left without its translation
