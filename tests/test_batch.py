"""Batch runs: kill and resume, bad inputs, timeouts, shards and compression, lists, the Dask engine."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp_toolkit.batch import CACHE_DIR, expand_inputs, process_inputs
from nlp_toolkit.export.base import ExportOptions
from nlp_toolkit.settings import BatchOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from make_articles import make_articles  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory, example_path):
    d = tmp_path_factory.mktemp("archive")
    make_articles(example_path, 10, d, seed=7)
    (d / "zz_binary.txt").write_bytes(bytes(range(256)) * 16)
    return d


def _outputs(out: Path) -> dict:
    """Every output file below ``out`` (the run's bookkeeping, ``.nlp_toolkit*``, aside) by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
            and not any(part.startswith(".nlp_toolkit") for part in p.relative_to(out).parts)}


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory):
    """An uninterrupted run, in this process."""
    out = tmp_path_factory.mktemp("ref")
    report = process_inputs([str(archive)], out)
    assert report.documents == 10 and len(report.errors) == 1
    return out


def test_killed_run_resumes_to_byte_identical_output(archive, reference, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nlp_toolkit.cli", "process", str(archive), "-o", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.DEVNULL)
    cache = out / CACHE_DIR
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if cache.is_dir() and len(list(cache.glob("*.json"))) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(cache.glob("*.json")))
    assert 3 <= done < 11
    # a kill leaves no output file half-written: only finished files ever carry their final names
    assert not (out / "pairs.jsonl").exists()
    subprocess.run(cmd + ["--resume"], check=False, stderr=subprocess.DEVNULL)
    assert _outputs(out) == _outputs(reference)


def test_bad_file_isolated_and_reported(reference):
    errors = [json.loads(l) for l in (reference / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == 1 and errors[0]["error"].endswith("zz_binary.txt: not a text file (binary content)")
    docs = (reference / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(d)["doc_id"] for d in docs] == [f"article_{k:04d}" for k in range(10)]


def test_timeout_is_recorded_not_cached(archive, tmp_path):
    out = tmp_path / "out"
    files = sorted(str(p) for p in archive.glob("article_000[01].txt"))
    report = process_inputs(files, out, options=BatchOptions(timeout=0.001))
    assert report.documents == 0
    assert [e["error"].split(": ", 1)[1] for e in report.errors] == ["timeout: not done after 0.001 s"] * 2
    assert not list((out / CACHE_DIR).glob("*.json"))


def test_shards_and_compression(archive, reference, tmp_path):
    out = tmp_path / "out"
    process_inputs([str(archive)], out, export=ExportOptions(shard_size=40, compression="gz"))
    shards = sorted(out.glob("pairs-*.jsonl.gz"))
    assert len(shards) > 1
    lines = [l for s in shards for l in gzip.decompress(s.read_bytes()).decode("utf-8").splitlines()]
    assert lines == (reference / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    # a document's pairs never straddle two shards
    per_shard = [{json.loads(l)["doc_id"] for l in gzip.decompress(s.read_bytes()).decode().splitlines()}
                 for s in shards]
    assert all(not (a & b) for i, a in enumerate(per_shard) for b in per_shard[i + 1:])
    zstandard = pytest.importorskip("zstandard")
    out2 = tmp_path / "zst"
    process_inputs([str(archive)], out2, export=ExportOptions(compression="zst"))
    raw = zstandard.ZstdDecompressor().stream_reader((out2 / "pairs.jsonl.zst").open("rb")).read()
    assert raw == (reference / "pairs.jsonl").read_bytes()


def test_from_list_on_stdin(archive, reference, tmp_path):
    listing = "\n".join(str(p) for p in sorted(archive.iterdir())) + "\n"
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "process", "--from-list", "-", "-o", str(out)],
                         input=listing, text=True, capture_output=True)
    assert res.returncode == 1  # the binary file failed
    assert (out / "pairs.jsonl").read_bytes() == (reference / "pairs.jsonl").read_bytes()


def test_expand_inputs_pairs_two_file_articles(tmp_path):
    for name in ("b.en.txt", "b.zh.txt", "a.txt", "c.en.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    jobs = expand_inputs([str(tmp_path)])
    assert [(j.doc_id, [Path(p).name for p in j.paths]) for j in jobs] == [
        ("a", ["a.txt"]), ("b", ["b.en.txt", "b.zh.txt"]), ("c", ["c.en.txt"])]


def test_workers_and_dask_give_the_same_output(archive, reference, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "workers"
    process_inputs([str(archive)], out, options=BatchOptions(workers=2))
    assert _outputs(out) == _outputs(reference)
    out = tmp_path / "dask"
    process_inputs([str(archive)], out, options=BatchOptions(workers=2, engine="dask"))
    assert _outputs(out) == _outputs(reference)


def test_unknown_format_fails_before_any_work(archive, tmp_path):
    with pytest.raises(ValueError, match="unknown format 'xlsx'"):
        process_inputs([str(archive)], tmp_path / "out", options=BatchOptions(formats=("jsonl", "xlsx")))
    assert not (tmp_path / "out").exists()


def test_an_edited_lexicon_is_not_served_from_the_cache(tmp_path):
    """The cache key includes the signature, whose models part hashes the files the settings name: after an edit
    of the lexicon, a resumed run recomputes the article (here in a fresh process, which loads the new lexicon)."""
    from nlp_toolkit.resources import model_file
    from nlp_toolkit.settings import DEFAULT

    units = tmp_path / "claim_units.tsv"
    units.write_text(model_file("claim_units.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cars.txt").write_text("Tesla delivered 1.8 million cars in 2023.\n\n"
                                       "特斯拉在2023年交付了180万辆汽车。\n", encoding="utf-8")
    out = tmp_path / "out"
    settings = DEFAULT.replace(claims_units=str(units))

    def en_units():
        pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
        return [c["unit"] for p in pairs for c in p["claims"] if c["lang"] == "en" and c["kind"] == "count"]

    first = process_inputs([str(tmp_path / "cars.txt")], out, settings=settings)
    assert first.skipped == 0 and en_units() == ["car"]
    again = process_inputs([str(tmp_path / "cars.txt")], out, settings=settings, options=BatchOptions(resume=True))
    assert again.skipped == 1  # nothing changed: served from the cache

    units.write_text(units.read_text(encoding="utf-8").replace("en\tnoun\tcars\tcar\n", "en\tnoun\tcars\tautomobile\n"),
                     encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "process", str(tmp_path / "cars.txt"), "-o",
                          str(out), "--resume", "--no-progress", "--set", f"claims_units={units}"],
                         capture_output=True, text=True, check=True)
    assert "resumed from cache" not in run.stderr and en_units() == ["automobile"]


def _worker_env():
    import os

    return {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def test_dask_workers_start_with_one_blas_thread_and_glibcs_own_malloc_thresholds():
    """Dask's default MALLOC_TRIM_THRESHOLD_ fixes glibc's mmap threshold, which made each task ~14% slower than
    a local worker's (scripts/bench_batch.py); the LocalCluster's workers start without it."""
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    from nlp_toolkit.batch import DASK_CONFIG

    with dask.config.set(DASK_CONFIG):
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                (env,) = client.run(_worker_env).values()
    assert env == {"MALLOC_TRIM_THRESHOLD_": None, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def test_a_separately_started_scheduler_and_two_workers_give_the_same_output(archive, reference, tmp_path):
    """`dask scheduler` and two `dask worker` processes started as a user would on a cluster, used through
    --scheduler, then stopped; the workers send their results back (they may not share the output's disk)."""
    pytest.importorskip("distributed")
    dask_cli = Path(sys.executable).with_name("dask")
    if not dask_cli.exists():
        pytest.skip(f"no dask command beside {sys.executable}")
    sched_file = tmp_path / "scheduler.json"
    env = dict(os.environ)
    procs = [subprocess.Popen([str(dask_cli), "scheduler", "--no-dashboard", "--port", "0", "--host", "127.0.0.1",
                               "--scheduler-file", str(sched_file)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole before the scheduler listens; give it a moment
        address = json.loads(sched_file.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen([str(dask_cli), "worker", address, "--nthreads", "1", "--no-dashboard",
                                           "--name", f"w{len(procs)}"], env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        out = tmp_path / "out"
        process_inputs([str(archive)], out, options=BatchOptions(engine="dask", scheduler=address))
        assert _outputs(out) == _outputs(reference)
    finally:
        for p in reversed(procs):  # the workers first, then the scheduler
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    assert all(p.poll() is not None for p in procs)
