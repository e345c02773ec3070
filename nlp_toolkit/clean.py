"""Boilerplate removal: credit lines of translation sites, repost notices, bare URLs.

Two kinds of rule: general ones in code (a line that is only URLs and punctuation), and an editable list of
regular expressions in ``models/boilerplate.txt`` (``Settings.boilerplate`` may name the user's own list).
A matching line is dropped whole when, without the match and URLs, nothing but punctuation is left; otherwise
only the matching part is cut. Everything removed is recorded in ``Article.removed`` with its line and rule.

>>> from nlp_toolkit.read import read_text
>>> a = read_text("正文。\\n原创翻译:龙腾网 https://www.ltaaa.cn 转载请注明出处\\n")
>>> clean_article(a)
>>> a.paragraphs[0].text, [r.rule for r in a.removed]
('正文。\\n', ['pattern:1'])
"""

from __future__ import annotations

import functools
import re

from .document import Article, Removed
from .limits import check_deadline
from .resources import read_lines
from .settings import DEFAULT, Settings

URL = re.compile(r"(?:https?://|www\.)[^\s\u3000，。；、）)」』”]+|\b[\w-]+(?:\.[\w-]+)+/[^\s\u3000，。]*", re.I)
_ONLY_PUNCT = re.compile(r"^[\s\W_]*$", re.U)


def compile_pattern(name: str, n: int, pattern: str) -> re.Pattern:
    """Pattern ``n`` of the list ``name``, case-insensitive; a bad one is a ValueError naming the file and line."""
    try:
        return re.compile(pattern.strip(), re.I)
    except re.error as err:
        raise ValueError(f"{name}: pattern {n} ({pattern.strip()!r}) is not a valid regular expression: {err}")


@functools.lru_cache(maxsize=16)
def load_patterns(name: str) -> tuple[re.Pattern, ...]:
    """Compile the pattern list ``name`` (a file in models/ or a path); errors name the file and line."""
    return tuple(compile_pattern(name, n, line) for n, line in enumerate(read_lines(name), 1))


def _residue_is_empty(text: str) -> bool:
    return bool(_ONLY_PUNCT.match(URL.sub("", text)))


def clean_line(line: str, patterns) -> tuple[str, str | None]:
    """Return the line without boilerplate and the rule that fired (None when nothing was removed).

    >>> pats = load_patterns("boilerplate.txt")
    >>> clean_line("https://example.com/a/b", pats)
    ('', 'url')
    >>> clean_line("The market grew. 转载请注明出处", pats)
    ('The market grew.', 'pattern:3')
    """
    if line.strip() and _residue_is_empty(line) and URL.search(line):
        return "", "url"
    for i, pat in enumerate(patterns, 1):
        m = pat.search(line)
        if not m:
            continue
        # a credit line: drop it whole when the rest is URLs, site names or other boilerplate
        rest = line[:m.start()] + " " + line[m.end():]
        for other in patterns:
            rest = other.sub(" ", rest)
        if _residue_is_empty(rest):
            return "", f"pattern:{i}"
        return pat.sub("", line).strip(), f"pattern:{i}"
    return line, None


def clean_article(article: Article, settings: Settings = DEFAULT) -> None:
    """Drop boilerplate lines from every raw paragraph; removed lines leave an empty line behind, so each
    remaining line keeps its place (and its source line number); paragraphs left empty are dropped."""
    patterns = load_patterns(settings.boilerplate)
    kept = []
    for para in article.paragraphs:
        check_deadline()
        lines = para.text.split("\n")
        for k, line in enumerate(lines):
            new, rule = clean_line(line, patterns)
            if rule is not None:
                article.removed.append(Removed(line=para.lines[0] + k, text=line, rule=rule))
                lines[k] = new
        para.text = "\n".join(lines)
        if para.text.strip():
            kept.append(para)
    article.paragraphs = kept
