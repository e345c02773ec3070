"""A set of hostile input files, written into a directory: what an archive left overnight may hold.

Every text is written here (bilingual news sentences of our own); binary content comes from a seeded generator,
so the set is the same on every run. :func:`write_hostile` returns the inputs as ``nlp-toolkit process DIR``
lists them (paths relative to DIR), each with what it tests. The heavy files (a 10 MB line, 10,000 paragraphs,
a 100,000-digit run) are written only with ``heavy=True``: until every stage's cost is bounded (issue 21) they
take minutes.

    python tests/hostile.py DIR [--heavy]      # write the set into DIR
"""

from __future__ import annotations

import gzip
import os
import random
import sys
from pathlib import Path

EN = [
    "Battery prices fell for the third year in a row, and carmakers passed part of the saving on to buyers.",
    "The new plant in Hungary will build 200,000 cars a year when it is finished in 2026.",
    "Analysts said the price war would hurt smaller brands first.",
]
ZH = [
    "电池价格连续第三年下降，汽车制造商把部分节省让利给了买家。",
    "匈牙利的新工厂将于2026年建成，届时每年生产20万辆汽车。",
    "分析人士说，价格战将首先伤害规模较小的品牌。",
]
# the same sentences in traditional characters, for Big5
ZH_TRAD = [
    "電池價格連續第三年下降，汽車製造商把部分節省讓利給了買家。",
    "匈牙利的新工廠將於2026年建成，屆時每年生產20萬輛汽車。",
]


def article(en: list[str] = EN, zh: list[str] = ZH) -> str:
    """A small bilingual article: the English paragraphs, then their Chinese translations."""
    return "\n\n".join(en + zh) + "\n"


def _binary(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _text_files() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, what it tests), for the regular files of the light set."""
    text = article()
    utf8 = text.encode("utf-8")
    mid = utf8.index(ZH[1].encode("utf-8")) + len("匈牙利".encode("utf-8"))
    mixed = ("\n\n".join(EN) + "\n\n").encode("utf-8") + ZH[0].encode("gb18030") + b"\n\n" + \
        ("\n\n".join(ZH[1:]) + "\n").encode("utf-8")
    bidi = article([EN[0], "Sales \u202eof the new model\u202a rose \u200bby 12% \u200dthis\u2066 year.", EN[2]],
                   [ZH[0], "新车型的\u202e销量\u202b今年\u200b增长了\u200d12%\u2067。", ZH[2]])
    html = article(["Reporters found <script>alert(1)</script> in the comment field of the dealer's site.",
                    'The price list was an <b>HTML table</b> with <a href="javascript:void(0)">links</a>.'],
                   ["记者在经销商网站的评论栏里发现了<script>alert(1)</script>。",
                    '价格表是一个带<a href="javascript:void(0)">链接</a>的<b>HTML表格</b>。'])
    return {
        "binary.png": (b"\x89PNG\r\n\x1a\n" + _binary(4000, 1), "binary content"),
        "empty.txt": (b"", "an empty file"),
        "blank.txt": (b"\n \n\t\n", "only blank lines"),
        "nul_bytes.txt": (utf8[:40] + b"\x00" + utf8[40:200] + b"\x00\x00" + utf8[200:], "a few NUL bytes"),
        "nul_only.txt": (b"\x00" * 4096, "nothing but NUL bytes"),
        "invalid_bytes.txt": (utf8[:mid] + b"\xff\xfe\xc0\x80" + utf8[mid:], "4 bad bytes mid-file"),
        "mixed_encodings.txt": (mixed, "UTF-8 and GB18030 paragraphs"),
        "short_big5.txt": (("\n\n".join(EN[:2] + ZH_TRAD) + "\n").encode("big5"), "a short Big5 article"),
        "utf16le_nobom.txt": (text.encode("utf-16-le"), "UTF-16-LE without a byte-order mark"),
        "cr_only.txt": (text.replace("\n", "\r").encode("utf-8"), "CR-only line ends"),
        "bidi_zero_width.txt": (bidi.encode("utf-8"), "unclosed bidi controls and zero-width characters"),
        "html_script.txt": (html.encode("utf-8"), "HTML and script text"),
        "fake_text.gz": (utf8, "text named .gz"),
        "fake_magic.gz": (gzip.compress(b"")[:10] + _binary(3000, 2), "gzip magic with garbage"),
    }


def _heavy_files() -> dict[str, tuple[bytes, str]]:
    line = " ".join(EN + ZH)
    long_line = (line * (10_000_000 // len(line.encode("utf-8")) + 1)).encode("utf-8")[:10_000_000]
    long_line = long_line.decode("utf-8", "ignore").encode("utf-8") + b"\n"
    many = "\n\n".join(f"Paragraph {i}: sales rose {i % 97}%." if i % 2 else f"第{i}段：销量增长了{i % 97}%。"
                       for i in range(10_000)) + "\n"
    digits = article([EN[0], "The ledger showed " + "7" * 100_000 + " units.", EN[2]],
                     [ZH[0], "账本上显示了" + "7" * 100_000 + "辆。", ZH[2]])
    return {
        "long_line.txt": (long_line, "a 10 MB single line"),
        "many_paragraphs.txt": (many.encode("utf-8"), "10,000 short paragraphs"),
        "digits.txt": (digits.encode("utf-8"), "a 100,000-digit run"),
    }


def write_hostile(directory: str | Path, heavy: bool = False) -> dict[str, str]:
    """Write the hostile set into ``directory`` (created); return ``{input path relative to it: what it tests}``
    for every input a walk of the directory lists, special files and links included."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    inputs: dict[str, str] = {}
    for name, (data, what) in {**_text_files(), **(_heavy_files() if heavy else {})}.items():
        (d / name).write_bytes(data)
        inputs[name] = what
    os.mkfifo(d / "named_pipe")
    inputs["named_pipe"] = "a FIFO (nothing ever writes to it)"
    os.symlink("self_loop", d / "self_loop")
    inputs["self_loop"] = "a symlink to itself"
    os.symlink("missing.txt", d / "dead_link")
    inputs["dead_link"] = "a dangling symlink"
    (d / "nested").mkdir()
    os.symlink("..", d / "nested" / "up")
    inputs["nested/up"] = "a link to a directory being walked"
    (d / ".hidden.txt").write_bytes(article().encode("utf-8"))  # skipped by the walk, as every dot-name
    return inputs


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path, what in write_hostile(sys.argv[1], heavy="--heavy" in sys.argv[2:]).items():
        print(f"{path}\t{what}")
