"""Signing in and out: one answer for every failure, renewed sessions, copied cookies,
remember-me, secure cookies, the staff idle timeout, argon2id rehashing."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from argon2 import PasswordHasher
from sqlalchemy import select

from app import create_app
from app.accounts import passwords
from app.accounts.models import LeaderStatus, LoginSession
from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_leader_in, make_staff
from tests.accounts.helpers import location, reload, session_cookie, sign_in, staff_sign_in
from tests.factories import PASSWORD, make_leader, make_user
from tests.helpers import login, submit, text_of

TOKEN_RE = re.compile(r'value="[^"]{40,}"')


def _normalized(response, email: str) -> str:
    """The page with what legitimately differs (the typed email, the CSRF token) blanked."""
    body = response.get_data(as_text=True).replace(email, "EMAIL")
    return TOKEN_RE.sub('value="TOKEN"', body)


def test_a_leader_signs_in_and_reaches_the_dashboard(client):
    leader = make_leader()
    response = sign_in(client, leader.email.upper())
    assert response.status_code == 302
    assert location(response) == "/account/"
    page = client.get("/account/")
    assert page.status_code == 200
    assert "verified until" in text_of(page)
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.login" in events


def test_next_goes_back_to_a_local_page_only(client):
    leader = make_leader()
    assert location(sign_in(client, leader.email, next_url="/account/settings")) == (
        "/account/settings"
    )
    other = make_leader()
    client2 = client.application.test_client()
    assert location(sign_in(client2, other.email, next_url="//evil.example/")) == "/account/"


def test_unknown_email_wrong_password_and_disabled_account_get_the_same_answer(app):
    make_leader(email="known@example.org")
    disabled = make_leader(email="gone@example.org")
    disabled.disabled_at = utcnow()
    db.session.commit()
    answers = []
    for email, password in [
        ("nobody@example.org", PASSWORD),  # unknown address
        ("known@example.org", "wrong password here"),  # wrong password
        ("gone@example.org", PASSWORD),  # right password, disabled account
    ]:
        response = sign_in(app.test_client(), email, password)
        answers.append((response.status_code, _normalized(response, email)))
    assert answers[0][0] == 200
    assert answers[0] == answers[1] == answers[2]
    assert "The email or password is not right." in answers[0][1]
    failures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
    ).all()
    assert [f.data["email_known"] for f in failures] == [False, True, True]


def test_an_unknown_email_costs_an_argon2_verification_too(client, monkeypatch):
    calls = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash_, password):
            calls.append(hash_)
            return super().verify(hash_, password)

    monkeypatch.setattr(passwords, "hasher", CountingHasher(2, 47104, 1))
    sign_in(client, "nobody@example.org", "some password at all")
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_hashes_are_argon2id_with_at_least_owasp_parameters():
    user = make_user()
    params = user.password_hash.split("$")[3]
    values = dict(item.split("=") for item in params.split(","))
    assert user.password_hash.startswith("$argon2id$")
    assert int(values["m"]) >= 19456 and int(values["t"]) >= 2 and int(values["p"]) >= 1


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(client, monkeypatch):
    leader = make_leader()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    leader.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    assert passwords.needs_rehash(leader.password_hash)
    assert location(sign_in(client, leader.email)) == "/account/"
    rehashed = reload(leader).password_hash
    assert "m=47104,t=2,p=1" in rehashed
    assert not passwords.needs_rehash(rehashed)
    assert passwords.verify_password(rehashed, PASSWORD)

    # And when the parameters are raised later, the next sign-in upgrades again.
    stronger = PasswordHasher(time_cost=3, memory_cost=47104, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", stronger)
    client2 = client.application.test_client()
    assert location(sign_in(client2, leader.email)) == "/account/"
    assert "t=3" in reload(leader).password_hash


def test_the_session_is_renewed_at_sign_in(client):
    leader = make_leader()
    client.get("/account/login")  # an anonymous session (the CSRF token) exists now
    before = session_cookie(client)
    sign_in(client, leader.email)
    after = session_cookie(client)
    assert before != after
    # The cookie from before signing in is still anonymous.
    stranger = client.application.test_client()
    stranger.set_cookie("session", before)
    assert location(stranger.get("/account/")).startswith("/account/login")


def test_a_cookie_copied_before_signing_out_no_longer_works(client):
    leader = make_leader()
    sign_in(client, leader.email)
    copied = session_cookie(client)
    thief = client.application.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/account/").status_code == 200  # the copy works while signed in

    response = submit(client, "/account/logout", form_url="/account/")
    assert location(response) == "/"
    assert location(thief.get("/account/")).startswith("/account/login")
    assert db.session.scalar(select(LoginSession)) is None


def test_remember_me_is_for_leaders_only_and_lasts_at_most_30_days(client):
    leader = make_leader()
    sign_in(client, leader.email, remember=True)
    remembered = client.get_cookie("remember_token")
    assert remembered is not None
    row = db.session.scalar(select(LoginSession))
    assert row.remember
    assert timedelta(days=29) < row.expires_at - row.created_at <= timedelta(days=30)

    # The remember cookie alone brings the leader back (a new browser session).
    again = client.application.test_client()
    again.set_cookie("remember_token", remembered.value)
    assert again.get("/account/").status_code == 200

    staff_client = client.application.test_client()
    staff = make_staff(Role.EDITOR)
    sign_in(staff_client, staff.email, remember=True)
    from tests.accounts.helpers import code_for

    submit(staff_client, "/account/two-factor", {"code": code_for(staff)})
    assert staff_client.get_cookie("remember_token") is None
    staff_row = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == staff.id)
    ).one()
    assert not staff_row.remember


def test_staff_sessions_end_after_the_idle_timeout(client, app):
    staff = make_staff(Role.MODERATOR)
    with time_machine.travel(utcnow(), tick=False) as clock:
        assert location(staff_sign_in(client, staff)) == "/staff/"
        clock.shift(timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] - 1))
        assert client.get("/staff/").status_code == 200  # activity keeps it alive
        clock.shift(timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] - 1))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] + 1))
        assert location(client.get("/staff/")).startswith("/account/login")
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == staff.id)) is None


def test_leaders_have_no_idle_timeout_within_their_session(client):
    leader = make_leader_in(LeaderStatus.VERIFIED)
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, leader.email)
        clock.shift(timedelta(hours=3))
        assert client.get("/account/").status_code == 200
        clock.shift(timedelta(hours=10))  # past the 12-hour browser session
        assert location(client.get("/account/")).startswith("/account/login")


def test_production_cookies_are_secure_httponly_and_lax(app, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    production = create_app(
        "production",
        {
            "SECRET_KEY": "x" * 40,
            "SITE_URL": "https://newcomers.example.org",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_STORAGE_URI": "memory://",
            "CACHE_TYPE": "SimpleCache",
        },
    )
    leader = make_leader()
    client = production.test_client()
    response = sign_in(client, leader.email, remember=True)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_header = next(c for c in cookies if c.startswith("__Host-session="))
    remember_header = next(c for c in cookies if c.startswith("__Host-remember="))
    for header in (session_header, remember_header):
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
        assert "Path=/" in header and "Domain" not in header
    assert "Strict-Transport-Security" in response.headers
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_disabled_account_is_signed_out_at_once(client):
    leader = make_leader()
    login(client, leader)
    assert client.get("/account/").status_code == 200
    leader.disabled_at = utcnow()
    db.session.commit()
    assert location(client.get("/account/")).startswith("/account/login")
