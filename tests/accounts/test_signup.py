"""A ministry leader signs up, confirms the address by link and waits for review."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from app.accounts.models import LeaderEvent, LeaderProfile, LeaderStatus, User
from app.database import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import Role
from tests.accounts.helpers import link_in, location, outbox, reload, sign_in
from tests.factories import make_leader
from tests.helpers import csrf_token, soup, submit, text_of

NEW_PASSWORD = "quiet river morning 42"

FORM = {
    "name": "Kim Grace",
    "email": "grace@hope.example.org",
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
    "organization": "Hope Church NK Congregation",
    "organization_type": "church",
    "position": "Pastor of the NK congregation",
    "country": "South Korea",
    "city": "Incheon",
    "reference": "https://hope.example.org, senior pastor Lee 010-0000-0000",
    "ministry_description": "We disciple 15 North Koreans in weekly Bible study and worship.",
    "nk_count": "15",
    "ministry_since": "2018",
    "meeting_frequency": "Every Sunday and Wednesday",
    "stipulations": "y",
    "website": "",
}


def apply(client, *, seconds: float = 30, **changes):
    """Fill in the sign-up form like a person, taking `seconds` (a minute ago, so links
    made then already work now)."""
    with time_machine.travel(utcnow() - timedelta(seconds=60), tick=False) as clock:
        token = csrf_token(client, "/account/signup")
        page = client.get("/account/signup")
        shown_at = soup(page).find("input", {"name": "shown_at"})["value"]
        clock.shift(seconds)
        data = {**FORM, "csrf_token": token, "shown_at": shown_at, **changes}
        return client.post("/account/signup", data=data)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_signup_creates_an_unconfirmed_leader_and_emails_a_link(client):
    response = apply(client)
    assert location(response) == "/account/signup/check-email"
    user = db.session.scalar(select(User).where(User.email == "grace@hope.example.org"))
    assert user.role_names == {Role.LEADER}
    profile = user.leader_profile
    assert profile.status == LeaderStatus.UNCONFIRMED
    assert profile.organization_type.value == "church"
    assert (profile.nk_count, profile.ministry_since, profile.city) == (15, "2018", "Incheon")
    assert profile.stipulations_accepted_at is not None
    assert user.email_confirmed_at is None
    [message] = outbox("confirm_email")
    assert message.to_address == "grace@hope.example.org"
    assert link_in(message, "/account/confirm/")
    assert "grace" not in client.get("/account/").get_data(as_text=True)  # not signed in


def test_signup_in_korean_sends_the_email_in_korean(client):
    client.get("/?lang=ko")
    apply(client)
    user = db.session.scalar(select(User))
    assert user.locale == "ko"
    [message] = outbox("confirm_email")
    assert message.body_text != ""  # rendered in Korean (falls back to English until translated)
    assert "/account/confirm/" in message.body_text


def test_an_address_that_has_an_account_gets_the_same_page_and_nothing_is_created(client):
    existing = make_leader(email="grace@hope.example.org")
    first = apply(client)
    assert location(first) == "/account/signup/check-email"
    assert count(User) == 1
    [message] = outbox(to="grace@hope.example.org")
    assert message.template == "accounts/signup_existing"
    assert reload(existing).password_hash == existing.password_hash  # nothing changed


def test_bad_input_is_explained_and_nothing_typed_is_lost(client):
    response = apply(
        client,
        password="password1234",
        password_again="password1234",
        organization_type="other",
        nk_count="many",
    )
    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one(".error-summary").get_text(" ")
    assert "most common passwords" in summary
    assert "what kind of organization" in summary
    assert page.find("input", {"name": "organization"})["value"] == FORM["organization"]
    assert (
        page.find("textarea", {"name": "ministry_description"}).get_text().strip()
        == (FORM["ministry_description"])
    )
    assert count(User) == 0


def test_short_password_missing_consent_and_overlong_fields_are_refused(client):
    response = apply(
        client,
        password="short",
        password_again="short",
        stipulations="",
        organization="x" * 201,
    )
    text = text_of(response)
    assert "at least 12 characters" in text
    assert "Please confirm this to continue." in text
    assert "Field cannot be longer than 200 characters." in text
    assert count(User) == 0


def test_a_bot_filling_the_honeypot_is_answered_alike_and_nothing_is_kept(client):
    response = apply(client, website="http://spam.example")
    assert location(response) == "/account/signup/check-email"
    assert count(User) == 0 and count(OutboxMessage) == 0


def test_too_fast_is_a_bot_too(client):
    response = apply(client, seconds=0)  # no time passes
    assert location(response) == "/account/signup/check-email"
    assert count(User) == 0


def _signed_up(client) -> User:
    apply(client)
    return db.session.scalar(select(User).where(User.email == FORM["email"]))


def test_the_confirmation_link_shows_a_button_and_the_post_confirms(client):
    user = _signed_up(client)
    link = link_in(outbox("confirm_email")[0], "/account/confirm/")
    page = client.get(link)
    assert page.status_code == 200
    assert reload(user).leader_profile.status == LeaderStatus.UNCONFIRMED  # GET changes nothing
    response = submit(client, link)
    assert location(response) == "/account/login"
    user = reload(user)
    assert user.email_confirmed_at is not None
    assert user.leader_profile.status == LeaderStatus.PENDING_REVIEW
    events = db.session.scalars(select(LeaderEvent).order_by(LeaderEvent.id)).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, LeaderStatus.UNCONFIRMED),
        (LeaderStatus.UNCONFIRMED, LeaderStatus.PENDING_REVIEW),
    ]
    assert outbox("leader_submitted")[0].to_address == FORM["email"]

    # Following the link again confirms nothing new and says so.
    again = submit(client, link)
    assert location(again) == "/account/login"
    assert "already confirmed" in text_of(client.get("/account/login"))
    assert len(outbox("leader_submitted")) == 1


def test_a_confirmation_link_expires_after_three_days(client):
    with time_machine.travel(utcnow(), tick=False) as clock:
        user = _signed_up(client)
        link = link_in(outbox("confirm_email")[0], "/account/confirm/")
        clock.shift(timedelta(days=3, minutes=1))
        response = client.get(link)
        assert response.status_code == 400
        assert "too old" in text_of(response)
    assert reload(user).leader_profile.status == LeaderStatus.UNCONFIRMED


def test_a_forged_or_truncated_link_is_refused(client):
    _signed_up(client)
    link = link_in(outbox("confirm_email")[0], "/account/confirm/")
    assert client.get(link[:-3]).status_code == 400
    assert client.get("/account/confirm/not-a-token").status_code == 400


def test_an_unconfirmed_leader_signs_in_and_can_ask_for_the_link_again(client):
    _signed_up(client)
    assert location(sign_in(client, FORM["email"], NEW_PASSWORD)) == "/account/"
    page = client.get("/account/")
    assert "Next step: confirm your email address." in text_of(page)
    response = submit(client, "/account/confirm/resend", form_url="/account/")
    assert location(response) == "/account/"
    messages = outbox("confirm_email")
    assert len(messages) == 2
    # The new link signs in nobody but confirms; the signed-in leader lands on the dashboard.
    assert location(submit(client, link_in(messages[1], "/account/confirm/"))) == "/account/"
    assert "reviewing your application" in text_of(client.get("/account/"))


def test_signed_in_people_are_sent_from_signup_to_their_account(client):
    from tests.helpers import login

    login(client, make_leader())
    assert location(client.get("/account/signup")) == "/account/"


def test_signup_page_is_public_and_explains_who_qualifies(client):
    page = client.get("/account/signup")
    assert page.status_code == 200
    text = text_of(page)
    assert "existing ministries that disciple North Koreans" in text
    labels = {label.get_text(" ", strip=True) for label in soup(page).find_all("label")}
    for expected in ("Church or organization", "Your leadership position", "Country", "City"):
        assert any(expected in label for label in labels), expected
    assert count(LeaderProfile) == 0
