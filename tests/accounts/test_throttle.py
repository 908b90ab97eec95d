"""Every throttle on the account forms: per client, per account (failures only), with
longer waits for those who keep trying."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import time_machine

from app.accounts.models import LeaderStatus
from app.database import utcnow
from app.security import Role
from tests.accounts.factories import make_leader_in, make_staff
from tests.accounts.helpers import code_for, location, reload, secret_on, sign_in
from tests.factories import PASSWORD, make_leader
from tests.helpers import csrf_token, login, submit, text_of

WRONG = "definitely not the password"


def _post(client, url: str, data: dict, token: str):
    return client.post(url, data={"csrf_token": token, **data})


def test_sign_in_is_limited_per_client(client):
    token = csrf_token(client, "/account/login")
    statuses = [
        _post(
            client, "/account/login", {"email": f"p{i}@example.org", "password": WRONG}, token
        ).status_code
        for i in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    assert "Please slow down" in text_of(
        _post(client, "/account/login", {"email": "x@example.org", "password": WRONG}, token)
    )


def test_sign_in_failures_are_limited_per_account_with_back_off(client, app):
    leader = make_leader()
    with time_machine.travel(utcnow(), tick=False) as clock:
        token = csrf_token(client, "/account/login")
        wrong = {"email": leader.email, "password": WRONG}
        right = {"email": leader.email, "password": PASSWORD}
        assert [_post(client, "/account/login", wrong, token).status_code for _ in range(5)] == (
            [200] * 5
        )
        # Locked: even the right password waits now, and says so the same way.
        assert _post(client, "/account/login", right, token).status_code == 429
        # Another account from the same client is not affected.
        other = make_leader()
        other_client = app.test_client()
        assert location(sign_in(other_client, other.email)) == "/account/"

        clock.shift(timedelta(minutes=6))  # the short wait is over
        token = csrf_token(client, "/account/login")
        assert [_post(client, "/account/login", wrong, token).status_code for _ in range(5)] == (
            [200] * 5
        )
        clock.shift(timedelta(minutes=6))  # ten failures in the hour: the longer wait
        token = csrf_token(client, "/account/login")
        assert _post(client, "/account/login", right, token).status_code == 429
        clock.shift(timedelta(minutes=60))
        token = csrf_token(client, "/account/login")
        assert location(_post(client, "/account/login", right, token)) == "/account/"


def test_unknown_addresses_are_limited_exactly_like_known_ones(app):
    make_leader(email="known@example.org")
    results = {}
    for email in ("known@example.org", "unknown@example.org"):
        limiter_reset(app)  # only the per-account limit is compared here
        client = app.test_client()
        token = csrf_token(client, "/account/login")
        data = {"email": email, "password": WRONG}
        results[email] = [
            _post(client, "/account/login", data, token).status_code for _ in range(6)
        ]
    assert results["known@example.org"] == results["unknown@example.org"] == [200] * 5 + [429]


def test_successful_sign_ins_do_not_use_up_the_account_limit(client):
    leader = make_leader()
    for _ in range(7):
        assert location(sign_in(client, leader.email)) == "/account/"
        submit(client, "/account/logout", form_url="/account/")


def test_two_factor_failures_are_limited_per_account(client):
    staff = make_staff(Role.REVIEWER)
    sign_in(client, staff.email)
    token = csrf_token(client, "/account/two-factor")
    statuses = [
        _post(client, "/account/two-factor", {"code": "000000"}, token).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 5
    refused = _post(client, "/account/two-factor", {"code": code_for(staff)}, token)
    assert refused.status_code == 429


def test_two_factor_is_limited_per_client(client):
    token = csrf_token(client, "/account/login")
    statuses = [
        _post(client, "/account/two-factor", {"code": "123456"}, token).status_code
        for _ in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_signup_is_limited_per_client(client):
    token = csrf_token(client, "/account/signup")
    statuses = [
        _post(client, "/account/signup", {"email": f"s{i}@example.org"}, token).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_reset_requests_are_limited_per_address_and_per_client(app):
    make_leader(email="known@example.org")
    for email in ("known@example.org", "unknown@example.org"):
        limiter_reset(app)  # the same client asks about each address
        client = app.test_client()
        token = csrf_token(client, "/account/reset")
        statuses = [
            _post(client, "/account/reset", {"email": email}, token).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429], email
    limiter_reset(app)
    client = app.test_client()
    token = csrf_token(client, "/account/reset")
    statuses = [
        _post(client, "/account/reset", {"email": f"r{i}@example.org"}, token).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def limiter_reset(app):
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()


def test_links_from_email_are_limited_per_client(client):
    token = csrf_token(client, "/account/login")
    statuses = [
        _post(client, "/account/reset/forged-token", {"password": "x"}, token).status_code
        for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_wrong_current_passwords_are_limited_per_account(client):
    leader = make_leader()
    login(client, leader)
    token = csrf_token(client, "/account/settings/password")
    data = {"current_password": WRONG, "password": "a new good passphrase", "password_again": ""}
    data["password_again"] = data["password"]
    statuses = [
        _post(client, "/account/settings/password", data, token).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_confirmation_and_email_change_mail_is_limited_per_account(client):
    leader = make_leader_in(LeaderStatus.UNCONFIRMED)
    login(client, leader)
    token = csrf_token(client, "/account/")
    statuses = [_post(client, "/account/confirm/resend", {}, token).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    token = csrf_token(client, "/account/settings/email")
    changes = [
        _post(
            client,
            "/account/settings/email",
            {"new_email": f"n{i}@example.org", "current_password": PASSWORD},
            token,
        ).status_code
        for i in range(4)
    ]
    assert changes == [200, 200, 200, 429]


def test_the_enrollment_code_is_limited_too(client):
    staff = make_staff(Role.EDITOR, totp=False)
    sign_in(client, staff.email)
    token = csrf_token(client, "/account/two-factor")
    statuses = [
        _post(client, "/account/two-factor", {"code": "000000"}, token).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    page = client.get("/account/two-factor")
    secret = secret_on(page)
    right = _post(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()}, token)
    assert right.status_code == 429  # the right code waits too
    assert reload(staff).totp_secret is None
