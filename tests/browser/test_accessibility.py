"""axe-core at WCAG 2.1 AA on every public page and the main leader and staff pages, in English
and in Korean; on each page also: no horizontal scrolling on a 375 px phone, every form field
labelled, no id used twice, and the page's language declared.

Pages are scanned at phone width. Each page is opened in an English and a Korean browser and
axe runs in both at once (each page has its own renderer process), which halves the time.
Each run writes the result per page to test-artifacts/accessibility/axe-<language>.json.
With SCREENSHOT_PAGES=1 it also saves every page (phone and desktop) under
test-artifacts/screenshots/pages-<language>/, for looking the design over.
"""

from __future__ import annotations

import contextvars
import json
import os
import re

import pytest
from flask import render_template
from playwright.sync_api import Page
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    RequestEntityTooLarge,
    ServiceUnavailable,
    TooManyRequests,
)

from app.accounts import services as accounts_services
from tests.bible_requests.factories import ELIGIBLE
from tests.browser.conftest import ARTIFACTS, PHONE, WCAG_AA, axe_source, screenshot
from tests.browser.people import main_form, send, sign_in_directly
from tests.browser.site import build_site
from tests.factories import PASSWORD
from tests.staff.factories import _password_hash

LANGUAGES = ("en", "ko")
REPORTS = ARTIFACTS.parent / "accessibility"
ERRORS = {
    400: BadRequest(),
    403: Forbidden(),
    413: RequestEntityTooLarge(),
    429: TooManyRequests(),
    500: None,  # errors/500.html and 503.html stand alone (no database, no user)
    503: ServiceUnavailable(),
}
START_AXE = (
    "(tags) => { window.__axe = axe.run(document, {runOnly: {type: 'tag', values: tags},"
    " resultTypes: ['violations']}); }"
)
# Everything else measured on a page, in one round trip: its language, width at 375 px (and
# what sticks out), fields without a label, ids used twice (hidden CSRF fields share one id
# across a page's forms, and nothing refers to them).
FACTS = """async () => {
  const width = document.documentElement.scrollWidth;
  const seen = {};
  document.querySelectorAll('[id]:not([type=hidden])').forEach(el => {
    seen[el.id] = (seen[el.id] || 0) + 1;
  });
  return {
    violations: (await window.__axe).violations.map(v => ({id: v.id, impact: v.impact,
      help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})),
    lang: document.documentElement.lang,
    width,
    wide: width <= innerWidth ? [] : [...document.querySelectorAll('main *')]
      .filter(el => el.getBoundingClientRect().right > innerWidth + 1).slice(0, 5)
      .map(el => el.tagName.toLowerCase() + '.' + el.className),
    unlabelled: [...document.querySelectorAll('input, select, textarea')]
      .filter(el => !['hidden', 'submit', 'button', 'image', 'reset'].includes(el.type))
      .filter(el => !el.labels.length && !el.getAttribute('aria-label')
        && !el.getAttribute('aria-labelledby'))
      .map(el => el.name || el.id || el.outerHTML),
    duplicate_ids: Object.keys(seen).filter(id => seen[id] > 1),
  };
}"""


class Scan:
    """Open each page in both languages, run axe, measure the width; keep the results."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, dict]] = {language: {} for language in LANGUAGES}
        self.shots = os.environ.get("SCREENSHOT_PAGES") == "1"

    def visit(self, pages: dict[str, Page], url: str, label: str, status: int = 200) -> None:
        for language, page in pages.items():
            response = page.goto(url.replace("{lang}", language))
            assert response is not None and response.status == status, (label, url, status)
            # axe runs in this page's renderer while the next language's page loads.
            page.evaluate(START_AXE, WCAG_AA)
        self.collect(pages, label)

    def check(self, pages: dict[str, Page], label: str) -> None:
        """Scan pages already open (reached through a form)."""
        for page in pages.values():
            page.evaluate(START_AXE, WCAG_AA)
        self.collect(pages, label)

    def collect(self, pages: dict[str, Page], label: str) -> None:
        for language, page in pages.items():
            facts = page.evaluate(FACTS)
            self.results[language][label] = {
                "url": re.sub(r"^https?://[^/]+", "", page.url),
                "lang": facts["lang"],
                "violations": len(facts["violations"]),
                "details": facts["violations"],
                "phone_width": facts["width"],
                "too_wide": facts["wide"],
                "unlabelled_fields": facts["unlabelled"],
                "duplicate_ids": facts["duplicate_ids"],
            }
            if self.shots:
                name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
                screenshot(page, f"pages-{language}", name)

    def report(self) -> None:
        REPORTS.mkdir(parents=True, exist_ok=True)
        problems = {}
        for language, results in self.results.items():
            path = REPORTS / f"axe-{language}.json"
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
            for label, r in results.items():
                korean_first = label.startswith("defector")  # Korean first for everyone
                wrong_language = r["lang"] != language and not korean_first
                failed = r["violations"] or r["too_wide"] or r["unlabelled_fields"]
                if failed or r["duplicate_ids"] or wrong_language:
                    problems[f"{language}: {label}"] = r
        assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)


@pytest.fixture
def fast_passwords(monkeypatch):
    """The site has a dozen accounts; one argon2 hash of the factories' password serves all."""
    monkeypatch.setattr(accounts_services, "hash_password", lambda password: _password_hash())


def test_every_page_passes_axe_and_fits_a_phone(app, live_server, new_page, fast_passwords):
    site = build_site(app)
    scan = Scan()

    def browsers(user=None) -> dict[str, Page]:
        pages = {}
        for language in LANGUAGES:
            page = new_page(language, viewport=PHONE)
            page.context.add_init_script(axe_source())  # the driver's, not the page's, script
            if user is not None:
                sign_in_directly(page.context, live_server, user)
            pages[language] = page
        return pages

    visitors = browsers()
    for label, path in site.public:
        status = 200
        if label.startswith("error"):
            status = int(label.split()[-1])
        elif "bad link" in label:
            status = 400
        scan.visit(visitors, live_server + path, label, status)
    for code, error in ERRORS.items():
        for language, page in visitors.items():
            serve_error_page(app, page, live_server, language, code, error)
        scan.visit(visitors, f"{live_server}/__error/{code}", f"error {code}", code)

    # A staff member halfway through signing in: the two-factor code page.
    signing_in = browsers()
    for page in signing_in.values():
        page.goto(live_server + "/account/login")
        form = main_form(page)
        form.locator("input[name=email]").fill(site.staff.email)
        form.locator("input[name=password]").fill(PASSWORD)
        send(form)
    scan.check(signing_in, "two-factor code")

    for number, (leader, pages) in enumerate(site.leaders):
        leader_browsers = browsers(leader)
        for label, path in pages:
            scan.visit(leader_browsers, live_server + path, label)
        if number == 0:  # the request form, reached through the eligibility questions
            for page in leader_browsers.values():
                page.goto(live_server + "/requests/eligibility")
                for question, answer in ELIGIBLE.items():
                    page.locator(f"main input[name={question}][value={answer}]").check()
                send(main_form(page))
            scan.check(leader_browsers, "request form")

    staff = browsers(site.staff)
    for label, path in site.staff_pages:
        scan.visit(staff, live_server + path, "staff: " + label)

    scan.report()
    assert len(scan.results["ko"]) == len(scan.results["en"]) >= 95


def serve_error_page(app, page: Page, base: str, language: str, code: int, error) -> None:
    """Error pages a test cannot easily provoke (400, 413, 429, 500, 503...), rendered by the
    app in the page's language and served at an address of the live site."""

    def render() -> str:
        with app.test_request_context("/", headers={"Accept-Language": language}):
            if error is None:
                return render_template("errors/500.html")
            return render_template([f"errors/{code}.html", "errors/generic.html"], error=error)

    html = contextvars.Context().run(render)  # a request of its own, as in the live server
    page.route(
        f"{base}/__error/{code}",
        lambda route: route.fulfill(status=code, body=html, content_type="text/html"),
    )
