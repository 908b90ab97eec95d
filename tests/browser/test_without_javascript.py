"""The core journeys with JavaScript turned off: comment (and reply), subscribe, "I prayed", a
leader's Bible request, and staff approving a comment and a request. JavaScript only
improves the pages (the reply form moves without a reload, the cards get a Print button)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.bible_requests.models import RequestState
from app.comments.models import CommentStatus
from app.database import utcnow
from app.security import Role
from app.subscriptions.models import SubscriberStatus
from tests.accounts.factories import make_staff
from tests.bible_requests.factories import ELIGIBLE, PLAN, add_stock, make_request
from tests.browser.people import (
    deliver_mail,
    fresh,
    last_mail_to,
    link_in,
    main_form,
    send,
    sign_in,
    sign_in_directly,
)
from tests.browser.test_subscribe_journey import subscriber
from tests.comments.factories import last_comment, make_comment
from tests.factories import make_leader, make_prayer, make_story


def test_javascript_really_is_off(live_server, new_page):
    page = new_page("en", javascript=False)
    page.goto(live_server + "/")
    assert page.evaluate("() => 1 + 1") == 2  # the test driver still can; the page cannot
    page.set_content(
        "<p id=x>before</p><script>document.getElementById('x').textContent='after'</script>"
    )
    expect(page.locator("#x")).to_have_text("before")


def test_comment_and_reply_without_javascript(live_server, new_page):
    story = make_story()
    earlier = make_comment(story, name="Sarah", body="Praying for Mr. P.")
    page = new_page("en", javascript=False)
    page.goto(f"{live_server}/stories/{story.slug}")

    # "Reply" is a link: the server shows the form under Sarah's comment.
    page.locator(f"#comment-{earlier.id} .comment-reply-link a").click()
    expect(page).to_have_url(re.compile(rf"replytocom={earlier.id}"))
    form = page.locator("#respond form")
    assert form.locator("input[name=parent_id]").input_value() == str(earlier.id)
    form.locator("input[name=name]").fill("Hannah")
    form.locator("input[name=email]").fill("hannah@example.org")
    form.locator("textarea[name=body]").fill("Amen, Sarah.")
    send(form)
    reply = last_comment()
    assert reply.parent_id == earlier.id and reply.status == CommentStatus.PENDING
    expect(page.locator(f"#comment-{reply.id} .awaiting")).to_contain_text("Amen, Sarah.")


def test_subscribe_and_confirm_without_javascript(live_server, new_page, mailbox):
    page = new_page("en", javascript=False)
    page.goto(live_server + "/")
    form = main_form(page, "form.subscribe-form")
    form.locator("input[name=subscribe-email]").fill("miriam@example.org")
    send(form)
    expect(page).to_have_url(re.compile("/subscribe/check-email"))
    deliver_mail()
    page.goto(link_in(last_mail_to(mailbox, "miriam@example.org"), "/subscribe/confirm/"))
    send(main_form(page))
    assert subscriber().status == SubscriberStatus.CONFIRMED


def test_i_prayed_without_javascript(live_server, new_page):
    prayer = make_prayer()
    page = new_page("ko", javascript=False)
    page.goto(live_server + "/prayer/")
    send(page.locator(f"#prayer-{prayer.id} form.prayed"))
    expect(page.locator(f"#prayed-count-{prayer.id}")).to_have_text(re.compile("1"))
    assert fresh(prayer).prayed_count == 1


def test_a_leader_asks_for_bibles_without_javascript(live_server, new_page):
    leader = make_leader()
    page = new_page("en", javascript=False)
    sign_in(page, live_server, leader)
    page.goto(live_server + "/requests/eligibility")
    for question, answer in ELIGIBLE.items():
        page.locator(f"main input[name={question}][value={answer}]").check()
    send(main_form(page))
    expect(page).to_have_url(re.compile("/requests/new$"))
    page.locator("main [name=quantity]").fill("6")
    page.locator("main [name=handout_date]").fill(
        (utcnow().date() + timedelta(days=14)).isoformat()
    )
    page.locator("main [name=plan]").fill(PLAN)
    page.locator("main [name=ship_address]").fill("12 Hope-ro, Seoul")
    page.locator("main [name=ship_postal_code]").fill("08300")
    for commitment in ("free_gift", "contact", "photo", "no_storing"):
        page.locator(f"main input[name=commit_{commitment}]").check()
    send(main_form(page))
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    expect(page.locator("main h1 .request-state")).to_be_visible()


def test_staff_approve_a_comment_and_a_request_without_javascript(live_server, new_page):
    story = make_story()
    held = make_comment(story, status=CommentStatus.PENDING, body="Held for a moderator.")
    req = make_request(stock=0)
    add_stock(50)
    staff_member = make_staff(Role.MODERATOR, Role.REVIEWER)
    page = new_page("en", javascript=False)
    sign_in(page, live_server, staff_member)

    page.goto(live_server + "/staff/comments/")
    send(page.locator("main form.comment-queue"), f"button[value='approve:{held.id}']")
    assert fresh(held).status == CommentStatus.APPROVED

    page.goto(f"{live_server}/staff/requests/{req.id}")
    send(page.locator("main form.action-approved"))
    assert fresh(req).state == RequestState.APPROVED


def test_javascript_only_improves(live_server, new_page):
    story = make_story()
    earlier = make_comment(story, name="Sarah")
    received = make_request(RequestState.RECEIVED)

    # With scripts, "Reply" moves the form under the comment without loading a page.
    page = new_page("en")
    page.goto(f"{live_server}/stories/{story.slug}")
    url = page.url
    page.locator(f"#comment-{earlier.id} .comment-reply-link a").click()
    expect(page.locator(f"#comment-{earlier.id} #respond")).to_be_visible()
    assert page.url == url
    assert page.locator("#respond input[name=parent_id]").input_value() == str(earlier.id)
    expect(page.locator("#respond textarea[name=body]")).to_be_focused()

    # The recipient cards get a Print button; without scripts the browser's menu prints.
    with_js = new_page("en")
    sign_in_directly(with_js.context, live_server, received.leader)
    with_js.goto(f"{live_server}/requests/{received.id}/cards")
    expect(with_js.locator("button[data-print]")).to_be_visible()
    without_js = new_page("en", javascript=False)
    sign_in_directly(without_js.context, live_server, received.leader)
    without_js.goto(f"{live_server}/requests/{received.id}/cards")
    expect(without_js.locator("button[data-print]")).to_be_hidden()
    expect(without_js.locator(".recipient-card")).to_have_count(received.quantity)
