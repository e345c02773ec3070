"""A batch as users leave it running overnight: killed at random moments, workers killed, two runs on one
folder, a full disk, reruns with another layout, inputs processed beside different others. Real subprocesses."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from make_articles import make_articles  # noqa: E402

CLI = [sys.executable, "-m", "nlp_toolkit.cli", "process", "--no-progress"]


def _outputs(out: Path) -> dict:
    """Every output file below ``out`` (the run's bookkeeping, ``.nlp_toolkit*``, aside) by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
            and not any(part.startswith(".nlp_toolkit") for part in p.relative_to(out).parts)}


def _partials(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*.part")]


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, example_path):
    d = tmp_path_factory.mktemp("archive")
    make_articles(example_path, 8, d, seed=11)
    return d


LAYOUTS = {
    "plain": [],
    "sharded-zst": ["--shard-size", "20", "--compress", "zst"],
    "dask": ["--engine", "dask", "--workers", "2"],
}


@pytest.fixture(scope="module")
def references(archive, tmp_path_factory):
    """An uninterrupted run per layout, and how long it took."""
    refs = {}
    for name, extra in LAYOUTS.items():
        if name == "dask":
            pytest.importorskip("distributed")
        out = tmp_path_factory.mktemp(f"ref-{name}")
        start = time.monotonic()
        res = _run([archive, "-o", out, *extra])
        assert res.returncode == 0, res.stderr
        refs[name] = (out, time.monotonic() - start)
    return refs


def _kill_group(proc):
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# moments: a share of the uninterrupted run's time, or "export": as soon as an export file exists under its
# temporary name (the run is then writing its outputs)
TRIALS = [("plain", 0.25), ("plain", 0.6), ("plain", "export"), ("sharded-zst", 0.45), ("sharded-zst", "export"),
          ("dask", 0.5)]


@pytest.mark.parametrize("layout,moment", TRIALS, ids=[f"{a}-{b}" for a, b in TRIALS])
def test_sigkill_at_a_random_moment_then_resume_is_byte_identical(archive, references, tmp_path, layout, moment):
    ref, seconds = references[layout]
    out = tmp_path / "out"
    cmd = CLI + [str(archive), "-o", str(out), *LAYOUTS[layout]]
    # the reference run's time includes a cold start (caches, a new cluster): a later run may be faster, so a
    # run that ended before its moment is started again with half the delay (up to three times)
    for attempt in range(4):
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if moment == "export":
            deadline = time.monotonic() + 300
            while proc.poll() is None and time.monotonic() < deadline:
                if any(out.glob(".*.jsonl*.part")):
                    break
                time.sleep(0.005)
        else:
            time.sleep(seconds * moment / 2 ** attempt * random.Random(f"{layout}{moment}").uniform(0.8, 1.2))
        finished_first = proc.poll() is not None
        _kill_group(proc)
        if moment == "export" or not finished_first:
            break
    res = _run([archive, "-o", out, "--resume", *LAYOUTS[layout]])
    assert res.returncode == 0, res.stderr
    assert _outputs(out) == _outputs(ref)
    assert _partials(out) == []
    if moment != "export":
        assert not finished_first, "the run ended before it could be killed"


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def test_a_worker_killed_mid_run_costs_its_input_only(archive, references, tmp_path):
    ref, _ = references["plain"]
    out = tmp_path / "out"
    proc = subprocess.Popen(CLI + [str(archive), "-o", str(out), "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / ".nlp_toolkit_cache").glob("*.json"))) >= 2:  # warm, taking inputs
            # a worker computing an input is running ("R") on two looks in a row; an idle one sleeps in recv
            busy = [c for c in _children(proc.pid) if _state(c) == "R"]
            time.sleep(0.02)
            busy = [c for c in busy if _state(c) == "R"]
            victim = busy[0] if busy else None
        time.sleep(0.02)
    assert victim is not None, "no busy worker seen"
    os.kill(victim, signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err  # one input failed
    errors = [json.loads(l) for l in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["error"].split(": ", 1)[1] for e in errors] == ["worker died (signal SIGKILL)"]
    docs = [json.loads(l)["doc_id"] for l in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 7 and errors[0]["doc_id"] not in docs
    # the failure is not cached: a resumed run does that input and ends as an uninterrupted run
    assert _run([archive, "-o", out, "--resume"]).returncode == 0
    assert _outputs(out) == _outputs(ref)


def test_a_second_run_on_the_same_folder_is_refused(archive, references, tmp_path):
    ref, _ = references["plain"]
    out = tmp_path / "out"
    first = subprocess.Popen(CLI + [str(archive), "-o", str(out)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    while not (out / ".nlp_toolkit.lock").exists() and first.poll() is None:
        time.sleep(0.01)
    second = _run([archive, "-o", out])
    assert first.wait(timeout=600) == 0
    assert second.returncode == 2
    assert second.stderr.strip().count("\n") == 0 and "in use by another run (pid" in second.stderr
    assert "Traceback" not in second.stderr
    assert _outputs(out) == _outputs(ref)  # the first run was not disturbed


def test_a_rerun_with_another_layout_leaves_no_stale_file(archive, references, tmp_path):
    ref, _ = references["plain"]
    out = tmp_path / "out"
    assert _run([archive, "-o", out, "--shard-size", "10", "--format", "jsonl,hf"]).returncode == 0
    assert len(list(out.glob("pairs-*.jsonl"))) > 2
    assert _run([archive, "-o", out, "--shard-size", "60"]).returncode == 0
    lines = [l for p in sorted(out.glob("pairs*.jsonl*")) for l in p.read_text(encoding="utf-8").splitlines()]
    assert lines == (ref / "pairs.jsonl").read_text(encoding="utf-8").splitlines()  # no record twice
    assert not (out / "hf").exists()
    assert _run([archive, "-o", out]).returncode == 0
    assert _outputs(out) == _outputs(ref)


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({res.stderr.decode().strip() or 'mount failed'})")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_one_line_and_a_rerun_completes(archive, references, small_disk):
    ref, _ = references["plain"]
    out = small_disk / "out"
    res = _run([archive, "-o", out])
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "Traceback" not in res.stderr
    assert _partials(out) == []
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert _run([archive, "-o", out, "--resume"]).returncode == 0
    assert _outputs(out) == _outputs(ref)


def test_an_article_comes_out_the_same_whatever_is_processed_beside_it(archive, tmp_path):
    """The same article alone, after other articles in the same worker, among others in two workers and on
    Dask: its records are the same bytes."""
    target = sorted(archive.glob("*.txt"))[5]

    def records(out: Path) -> list[str]:
        """The target's records as written, less the input path (each run reads the article from its own
        folder)."""
        keep = []
        for name in ("documents.jsonl", "pairs.jsonl"):
            for line in (out / name).read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                if rec["doc_id"] == target.stem:
                    keep.append(line.replace(json.dumps(rec.get("source", ""))[1:-1], "<source>"))
        return keep

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(target, alone)
    runs = {"alone": [alone]}
    after = tmp_path / "after"  # names sort first, so one worker processes them before the target
    after.mkdir()
    for k, p in enumerate(sorted(archive.glob("*.txt"))[:5]):
        shutil.copy(p, after / f"0{k}_{p.name}")
    shutil.copy(target, after)
    runs["after-others"] = [after]
    runs["two-workers"] = [archive, "--workers", "2"]
    pytest.importorskip("distributed")
    runs["dask"] = [archive, "--engine", "dask", "--workers", "2"]
    got = {}
    for name, args in runs.items():
        out = tmp_path / f"out-{name}"
        res = _run([*args, "-o", out])
        assert res.returncode == 0, res.stderr
        got[name] = records(out)
    assert got["alone"] and all(v == got["alone"] for v in got.values())


def test_dask_with_a_time_limit_records_timeouts(archive, tmp_path):
    """``--engine dask --timeout`` used to crash every run (signals only work in a main thread): Dask tasks run in
    worker threads, where the pipeline's own deadline checks stop an input."""
    pytest.importorskip("distributed")
    from nlp_toolkit.batch import process_inputs
    from nlp_toolkit.settings import BatchOptions

    files = sorted(str(p) for p in archive.glob("*.txt"))[:2]
    report = process_inputs(files, tmp_path / "out", options=BatchOptions(engine="dask", workers=1, timeout=0.001))
    assert report.documents == 0
    assert [e["error"].split(": ", 1)[1] for e in report.errors] == ["timeout: not done after 0.001 s"] * 2


def test_with_no_dask_worker_left_the_run_stops_with_a_clear_error(archive, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from nlp_toolkit import batch
    from nlp_toolkit.settings import BatchOptions

    monkeypatch.setattr(batch, "DASK_NO_WORKER_SECONDS", 2.0)
    with LocalCluster(n_workers=0, dashboard_address=None) as cluster:  # a scheduler whose workers are all gone
        start = time.monotonic()
        with pytest.raises(RuntimeError, match=r"no Dask worker left after 2 s \(1 inputs not done\); rerun with "
                                               r"--resume"):
            batch.process_inputs([str(sorted(archive.glob("*.txt"))[0])], tmp_path / "out",
                                 options=BatchOptions(engine="dask", scheduler=cluster.scheduler_address))
        assert time.monotonic() - start < 30
    assert _partials(tmp_path / "out") == []


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_stop_cleanly_with_one_line(archive, references, tmp_path, sig, code):
    ref, _ = references["plain"]
    out = tmp_path / "out"
    proc = subprocess.Popen(CLI + [str(archive), "-o", str(out), "--workers", "2"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and \
            len(list((out / ".nlp_toolkit_cache").glob("*.json"))) < 2:
        time.sleep(0.02)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # as a terminal sends Ctrl-C: to the whole process group, workers included
    else:
        proc.send_signal(sig)  # as a service manager stops the main process
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("nlp-toolkit process: interrupted: ") and lines[0].endswith(
        " of 8 inputs done; rerun with --resume")
    assert _partials(out) == [] and not _children(proc.pid)
    assert _run([archive, "-o", out, "--resume"]).returncode == 0
    assert _outputs(out) == _outputs(ref)
