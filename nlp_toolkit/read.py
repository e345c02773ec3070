"""Bytes to paragraphs: the only stage that touches input files.

An article is either one file in which English paragraphs are followed by their Chinese translations (blank-line
separated, blank lines as ragged as they come), or two files, one per language. The encoding is detected:
byte-order marks first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then ``charset-normalizer`` for legacy
encodings (GB18030, Big5, ...). The reader produces one raw :class:`Paragraph` per block of consecutive
non-blank lines; cleaning and language identification refine them.

>>> a = read_text("Hello there.\\n\\n你好。\\n", doc_id="t")
>>> [(p.text, p.lines) for p in a.paragraphs]
[('Hello there.', (1, 1)), ('你好。', (3, 3))]
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

from .document import Article, InputError, Paragraph

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# charset-normalizer names a subset encoding when the sample fits it; decode with the superset so that rarer
# characters later in the file still decode.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs",
             "ascii": "utf-8"}
# share of control characters (other than tab/newline) above which decoded bytes are not text
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``. Raise :class:`InputError` naming ``name``.

    >>> decode("科技界出现了一场新的竞争：亚马逊对阵TikTok。".encode("gb18030"), "x.txt")
    ('科技界出现了一场新的竞争：亚马逊对阵TikTok。', 'gb18030')
    >>> decode(b"\\x00\\x01\\x02\\x03binary", "x.bin")
    Traceback (most recent call last):
    ...
    nlp_toolkit.document.InputError: x.bin: not a text file (binary content)
    """
    if not data.strip():
        raise InputError(f"{name}: empty file")
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = _detect(data, name)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise InputError(f"{name}: cannot decode as {encoding} ({err})") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{name}: empty file")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(f"{name}: not a text file (binary content)")
    return text, encoding


def _detect(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    if b"\x00" in data[:4096] and not (data[:4096].count(b"\x00") > len(data[:4096]) // 4):
        raise InputError(f"{name}: not a text file (binary content)")
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not a text file (binary content)")
    enc = best.encoding.lower().replace("-", "_")
    return _SUPERSET.get(enc, enc)


def _blocks(text: str, source: str) -> list[Paragraph]:
    """One raw paragraph per block of consecutive non-blank lines (text keeps its line breaks)."""
    out: list[Paragraph] = []
    current: list[str] = []
    first = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines + [""], start=1):
        if line.strip():
            if not current:
                first = n
            current.append(line.strip())
        elif current:
            out.append(Paragraph(lang="", text="\n".join(current), lines=(first, n - 1), source=source))
            current = []
    return out


def doc_id_for(path: str | Path) -> str:
    """The document id of a file: its name up to the first dot (``seed.bilingual.txt`` -> ``seed``).

    >>> doc_id_for("/data/amazon_vs_tiktok.bilingual.txt")
    'amazon_vs_tiktok'
    """
    return Path(path).name.split(".")[0] or Path(path).name


def read_text(text: str, doc_id: str = "doc", source: str = "", encoding: str = "") -> Article:
    """An article from text already in memory (one text holding both languages)."""
    return Article(doc_id=doc_id, source=source, encoding=encoding, paragraphs=_blocks(text, source))


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as err:
        raise InputError(f"{p}: cannot read ({err.strerror})") from None


def read_file(path: str | Path, doc_id: str | None = None) -> Article:
    """An article from one file holding both languages."""
    text, encoding = decode(read_bytes(path), str(path))
    return read_text(text, doc_id=doc_id or doc_id_for(path), source=str(path), encoding=encoding)


def read_pair(en_path: str | Path, zh_path: str | Path, doc_id: str | None = None) -> Article:
    """An article given as an English file and a Chinese file; each file's paragraphs keep their side."""
    paragraphs = []
    encodings = []
    for side, path in (("en", en_path), ("zh", zh_path)):
        text, enc = decode(read_bytes(path), str(path))
        encodings.append(enc)
        for p in _blocks(text, str(path)):
            p.side = side
            paragraphs.append(p)
    return Article(doc_id=doc_id or doc_id_for(en_path), source=f"{en_path}|{zh_path}",
                   encoding="|".join(encodings), paragraphs=paragraphs)


def read_cases(path: str | Path, lang: str | None = None) -> list[dict]:
    """Cases of a JSONL file, one ``{id, text, lang?}`` object a line (the claims and entities contracts).

    ``lang`` is the language of lines that give none. Each case comes back with ``id``, ``text`` and ``lang``
    (en or zh); bad input raises :class:`InputError` naming the file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    cases, seen = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path} line {n}"
        try:
            rec = json.loads(line)
        except ValueError as err:
            raise InputError(f"{where}: not JSON ({err})") from None
        if not isinstance(rec, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(rec).__name__}")
        if "id" not in rec or not isinstance(rec["id"], (str, int)) or isinstance(rec["id"], bool):
            raise InputError(f"{where}: 'id' must be a string or an integer")
        if not isinstance(rec.get("text"), str):
            raise InputError(f"{where}: 'text' must be a string")
        lg = rec.get("lang") or lang
        if lg not in ("en", "zh"):
            raise InputError(f"{where}: no language: give 'lang' (en or zh) in the line or --lang"
                             if lg is None else f"{where}: 'lang' must be 'en' or 'zh', got {lg!r}")
        if rec["id"] in seen:
            raise InputError(f"{where}: id {rec['id']!r} appears twice")
        seen.add(rec["id"])
        cases.append({**rec, "lang": lg})
    return cases
