"""Shared fixtures: paths to the example corpus and ../shared, one pipeline and one browser per test session."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import ARGS, CHROMIUM  # noqa: E402

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


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium under Playwright (``tests/browser.py``), started once; skips when either is absent."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium): the review page's browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


#: changes to the bundled example that give the review page something to lead to: a figure that differs
#: (6.98万 for 69,800: claim_mismatch), a country replaced (Argentina for Brazil: entity_mismatch), a name the
#: translation drops (上海, unflagged: an unlinked name), an English paragraph without translation (1-0:
#: unaligned) and a closing pair whose Chinese leaves out a city (Geneva: entity_missing)
REVIEW_EDITS = [("6.98万元", "7.98万元"), ("匈牙利、土耳其和巴西", "匈牙利、土耳其和阿根廷"), ("本周在上海的", "本周在"),
                ("Tariffs may slow it down.",
                 "The company declined to comment on its plans for India.\n\nTariffs may slow it down.")]
REVIEW_TAIL = "\nTesla and BYD executives met for talks in Geneva on Monday.\n\n特斯拉和比亚迪的高管周一举行了会谈。\n"
#: the formats a review run exports (every translation export apply-decisions rewrites)
REVIEW_FORMATS = "jsonl,tmx,moses,hf,parquet"


def _process(source: Path, out: Path) -> Path:
    from nlp_toolkit.cli import main

    assert main(["process", str(source), "-o", str(out), "--format", REVIEW_FORMATS, "--workers", "0",
                 "--no-progress"]) == 0
    return out


@pytest.fixture(scope="session")
def review_out(tmp_path_factory, pipeline) -> Path:
    """An output directory (every format) of the bundled example with :data:`REVIEW_EDITS`: one run per session,
    read-only (copy it before changing it)."""
    root = tmp_path_factory.mktemp("review_example")
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in REVIEW_EDITS:
        assert old in text, old
        text = text.replace(old, new)
    source = root / EXAMPLE.name  # the same name, the same doc_id: a re-run on the input after it was edited
    source.write_text(text + REVIEW_TAIL, encoding="utf-8")
    return _process(source, root / "out")


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory, seed_path, pipeline) -> Path:
    """An output directory (every format) of the seed article, one run per session, read-only."""
    return _process(seed_path, tmp_path_factory.mktemp("review_seed") / "out")


@pytest.fixture(scope="session")
def example_out(tmp_path_factory, pipeline) -> Path:
    """An output directory (every format) of the bundled example as it is, one run per session, read-only."""
    return _process(EXAMPLE, tmp_path_factory.mktemp("review_plain") / "out")
