"""Journey c: a ministry leader signs up and confirms the address; a reviewer (two-factor)
verifies them; the leader passes the eligibility check and asks for Bibles; the reviewer adds
stock, approves and ships; the leader confirms receipt, prints the recipient cards and sends
a photo; the reviewer verifies the request."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import LeaderStatus, User
from app.bible_requests.models import BibleRequest, RequestState
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_staff
from tests.bible_requests.factories import ELIGIBLE, PLAN
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.people import (
    deliver_mail,
    last_mail_to,
    link_in,
    main_form,
    send,
    sign_in,
)
from tests.factories import PASSWORD

LEADER = "pastor.kim@example.org"
JOURNEY = "c-bible-request"


def photo_of_bibles() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (120, 40, 30)).save(out, "JPEG")
    return out.getvalue()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def the_request() -> BibleRequest:
    db.session.rollback()
    return db.session.scalar(select(BibleRequest))


def fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"main [name='{name}']").fill(value)


def test_leader_asks_for_bibles_and_proves_they_were_given(live_server, new_page, mailbox):
    reviewer = make_staff(Role.REVIEWER, name="Daniel Reviewer")
    today = utcnow().date()

    # The leader applies for an account.
    leader_page = new_page("en")
    leader_page.goto(live_server + "/")
    leader_page.locator("header nav a[href='/account/login']").click()
    leader_page.locator("main a[href='/account/signup']").click()
    fill(
        leader_page,
        {
            "name": "Pastor Kim",
            "email": LEADER,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "organization": "Hope Church NK Congregation",
            "position": "Pastor of the NK congregation",
            "city": "Seoul",
            "country": "South Korea",
            "reference": "https://hope-church.example.org",
            "ministry_description": "We disciple twelve North Koreans every week.",
            "nk_count": "12",
            "ministry_since": "2019",
            "meeting_frequency": "Every Sunday",
        },
    )
    leader_page.locator("main input[name=organization_type][value=church]").check()
    leader_page.locator("main input[name=stipulations]").check()
    screenshot(leader_page, JOURNEY, "01-sign-up")
    send(main_form(leader_page))
    expect(leader_page).to_have_url(re.compile(r"/account/signup/check-email"))
    screenshot(leader_page, JOURNEY, "02-check-email")

    # ... and confirms the address from the email.
    deliver_mail()
    leader_page.goto(link_in(last_mail_to(mailbox, LEADER), "/account/confirm/"))
    screenshot(leader_page, JOURNEY, "03-confirm-email")
    send(main_form(leader_page))
    db.session.rollback()
    leader = db.session.scalar(select(User).where(User.email == LEADER))
    assert leader.leader_profile.status == LeaderStatus.PENDING_REVIEW

    # A reviewer signs in with two-factor and verifies the leader.
    staff = new_page("en")
    sign_in(staff, live_server, reviewer)
    staff.locator("nav.staff-nav a[href='/staff/leaders/']").click()
    staff.locator(f"main a[href='/staff/leaders/{leader.leader_profile.id}']").click()
    screenshot(staff, JOURNEY, "04-reviewer-reads-the-application")
    staff.locator("main textarea[name=message]").fill("Welcome, Pastor Kim.")
    send(staff.locator("main form.review-form"), "button[formaction$='/approve']")
    db.session.rollback()
    assert db.session.get(User, leader.id).leader_profile.status == LeaderStatus.VERIFIED

    # The leader signs in, answers the eligibility questions and asks for Bibles.
    sign_in(leader_page, live_server, leader)
    expect(leader_page).to_have_url(re.compile(r"/account/$"))
    screenshot(leader_page, JOURNEY, "05-leader-account")
    leader_page.goto(live_server + "/requests/eligibility")
    for question, answer in ELIGIBLE.items():
        leader_page.locator(f"main input[name={question}][value={answer}]").check()
    screenshot(leader_page, JOURNEY, "06-eligibility")
    send(main_form(leader_page))
    expect(leader_page).to_have_url(re.compile(r"/requests/new$"))
    fill(
        leader_page,
        {
            "quantity": "8",
            "handout_date": (today + timedelta(days=14)).isoformat(),
            "plan": PLAN,
            "ship_address": "12 Hope-ro, Guro-gu, Seoul",
            "ship_postal_code": "08300",
        },
    )
    for commitment in ("free_gift", "contact", "photo", "no_storing"):
        leader_page.locator(f"main input[name=commit_{commitment}]").check()
    screenshot(leader_page, JOURNEY, "07-request-form")
    send(main_form(leader_page))
    expect(leader_page).to_have_url(re.compile(r"/requests/\d+$"))
    req = the_request()
    assert req.state == RequestState.SUBMITTED and req.quantity_requested == 8
    screenshot(leader_page, JOURNEY, "08-request-sent")

    # The reviewer records a delivery of Bibles on the stock page.
    staff.locator("nav.staff-nav a[href='/staff/requests/']").click()
    staff.locator("main a[href='/staff/requests/stock']").first.click()
    staff.locator("main input[name=kind][value=received]").check()
    fill(staff, {"quantity": "200", "note": "Delivery from the printer"})
    send(main_form(staff))
    expect(staff.locator("main .stock-figures")).to_contain_text("200")
    screenshot(staff, JOURNEY, "09-stock")

    # ... approves the request and ships it.
    staff.goto(f"{live_server}/staff/requests/{req.id}")
    screenshot(staff, JOURNEY, "10-reviewer-reads-the-request")
    approve = staff.locator("main form.action-approved")
    approve.locator("textarea[name=approved-note]").fill("Thank you for your plan.")
    send(approve)
    assert the_request().state == RequestState.APPROVED
    ship = staff.locator("main form.action-shipped")
    ship.locator("input[name=shipped-carrier]").fill("CJ Logistics")
    ship.locator("input[name=shipped-tracking_number]").fill("5812-3344-0912")
    ship.locator("input[name=shipped-ship_date]").fill(today.isoformat())
    screenshot(staff, JOURNEY, "11-ship")
    send(ship)
    assert the_request().state == RequestState.SHIPPED

    # The leader is told by email, confirms receipt and prints the cards.
    deliver_mail()
    shipped_mail = last_mail_to(mailbox, LEADER)
    leader_page.goto(link_in(shipped_mail, f"/requests/{req.id}"))
    expect(leader_page.locator("main")).to_contain_text("5812-3344-0912")
    screenshot(leader_page, JOURNEY, "12-shipped")
    send(leader_page.locator(f"main form[action='/requests/{req.id}/received']"))
    assert the_request().state == RequestState.RECEIVED
    leader_page.locator(f"main a[href='/requests/{req.id}/cards']").first.click()
    cards = leader_page.locator("main .recipient-card")
    expect(cards).to_have_count(8)
    screenshot(leader_page, JOURNEY, "13-recipient-cards")
    # Printed: only the cards, eight to an A4 sheet.
    leader_page.emulate_media(media="print")
    expect(leader_page.locator("header.site-header")).to_be_hidden()
    expect(leader_page.locator("main form")).to_be_hidden()
    pdf = leader_page.pdf(
        path=str(ARTIFACTS / JOURNEY / "13-recipient-cards-print.pdf"), prefer_css_page_size=True
    )
    assert pdf_pages(pdf) == 1
    leader_page.emulate_media(media="screen")

    # ... and sends a photo of the Bibles being given out.
    leader_page.goto(f"{live_server}/requests/{req.id}")
    leader_page.locator(f"main a[href='/requests/{req.id}/verification']").first.click()
    leader_page.locator("main input[name=photos]").set_input_files(
        {"name": "bibles.jpg", "mimeType": "image/jpeg", "buffer": photo_of_bibles()}
    )
    fill(
        leader_page,
        {"bibles_given": "8", "given_from": today.isoformat(), "given_until": today.isoformat()},
    )
    screenshot(leader_page, JOURNEY, "14-proof-form")
    send(main_form(leader_page))
    expect(leader_page).to_have_url(re.compile(rf"/requests/{req.id}$"))
    expect(leader_page.locator("main .photo-grid img")).to_have_count(1)
    assert the_request().state == RequestState.VERIFICATION_SUBMITTED
    screenshot(leader_page, JOURNEY, "15-proof-sent")

    # The reviewer looks at the photo and verifies the request.
    staff.goto(f"{live_server}/staff/requests/{req.id}")
    photo = staff.locator("main .photo-grid img").first
    photo.scroll_into_view_if_needed()  # the photos load lazily
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    verify = staff.locator("main form.action-verified")
    verify.locator("textarea[name=verified-note]").fill("Thank you!")
    screenshot(staff, JOURNEY, "16-reviewer-checks-the-proof")
    send(verify)
    req = the_request()
    assert req.state == RequestState.VERIFIED and req.bibles_given == 8
    screenshot(staff, JOURNEY, "17-verified")
    leader_page.reload()
    screenshot(leader_page, JOURNEY, "18-leader-sees-verified")
