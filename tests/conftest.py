"""Shared fixtures: paths to the example corpus and ../shared, and one pipeline per test session."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "corpora" / "tesla_vs_byd.bilingual.txt"
SEED = SHARED / "seed" / "amazon_vs_tiktok.bilingual.txt"


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"../shared is absent ({SEED} not found): seed-article tests need the shared folder")
    return SEED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED} not found)")
    return SHARED


@pytest.fixture(scope="session")
def pipeline():
    """The default pipeline, built once; its models load on first use and are shared by every test."""
    from nlp_toolkit import get_pipeline

    return get_pipeline()
