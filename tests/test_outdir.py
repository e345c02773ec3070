"""The output folder: one run at a time, no temporary or stale file left behind."""

import subprocess
import sys
import textwrap

import pytest

from nlp_toolkit.outdir import LOCK_NAME, OutputBusy, OutputLock, remove_partials, remove_stale


def test_a_second_process_is_refused_while_the_first_holds_the_folder(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from nlp_toolkit.outdir import OutputLock
        with OutputLock({str(tmp_path)!r}):
            print("locked", flush=True)
            time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputBusy, match=rf"in use by another run \(pid {holder.pid}\)"):
            with OutputLock(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
    # the holder died without cleaning up: its lock file is still there, and is taken over
    assert (tmp_path / LOCK_NAME).read_text().strip() == str(holder.pid)
    with OutputLock(tmp_path):
        pass


def test_partials_are_removed_everywhere_below_the_folder_and_nothing_else(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in (".pairs.jsonl.abc123.part", "sub/.shard-0.parquet.x.part", "pairs.jsonl", "part.txt"):
        (tmp_path / name).write_text("x")
    assert remove_partials(tmp_path) == 2
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == \
        ["pairs.jsonl", "part.txt"]


def test_files_of_the_previous_manifest_go_when_this_run_does_not_write_them(tmp_path):
    first = [tmp_path / "pairs-00000.jsonl.zst", tmp_path / "pairs-00001.jsonl.zst", tmp_path / "hf" / "data" / "shard-1.parquet"]
    for p in first:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    assert remove_stale(tmp_path, first) == []
    second = [tmp_path / "pairs-00000.jsonl.zst"]
    assert remove_stale(tmp_path, second) == ["hf/data/shard-1.parquet", "pairs-00001.jsonl.zst"]
    assert not (tmp_path / "hf").exists()  # emptied folders go too
