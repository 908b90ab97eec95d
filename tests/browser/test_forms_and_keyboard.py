"""Forms and the keyboard: error summaries that are focused, announced and lead to the fields;
a skip link; a visible focus ring; a tab order that reaches each page's main action; and
things done with the keyboard alone. (Every field's label is checked on every page by the
accessibility scan.)"""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import User
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_staff
from tests.browser.people import main_form, send, sign_in_directly
from tests.factories import PASSWORD, make_leader, make_prayer, make_story

FOCUSED = "() => document.activeElement"
FOCUS_RING = (
    "() => { const el = document.activeElement, style = getComputedStyle(el);"
    " return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),"
    " text: (el.innerText || el.value || '').trim().slice(0, 40),"
    " outline: style.outlineStyle, width: parseFloat(style.outlineWidth),"
    " color: style.outlineColor}; }"
)


def check_error_summary(page: Page, fields: set[str]) -> None:
    """The summary is there, announced, focused, and each of its links leads to a field."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    links = summary.locator("a[href^='#']")
    targets = {link.get_attribute("href")[1:] for link in links.all()}
    # A group of choices is reached through its first choice (id "<field>-0").
    assert fields <= {re.sub(r"-0$", "", target) for target in targets}, (fields, targets)
    for target in targets:
        field = page.locator(f"[id='{target}']")
        expect(field).to_have_count(1)
        expect(field).to_have_attribute("aria-invalid", "true")
        # The field's own message is tied to it (for a group, to its fieldset).
        if target.endswith("-0"):
            field = field.locator("xpath=ancestor::fieldset[1]")
        described = field.get_attribute("aria-describedby")
        assert f"{re.sub(r'-0$', '', target)}-error" in (described or "").split(), target
    # Following a link puts the keyboard in the field.
    first = links.first
    target = first.get_attribute("href")[1:]
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == target


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_comment_with_problems_gets_a_focused_error_summary(live_server, new_page, language):
    story = make_story()
    page = new_page(language)
    page.goto(f"{live_server}/stories/{story.slug}")
    form = page.locator("#respond form")
    form.locator("input[name=email]").fill("not an address")
    send(form)
    check_error_summary(page, {"name", "email", "body"})
    # Nothing typed is lost.
    expect(page.locator("#respond input[name=email]")).to_have_value("not an address")


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/account/login", {"email", "password"}),
        ("/account/signup", {"name", "email", "password", "organization", "stipulations"}),
        ("/subscribe", {"subscribe-email"}),
        ("/nk-bible/", {"name", "country", "postal_address", "reason"}),
    ],
)
def test_public_forms_sent_empty_get_a_focused_error_summary(live_server, page, path, fields):
    page.goto(live_server + path)
    send(main_form(page))
    check_error_summary(page, fields)


def test_leader_and_staff_forms_get_a_focused_error_summary(live_server, new_page):
    leader_page = new_page("en")
    sign_in_directly(leader_page.context, live_server, make_leader())
    leader_page.goto(live_server + "/requests/eligibility")
    send(main_form(leader_page))
    check_error_summary(leader_page, {"role", "ministry", "work", "purpose", "timing"})

    staff_page = new_page("en")
    sign_in_directly(staff_page.context, live_server, make_staff(Role.EDITOR))
    staff_page.goto(live_server + "/staff/content/stories/new")
    send(main_form(staff_page, "form.content-form"), "button[value=publish]")
    check_error_summary(staff_page, {"title_en"})


def test_the_skip_link_moves_focus_to_the_main_content(live_server, page):
    make_story()
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    assert skip.evaluate("el => el.getBoundingClientRect().left >= 0")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes to the first link inside main, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def tab_through(page: Page, stop, limit: int = 80) -> list[dict]:
    """Press Tab until `stop(focused)` is true; every element on the way shows a focus ring."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        seen.append(focused)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if stop(focused):
            return seen
    raise AssertionError(f"never reached the main action; went through {seen}")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_keyboard_reaches_i_prayed_and_presses_it(live_server, new_page, language):
    prayer = make_prayer()
    page = new_page(language)
    page.goto(f"{live_server}/prayer/{prayer.slug}")
    tab_through(
        page,
        lambda el: (
            el["tag"] == "button"
            and page.evaluate(
                f"() => document.activeElement.closest('#prayer-{prayer.id}') !== null"
            )
        ),
    )
    page.keyboard.press("Enter")
    expect(page.locator(f"#prayed-count-{prayer.id}")).to_have_text(re.compile("1"))


def test_a_comment_written_with_the_keyboard_alone(live_server, page):
    story = make_story()
    page.goto(f"{live_server}/stories/{story.slug}")
    order = tab_through(page, lambda el: el["name"] == "name")
    assert any(el["tag"] == "a" and el["text"] for el in order)  # header links came first
    page.keyboard.type("Hannah")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_RING)["name"] == "email"
    page.keyboard.type("hannah@example.org")
    tab_through(page, lambda el: el["name"] == "body", limit=3)
    page.keyboard.type("Praying with you.")
    tab_through(page, lambda el: el["tag"] == "button", limit=6)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".comment-body.awaiting")).to_contain_text("Praying with you.")


def test_staff_sign_in_with_the_keyboard_alone(live_server, page):
    moderator = make_staff(Role.MODERATOR)
    page.goto(live_server + "/account/login")
    tab_through(page, lambda el: el["name"] == "email")
    page.keyboard.type(moderator.email)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_RING)["name"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/account/two-factor"))
    # The code field has the focus already.
    assert page.evaluate(FOCUS_RING)["name"] == "code"
    page.keyboard.type(pyotp.TOTP(db.session.get(User, moderator.id).totp_secret).now())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/staff/$"))
    # In the staff area the navigation and the page's actions are reachable too.
    tab_through(
        page,
        lambda el: (
            el["tag"] == "a"
            and "/staff/comments/"
            in (page.evaluate("() => document.activeElement.getAttribute('href')") or "")
        ),
    )


def test_focus_ring_is_visible_on_links_buttons_and_fields(live_server, page):
    """Spot check of computed styles: a 3 px outline in the focus colour, not the default."""
    make_story()
    page.goto(live_server + "/")
    seen = tab_through(page, lambda el: el["tag"] == "input", limit=120)
    kinds = {el["tag"] for el in seen}
    assert {"a", "input"} <= kinds
    colours = {el["color"] for el in seen if "site-header" not in el.get("id", "")}
    assert "rgb(199, 91, 18)" in colours  # --focus on the page's own links and fields
