"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server.

The live server runs the suite's app in a thread on 127.0.0.1, sharing its database, so a test
can seed rows and check results. Screenshots of each journey (phone 375 px and desktop
1280 px) go to test-artifacts/screenshots/. Chromium is never downloaded: without
/usr/bin/chromium these tests cannot run (CI installs Debian's package).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from app import antispam
from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
# TEST_ARTIFACTS moves them (CI runs the SQLite and PostgreSQL passes side by side).
ARTIFACTS = (
    Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
    / "screenshots"
)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    if browser_items and not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER"):
        # CI installs chromium and sets REQUIRE_BROWSER: there a missing browser is a failure.
        raise pytest.UsageError("REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(
                pytest.mark.skip(reason="needs Debian's chromium: apt-get install -y chromium")
            )


@pytest.fixture(scope="session")
def _server(app) -> Iterator[str]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app, _server) -> Iterator[str]:
    """The app served over real HTTP on loopback; yields its base URL."""
    original = app.config["SITE_URL"]
    app.config["SITE_URL"] = _server  # links in email point at the live server
    yield _server
    app.config["SITE_URL"] = original


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


LOCALES = {"en": ("en-US", "en-US,en;q=0.9"), "ko": ("ko-KR", "ko-KR,ko;q=0.9")}


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., Page]]:
    """Make a page in a browser of its own (own cookies): one per person in a journey.

    `new_page("ko")` is a Korean browser (locale and Accept-Language); `javascript=False`
    turns scripts off, as some people and locked-down browsers do.
    """
    contexts = []

    def make(language: str = "en", *, javascript: bool = True, viewport=DESKTOP) -> Page:
        locale, accept = LOCALES[language]
        context = browser.new_context(
            viewport=viewport,
            locale=locale,
            extra_http_headers={"Accept-Language": accept},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page("en")


@pytest.fixture
def korean_page(new_page) -> Page:
    return new_page("ko")


@pytest.fixture(autouse=True)
def _unhurried_visitors(monkeypatch) -> None:
    """People read a page before they send its form; a browser driven by a test does not.

    The public forms refuse (silently, as for a bot) a form sent less than
    `antispam.MIN_SECONDS` after it was shown. Instead of sleeping, forms shown during a
    journey are stamped as shown a minute earlier; the honeypot and the signed stamp are
    still checked for real.
    """
    stamp = antispam.shown_at_token
    monkeypatch.setattr(
        antispam, "shown_at_token", lambda now=None: stamp(time.time() - 60 if now is None else now)
    )


def screenshot(page: Page, journey: str, name: str) -> list[Path]:
    """Save the page at phone and desktop widths; returns the files written."""
    folder = ARTIFACTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    page.evaluate("window.scrollTo(0, 0)")  # sticky menus sit where they belong
    files = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        path = folder / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        files.append(path)
    page.set_viewport_size(original)
    return files


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (the npm package's file, never fetched at run time) against the page."""
    page.evaluate(axe_source())  # evaluated by the driver: the page's CSP does not apply
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))",
        WCAG_AA,
    )


@functools.cache
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: `make install` installs it with npm"
    return AXE.read_text()
