"""Debian's chromium driven by Playwright, for the tests of the review page (``test_report.py``,
``test_review_page.py``): the launch arguments, and a page opened with what it said recorded. The ``browser``
fixture (``conftest.py``) skips when chromium or playwright is absent."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
#: screenshots (git-ignored)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def open_page(browser, path: Path, **context):
    """The page at ``path`` (a new browser context: its own local storage; ``context``: options such as
    ``color_scheme``) and what it said: console errors, page errors, dialogs, requests other than the page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, **context)
    seen = {"errors": [], "requests": [], "dialogs": []}
    url = path.resolve().as_uri()
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url) if r.url.split("#")[0] != url else None)

    def dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, seen
