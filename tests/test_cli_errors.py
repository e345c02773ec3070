"""Usage and I/O errors of every command, run as real subprocesses: one line ``nlp-toolkit CMD: error: ...`` on
stderr, exit status 2, no traceback; Ctrl-C and SIGTERM one line and 130/143. And the checks behind them:
``Settings.validate``, ``BatchOptions``, the atomic writer's write errors.

The tests run as root here, where permissions do not stop a write: the places that really cannot be written are
a path below a regular file, ``/proc``, ``/sys`` and ``/dev/full`` (every write: ENOSPC).
"""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp_toolkit.cli import main
from nlp_toolkit.settings import DEFAULT, BatchOptions, Settings, SettingsError

CASES = [{"id": "e1", "lang": "en", "text": "Amazon hired 300 people in Seattle in May."},
         {"id": "z1", "lang": "zh", "text": "比亚迪在深圳卖出了3万辆汽车,价格上涨了5%。"}]
ARTICLE = """Tesla sold 1.8 million cars in 2023, up 38%.

特斯拉在2023年售出了180万辆汽车,增长了38%。
"""


def run(*args, env=None, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=timeout)


def one_line_error(res, command: str, *fragments: str) -> str:
    """The single stderr line of a run that failed with exit 2, checked to name each fragment."""
    err = res.stderr
    assert res.returncode == 2, (res.returncode, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith(f"nlp-toolkit {command}: error: "), err
    for f in fragments:
        assert f in err, (f, err)
    return err


@pytest.fixture
def files(tmp_path):
    """A case file, an article, a regular file to put paths below, and a small output folder (hand-written
    records of one article, so that ``report`` needs no models)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES), encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a_file").write_text("not a folder\n", encoding="utf-8")
    out = tmp_path / "done"
    out.mkdir()
    (out / "documents.jsonl").write_text(json.dumps({"doc_id": "d", "source": "d.txt", "sections": []}) + "\n",
                                         encoding="utf-8")
    (out / "pairs.jsonl").write_text(json.dumps({"doc_id": "d", "index": 0, "en": "Prices rose.", "zh": "价格上涨。",
                                                 "score": 0.8, "bead": "1-1"}, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    (tmp_path / "en.txt").write_text("Prices rose in May.\nShops were busy.\n", encoding="utf-8")
    (tmp_path / "zh.txt").write_text("5月价格上涨。\n商店很忙。\n", encoding="utf-8")
    return tmp_path


# -- process ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra, fragments", [
    (["--from-list", "{d}/absent_list.txt"], ["--from-list {d}/absent_list.txt: cannot read (No such file"]),
    (["-o", "{d}/a_file"], ["-o {d}/a_file: exists and is not a folder"]),
    (["-o", "{d}/a_file/sub"], ["-o {d}/a_file/sub: cannot create it: {d}/a_file is not a folder"]),
    (["-o", "/proc/nlp_toolkit_out"], ["-o /proc/nlp_toolkit_out: cannot create the folder"]),
    (["--timeout", "-1"], ["argument --timeout: must be 0 (no limit) or a positive number of seconds, got -1"]),
    (["--timeout", "nan"], ["argument --timeout: must be 0 (no limit) or a positive number of seconds, got nan"]),
    (["--timeout", "soon"], ["argument --timeout: not a number of seconds: 'soon'"]),
    (["--max-memory", "lots"], ["argument --max-memory: not a memory size: 'lots' (e.g. 2G, 800M)"]),
    (["--max-memory", "1M"], ["--max-memory: 1048576 is below 64M"]),
    (["--workers", "-1"], ["--workers: -1 is not a whole number of at least 0"]),
    (["--format", "jsonl,xml"], ["--format jsonl,xml: unknown format 'xml' (known: jsonl, ", "tmx"]),
    (["--shard-size", "-5"], ["--shard-size -5: must be 0"]),
    (["--encoder", "bogus"], ["--encoder: unknown encoder 'bogus' (known: usem3, transformers:/path/to/model)"]),
    (["--encoder", "transformers:{d}/no_model"], ["encoder transformers:{d}/no_model: {d}/no_model is not a model"]),
    (["--set", "zh_entity_components=lac,bogus"],
     ["--set zh_entity_components=lac,bogus: unknown component 'bogus' (known: lac, crf, latin, gazetteer, rules, "
      "projection)"]),
    (["--set", "sent_split_en=spacy"], ["--set sent_split_en=spacy: unknown English splitter 'spacy' (known: "]),
    (["--pooling", "max"], ["argument --pooling: invalid choice: 'max'"]),
    (["--zh-locale", "zh_TW"], ["--zh-locale: unknown Chinese locale 'zh_TW' (known: zh-CN, zh-TW, "]),
])
def test_process_refuses_bad_options_up_front(files, extra, fragments):
    d = files
    args = ["process", d / "article.txt", "-o", d / "out"]
    if "-o" in extra:
        args = args[:2]
    res = run(*args, *[a.format(d=d) for a in extra])
    one_line_error(res, "process", *[f.format(d=d) for f in fragments])
    assert not (d / "out").exists()  # refused before any input was read or any output written


def test_process_without_inputs(files):
    one_line_error(run("process", "-o", files / "out"), "process", "no inputs (give files")
    (files / "empty_list.txt").write_text("# nothing yet\n", encoding="utf-8")
    one_line_error(run("process", "--from-list", files / "empty_list.txt", "-o", files / "out"), "process",
                   "no inputs")
    one_line_error(run("process", files / "article.txt"), "process", "required: -o/--output")


def test_an_unreachable_scheduler_is_one_line_within_the_connect_timeout(files):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}
    res = run("process", files / "article.txt", "-o", files / "out", "--engine", "dask", "--scheduler",
              "tcp://127.0.0.1:9", env=env, timeout=120)
    one_line_error(res, "process", "tcp://127.0.0.1:9")


# -- the file commands ------------------------------------------------------------------------------------------
def _command(name: str, d: Path, out) -> list:
    return {"claims": ["claims", d / "cases.jsonl", "-o", out],
            "entities": ["entities", d / "cases.jsonl", "-o", out],
            "align": ["align", d / "en.txt", d / "zh.txt", "--presplit", "-o", out],
            "report": ["report", d / "done", "-o", out]}[name]


@pytest.mark.parametrize("command", ["claims", "entities", "align", "report"])
def test_outputs_that_cannot_be_written(files, command):
    d = files
    one_line_error(run(*_command(command, d, d / "a_file" / "out.txt")), command,
                   f"-o {d}/a_file/out.txt: cannot create it: {d}/a_file is not a folder")
    one_line_error(run(*_command(command, d, d)), command, f"-o {d}: is a folder")
    one_line_error(run(*_command(command, d, "/sys/nlp_toolkit_out.txt")), command,
                   "/sys/nlp_toolkit_out.txt: cannot create it (")


@pytest.mark.parametrize("command", ["claims", "align", "report"])
def test_a_full_disk_is_one_line_and_the_device_stays(files, command):
    """/dev/full refuses every write with ENOSPC; the output is written in place (not replaced by a rename, which
    as root would have put a regular file where the device was)."""
    res = run(*_command(command, files, "/dev/full"))
    one_line_error(res, command, "/dev/full: No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".full.")]


def test_missing_and_broken_inputs(files):
    d = files
    one_line_error(run("claims", d / "absent.jsonl", "-o", d / "c.jsonl"), "claims",
                   f"{d}/absent.jsonl: cannot read (No such file or directory)")
    (d / "broken.jsonl").write_text('{"id": 1, "text": "x", "lang": "en"}\n{"id": 2,\n', encoding="utf-8")
    one_line_error(run("entities", d / "broken.jsonl", "-o", d / "e.jsonl"), "entities",
                   f"{d}/broken.jsonl line 2: not JSON")
    one_line_error(run("align", d / "en.txt", d / "absent_zh.txt", "-o", d / "beads.txt"), "align",
                   "absent_zh.txt")
    one_line_error(run("report", d / "absent_dir", "-o", d / "r.html"), "report", "absent_dir")
    (d / "done" / "pairs.jsonl").write_text('{"doc_id": "d", "index": 0}\n{"doc_id": "d", "ind\n', encoding="utf-8")
    one_line_error(run("report", d / "done", "-o", d / "r.html"), "report",
                   f"{d}/done/pairs.jsonl line 2: not JSON (")
    assert not any((d / n).exists() for n in ("c.jsonl", "e.jsonl", "beads.txt", "r.html"))


def test_entity_components_are_refused_before_any_case_is_read(files):
    """An English-only case file never builds the Chinese recognizer: the bad name was silently ignored."""
    d = files
    (d / "en_only.jsonl").write_text(json.dumps(CASES[0]) + "\n", encoding="utf-8")
    one_line_error(run("entities", d / "en_only.jsonl", "-o", d / "e.jsonl", "--zh-entity-components",
                       "lac,bogus"), "entities",
                   "--zh-entity-components: unknown component 'bogus' (known: lac, crf, latin, gazetteer, rules, "
                   "projection)")
    one_line_error(run("entities", d / "en_only.jsonl", "-o", d / "e.jsonl", "--set",
                       "zh_entity_components=lac,bogus,worse"), "entities", "unknown components 'bogus', 'worse'")
    assert not (d / "e.jsonl").exists()


def test_claims_takes_lang_like_entities(files):
    d = files
    (d / "nolang.jsonl").write_text(json.dumps({"id": 1, "text": "价格上涨了5%。"}, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    one_line_error(run("claims", d / "nolang.jsonl", "-o", d / "c.jsonl"), "claims",
                   "line 1: no language: give 'lang' (en or zh) in the line or --lang")
    res = run("claims", d / "nolang.jsonl", "-o", d / "c.jsonl", "--lang", "zh")
    assert res.returncode == 0, res.stderr
    [row] = [json.loads(x) for x in (d / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [c["text"] for c in row["claims"]] == ["5%"] and row["claims"][0]["lang"] == "zh"


# -- signals ------------------------------------------------------------------------------------------------------
def _signal_once_loaded(args, library: str, signum: int):
    """Start a command, send ``signum`` once its process has mapped ``library`` (the model loading or the work
    has begun: the command line was parsed and main() runs), and return the finished process and its stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "nlp_toolkit.cli", *map(str, args)], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        while proc.poll() is None:
            with open(f"/proc/{proc.pid}/maps") as f:
                if library in f.read():
                    break
            time.sleep(0.005)
        assert proc.poll() is None, f"the command ended before it loaded {library}"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return proc, err


@pytest.mark.parametrize("signum, code, word", [(signal.SIGINT, 130, "interrupted"),
                                                (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_and_sigterm_during_model_loading(files, signum, code, word):
    # entities: the signal arrives while spaCy's pipelines load
    proc, err = _signal_once_loaded(["entities", files / "cases.jsonl", "-o", files / "e.jsonl"], "spacy", signum)
    assert (proc.returncode, err) == (code, f"nlp-toolkit entities: {word}\n")
    # claims on a case file long enough to be caught at work: its lexicons load, then the cases run
    big = files / "big.jsonl"
    big.write_text("".join(json.dumps({**CASES[i % 2], "id": i, "text": CASES[i % 2]["text"] + f" {i}"},
                                      ensure_ascii=False) + "\n" for i in range(4000)), encoding="utf-8")
    proc, err = _signal_once_loaded(["claims", big, "-o", files / "c.jsonl"], "_decimal", signum)
    assert (proc.returncode, err) == (code, f"nlp-toolkit claims: {word}\n")
    assert not (files / "c.jsonl").exists() and not list(files.glob(".*.part"))


def test_ctrl_c_while_process_loads_its_models_is_one_line(files):
    """--workers 0: the models load in the command's own process (the warm-up), where the signal arrives."""
    out = files / "out"
    proc, err = _signal_once_loaded(["process", files / "article.txt", "-o", out, "--workers", "0"], "spacy",
                                    signal.SIGINT)
    assert (proc.returncode, err) == (130, "nlp-toolkit process: interrupted: 0 of 1 inputs done; rerun with "
                                           "--resume\n")
    assert not list(out.glob("*.jsonl")) and not list(out.rglob("*.part"))


def test_an_interrupt_a_c_extension_turned_into_its_own_error_is_still_an_interrupt(files, monkeypatch, capsys):
    """onnxruntime interrupted while it initializes raises ``ImportError: initialization failed`` from the
    KeyboardInterrupt (seen with Ctrl-C during ``entities``' model loading)."""
    import nlp_toolkit.commands as commands

    def interrupted_import(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ImportError("initialization failed")

    monkeypatch.setattr(commands, "entities_file", interrupted_import)
    assert main(["entities", str(files / "cases.jsonl"), "-o", str(files / "e.jsonl")]) == 130
    assert capsys.readouterr().err == "nlp-toolkit entities: interrupted\n"

    monkeypatch.setattr(commands, "entities_file", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # a bug keeps its traceback
        main(["entities", str(files / "cases.jsonl"), "-o", str(files / "e.jsonl")])


# -- the checks behind them -------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, message", [
    ({"encoder": "bogus"}, "encoder: unknown encoder 'bogus'"),
    ({"encoder": "transformers:"}, "encoder: unknown encoder 'transformers:'"),
    ({"pooling": "max"}, "pooling: unknown pooling 'max' (known: mean, cls)"),
    ({"sent_split_en": "nltk"}, "sent_split_en: unknown English splitter 'nltk' (known: rules, senter)"),
    ({"zh_merge_addresses": "all"}, "zh_merge_addresses: unknown address mode 'all' (known: '', road, chain)"),
    ({"claims_duration_unit": "minute"}, "claims_duration_unit: unknown duration unit 'minute' (known: stated, "),
    ({"zh_entity_components": "lac, nope"}, "zh_entity_components: unknown component 'nope' (known: lac, "),
    ({"sent_signals": ("embed", "vibes")}, "sent_signals: unknown signal 'vibes' (known: embed, edges, "),
    ({"sent_signals": ["embed"]}, "sent_signals: ['embed'] is not a tuple of names"),
    ({"band": -1}, "band: -1 is out of range (must be at least 0)"),
    ({"band": "3"}, "band: '3' is not an int"),
    ({"zh_government_org": 1}, "zh_government_org: 1 is not a bool"),
    ({"zh_min_share": 1.5}, "zh_min_share: 1.5 is out of range (must be between 0 and 1)"),
    ({"skip_score": float("nan")}, "skip_score: NaN is not a number"),
    ({"sent_max_total": 1}, "sent_max_total: 1 is out of range (must be at least 2)"),
])
def test_settings_validate_for_api_users_too(changes, message):
    with pytest.raises(SettingsError) as err:
        DEFAULT.replace(**changes)
    assert str(err.value).startswith(message) and err.value.field == next(iter(changes))
    with pytest.raises(SettingsError):
        Settings(**changes)


def test_settings_that_stay_valid():
    for changes in [{"zh_entity_components": ""}, {"zh_entity_components": "lac,latin"}, {"zh_merge_addresses": ""},
                    {"encoder": "transformers:/models/labse"}, {"sent_signals": ("edges", "length")},
                    {"skip_score": -0.5}, {"sent_split_en": "senter"}, {"claims_duration_unit": "second"}]:
        assert DEFAULT.replace(**changes).to_dict().items() >= changes.items()


def test_the_known_names_are_the_stages_own():
    from nlp_toolkit.entities.chinese import COMPONENTS
    from nlp_toolkit.sentalign.features import SIGNALS
    from nlp_toolkit.settings import SENT_SIGNALS, ZH_ENTITY_COMPONENTS

    assert ZH_ENTITY_COMPONENTS == COMPONENTS and SENT_SIGNALS == SIGNALS == DEFAULT.sent_signals


@pytest.mark.parametrize("changes, message", [
    ({"timeout": -1.0}, "timeout: -1.0 is not a positive number"), ({"timeout": 0}, "timeout: 0 is not"),
    ({"timeout": float("inf")}, "timeout: inf is not"), ({"workers": -1}, "workers: -1 is not a whole number"),
    ({"max_memory": 1024}, "max_memory: 1024 is below 64M"),
    ({"engine": "ray"}, "engine: unknown engine 'ray' (known: local, dask)"), ({"formats": ()}, "formats: ()"),
])
def test_batch_options_refuse_values_no_run_can_use(changes, message):
    with pytest.raises(SettingsError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        BatchOptions(**changes)
    assert BatchOptions(timeout=2.5, workers=3).timeout == 2.5


def test_write_errors_name_the_file_and_leave_no_temporary(tmp_path):
    from nlp_toolkit.export.jsonl import write_jsonl, write_lines, write_text

    for compression in ("", "gz"):
        with pytest.raises(OSError) as err:
            write_jsonl([{"text": "价格上涨了5%"}] * 10, "/dev/full", compression)
        assert (err.value.errno, err.value.filename) == (28, "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    with pytest.raises(OSError) as err:
        write_text("page", tmp_path)
    assert err.value.filename == str(tmp_path)
    with pytest.raises(OSError) as err:
        write_lines(["x"], "/sys/nlp_toolkit.txt")
    assert err.value.filename == "/sys/nlp_toolkit.txt"
    # a link is written through: the file it points at changes, the link stays a link
    (tmp_path / "target.txt").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("target.txt")
    write_lines(["new"], tmp_path / "link.txt")
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "target.txt").read_text() == "new\n"
    assert not list(tmp_path.glob(".*.part"))
