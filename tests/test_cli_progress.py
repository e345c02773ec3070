"""``nlp-toolkit process`` as a user at a terminal sees it: driven under a pseudo-terminal (the progress bar is
drawn only on a terminal), its output read as it comes. The bar says which models load while they load, counts
inputs a resumed run already did, and the run ends with its counts and the next command; the rate behind the
ETA starts when the work does (checked with a clock the test moves, not with timings)."""

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from nlp_toolkit.batch import Progress
from nlp_toolkit.cli import main
from nlp_toolkit.settings import BatchOptions

# a changed number (38% -> 28%) and an English paragraph left untranslated (a 1-0 unit)
CHANGED = """Tesla sold 1.8 million cars in 2023, up 38%.

特斯拉在2023年售出了180万辆汽车,增长了28%。

The carmaker will also build a plant in Szeged, Hungary, which is to open in 2026 with 3,000 jobs. Local officials
welcomed the news, and the regional government promised new roads, a rail link and training for workers.

BYD said its research budget rose 20% to about $3 billion last year.

比亚迪表示,其研发预算去年增长了20%,达到约30亿美元。
"""
LATE = """Shops were busy in May, and prices rose 5%.

5月份商店很忙,价格上涨了5%。
"""


def run_on_a_terminal(args, deadline_s: float = 300) -> tuple[int, list[str]]:
    """Run ``nlp-toolkit process ARGS`` with stdin, stdout and stderr on a 160-column pseudo-terminal; return
    its exit code and what it drew, cut into frames at carriage returns and newlines, in the order drawn."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "nlp_toolkit.cli", "process", *map(str, args)], stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    data = b""
    end = time.monotonic() + deadline_s  # a guard against a hang, not a measurement
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not chunk:
                break
            data += chunk
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
        os.close(master)
    return code, [f for f in re.split(r"[\r\n]+", data.decode("utf-8", "replace")) if f.strip()]


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _counts(out):
    """The summary's counts as recomputed from the records."""
    pairs, docs = _jsonl(out / "pairs.jsonl"), _jsonl(out / "documents.jsonl")
    by_code = {}
    for w in [w for p in pairs for w in p["warnings"]] + [w for d in docs for w in d["warnings"]]:
        by_code.setdefault(w["code"], {}).setdefault(w["severity"], 0)
        by_code[w["code"]][w["severity"]] += 1
    unaligned = {b: sum(p["bead"] == b for p in pairs) for b in ("1-0", "0-1")}
    return len(docs), len(pairs), unaligned, by_code


def test_process_on_a_terminal_shows_loading_then_counts_and_resumes_n_of_n(example_path, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_example.txt").write_bytes(example_path.read_bytes())
    (inputs / "b_changed.txt").write_text(CHANGED, encoding="utf-8")
    out = tmp_path / "out"
    code, frames = run_on_a_terminal([inputs, "-o", out, "--format", "jsonl,tmx", "--zh-locale", "zh-TW"])
    assert code == 0, frames

    # while the models load the line changes, each step naming what loads, all at 0 of 2
    loading = [f for f in frames if "loading models:" in f]
    assert len(set(f.split("|")[0] for f in loading)) >= 3, frames
    assert all("0/2" in f for f in loading)
    assert any("USE-m3\u2026" in f for f in loading) and any("spaCy en, LAC, CRF\u2026" in f for f in loading)
    last_loading = frames.index(loading[-1])
    assert any("1/2" in f for f in frames[last_loading:]) and any("2/2" in f for f in frames[last_loading:])

    # the summary: counts that are the records', warnings by severity and code, the next command
    documents, units, unaligned, by_code = _counts(out)
    assert unaligned == {"1-0": 1, "0-1": 0} and by_code["claim_mismatch"] == {"error": 1}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["documents"], summary["units"], summary["unaligned"]) == (2, units, unaligned)
    assert summary["warnings"]["by_code"] == by_code and summary["failed"] == 0
    assert summary["warnings"]["total"] == sum(sum(v.values()) for v in by_code.values())
    tail = frames[-3:]
    assert tail[0].startswith(f"2 documents, {units} units (1 unaligned: 1 1-0, 0 0-1) -> {out} in "), tail
    errors = sum(v.get("error", 0) for v in by_code.values())
    assert tail[1].startswith(f"warnings: {summary['warnings']['total']} (error {errors}: ") and \
        "claim_mismatch 1" in tail[1]
    assert tail[2] == f"next: nlp-toolkit report {out} -o {out}/report.html"
    assert not any("Traceback" in f for f in frames)
    # the next command runs as printed
    assert main(tail[2].split()[2:]) == 0 and (out / "report.html").is_file()
    # --zh-locale reached the TMX export
    assert 'xml:lang="zh-TW"' in (out / "corpus.tmx").read_text(encoding="utf-8")

    # a third input, resumed: the two done count as done from the first frame on
    (inputs / "c_late.txt").write_text(LATE, encoding="utf-8")
    code, frames = run_on_a_terminal([inputs, "-o", out, "--resume"])
    assert code == 0, frames
    bars = [f for f in frames if re.search(r"\d+/\d+ \[", f)]
    assert bars and all("/3 [" in f for f in bars), frames
    assert "2/3" in bars[0] and "3/3" in bars[-1]
    assert any(f.startswith("3 documents, ") and f.endswith("(2 resumed from cache)") for f in frames), frames
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"] == 3


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _bar(total, done):
    p = Progress(total, done, BatchOptions(progress=True), file=io.StringIO())
    clock = _Clock()
    p.bar._time = clock
    p.bar.start_t = p.bar.last_print_t = clock.now
    return p, clock


def _eta(p):
    d = p.bar.format_dict
    return (d["total"] - d["n"]) / d["rate"]


@pytest.mark.parametrize("total, done", [(10, 0), (30, 24)])
def test_the_eta_is_measured_from_the_work_not_the_model_loading(total, done):
    p, clock = _bar(total, done)
    for step, label in [(5, "USE-m3"), (25, "spaCy en, LAC, CRF")]:  # 30 s of model loading
        clock.now += step
        p.status(label)
    assert p.bar.desc == "loading models: USE-m3\u2026 spaCy en, LAC, CRF\u2026" and p.bar.n == done
    clock.now += 0.5
    p.status(None)  # a worker is ready
    assert p.bar.desc == ""
    clock.now += 2.0  # one article in 2 s
    p.update(1)
    assert p.bar.n == done + 1
    assert _eta(p) == pytest.approx(2.0 * (total - done - 1))  # not (30 + 2) s per article; resumed inputs no help
    assert p.bar.format_dict["elapsed"] == pytest.approx(2.0)
