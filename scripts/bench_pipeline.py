#!/usr/bin/env python3
"""Benchmark the in-process pipeline stage by stage: wall and CPU seconds of every stage, articles/s, English
words/s, Chinese characters/s and peak RSS, per corpus, and the pipeline's time on the seed relative to
``en_core_web_sm`` alone over the seed's English paragraphs.

The corpora (``--corpora``, skipped with a note when their files are absent):

- ``seed``: ``../shared/seed/amazon_vs_tiktok.bilingual.txt``, one article;
- ``example``: the bundled ``corpora/tesla_vs_byd.bilingual.txt``, one article;
- ``wmt22``: ``../shared/corpora/wmt22_news/pairs.jsonl``, its lines grouped by ``docid``, each document one
  interleaved article (English paragraph, its Chinese translation, ... joined with blank lines, as
  ``scripts/eval_verdicts.py --wmt22`` builds them), written as UTF-8 files to a temporary directory.

How: one process. The models are loaded and warmed on a short text first; then the first article of every
corpus is run once through the timed path and its records (``documents.jsonl`` and ``pairs.jsonl`` records,
as stable JSON) are checked equal to what ``nlp_toolkit.process_file`` and ``nlp_toolkit.process_text`` give
(the latter but for the document's ``source`` and ``encoding``, which only a file read sets; with
``--stages``, what that subset's ``Pipeline`` gives when called on the file and on the text), so the timed
path is the pipeline's own. The timed path is :meth:`nlp_toolkit.pipeline.Pipeline.__call__` with a clock
around each stage: ``read`` (:func:`nlp_toolkit.read.read_file`: bytes, decoding, paragraphs), then the stages
in ``Pipeline`` segments (caches emptied before each segment, the deadline checked before each stage), then
``other``: whatever of the article's time is outside the stages (emptying caches, deadline checks, the
signature). Wall seconds are ``time.perf_counter``, CPU seconds ``time.process_time`` (every thread of the
process: on a shared machine wall time alone misleads), summed over the corpus. Each corpus is processed
``--repeat`` times and the pass with the least wall time is reported (the others only damp noise). English
words are the whitespace-separated words of the English side's paragraphs, Chinese characters the Han
characters of the Chinese side's, the sides as the ``clean`` and ``langid`` stages give them (counted
outside the clock). Peak RSS is this process's ``ru_maxrss``, after the corpora (before the spaCy-alone run
loads a second model) and at the end.

The ratio: ``spacy.load("en_core_web_sm")`` (the pipeline's ``Settings.spacy_en``, a re-upload of the same
model, with a note, when ``en_core_web_sm`` itself is not installed), then ``list(nlp.pipe(paragraphs))``
over the seed's English paragraphs, run once to warm and then ``--repeat`` times; the best of those against
the best pipeline pass over the seed (read included). Goals: at most 1.5x spaCy on the seed; at least
2,000 English words/s on WMT22.

usage: bench_pipeline.py [--corpora seed,example,wmt22] [--repeat 3] [--stages clean,langid,...] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = ROOT.parent / "shared" / "seed" / "amazon_vs_tiktok.bilingual.txt"
EXAMPLE = ROOT / "corpora" / "tesla_vs_byd.bilingual.txt"
WMT22 = ROOT.parent / "shared" / "corpora" / "wmt22_news" / "pairs.jsonl"
WARM_TEXT = "Prices rose 5% in May.\n\n5月份价格上涨了5%。"
CORPORA = ("seed", "example", "wmt22")
GOAL_RATIO = 1.5
GOAL_WMT22_WORDS = 2000
#: Han characters (the reader's set: CJK unified ideographs, extension A and beyond, compatibility ideographs)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def article_text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def wmt22_documents(path: Path) -> "OrderedDict[str, str]":
    """doc id -> interleaved article text (en, zh, en, zh, ...), in file order (as scripts/eval_verdicts.py)."""
    docs: "OrderedDict[str, list[dict]]" = OrderedDict()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            docs.setdefault(p["docid"], []).append(p)
    return OrderedDict((d, article_text([x for u in units for x in (u["en"], u["zh"])])) for d, units in docs.items())


def load_corpus(name: str, tmp: Path) -> tuple[list[tuple[Path, str]], str]:
    """The corpus's articles as (file, doc id), and a note (non-empty when it is absent: skipped)."""
    from nlp_toolkit.read import doc_id_for

    if name in ("seed", "example"):
        path = SEED if name == "seed" else EXAMPLE
        if not path.exists():
            return [], f"{path} is absent"
        return [(path, doc_id_for(path))], ""
    if not WMT22.exists():
        return [], f"{WMT22} is absent"
    folder = tmp / "wmt22"
    folder.mkdir()
    out = []
    for k, (doc, text) in enumerate(wmt22_documents(WMT22).items()):
        f = folder / f"{k:03d}.bilingual.txt"
        f.write_text(text, encoding="utf-8")
        out.append((f, doc))
    return out, ""


def sides_of(article) -> tuple[list[str], list[str]]:
    """The English and the Chinese paragraphs of a just-read article, as the clean and langid stages side them."""
    from nlp_toolkit.pipeline import load_stage
    from nlp_toolkit.settings import DEFAULT

    for name in ("clean", "langid"):
        load_stage(name)(article, DEFAULT)
    return [p.text for p in article.en_paragraphs], [p.text for p in article.zh_paragraphs]


def sides(path: Path, doc_id: str) -> tuple[list[str], list[str]]:
    from nlp_toolkit.read import read_file

    return sides_of(read_file(path, doc_id=doc_id))


def counts(en: list[str], zh: list[str]) -> tuple[int, int]:
    """English words (whitespace-separated) of the English paragraphs, Han characters of the Chinese ones."""
    return sum(len(p.split()) for p in en), sum(len(HAN.findall(p)) for p in zh)


def text_counts(text: str) -> tuple[int, int]:
    """:func:`counts` of an article's text."""
    from nlp_toolkit.read import read_text

    return counts(*sides_of(read_text(text)))


def stable_json(article, drop_read_fields: bool = False) -> str:
    """The article's documents.jsonl record and pairs.jsonl records as one canonical JSON text."""
    doc = article.to_dict()
    if drop_read_fields:
        doc.pop("source", None)
        doc.pop("encoding", None)
    return json.dumps({"document": doc, "pairs": article.pair_dicts()}, sort_keys=True, ensure_ascii=False)


class Timed:
    """The pipeline's per-article run (:meth:`Pipeline.__call__`) with a clock around the reader and each stage."""

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.names = {id(f): n for n, f in zip(pipeline.stage_names, pipeline._stages)}
        self.order = ["read"] + list(pipeline.stage_names) + ["other"]

    def run(self, path: Path, doc_id: str, totals: dict):
        """Process one article; add each part's [wall, CPU] seconds to ``totals``; return the Article."""
        from nlp_toolkit.encoders import clear_caches
        from nlp_toolkit.limits import check_deadline
        from nlp_toolkit.read import read_file
        from nlp_toolkit.signature import signature

        wall, cpu = time.perf_counter, time.process_time
        t0, c0 = wall(), cpu()
        article = read_file(path, doc_id=doc_id)
        inside_w, inside_c = wall() - t0, cpu() - c0
        _add(totals, "read", inside_w, inside_c)
        p = self.pipeline
        for _batched, stages in p._segments():
            clear_caches()  # as Pipeline.__call__: an article's results never depend on earlier articles
            for stage in stages:
                check_deadline()
                t, c = wall(), cpu()
                stage(article, p.settings)
                dw, dc = wall() - t, cpu() - c
                _add(totals, self.names[id(stage)], dw, dc)
                inside_w, inside_c = inside_w + dw, inside_c + dc
        clear_caches()
        check_deadline()
        article.signature = signature(p.settings, p.stage_names)
        _add(totals, "other", wall() - t0 - inside_w, cpu() - c0 - inside_c)
        return article


def _add(totals: dict, name: str, w: float, c: float) -> None:
    acc = totals.setdefault(name, [0.0, 0.0])
    acc[0] += w
    acc[1] += c


def check_same(timed: Timed, path: Path, doc_id: str, default_stages: bool) -> None:
    """Assert the timed path gives the records the package's API gives for this article."""
    import nlp_toolkit
    from nlp_toolkit.read import read_text

    got = timed.run(path, doc_id, {})
    text = path.read_text(encoding="utf-8")
    if default_stages:
        want_file = nlp_toolkit.process_file(path, doc_id=doc_id)
        want_text = nlp_toolkit.process_text(text, doc_id=doc_id)
    else:  # a subset: the same Pipeline object, called as the API calls it
        from nlp_toolkit.read import read_file

        want_file = timed.pipeline(read_file(path, doc_id=doc_id))
        want_text = timed.pipeline(read_text(text, doc_id=doc_id))
    assert stable_json(got) == stable_json(want_file), f"{doc_id}: timed records differ from process_file's"
    assert stable_json(got, True) == stable_json(want_text, True), f"{doc_id}: timed records differ from process_text's"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_corpus(timed: Timed, articles: list[tuple[Path, str]], repeat: int) -> dict:
    passes = []
    for _ in range(max(1, repeat)):
        totals: dict = {}
        for path, doc in articles:
            timed.run(path, doc, totals)
        passes.append(totals)
    wall_of = lambda t: sum(w for w, _ in t.values())  # noqa: E731
    best = min(passes, key=wall_of)
    return {"stages": {n: {"wall_s": best[n][0], "cpu_s": best[n][1]} for n in timed.order if n in best},
            "wall_s": wall_of(best), "cpu_s": sum(c for _, c in best.values()),
            "pass_wall_s": [round(wall_of(t), 3) for t in passes]}


def spacy_alone(model: str, paragraphs: list[str], repeat: int) -> dict:
    import spacy

    nlp = spacy.load(model)
    list(nlp.pipe(paragraphs))  # warm
    runs = []
    for _ in range(max(1, repeat)):
        t, c = time.perf_counter(), time.process_time()
        list(nlp.pipe(paragraphs))
        runs.append((time.perf_counter() - t, time.process_time() - c))
    best = min(runs)
    return {"model": model, "paragraphs": len(paragraphs), "wall_s": best[0], "cpu_s": best[1],
            "run_wall_s": [round(w, 3) for w, _ in runs]}


def spacy_model() -> tuple[str, str]:
    """``en_core_web_sm`` when installed, else the pipeline's English model, and a note saying so."""
    import importlib.util

    from nlp_toolkit.settings import DEFAULT

    if importlib.util.find_spec("en_core_web_sm") is not None:
        return "en_core_web_sm", ""
    return DEFAULT.spacy_en, (f"en_core_web_sm is not installed; using the pipeline's model {DEFAULT.spacy_en} "
                              "(a re-upload of en_core_web_sm) for the spaCy-alone figure")


def print_table(name: str, label: str, r: dict, repeat: int) -> None:
    n = r["articles"]
    print(f"\n== {name}: {label}: {n} article{'s' * (n != 1)}, {r['en_words']} English words, "
          f"{r['zh_chars']} Chinese characters; best of {repeat} pass{'es' * (repeat != 1)} "
          f"(pass wall s: {', '.join(f'{x:.2f}' for x in r['pass_wall_s'])})")
    print(f"{'stage':<14}{'wall s':>10}{'CPU s':>10}{'share':>8}")
    for stage, s in r["stages"].items():
        share = s["wall_s"] / r["wall_s"] if r["wall_s"] else 0.0
        print(f"{stage:<14}{s['wall_s']:>10.3f}{s['cpu_s']:>10.3f}{share:>8.1%}")
    print(f"{'total':<14}{r['wall_s']:>10.3f}{r['cpu_s']:>10.3f}{1:>8.0%}")
    print(f"throughput: {r['articles_per_s']:.2f} articles/s, {r['en_words_per_s']:,.0f} English words/s, "
          f"{r['zh_chars_per_s']:,.0f} Chinese characters/s; CPU/wall {r['cpu_s'] / r['wall_s']:.2f}; "
          f"peak RSS so far {r['peak_rss_mb']:.0f} MB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default=",".join(CORPORA), help="comma-separated: seed, example, wmt22")
    ap.add_argument("--repeat", type=int, default=3, help="passes per corpus and spaCy runs; the best is kept")
    ap.add_argument("--stages", help="comma-separated subset of the pipeline's stages to run and time (in order)")
    ap.add_argument("--json", help="also write every figure here")
    args = ap.parse_args(argv)
    corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    unknown = [c for c in corpora if c not in CORPORA]
    if unknown:
        ap.error(f"unknown corpus {', '.join(unknown)}; known: {', '.join(CORPORA)}")
    repeat = max(1, args.repeat)

    import nlp_toolkit
    from nlp_toolkit.pipeline import DEFAULT_STAGES, Pipeline
    from nlp_toolkit.read import read_text
    from nlp_toolkit.settings import DEFAULT

    stages = [s.strip() for s in args.stages.split(",") if s.strip()] if args.stages else list(DEFAULT_STAGES)
    try:
        pipeline = nlp_toolkit.get_pipeline(DEFAULT) if stages == list(DEFAULT_STAGES) else Pipeline(DEFAULT, stages)
    except ValueError as err:
        ap.error(str(err))
    default_stages = stages == list(DEFAULT_STAGES)
    timed = Timed(pipeline)

    t = time.perf_counter()
    if default_stages:  # load and warm the models (a subset: only its own)
        nlp_toolkit.process_text(WARM_TEXT)
    else:
        pipeline(read_text(WARM_TEXT))
    print(f"models loaded and warmed in {time.perf_counter() - t:.1f} s; stages: {', '.join(stages)}; "
          "one process; timings on a shared machine are noisy")

    results: dict = {"stages": stages, "repeat": repeat, "corpora": {}, "notes": []}
    seed_english: list[str] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        loaded = {}
        for name in corpora:
            articles, note = load_corpus(name, Path(tmp))
            if note:
                print(f"note: {name} skipped: {note}")
                results["notes"].append(f"{name} skipped: {note}")
                continue
            loaded[name] = articles
            check_same(timed, *articles[0], default_stages)  # also warms what the short text did not reach
        if loaded:
            api = "process_file's and process_text's" if default_stages else "the Pipeline's (file and text)"
            print(f"checked: the timed path's records equal {api} on the first article of {', '.join(loaded)}")
        for name, articles in loaded.items():
            en_words = zh_chars = 0
            for path, doc in articles:
                en, zh = sides(path, doc)
                w, c = counts(en, zh)
                en_words, zh_chars = en_words + w, zh_chars + c
                if name == "seed":
                    seed_english = en
            r = bench_corpus(timed, articles, repeat)
            r.update(articles=len(articles), en_words=en_words, zh_chars=zh_chars,
                     articles_per_s=len(articles) / r["wall_s"], en_words_per_s=en_words / r["wall_s"],
                     zh_chars_per_s=zh_chars / r["wall_s"], peak_rss_mb=rss_mb())
            results["corpora"][name] = r
            label = articles[0][0].name if name != "wmt22" else WMT22.parent.name
            print_table(name, label, r, repeat)
    results["peak_rss_mb_pipeline"] = rss_mb()

    print()
    ratio = None
    if seed_english is None:
        msg = "the seed was not run: no pipeline / en_core_web_sm ratio"
        print("note:", msg)
        results["notes"].append(msg)
    else:
        model, note = spacy_model()
        if note:
            print("note:", note)
            results["notes"].append(note)
        s = spacy_alone(model, seed_english, repeat)
        results["spacy_alone"] = s
        seed_s = results["corpora"]["seed"]["wall_s"]
        ratio = seed_s / s["wall_s"]
        results["ratio_pipeline_over_spacy_seed"] = ratio
        print(f"{model} alone on the seed's {s['paragraphs']} English paragraphs: {s['wall_s']:.3f} s wall, "
              f"{s['cpu_s']:.3f} CPU s (best of {repeat}: {', '.join(f'{x:.3f}' for x in s['run_wall_s'])})")
        print(f"pipeline on the seed: {seed_s:.3f} s wall, {results['corpora']['seed']['cpu_s']:.3f} CPU s "
              f"(best of {repeat})")
        print(f"pipeline / en_core_web_sm on the seed: {ratio:.2f}x")
    results["peak_rss_mb"] = rss_mb()
    print(f"peak RSS: {results['peak_rss_mb_pipeline']:.0f} MB after the pipeline runs"
          + (f", {results['peak_rss_mb']:.0f} MB at the end (with the spaCy-alone model)" if ratio else ""))

    wmt = results["corpora"].get("wmt22")
    goals = {"ratio_max": GOAL_RATIO, "ratio": ratio, "ratio_met": None if ratio is None else ratio <= GOAL_RATIO,
             "wmt22_en_words_per_s_min": GOAL_WMT22_WORDS,
             "wmt22_en_words_per_s": wmt and wmt["en_words_per_s"],
             "wmt22_met": None if wmt is None else wmt["en_words_per_s"] >= GOAL_WMT22_WORDS}
    results["goals"] = goals
    words = "-" if wmt is None else f"{wmt['en_words_per_s']:,.0f}"
    verdict = lambda met: "not measured" if met is None else ("met" if met else "NOT met")  # noqa: E731
    print(f"goals: pipeline <= {GOAL_RATIO}x en_core_web_sm on the seed: "
          f"{'-' if ratio is None else f'{ratio:.2f}x'} ({verdict(goals['ratio_met'])}); "
          f"WMT22 >= {GOAL_WMT22_WORDS:,} English words/s: "
          f"{words} ({verdict(goals['wmt22_met'])})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
