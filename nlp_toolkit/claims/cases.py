"""The claims contract on files: JSONL cases in, one ``{id, claims}`` line per case out (atomic write)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..document import InputError
from ..settings import DEFAULT, Settings


def read_cases(path) -> list[dict]:
    """The cases of a JSONL file, each checked to have ``id``, ``lang`` (en|zh) and ``text``."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    cases = []
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not a JSON object: {exc.msg}") from None
        if not isinstance(case, dict):
            raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(case).__name__}")
        missing = [k for k in ("id", "lang", "text") if k not in case]
        if missing:
            raise InputError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
        if case["lang"] not in ("en", "zh"):
            raise InputError(f"{path}:{lineno}: lang must be 'en' or 'zh', got {case['lang']!r}")
        if not isinstance(case["text"], str):
            raise InputError(f"{path}:{lineno}: text must be a string")
        cases.append(case)
    return cases


def claims_file(cases_path, out_path, all_numbers: bool = False, settings: Settings = DEFAULT) -> int:
    from . import extract_claims

    cases = read_cases(cases_path)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for case in cases:
                claims = extract_claims(case["text"], case["lang"], settings, all_numbers=all_numbers)
                f.write(json.dumps({"id": case["id"], "claims": [c.to_dict() for c in claims]},
                                   ensure_ascii=False) + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return len(cases)
