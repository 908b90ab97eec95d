"""Password reset, password change and email change: links from SITE_URL, single use,
time-limited, the same answer for every address, other sessions ended."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.accounts.models import LoginSession
from app.accounts.passwords import password_problem, verify_password
from app.database import utcnow
from app.extensions import db
from tests.accounts.helpers import link_in, location, outbox, reload, session_cookie, sign_in
from tests.factories import PASSWORD, make_leader
from tests.helpers import login, submit, text_of

NEW = "a brand new passphrase 7"
TOKEN_RE = re.compile(r'value="[^"]{40,}"')


def _reset_link(client, email: str) -> str:
    submit(client, "/account/reset", {"email": email})
    return link_in(outbox("password_reset", to=email)[-1], "/account/reset/")


def test_the_reset_answer_is_the_same_for_known_and_unknown_addresses(app):
    make_leader(email="known@example.org")
    pages = []
    for email in ("known@example.org", "nobody@example.org"):
        response = submit(app.test_client(), "/account/reset", {"email": email})
        body = TOKEN_RE.sub("TOKEN", response.get_data(as_text=True).replace(email, "EMAIL"))
        pages.append((response.status_code, body))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200 and "If EMAIL belongs to an account" in pages[0][1]
    [message] = outbox("password_reset")
    assert message.to_address == "known@example.org"


def test_a_reset_link_is_built_from_site_url_not_the_host_header(app):
    make_leader(email="known@example.org")
    client = app.test_client()
    token = client.get("/account/reset", headers={"Host": "evil.example"})
    assert token.status_code == 200
    from tests.helpers import CSRF_RE

    csrf = CSRF_RE.search(token.get_data(as_text=True))
    client.post(
        "/account/reset",
        data={"email": "known@example.org", "csrf_token": csrf.group(1) or csrf.group(2)},
        headers={"Host": "evil.example"},
    )
    [message] = outbox("password_reset")
    assert "evil.example" not in message.body_text + message.body_html
    assert "http://localhost/account/reset/" in message.body_text


def test_a_reset_link_works_once_and_ends_every_session(client, app):
    leader = make_leader()
    elsewhere = app.test_client()
    sign_in(elsewhere, leader.email)
    assert elsewhere.get("/account/").status_code == 200
    link = _reset_link(client, leader.email)
    assert client.get(link).status_code == 200
    response = submit(client, link, {"password": NEW, "password_again": NEW})
    assert location(response) == "/account/login"
    assert verify_password(reload(leader).password_hash, NEW)
    assert location(elsewhere.get("/account/")).startswith("/account/login")
    assert db.session.scalar(select(LoginSession)) is None
    assert outbox("password_changed")[0].to_address == leader.email
    # Used once: the link no longer opens.
    again = client.get(link)
    assert again.status_code == 400 and "already used" in text_of(again)
    assert location(sign_in(client, leader.email, NEW)) == "/account/"


def test_a_newer_reset_link_does_not_revive_after_a_reset(client):
    leader = make_leader()
    first = _reset_link(client, leader.email)
    second = _reset_link(client, leader.email)
    submit(client, second, {"password": NEW, "password_again": NEW})
    assert client.get(first).status_code == 400  # bound to the old password hash


def test_a_reset_link_expires_after_an_hour(client):
    leader = make_leader()
    with time_machine.travel(utcnow(), tick=False) as clock:
        link = _reset_link(client, leader.email)
        clock.shift(timedelta(minutes=59))
        assert client.get(link).status_code == 200
        clock.shift(timedelta(minutes=2))
        expired = client.get(link)
        assert expired.status_code == 400 and "too old" in text_of(expired)
        token = client.get("/account/login")  # a fresh CSRF token
        assert token.status_code == 200
    assert verify_password(reload(leader).password_hash, PASSWORD)


def test_the_new_password_must_meet_the_rules(client):
    leader = make_leader(email="grace@example.org")
    link = _reset_link(client, leader.email)
    for password, message in [
        ("short", "at least 12 characters"),
        ("x" * 257, "at most 256 characters"),
        ("1Q2W3E4R5T6Y", "most common passwords"),
        ("grace@example.org", "cannot be your email address"),
    ]:
        response = submit(client, link, {"password": password, "password_again": password})
        assert response.status_code == 200 and message in text_of(response), password
    mismatch = submit(client, link, {"password": NEW, "password_again": NEW + "x"})
    assert "The passwords differ." in text_of(mismatch)
    assert verify_password(reload(leader).password_hash, PASSWORD)


@pytest.mark.parametrize("length", [12, 64, 128, 256])
def test_long_passwords_are_welcome(length):
    assert password_problem("w" + "q" * (length - 1)) is None


def test_changing_the_password_asks_for_the_current_one_and_renews_sessions(client, app):
    leader = make_leader()
    sign_in(client, leader.email)
    copied = session_cookie(client)
    other = app.test_client()
    sign_in(other, leader.email)

    wrong = submit(
        client,
        "/account/settings/password",
        {"current_password": "not my password", "password": NEW, "password_again": NEW},
    )
    assert "Your current password is not right." in text_of(wrong)
    assert verify_password(reload(leader).password_hash, PASSWORD)

    done = submit(
        client,
        "/account/settings/password",
        {"current_password": PASSWORD, "password": NEW, "password_again": NEW},
    )
    assert location(done) == "/account/settings"
    assert client.get("/account/").status_code == 200  # this browser stays signed in...
    assert session_cookie(client) != copied  # ...with a renewed session
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert location(thief.get("/account/")).startswith("/account/login")
    assert location(other.get("/account/")).startswith("/account/login")
    assert len(db.session.scalars(select(LoginSession)).all()) == 1
    assert outbox("password_changed")


def test_changing_the_email_needs_the_password_and_a_link_to_the_new_address(client, app):
    leader = make_leader(email="old@example.org")
    sign_in(client, leader.email)
    other = app.test_client()
    sign_in(other, leader.email)
    wrong = submit(
        client,
        "/account/settings/email",
        {"new_email": "new@example.org", "current_password": "wrong password!"},
    )
    assert "Your current password is not right." in text_of(wrong)
    assert outbox("email_change") == []

    sent = submit(
        client,
        "/account/settings/email",
        {"new_email": "New@Example.org", "current_password": PASSWORD},
    )
    assert "We sent a link to New@Example.org" in text_of(sent)
    [message] = outbox("email_change")
    assert message.to_address == "new@example.org"
    link = link_in(message, "/account/email/confirm/")
    assert reload(leader).email == "old@example.org"  # not before the link is followed

    response = submit(client, link)
    assert location(response) == "/account/settings"
    assert reload(leader).email == "new@example.org"
    assert client.get("/account/").status_code == 200
    assert location(other.get("/account/")).startswith("/account/login")
    [notice] = outbox("email_changed")
    assert notice.to_address == "old@example.org"
    assert client.get(link).status_code == 400  # single use


def test_an_email_change_link_expires_and_is_bound_to_its_address(client):
    leader = make_leader(email="old@example.org")
    login(client, leader)
    with time_machine.travel(utcnow(), tick=False) as clock:
        submit(
            client,
            "/account/settings/email",
            {"new_email": "new@example.org", "current_password": PASSWORD},
        )
        link = link_in(outbox("email_change")[0], "/account/email/confirm/")
        tampered = link.replace(link.split("/")[-1][:10], "eyJ1IjoxfQ")
        assert client.get(tampered).status_code == 400
        clock.shift(timedelta(hours=24, minutes=1))
        assert client.get(link).status_code == 400
    assert reload(leader).email == "old@example.org"


def test_moving_to_an_address_that_has_an_account_answers_alike(client):
    make_leader(email="taken@example.org")
    leader = make_leader(email="mine@example.org")
    login(client, leader)
    response = submit(
        client,
        "/account/settings/email",
        {"new_email": "taken@example.org", "current_password": PASSWORD},
    )
    assert "We sent a link to taken@example.org" in text_of(response)
    assert outbox("email_change") == []
    [notice] = outbox("email_in_use")
    assert notice.to_address == "taken@example.org"
    assert reload(leader).email == "mine@example.org"


def test_signing_out_everywhere_else(client, app):
    leader = make_leader()
    sign_in(client, leader.email)
    other = app.test_client()
    sign_in(other, leader.email)
    page = client.get("/account/settings")
    assert "This browser" in text_of(page)
    response = submit(client, "/account/settings/sessions/end-others", form_url="/account/settings")
    assert location(response) == "/account/settings"
    assert client.get("/account/").status_code == 200
    assert location(other.get("/account/")).startswith("/account/login")


def test_name_and_language_settings(client):
    leader = make_leader()
    login(client, leader)
    response = submit(client, "/account/settings", {"name": "Grace\r\nKim", "locale": "ko"})
    assert location(response) == "/account/settings"
    user = reload(leader)
    assert (user.name, user.locale) == ("Grace Kim", "ko")


def test_a_followed_reset_or_email_change_link_also_confirms_an_unconfirmed_leader(client):
    from app.accounts.models import LeaderStatus
    from tests.accounts.factories import make_leader_in

    by_reset = make_leader_in(LeaderStatus.UNCONFIRMED)
    link = _reset_link(client, by_reset.email)
    submit(client, link, {"password": NEW, "password_again": NEW})
    by_reset = reload(by_reset)
    assert by_reset.email_confirmed_at is not None
    assert by_reset.leader_profile.status == LeaderStatus.PENDING_REVIEW

    by_new_address = make_leader_in(LeaderStatus.UNCONFIRMED, email="typo@example.con")
    login(client, by_new_address)
    submit(
        client,
        "/account/settings/email",
        {"new_email": "right@example.com", "current_password": PASSWORD},
    )
    submit(client, link_in(outbox("email_change")[0], "/account/email/confirm/"))
    assert reload(by_new_address).leader_profile.status == LeaderStatus.PENDING_REVIEW
    # Asking for the confirmation link again now says there is nothing to confirm.
    submit(client, "/account/confirm/resend", form_url="/account/")
    assert "already confirmed" in text_of(client.get("/account/"))
    assert outbox("confirm_email") == []
