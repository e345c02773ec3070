"""nlp_toolkit.threads: BLAS threads only for free cores."""

import os

import pytest

from nlp_toolkit.threads import auto_threads, blas_threads, free_cores


def _blas_counts():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_blas_threads_limits_inside_and_restores():
    import numpy  # noqa: F401  (loads OpenBLAS)

    before = _blas_counts()
    if not before:
        pytest.skip("numpy has no BLAS that threadpoolctl controls")
    with blas_threads(1):
        assert set(_blas_counts()) == {1}
    assert _blas_counts() == before


def test_environment_caps_auto_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what a batch worker gets
    assert auto_threads() == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    assert 1 <= auto_threads() <= (os.cpu_count() or 1)


def test_busy_machine_gets_one_thread():
    cores = os.cpu_count() or 1
    assert free_cores(f"9.0 9.0 9.0 {cores + 3}/400 1", cores=cores, own=1) == 1
    assert free_cores("0.0 0.0 0.0 1/400 1", cores=cores, own=1) == cores
    assert free_cores("garbage", cores=cores) >= 1  # unreadable: falls back to the load average
