"""Every example in README.md runs as written.

The examples are the fenced ``bash`` and ``python`` blocks; each runs verbatim, in README order, in one fresh
folder that holds the repository's ``corpora/`` (and ``.venv``, the environment running the tests, for the
``.venv/bin/...`` commands), so that a block may use what an earlier one wrote, as a reader following the README
would. A block preceded by ``<!-- example: skip: REASON -->`` is not run; the reason must be given. ``toml`` and
``text`` blocks (a settings file, the command synopsis with its placeholders) are not examples.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"(?P<before>(?:<!--(?:(?!-->).)*-->\s*)?)^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```\s*$",
                   re.S | re.M)
SKIP = re.compile(r"<!--\s*example:\s*skip:\s*(?P<reason>(?:(?!-->).)+?)\s*-->", re.S)


def blocks(text: str) -> list[dict]:
    """The fenced blocks of a Markdown text: language, body, line number, and the skip reason if marked."""
    out = []
    for m in FENCE.finditer(text):
        skip = SKIP.search(m["before"])
        out.append({"lang": m["lang"], "body": m["body"], "line": text.count("\n", 0, m.start("lang")) + 1,
                    "skip": " ".join(skip["reason"].split()) if skip else None})
    return out


def test_the_block_reader_sees_marks_and_languages():
    text = ("intro\n\n<!-- example: skip: needs the network -->\n```bash\npip install x\n```\n\n```python\n"
            "print(1)\n```\n\n```text\nnlp-toolkit CMD\n```\n")
    assert [(b["lang"], b["body"], b["skip"]) for b in blocks(text)] == [
        ("bash", "pip install x\n", "needs the network"), ("python", "print(1)\n", None),
        ("text", "nlp-toolkit CMD\n", None)]


@pytest.fixture(scope="module")
def examples():
    found = blocks(README.read_text(encoding="utf-8"))
    assert {b["lang"] for b in found} <= {"bash", "python", "toml", "text"}, "a block of an unknown kind"
    return [b for b in found if b["lang"] in ("bash", "python")]


def test_only_the_install_and_the_whole_suite_are_skipped(examples):
    skipped = [b for b in examples if b["skip"]]
    assert [b["body"].split()[0] for b in skipped] == ["python3", ".venv/bin/python"]
    assert all(len(b["skip"]) > 20 for b in skipped)  # a stated reason


def test_every_readme_example_runs_verbatim(examples, tmp_path):
    work = tmp_path / "readme"
    work.mkdir()
    (work / "corpora").symlink_to(ROOT / "corpora")
    (work / ".venv").symlink_to(Path(sys.prefix))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "HF_HOME": str(tmp_path / "hf_home"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    ran = []
    for b in examples:
        if b["skip"]:
            continue
        cmd = ["bash", "-euo", "pipefail", "-c", b["body"]] if b["lang"] == "bash" else [sys.executable, "-c",
                                                                                        b["body"]]
        res = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, f"README.md line {b['line']}: {b['body']}\n{res.stdout}\n{res.stderr}"
        assert "Traceback" not in res.stderr, f"README.md line {b['line']}: {res.stderr}"
        ran.append((b, res))
    assert len(ran) >= 4
    # what the examples say they make is there
    assert (work / "out" / "pairs.jsonl").is_file() and (work / "corpus_out" / "report.html").is_file()
    assert 'xml:lang="zh-TW"' in (work / "pair_out" / "corpus.tmx").read_text(encoding="utf-8")
    assert (work / "beads.txt.jsonl").is_file() and (work / "beads.txt.src.txt").is_file()
    outputs = "".join(res.stdout for _, res in ran)
    assert "BYD" in outputs and "'en': " in outputs  # the API's advantage and the hf rows were printed
