"""Journey b: a visitor subscribes, confirms from the email, receives a prayer update that a
staff editor writes and sends, and unsubscribes from the update's link."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.security import Role
from app.subscriptions.models import Subscriber, SubscriberStatus
from tests.accounts.factories import make_staff
from tests.browser.conftest import screenshot
from tests.browser.people import (
    deliver_mail,
    last_mail_to,
    link_in,
    main_form,
    send,
    sign_in,
)
from tests.factories import make_prayer

READER = "miriam@example.org"


def subscriber() -> Subscriber:
    db.session.rollback()
    return db.session.scalar(select(Subscriber).where(Subscriber.email == READER))


def test_visitor_subscribes_confirms_receives_an_update_and_unsubscribes(
    live_server, new_page, mailbox
):
    journey = "b-subscribe"
    prayer = make_prayer(
        title_en="Pray for Missionary S",
        title_ko="선교사 S를 위해 기도해 주세요",
        summary_en="Discipleship has proved harder than humanitarian aid for Missionary S.",
    )
    editor = make_staff(Role.EDITOR, name="Esther Editor")

    # A visitor subscribes from the home page, in English.
    visitor = new_page("en")
    visitor.goto(live_server + "/")
    form = main_form(visitor, "form.subscribe-form")
    form.locator("input[name=subscribe-email]").fill(READER)
    form.locator("input[name=subscribe-name]").fill("Miriam")
    form.locator("input[name=subscribe-language][value=en]").check()
    form.scroll_into_view_if_needed()
    screenshot(visitor, journey, "1-subscribe-form")
    send(form)
    expect(visitor).to_have_url(re.compile(r"/subscribe/check-email"))
    assert subscriber().status == SubscriberStatus.PENDING
    screenshot(visitor, journey, "2-check-your-email")

    # The confirmation email arrives; its link opens a page whose button confirms.
    deliver_mail()
    confirmation = last_mail_to(mailbox, READER)
    assert "List-Unsubscribe" not in confirmation  # transactional mail
    visitor.goto(link_in(confirmation, "/subscribe/confirm/"))
    assert subscriber().status == SubscriberStatus.PENDING  # opening the link is not enough
    screenshot(visitor, journey, "3-confirm-page")
    send(main_form(visitor))
    expect(visitor).to_have_url(re.compile(r"/subscription/[^/]+$"))
    assert subscriber().status == SubscriberStatus.CONFIRMED
    screenshot(visitor, journey, "4-confirmed-preferences")

    # An editor writes a prayer update, includes the prayer request, and sends it.
    staff = new_page("en")
    sign_in(staff, live_server, editor)
    staff.locator("nav.staff-nav a[href='/staff/updates/']").click()
    staff.locator("main a[href='/staff/updates/new']").first.click()
    update_form = main_form(staff)
    update_form.locator("input[name=subject_en]").fill("Prayer update: Missionary S")
    update_form.locator("textarea[name=intro_en]").fill("Thank you for **praying** with us.")
    update_form.locator("input[name=subject_ko]").fill("기도 소식: 선교사 S")
    update_form.locator("textarea[name=intro_ko]").fill("함께 **기도해** 주셔서 감사합니다.")
    update_form.locator(f"input[name=prayer_ids][value='{prayer.id}']").check()
    screenshot(staff, journey, "5-compose-update")
    send(update_form)
    expect(staff).to_have_url(re.compile(r"/staff/updates/\d+$"))
    screenshot(staff, journey, "6-update-ready-to-send")
    staff.locator("main form[action$='/send'] button[type=submit]").click()
    expect(staff.locator("main progress")).to_be_visible()
    screenshot(staff, journey, "7-update-sending")

    # The worker delivers it; the subscriber reads it, with a one-click unsubscribe link.
    deliver_mail()
    update_mail = last_mail_to(mailbox, READER)
    assert update_mail["Subject"] == "Prayer update: Missionary S"
    assert update_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = update_mail.get_body(("plain",)).get_content()
    assert "Dear Miriam," in text and "Pray for Missionary S" in text
    staff.reload()
    expect(staff.locator("main [data-count=sent]")).to_have_text("1")
    visitor.goto(link_in(update_mail, "/updates/"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Prayer update: Missionary S")
    screenshot(visitor, journey, "8-update-on-the-web")

    # The unsubscribe link in the email asks for one press, then it is done.
    visitor.goto(link_in(update_mail, "/unsubscribe/"))
    assert subscriber().status == SubscriberStatus.CONFIRMED
    screenshot(visitor, journey, "9-unsubscribe-page")
    send(main_form(visitor))
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    assert subscriber().status == SubscriberStatus.UNSUBSCRIBED
    screenshot(visitor, journey, "10-unsubscribed")
