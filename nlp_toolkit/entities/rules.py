"""Loading the rule files of ``models/`` (sections of words, regular expressions and tables).

>>> r = parse_sections(["# c", "[title]", "主席 总理", "[x_regex]", "a b+", "[tab]", "中\\tChina"])
>>> r["title"], r["x_regex"], r["tab"]
(['主席', '总理'], ['a b+'], ['中\\tChina'])
"""

from __future__ import annotations

import functools
import json

from ..resources import model_file


def parse_sections(lines) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    cur = None
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            cur = s[1:-1]
            out.setdefault(cur, [])
            continue
        if cur is None:
            raise ValueError(f"line {line!r} before any [section]")
        if cur.endswith("_regex") or "\t" in s:
            out[cur].append(s)
        else:
            out[cur].extend(s.split())
    return out


@functools.lru_cache(maxsize=None)
def sections(name: str) -> dict[str, list[str]]:
    path = model_file(name)
    try:
        return parse_sections(path.read_text(encoding="utf-8").splitlines())
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


@functools.lru_cache(maxsize=None)
def jsonl(name: str) -> list[dict]:
    """Records of a JSON-lines data file (lines starting with ``#`` or ``//`` are comments)."""
    path = model_file(name)
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        s = line.strip()
        if not s or s.startswith(("#", "//")):
            continue
        try:
            out.append(json.loads(s))
        except ValueError as err:
            raise ValueError(f"{path} line {n}: not JSON ({err})") from None
    return out
