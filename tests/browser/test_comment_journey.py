"""Journey a (and f in Korean): a visitor reads a story and comments; a moderator signs in
with two-factor and approves it from the queue; the comment appears on the story."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.comments.models import CommentStatus
from app.security import Role
from tests.accounts.factories import make_staff
from tests.browser.conftest import screenshot
from tests.browser.people import fresh, send, sign_in
from tests.comments.factories import last_comment
from tests.factories import make_story
from tests.staff.factories import make_image

STORY = {
    "en": ("Mr. P receives an NK Bible", "Thank you for telling us about Mr. P. We pray for him."),
    "ko": (
        "P 씨가 북한 성경을 받았습니다",
        "P 씨의 이야기를 들려주셔서 감사합니다. 함께 기도합니다.",
    ),
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_visitor_comments_and_a_moderator_approves_it(live_server, new_page, language):
    journey = "a-comment" if language == "en" else "f-comment-ko"
    title, words = STORY[language]
    photo = make_image(alt_en="Two hands holding out a Bible", alt_ko="성경을 건네는 두 손")
    story = make_story(
        title_en=STORY["en"][0],
        title_ko=STORY["ko"][0],
        summary_en="Mr. P was given a North Korean Bible by his pastor.",
        summary_ko="P 씨는 목사님에게서 북한 성경을 받았습니다.",
        hero_image=photo,
    )
    moderator = make_staff(Role.MODERATOR, name="Grace Moderator")

    # A visitor finds the story from the home page and reads it.
    visitor = new_page(language)
    visitor.goto(live_server + "/")
    expect(visitor.locator("html")).to_have_attribute("lang", language)
    visitor.get_by_role("link", name=title).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    screenshot(visitor, journey, "1-story")

    # ... and leaves a comment.
    form = visitor.locator("#respond form")
    form.locator("input[name=name]").fill("Hannah")
    form.locator("input[name=email]").fill("hannah@example.org")
    form.locator("textarea[name=body]").fill(words)
    screenshot(visitor, journey, "2-comment-written")
    send(form)
    comment = last_comment()
    assert comment.status == CommentStatus.PENDING
    waiting = visitor.locator(f"#comment-{comment.id} .comment-body.awaiting")
    expect(waiting).to_contain_text(words)
    expect(visitor.locator(".flashes")).to_be_visible()
    screenshot(visitor, journey, "3-awaiting-moderation")

    # Nobody else sees it yet.
    passer_by = new_page(language)
    passer_by.goto(f"{live_server}/stories/{story.slug}")
    expect(passer_by.locator(f"#comment-{comment.id}")).to_have_count(0)

    # The moderator signs in with a code from the authenticator app and opens the queue.
    moderator_page = new_page(language)
    sign_in(moderator_page, live_server, moderator)
    expect(moderator_page).to_have_url(re.compile(r"/staff/$"))
    screenshot(moderator_page, journey, "4-staff-dashboard")
    moderator_page.locator("nav.staff-nav a[href='/staff/comments/']").click()
    row = moderator_page.locator(f"#queue-{comment.id}")
    expect(row).to_contain_text(words)
    screenshot(moderator_page, journey, "5-moderation-queue")
    row.locator(f"button[name=row][value='approve:{comment.id}']").click()
    expect(moderator_page.locator(f"#queue-{comment.id}")).to_have_count(0)
    assert fresh(comment).status == CommentStatus.APPROVED
    screenshot(moderator_page, journey, "6-approved")

    # Now everyone reads it under the story, without the commenter's email address.
    passer_by.reload()
    published = passer_by.locator(f"#comment-{comment.id}")
    expect(published).to_contain_text(words)
    expect(published).to_contain_text("Hannah")
    expect(published.locator(".awaiting")).to_have_count(0)
    assert "hannah@example.org" not in passer_by.content()
    published.scroll_into_view_if_needed()
    screenshot(passer_by, journey, "7-comment-published")
