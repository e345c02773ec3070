#!/usr/bin/env python3
"""Score the toolkit's pair filter (``nlp_toolkit.filter_pairs``) against OpusFilter 3.3.1 on noisy real news.

The noisy set (deterministic for a ``--seed``): the first 500 faithful pairs of
``../shared/corpora/wmt22_news/pairs.jsonl`` (document order) are the clean units. The documents are split by a
hash of their id (whatever the seed) into two parts of about half each: ``look`` (the toolkit's authors may
inspect its errors while tuning) and ``score`` (held out: only counted). Each part gets noise made from its own
pairs, about a third as many noise units as clean ones in all, each labelled with its class:

- misaligned: the English of one pair with the Chinese of another: the neighbouring sentence of the same
  document (``near``, the off-by-one of a sentence aligner) or a sentence of another document (``far``);
- untranslated: the Chinese side a copy of the English (``zh_copy``) or the English side a copy of the Chinese
  (``en_copy``);
- boilerplate: news-site furniture in both languages (subscribe prompts, cookie and copyright notices, share
  buttons, "Read more: URL", bylines and photo credits, navigation), from two disjoint template sets written for
  this script: one for ``look``, one for ``score``, so the score part's boilerplate is unseen while tuning;
- duplicate: a copy of a clean pair placed after it: ``exact``, or with ``spacing``, ``case`` or ``width``
  (full-/half-width punctuation) changes, or a near copy: one English ``word`` changed, a source ``tag`` added.
  The first occurrence stays clean; the copy is the noise.

Each tool filters the whole stream once; a tool's removal of a noise unit is a true positive. Reported per part
(``look``, ``score``, ``all``): precision, recall and F1 of noise removal, the share of clean units kept, recall
per noise class and kind, and the wall time of the run (for OpusFilter the autogen call and the pipeline as
subprocesses; for the toolkit the call, model loading included).

Tools (``--tools``, comma-separated):

- ``toolkit``: ``nlp_toolkit.filter_pairs(en, zh)`` with default settings; a unit is removed when its verdict's
  ``kept`` is false.
- ``opusfilter``: OpusFilter's default pipeline: the filters ``opusfilter-autogen --method defaults`` generates
  for en/zh (scripts Latin/Han), after a ``remove_duplicates`` step, run by the ``opusfilter`` command in a
  temporary folder.
- ``opusfilter-clustering``: the same, with ``opusfilter-autogen``'s own default method (``clustering``: its
  filter set, thresholds chosen by clustering the scores of the very stream being filtered). Not repeatable:
  OpusFilter 3.3.1 drops the filters a random forest finds unimportant by ``permutation_importance`` without a
  random state, so the filter set (2 to 4 filters here) and the figures change from run to run.

No filter of either default set needs a download: the language identification is lingua's (its models ship in
the ``lingua-language-detector`` wheel).

OpusFilter is installed in its own venv, never in the project's (``--opusfilter-bin``)::

    python3 -m venv /work/opusfilter-venv && /work/opusfilter-venv/bin/pip install opusfilter==3.3.1

usage: python scripts/eval_filter.py [--tools toolkit,opusfilter] [--seed 1] [--json PATH]
       [--show-errors N [--show-errors-part look|score|all]] [--opusfilter-bin PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WMT22 = ROOT.parent / "shared" / "corpora" / "wmt22_news" / "pairs.jsonl"
OPUSFILTER_BIN = "/work/opusfilter-venv/bin/opusfilter"

PARTS = ("look", "score")
CLASSES = ("misaligned", "untranslated", "boilerplate", "duplicate")
#: share of each class among a part's noise units
CLASS_SHARE = {"misaligned": 0.3, "untranslated": 0.2, "boilerplate": 0.2, "duplicate": 0.3}
KINDS = {"misaligned": ("near", "far"), "untranslated": ("zh_copy", "zh_copy", "en_copy"),
         "duplicate": ("exact", "spacing", "case", "width", "word", "tag")}

# ---------------------------------------------------------------------------------------------------------------
# Boilerplate: page furniture of news sites, each an English line and its Chinese translation. Two disjoint sets
# (no template, and no kind of wording, in both): LOOK for the part the toolkit's authors may inspect, SCORE for
# the held-out part. Slots are filled from the invented names below.

LOOK_BOILERPLATE = (
    ("Subscribe to our newsletter to get the latest news delivered to your inbox.",
     "订阅我们的新闻简报，最新消息将直接发送到您的邮箱。"),
    ("Sign up for our daily briefing", "注册订阅我们的每日简报"),
    ("We use cookies to improve your experience on our website. By continuing to browse, you agree to our use of "
     "cookies.", "我们使用 Cookie 来改善您在本网站上的体验。继续浏览即表示您同意我们使用 Cookie。"),
    ("Accept all cookies", "接受所有 Cookie"),
    ("© {year} {site}. All rights reserved.", "© {year} {site_zh}。保留所有权利。"),
    ("Share on Facebook", "分享到 Facebook"),
    ("Share this article", "分享本文"),
    ("Read more: {url}", "阅读更多：{url}"),
    ("By {name}, {site} reporter", "{site_zh}记者 {name_zh}"),
    ("Photo: {name}/{agency}", "图片：{name_zh}/{agency_zh}"),
    ("Home | World | Business | Sport | Culture", "首页 | 国际 | 财经 | 体育 | 文化"),
    ("Skip to main content", "跳到主要内容"),
    ("Click here to download our app", "点击此处下载我们的应用"),
    ("Advertisement", "广告"),
    ("Follow us on Twitter", "在推特上关注我们"),
    ("This article is more than {n} years old", "本文发布已超过 {n} 年"),
    ("Related articles", "相关文章"),
    ("Terms of Use | Privacy Policy", "使用条款 | 隐私政策"),
    ("Updated {date}", "更新于 {date_zh}"),
    ("Comments are closed for this article.", "本文评论已关闭。"),
)

SCORE_BOILERPLATE = (
    ("Get our free email alerts: breaking news straight to your phone and inbox.",
     "获取我们的免费邮件提醒：突发新闻直达您的手机和邮箱。"),
    ("Already a subscriber? Log in", "已经是订阅用户？请登录"),
    ("This website uses cookies. Manage your cookie settings or read our privacy notice.",
     "本网站使用 Cookie。您可以管理 Cookie 设置或阅读我们的隐私声明。"),
    ("Copyright {year} {site}. This material may not be published, broadcast, rewritten or redistributed.",
     "版权所有 {year} {site_zh}。未经许可，不得发表、广播、改写或转载本材料。"),
    ("Email this story", "通过电子邮件发送本文"),
    ("Share via WhatsApp", "通过 WhatsApp 分享"),
    ("See also: {url}", "另请参阅：{url}"),
    ("Reporting by {name}; editing by {name2}", "{name_zh}报道；{name2_zh}编辑"),
    ("(Image credit: {agency} via Getty Images)", "（图片来源：{agency_zh}/盖蒂图片社）"),
    ("Previous article | Next article", "上一篇 | 下一篇"),
    ("Back to top", "返回顶部"),
    ("Listen to this article", "收听本文"),
    ("Most popular", "最受欢迎"),
    ("Support independent journalism: donate today.", "支持独立新闻事业：今天就捐款。"),
    ("You have {n} free articles remaining this month.", "本月您还剩 {n} 篇免费文章。"),
    ("Watch the video above.", "请观看上方视频。"),
    ("Topics: Politics, Economy, World", "话题：政治、经济、国际"),
    ("Contact us | Advertise with us | Careers", "联系我们 | 广告合作 | 招聘"),
    ("First published on {date}", "首次发布于 {date_zh}"),
    ("Join the conversation", "加入讨论"),
)

BOILERPLATE = {"look": LOOK_BOILERPLATE, "score": SCORE_BOILERPLATE}

SITES = (("The Morning Ledger", "晨报", "morningledger"), ("Harbour City News", "港城新闻", "harbourcitynews"),
         ("World Desk Daily", "环球日报", "worlddeskdaily"))
NAMES = (("Anna Kowalski", "安娜·科瓦尔斯基"), ("James Okafor", "詹姆斯·奥卡福"), ("Li Wei", "李伟"),
         ("Sarah Chen", "陈莎拉"), ("Tom Baxter", "汤姆·巴克斯特"))
AGENCIES = (("AFP", "法新社"), ("Reuters", "路透社"), ("AP", "美联社"), ("EPA", "欧洲新闻图片社"))
SECTIONS = ("world", "business", "politics", "sport", "science")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

#: one-word changes for the near duplicates (word -> replacement)
WORD_SWAPS = {"said": "says", "says": "said", "the": "a", "is": "was", "was": "is", "will": "would",
              "would": "will", "has": "had", "had": "has", "on": "at", "in": "at", "and": "&", "but": "yet",
              "new": "fresh", "more": "further", "people": "persons", "year": "annum"}
#: a source tag added to both sides of a near duplicate
SOURCE_TAGS = ((" (Reuters)", "（路透社）"), (" - AP", "——美联社"), (" | Source: AFP", "丨来源：法新社"))
#: full-width punctuation of a Chinese line written half-width
HALF_WIDTH = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?",
                            "“": '"', "”": '"', "、": ","})
#: ASCII punctuation and digits written full-width
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in ",.:;!?()0123456789"})


@dataclass
class Unit:
    """One pair of the noisy stream."""

    en: str
    zh: str
    part: str  #: "look" or "score"
    label: str  #: "clean" or a noise class (CLASSES)
    kind: str  #: "clean", or the way the noise was made (KINDS; a boilerplate template number "t07")
    docid: str | None  #: the document of the pair the unit was made from (None for boilerplate)
    source: tuple[int, ...] = ()  #: the clean pairs (indices into the clean list) it was made from
    original: int | None = None  #: a duplicate's original: its index in the stream

    @property
    def noise(self) -> bool:
        return self.label != "clean"


# ---------------------------------------------------------------------------------------------------------------
# The noisy set


def load_pairs(path: Path, n: int) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:n]


def split_parts(docids) -> dict[str, str]:
    """Each document's part: documents sorted by a hash of their id, the first half (rounded up) ``look``."""
    docs = sorted(set(docids), key=lambda d: hashlib.sha256(d.encode("utf-8")).hexdigest())
    half = (len(docs) + 1) // 2
    return {d: ("look" if k < half else "score") for k, d in enumerate(docs)}


def _quotas(n: int, shares: dict[str, float]) -> dict[str, int]:
    """n split by shares (largest remainder), in the order of ``shares``."""
    raw = {k: n * s for k, s in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: out[k] - raw[k])[: n - sum(out.values())]:
        out[k] += 1
    return out


def _kinds(cls: str, n: int, rng: random.Random) -> list[str]:
    cycle = KINDS[cls]
    kinds = [cycle[k % len(cycle)] for k in range(n)]
    rng.shuffle(kinds)
    return kinds


def _draw(rng: random.Random, items: list, n: int) -> list:
    """n items, without repetition while there are enough."""
    out: list = []
    while len(out) < n:
        out += rng.sample(items, min(len(items), n - len(out)))
    return out


def _fill(template: tuple[str, str], rng: random.Random) -> tuple[str, str]:
    site, site_zh, slug = rng.choice(SITES)
    (name, name_zh), (name2, name2_zh) = rng.sample(NAMES, 2)
    agency, agency_zh = rng.choice(AGENCIES)
    month, day = rng.randrange(12), rng.randint(1, 28)
    slots = {"site": site, "site_zh": site_zh, "name": name, "name_zh": name_zh, "name2": name2,
             "name2_zh": name2_zh, "agency": agency, "agency_zh": agency_zh, "year": rng.choice((2021, 2022)),
             "n": rng.randint(2, 9), "date": f"{day} {MONTHS[month]} 2022", "date_zh": f"2022 年 {month + 1} 月 {day} 日",
             "url": f"https://www.{slug}.com/{rng.choice(SECTIONS)}/2022/{month + 1:02d}/{day:02d}/"
                    f"story-{rng.randint(10000, 99999)}"}
    return template[0].format_map(slots), template[1].format_map(slots)


def _change_word(en: str, rng: random.Random) -> str:
    words = en.split(" ")
    swappable = [k for k, w in enumerate(words) if w.lower() in WORD_SWAPS]
    if swappable:
        k = rng.choice(swappable)
        new = WORD_SWAPS[words[k].lower()]
        words[k] = new.capitalize() if words[k][:1].isupper() else new
    elif len(words) >= 3:
        del words[rng.randrange(1, len(words) - 1)]
    else:
        words.append("now")
    return " ".join(words)


def _duplicate(pair: dict, kind: str, rng: random.Random) -> tuple[str, str]:
    en, zh = pair["en"], pair["zh"]
    if kind == "exact":
        return en, zh
    if kind == "spacing":
        words = en.split(" ")
        k = rng.randrange(len(words))
        words[k] = words[k] + " "
        return " " + " ".join(words) + " ", zh + " "
    if kind == "case":
        return (en.upper() if rng.random() < 0.5 else en.lower()), zh
    if kind == "width":
        half = zh.translate(HALF_WIDTH)
        return (en, half) if half != zh else (en.translate(FULL_WIDTH), zh.translate(FULL_WIDTH))
    if kind == "word":
        return _change_word(en, rng), zh
    if kind == "tag":
        tag_en, tag_zh = rng.choice(SOURCE_TAGS)
        return en + tag_en, zh + tag_zh
    raise ValueError(kind)


def _part_noise(pairs: list[dict], idxs: list[int], part: str, n_noise: int, rng: random.Random,
                templates: tuple) -> list[Unit]:
    """The noise units of one part, made from the clean pairs ``idxs`` (indices into ``pairs``) of that part."""
    quota = _quotas(n_noise, CLASS_SHARE)
    units: list[Unit] = []
    docs = sorted({pairs[i]["docid"] for i in idxs})

    in_part = set(idxs)

    def neighbours(i: int) -> list[int]:  # the sentences next to i in its document, with another Chinese side
        return [j for j in (i - 1, i + 1) if j in in_part and pairs[j]["docid"] == pairs[i]["docid"]
                and pairs[j]["zh"] != pairs[i]["zh"]]

    kinds = _kinds("misaligned", quota["misaligned"], rng)
    with_neighbour = [i for i in idxs if neighbours(i)]
    for kind, i in zip(kinds, _draw(rng, with_neighbour or idxs, len(kinds))):
        if kind == "far" and len(docs) > 1:
            j = rng.choice([j for j in idxs if pairs[j]["docid"] != pairs[i]["docid"]])
        elif neighbours(i):
            kind, j = "near", rng.choice(neighbours(i))
        else:
            continue
        units.append(Unit(pairs[i]["en"], pairs[j]["zh"], part, "misaligned", kind, pairs[i]["docid"], (i, j)))

    kinds = _kinds("untranslated", quota["untranslated"], rng)
    for kind, i in zip(kinds, _draw(rng, idxs, len(kinds))):
        text = pairs[i]["en"] if kind == "zh_copy" else pairs[i]["zh"]
        units.append(Unit(text, text, part, "untranslated", kind, pairs[i]["docid"], (i,)))

    order = list(range(len(templates)))
    rng.shuffle(order)
    for k in range(quota["boilerplate"]):
        t = order[k % len(order)]
        en, zh = _fill(templates[t], rng)
        units.append(Unit(en, zh, part, "boilerplate", f"t{t:02d}", None))

    kinds = _kinds("duplicate", quota["duplicate"], rng)
    for kind, i in zip(kinds, _draw(rng, idxs, len(kinds))):
        en, zh = _duplicate(pairs[i], kind, rng)
        units.append(Unit(en, zh, part, "duplicate", kind, pairs[i]["docid"], (i,)))
    return units


def build_noisy_set(pairs: list[dict], seed: int = 1, noise_ratio: float = 1 / 3,
                    boilerplate: dict[str, tuple] = BOILERPLATE) -> list[Unit]:
    """The stream: every pair of ``pairs`` as a clean unit in its order, and about ``noise_ratio`` times as many
    noise units shuffled in (deterministic for ``seed``; a duplicate always after its original)."""
    part_of = split_parts(p["docid"] for p in pairs)
    clean = [Unit(p["en"], p["zh"], part_of[p["docid"]], "clean", "clean", p["docid"], (i,))
             for i, p in enumerate(pairs)]
    noise: list[Unit] = []
    for part in PARTS:
        idxs = [i for i, u in enumerate(clean) if u.part == part]
        if idxs:
            rng = random.Random(f"eval_filter:{seed}:{part}")
            noise += _part_noise(pairs, idxs, part, round(len(idxs) * noise_ratio), rng, boilerplate[part])
    rng = random.Random(f"eval_filter:{seed}:stream")
    n = len(clean)
    # a clean unit sits at its index, a noise unit at a random point (a duplicate's after its original's); ties
    # put the clean unit first
    keyed = [((i, 0, 0.0), u) for i, u in enumerate(clean)]
    for u in noise:
        lo = u.source[0] if u.label == "duplicate" else 0
        keyed.append(((lo + rng.random() * (n - lo), 1, rng.random()), u))
    keyed.sort(key=lambda ku: ku[0])
    stream = [u for _, u in keyed]
    at = {u.source[0]: k for k, u in enumerate(stream) if u.label == "clean"}
    for u in stream:
        if u.label == "duplicate":
            u.original = at[u.source[0]]
        for text in (u.en, u.zh):
            if "\n" in text or "\r" in text:  # one unit a line in the files OpusFilter reads
                raise ValueError(f"a line break in a unit: {text!r}")
    return stream


# ---------------------------------------------------------------------------------------------------------------
# Tools: each returns which units it removed, why, and how long it took


@dataclass
class ToolRun:
    name: str
    removed: list[bool]
    why: list[str]  #: per unit: the reasons given (removed or not)
    seconds: float
    info: dict


def run_toolkit(units: list[Unit], args) -> ToolRun:
    en, zh = [u.en for u in units], [u.zh for u in units]
    t0 = time.perf_counter()
    import nlp_toolkit

    if not hasattr(nlp_toolkit, "filter_pairs"):
        raise SystemExit("this nlp_toolkit has no filter_pairs yet: run with --tools opusfilter")
    verdicts = nlp_toolkit.filter_pairs(en, zh)
    seconds = time.perf_counter() - t0
    if len(verdicts) != len(units):
        raise RuntimeError(f"filter_pairs returned {len(verdicts)} verdicts for {len(units)} pairs")
    why = []
    for v in verdicts:
        quality = v.quality or {}
        parts = list(v.dropped)
        if v.duplicate_of is not None:
            parts.append(f"duplicate_of={v.duplicate_of}")
        if isinstance(quality.get("score"), (int, float)):
            parts.append(f"quality={quality['score']:.3f}")
        parts += [str(r) for r in quality.get("reasons") or ()]
        why.append("; ".join(parts))
    dropped = Counter(r for v in verdicts if not v.kept for r in v.dropped)
    return ToolRun("toolkit", [not v.kept for v in verdicts], why, seconds,
                   {"call": "nlp_toolkit.filter_pairs(en, zh)", "dropped_reasons": dict(dropped.most_common())})


#: run with OpusFilter's own Python: read a YAML file, write it as JSON
_YAML_TO_JSON = "import json, sys\nfrom opusfilter.util import yaml\nprint(json.dumps(yaml.load(open(sys.argv[1]))))\n"
#: run with OpusFilter's own Python: for each pair of two files, the names of the filters that reject it
_EXPLAIN = """import json, sys
from opusfilter.pipeline import FilterPipeline
pipe = FilterPipeline.from_config(json.load(open(sys.argv[1])))
files = [open(p, encoding='utf8').read().split('\\n')[:-1] for p in sys.argv[2:4]]
pairs = [tuple(s.rstrip() for s in pair) for pair in zip(*files)]
fails = [[] for _ in pairs]
for f in pipe.filters:
    name = type(f).__name__ + ('.' + f.name if f.name else '')
    for k, score in enumerate(f.score(pairs)):
        if not f.accept(score):
            fails[k].append(name)
print(json.dumps(fails))
"""


def _interpreter(bin_path: Path) -> str:
    """The Python of an installed console script (its ``#!`` line), else the ``python`` beside it."""
    first = bin_path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    return first[2:].strip() if first.startswith("#!") and "python" in first else str(bin_path.with_name("python"))


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _subsequence(inputs: list[tuple], outputs: list[tuple]) -> list[int]:
    """Indices of ``inputs`` that ``outputs`` (an order-keeping selection of them) kept. Greedy is exact: equal
    pairs get equal filter verdicts, and of equal pairs remove_duplicates keeps the first."""
    kept, j = [], 0
    for out in outputs:
        while j < len(inputs) and inputs[j] != out:
            j += 1
        if j == len(inputs):
            raise RuntimeError(f"OpusFilter wrote a pair that is not in its input: {out!r}")
        kept.append(j)
        j += 1
    return kept


def _run(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc.stdout


def run_opusfilter(units: list[Unit], args, method: str) -> ToolRun:
    bin_path = Path(args.opusfilter_bin)
    if not bin_path.is_file():
        raise SystemExit(f"no OpusFilter at {bin_path}: install it in a venv of its own (python3 -m venv "
                         "/work/opusfilter-venv && /work/opusfilter-venv/bin/pip install opusfilter==3.3.1) "
                         "or give --opusfilter-bin")
    autogen = Path(args.opusfilter_autogen) if args.opusfilter_autogen else bin_path.with_name("opusfilter-autogen")
    python = _interpreter(bin_path)
    version = _run([python, "-c", "from importlib.metadata import version; print(version('opusfilter'))"], ROOT).strip()
    with tempfile.TemporaryDirectory(prefix="eval_filter_") as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "work"
        (tmp / "in.en").write_text("".join(u.en + "\n" for u in units), encoding="utf-8")
        (tmp / "in.zh").write_text("".join(u.zh + "\n" for u in units), encoding="utf-8")
        t0 = time.perf_counter()
        _run([str(autogen), "--files", "in.en", "in.zh", "--langs", "en", "zh", "--scripts", "Latin", "Han",
              "--method", method, "--work-dir", str(work), "--inter-dir", str(tmp / "autogen"), "-o", "autogen.yaml"],
             tmp)
        t_autogen = time.perf_counter() - t0
        config = json.loads(_run([python, "-c", _YAML_TO_JSON, "autogen.yaml"], tmp))
        (fstep,) = [s for s in config["steps"] if s["type"] == "filter"]
        filters = fstep["parameters"]["filters"]
        # the standard workflow: exact duplicates removed first, then the generated filters
        dedup = {"type": "remove_duplicates",
                 "parameters": {"inputs": fstep["parameters"]["inputs"], "outputs": ["dedup.en", "dedup.zh"]}}
        fstep["parameters"]["inputs"] = ["dedup.en", "dedup.zh"]
        fstep["parameters"]["outputs"] = ["filtered.en", "filtered.zh"]
        config["steps"] = [dedup, fstep]
        (tmp / "config.yaml").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
        _run([str(bin_path), "config.yaml"], tmp)
        seconds = time.perf_counter() - t0

        pairs = [(u.en, u.zh) for u in units]
        after_dedup = _subsequence(pairs, list(zip(_read_lines(work / "dedup.en"), _read_lines(work / "dedup.zh"))))
        stripped = [(pairs[i][0].rstrip(), pairs[i][1].rstrip()) for i in after_dedup]
        filtered = list(zip(_read_lines(work / "filtered.en"), _read_lines(work / "filtered.zh")))
        kept = {after_dedup[k] for k in _subsequence(stripped, filtered)}
        # why: the filters that reject each pair reaching the filter step (not timed)
        (tmp / "filters.json").write_text(json.dumps(filters), encoding="utf-8")
        fails = json.loads(_run([python, "-c", _EXPLAIN, "filters.json", str(work / "dedup.en"),
                                 str(work / "dedup.zh")], tmp))
    why = ["remove_duplicates"] * len(units)
    for k, i in enumerate(after_dedup):
        why[i] = ", ".join(fails[k])
        if bool(fails[k]) == (i in kept):
            print(f"warning: {method}: filters {fails[k]} but OpusFilter {'kept' if i in kept else 'removed'} "
                  f"unit {i}", file=sys.stderr)
    name = "opusfilter" if method == "defaults" else f"opusfilter-{method}"
    clean_rejects = Counter(f for i, u in enumerate(units) if not u.noise and i not in kept
                            for f in (why[i].split(", ") if why[i] else ()))
    return ToolRun(name, [i not in kept for i in range(len(units))], why, seconds,
                   {"version": version, "autogen_method": method, "autogen_seconds": round(t_autogen, 2),
                    "steps": ["remove_duplicates", "filter"], "filters": filters,
                    "clean_removed_by": dict(clean_rejects.most_common())})


TOOLS = {"toolkit": run_toolkit,
         "opusfilter": lambda units, args: run_opusfilter(units, args, "defaults"),
         "opusfilter-clustering": lambda units, args: run_opusfilter(units, args, "clustering")}


# ---------------------------------------------------------------------------------------------------------------
# Scoring and report


def score(units: list[Unit], removed: list[bool], part: str) -> dict:
    idx = [i for i, u in enumerate(units) if part == "all" or u.part == part]
    noise = [i for i in idx if units[i].noise]
    clean = [i for i in idx if not units[i].noise]
    rem = [i for i in idx if removed[i]]
    tp = sum(units[i].noise for i in rem)
    p = tp / len(rem) if rem else 0.0
    r = tp / len(noise) if noise else 0.0
    out = {"units": len(idx), "noise": len(noise), "clean": len(clean), "removed": len(rem), "true_positives": tp,
           "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
           "clean_kept": sum(not removed[i] for i in clean) / len(clean) if clean else 0.0}
    for key, attr in (("recall_by_class", "label"), ("recall_by_kind", None)):
        groups: dict[str, list[int]] = {}
        for i in noise:
            u = units[i]
            g = u.label if attr else (f"{u.label}/{'template' if u.label == 'boilerplate' else u.kind}")
            groups.setdefault(g, []).append(i)
        out[key] = {g: {"n": len(v), "recall": sum(removed[i] for i in v) / len(v)} for g, v in sorted(groups.items())}
    return out


def describe_set(units: list[Unit]) -> dict:
    out = {}
    for part in (*PARTS, "all"):
        us = [u for u in units if part == "all" or u.part == part]
        out[part] = {"documents": len({u.docid for u in us if u.label == "clean"}),
                     "clean": sum(not u.noise for u in us), "noise": sum(u.noise for u in us),
                     "by_class": dict(Counter(u.label for u in us if u.noise)),
                     "by_kind": dict(Counter(f"{u.label}/{u.kind}" for u in us
                                             if u.noise and u.label != "boilerplate"))}
    return out


def print_report(units: list[Unit], runs: list[ToolRun], figures: dict, seed: int) -> None:
    desc = figures["set"]
    print(f"\nnoisy WMT22 set (seed {seed}): {desc['all']['clean']} clean + {desc['all']['noise']} noise units")
    for part in (*PARTS, "all"):
        d = desc[part]
        cls = ", ".join(f"{c} {d['by_class'].get(c, 0)}" for c in CLASSES)
        print(f"  {part:<6} {d['documents']:>2} docs, {d['clean']:>3} clean, {d['noise']:>3} noise ({cls})")
    print(f"\n{'tool':<22} {'part':<6} {'P':>6} {'R':>6} {'F1':>6} {'clean kept':>10} {'removed':>8} {'time':>8}")
    for run in runs:
        for part in (*PARTS, "all"):
            s = figures["tools"][run.name]["parts"][part]
            t = f"{run.seconds:7.1f}s" if part == "all" else ""
            print(f"{run.name if part == 'look' else '':<22} {part:<6} {s['precision']:6.3f} {s['recall']:6.3f} "
                  f"{s['f1']:6.3f} {s['clean_kept']:10.3f} {s['removed']:8d} {t:>8}")
    kinds = sorted({k for run in runs for k in figures["tools"][run.name]["parts"]["all"]["recall_by_kind"]})
    print("\nrecall per noise class and kind (look / score / all; n = units in all)")
    rows = [(c, "recall_by_class") for c in CLASSES] + [(k, "recall_by_kind") for k in kinds]
    print(f"{'':<24} {'n':>4} " + " ".join(f"{run.name:>22}" for run in runs))
    for name, key in rows:
        n = figures["tools"][runs[0].name]["parts"]["all"][key].get(name, {}).get("n", 0) if runs else 0
        cells = []
        for run in runs:
            parts = figures["tools"][run.name]["parts"]
            vals = [parts[p][key].get(name, {}).get("recall") for p in (*PARTS, "all")]
            cells.append(" / ".join("  - " if v is None else f"{v:.2f}" for v in vals))
        label = name if key == "recall_by_class" else "  " + name
        print(f"{label:<24} {n:>4} " + " ".join(f"{c:>22}" for c in cells))
    for run in runs:
        if run.name.startswith("opusfilter"):
            info = run.info
            names = [next(iter(f)) + (f".{f[next(iter(f))]['name']}" if f[next(iter(f))].get("name") else "")
                     for f in info["filters"]]
            print(f"\n{run.name}: OpusFilter {info['version']}, autogen --method {info['autogen_method']} "
                  f"({info['autogen_seconds']}s of the time): remove_duplicates, then {len(names)} filters: "
                  + ", ".join(names))
            print(f"  clean units removed by (a unit may fail several): {info['clean_removed_by'] or 'none'}")
            if info["autogen_method"] == "clustering":
                print("  (its filter set is chosen with an unseeded permutation_importance: it varies run to run)")
        else:
            print(f"\n{run.name}: {run.info['call']}; reasons of removed units: {run.info['dropped_reasons']}")
    acc = figures.get("acceptance")
    if acc:
        print("\nacceptance (toolkit: noise recall >= 0.95, clean kept >= 0.98, F1 above OpusFilter's default):")
        for part, a in acc.items():
            marks = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in a["checks"].items())
            print(f"  {part:<6} {marks}  -> {'PASS' if a['pass'] else 'FAIL'}")


def acceptance(figures: dict) -> dict:
    tools = figures["tools"]
    if "toolkit" not in tools:
        return {}
    out = {}
    for part in ("score", "all"):
        t = tools["toolkit"]["parts"][part]
        checks = {"recall>=0.95": t["recall"] >= 0.95, "clean_kept>=0.98": t["clean_kept"] >= 0.98}
        if "opusfilter" in tools:
            checks["F1>opusfilter"] = t["f1"] > tools["opusfilter"]["parts"][part]["f1"]
        out[part] = {"checks": checks, "pass": all(checks.values())}
    return out


def show_errors(units: list[Unit], runs: list[ToolRun], n: int, part: str) -> None:
    def line(i: int, why: str) -> str:
        u = units[i]
        orig = f" copy of #{u.original}" if u.original is not None else ""
        return (f"    #{i} [{u.part} {u.label}/{u.kind}{orig}] {why!r}\n      en: {u.en[:160]}\n"
                f"      zh: {u.zh[:160]}")

    idx = [i for i, u in enumerate(units) if part == "all" or u.part == part]
    for run in runs:
        kept_noise = [i for i in idx if units[i].noise and not run.removed[i]]
        lost_clean = [i for i in idx if not units[i].noise and run.removed[i]]
        print(f"\n{run.name}, part {part}: noise kept {len(kept_noise)}, clean removed {len(lost_clean)}")
        for title, items in (("noise kept", kept_noise), ("clean removed", lost_clean)):
            if items:
                print(f"  {title} (first {min(n, len(items))}):")
                for i in items[:n]:
                    print(line(i, run.why[i]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pairs", default=str(WMT22), help="the WMT22 pairs.jsonl (default: %(default)s)")
    ap.add_argument("--clean", type=int, default=500, help="clean pairs taken, in document order (default 500)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tools", default="toolkit,opusfilter", help=f"comma-separated, of {', '.join(TOOLS)}")
    ap.add_argument("--opusfilter-bin", default=OPUSFILTER_BIN)
    ap.add_argument("--opusfilter-autogen", default=None, help="default: opusfilter-autogen beside --opusfilter-bin")
    ap.add_argument("--json", metavar="PATH", help="write the figures here")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N", help="print N noise kept / clean removed")
    ap.add_argument("--show-errors-part", choices=("look", "score", "all"), default="look")
    args = ap.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        ap.error(f"unknown tool(s) {unknown}; known: {list(TOOLS)}")

    units = build_noisy_set(load_pairs(Path(args.pairs), args.clean), seed=args.seed)
    runs = []
    for t in tools:
        print(f"running {t} on {len(units)} units ...", file=sys.stderr, flush=True)
        runs.append(TOOLS[t](units, args))
    figures = {"seed": args.seed, "pairs": str(args.pairs), "set": describe_set(units), "tools": {}}
    for run in runs:
        figures["tools"][run.name] = {"seconds": round(run.seconds, 2), "info": run.info,
                                      "parts": {p: score(units, run.removed, p) for p in (*PARTS, "all")}}
    figures["acceptance"] = acceptance(figures)
    print_report(units, runs, figures, args.seed)
    if args.show_errors:
        show_errors(units, runs, args.show_errors, args.show_errors_part)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
