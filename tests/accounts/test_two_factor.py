"""Two-factor authentication: staff must enroll, codes work once, recovery codes work once,
leaders may turn it on and off."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from app.accounts.models import LoginSession, RecoveryCode
from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.security import Role
from tests.accounts.factories import make_leader_in, make_staff
from tests.accounts.helpers import (
    code_for,
    location,
    outbox,
    reload,
    secret_on,
    session_cookie,
    sign_in,
)
from tests.factories import PASSWORD, make_leader
from tests.helpers import login, soup, submit, text_of


def _enroll(client, user) -> list[str]:
    """Sign in as staff without two-factor, scan the secret, enter a code; the codes shown."""
    assert location(sign_in(client, user.email)) == "/account/two-factor"
    page = client.get("/account/two-factor")
    secret = secret_on(page)
    assert soup(page).select_one(".qr img")["src"].startswith("data:image/svg+xml")
    response = submit(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = [c.get_text(strip=True) for c in soup(response).select(".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def test_staff_enroll_at_first_sign_in_and_see_ten_recovery_codes_once(client):
    staff = make_staff(Role.EDITOR, totp=False)
    codes = _enroll(client, staff)
    assert client.get("/staff/").status_code == 200
    staff = reload(staff)
    assert staff.totp_secret is not None
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in stored)  # hashed
    assert outbox("two_factor_enabled")
    # Shown once: the settings page only counts them.
    settings = text_of(client.get("/account/settings/two-factor"))
    assert "10 unused recovery codes left." in settings and codes[0] not in settings


def test_staff_pages_are_unreachable_until_enrollment(client):
    staff = make_staff(Role.ADMIN, totp=False)
    sign_in(client, staff.email)
    for url in ("/staff/", "/staff/leaders/", "/staff/people/"):
        response = client.get(url)
        assert response.status_code == 302 and location(response).startswith("/account/")
    login(client, staff, mfa=False)  # signed in somehow, but without the second step
    assert location(client.get("/staff/people/")) == "/account/two-factor"


def test_a_wrong_code_does_not_enroll(client):
    staff = make_staff(Role.EDITOR, totp=False)
    sign_in(client, staff.email)
    client.get("/account/two-factor")
    response = submit(client, "/account/two-factor", {"code": "000000"})
    assert "That code is not right" in text_of(response)
    assert reload(staff).totp_secret is None
    assert location(client.get("/staff/")).startswith("/account/login")


def test_a_totp_code_cannot_be_used_twice(client, app):
    staff = make_staff(Role.MODERATOR)
    with time_machine.travel(utcnow(), tick=False) as clock:
        code = code_for(staff)
        sign_in(client, staff.email)
        assert location(submit(client, "/account/two-factor", {"code": code})) == "/staff/"
        replay = app.test_client()
        sign_in(replay, staff.email)
        response = submit(replay, "/account/two-factor", {"code": code})
        assert response.status_code == 200
        assert "That code is not right or was already used." in text_of(response)
        assert location(replay.get("/staff/")).startswith("/account/login")
        # Thirty seconds on, the used code is still within the drift window: still refused.
        clock.shift(30)
        stale = submit(replay, "/account/two-factor", {"code": code})
        assert "already used" in text_of(stale)
        fresh = submit(replay, "/account/two-factor", {"code": code_for(staff)})
        assert location(fresh) == "/staff/"
    failures = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "auth.totp_failed")
    )
    assert failures == 2


def test_the_two_factor_step_expires(client):
    staff = make_staff(Role.MODERATOR)
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, staff.email)
        clock.shift(timedelta(minutes=6))
        response = submit(
            client, "/account/two-factor", {"code": code_for(staff)}, form_url="/account/login"
        )
    assert location(response) == "/account/login"


def test_the_session_is_renewed_when_two_factor_completes(client):
    staff = make_staff(Role.EDITOR, totp=False)
    login(client, staff, mfa=False)
    before = session_cookie(client)
    page = client.get("/account/two-factor")
    secret = secret_on(page)
    submit(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/staff/").status_code == 200
    thief = client.application.test_client()
    thief.set_cookie("session", before)
    assert location(thief.get("/staff/")).startswith("/account/login")


def _codes_for(client, staff) -> list[str]:
    codes = _enroll(client, staff)
    submit(client, "/account/logout", form_url="/account/")
    return codes


def test_a_recovery_code_signs_in_once(client, app):
    staff = make_staff(Role.EDITOR, totp=False)
    codes = _codes_for(client, staff)
    sign_in(client, staff.email)
    response = submit(client, "/account/two-factor", {"code": codes[0].upper()})
    assert location(response) == "/staff/"
    assert "9 are left" in text_of(client.get("/staff/"))
    [notice] = outbox("recovery_code_used")
    assert "9 recovery codes are left" in notice.body_text

    again = app.test_client()
    sign_in(again, staff.email)
    refused = submit(again, "/account/two-factor", {"code": codes[0]})
    assert "That code is not right or was already used." in text_of(refused)
    used = db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
    )
    assert used == 1


def test_new_recovery_codes_replace_the_old_ones(client, app):
    staff = make_staff(Role.EDITOR, totp=False)
    old = _enroll(client, staff)
    wrong = submit(
        client,
        "/account/settings/recovery-codes",
        {"current_password": "not it at all"},
        form_url="/account/settings/two-factor",
    )
    assert wrong.status_code == 400
    response = submit(
        client,
        "/account/settings/recovery-codes",
        {"current_password": PASSWORD},
        form_url="/account/settings/two-factor",
    )
    new = [c.get_text(strip=True) for c in soup(response).select(".recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    other = app.test_client()
    sign_in(other, staff.email)
    assert "not right" in text_of(submit(other, "/account/two-factor", {"code": old[1]}))
    assert location(submit(other, "/account/two-factor", {"code": new[1]})) == "/staff/"


def test_a_leader_turns_two_factor_on_and_then_needs_it_to_sign_in(client, app):
    leader = make_leader()
    sign_in(client, leader.email)
    assert "Two-factor authentication is off." in text_of(client.get("/account/"))
    page = client.get("/account/settings/two-factor/enable")
    secret = secret_on(page)
    wrong_password = submit(
        client,
        "/account/settings/two-factor/enable",
        {"code": pyotp.TOTP(secret).now(), "current_password": "nope nope nope"},
    )
    assert "Your current password is not right." in text_of(wrong_password)
    response = submit(
        client,
        "/account/settings/two-factor/enable",
        {"code": pyotp.TOTP(secret).now(), "current_password": PASSWORD},
    )
    assert len(soup(response).select(".recovery-codes code")) == 10
    assert reload(leader).totp_secret == secret

    other = app.test_client()
    assert location(sign_in(other, leader.email)) == "/account/two-factor"
    assert location(other.get("/account/")).startswith("/account/login")


def test_a_leader_turns_two_factor_off_with_password_and_code(client):
    leader = make_leader()
    leader.totp_secret = pyotp.random_base32()
    db.session.commit()
    login(client, leader)
    bad = submit(
        client,
        "/account/settings/two-factor/disable",
        {"current_password": PASSWORD, "code": "123456"},
        form_url="/account/settings/two-factor",
    )
    assert bad.status_code == 400 and reload(leader).totp_secret is not None
    response = submit(
        client,
        "/account/settings/two-factor/disable",
        {"current_password": PASSWORD, "code": code_for(leader)},
        form_url="/account/settings/two-factor",
    )
    assert location(response) == "/account/settings/two-factor"
    assert reload(leader).totp_secret is None
    assert outbox("two_factor_disabled")
    assert location(sign_in(client.application.test_client(), leader.email)) == "/account/"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.REVIEWER])
def test_staff_cannot_turn_two_factor_off(client, role):
    staff = make_staff(role)
    login(client, staff)
    assert "Turn two-factor off" not in text_of(client.get("/account/settings/two-factor"))
    response = submit(
        client,
        "/account/settings/two-factor/disable",
        {"current_password": PASSWORD, "code": code_for(staff)},
        form_url="/account/settings/two-factor",
    )
    assert response.status_code == 403
    assert reload(staff).totp_secret is not None


def test_a_leader_with_two_factor_signs_in_with_a_code_and_remember_me(client):
    leader = make_leader_in(make_leader().leader_profile.status)
    leader.totp_secret = pyotp.random_base32()
    db.session.commit()
    sign_in(client, leader.email, remember=True)
    assert location(submit(client, "/account/two-factor", {"code": code_for(leader)})) == (
        "/account/"
    )
    row = db.session.scalars(select(LoginSession).where(LoginSession.user_id == leader.id)).one()
    assert row.remember and row.mfa_verified_at is not None
