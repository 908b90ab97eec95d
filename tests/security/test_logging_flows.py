"""What reaches the log during real flows: sign-in, a failed sign-in, a password reset by
email, an email confirmation, a refused staff page and a staff action. Each security event is
one line with the user id and a UTC time; no password, token, session cookie or email body is
ever in it."""

from __future__ import annotations

import logging
import re

from app.accounts.models import LeaderStatus
from app.logs import OneLineFormatter
from app.security import Role
from tests.accounts.helpers import link_in, outbox, sign_in
from tests.factories import PASSWORD, make_leader, make_user
from tests.helpers import login, submit

NEW_PASSWORD = "a completely new passphrase 42"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def _lines(caplog) -> list[str]:
    formatter = OneLineFormatter("%(asctime)sZ %(levelname)s %(name)s %(message)s",
                                 datefmt="%Y-%m-%dT%H:%M:%S")  # fmt: skip
    return [formatter.format(record) for record in caplog.records]


def test_security_events_are_logged_without_secrets(app, client, caplog, mailbox):
    caplog.set_level(logging.DEBUG)
    leader = make_leader(email="leader@example.org")
    unconfirmed = make_leader(LeaderStatus.UNCONFIRMED, email="new@example.org")
    admin = make_user(Role.ADMIN)
    caplog.clear()

    # Sign-in, and a failed one.
    assert sign_in(client, "leader@example.org", PASSWORD).status_code == 302
    cookie = client.get_cookie("session").value
    other = app.test_client()
    assert sign_in(other, "leader@example.org", "wrong password 123").status_code == 200

    # A refused staff page.
    assert client.get("/staff/settings/").status_code == 403

    # A password reset by email, followed to the end, and an email confirmation.
    third = app.test_client()
    submit(third, "/account/reset", {"email": "leader@example.org"})
    reset_mail = outbox("password_reset", to="leader@example.org")[-1]
    reset_path = link_in(reset_mail, "/account/reset/")
    submit(third, reset_path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    submit(third, "/account/reset", {"email": "new@example.org"})
    confirm_mail = outbox("password_reset", to="new@example.org")[-1]
    app.test_cli_runner().invoke(args=["mail", "send"])
    assert len(mailbox) >= 2

    # A staff action.
    staff = app.test_client()
    login(staff, admin)
    response = submit(staff, f"/staff/people/{unconfirmed.id}/disable",
                      {"note": "Left the ministry"}, form_url=f"/staff/people/{unconfirmed.id}")  # fmt: skip
    assert response.status_code == 302

    lines = _lines(caplog)
    text = "\n".join(lines)
    assert all("\n" not in line.split("\nTraceback")[0] for line in lines)
    assert all(STAMP.match(line) for line in lines), [ln for ln in lines if not STAMP.match(ln)]

    def logged(pattern: str) -> bool:
        return any(re.search(pattern, line) for line in lines)

    assert logged(rf"audit action=auth\.login actor_id={leader.id}\b")
    assert logged(r"audit action=auth\.login_failed ")
    assert logged(rf"refused status=403 user_id={leader.id} endpoint=staff\.settings\.edit")
    assert logged(rf"audit action=auth\.password_reset\w* actor_id={leader.id}") or logged(
        rf"audit action=auth\.password_changed actor_id={leader.id}"
    )
    assert logged(rf"audit action=users\.\w+ actor_id={admin.id} object=User:{unconfirmed.id}")

    secrets = {
        "password": PASSWORD,
        "wrong password": "wrong password 123",
        "new password": NEW_PASSWORD,
        "reset token": reset_path.rsplit("/", 1)[1],
        "confirm/reset token": link_in(confirm_mail, "/account/reset/").rsplit("/", 1)[1],
        "session cookie": cookie,
        "email body": max(reset_mail.body_text.splitlines(), key=len),
        "email html": reset_mail.body_html[:80],
    }
    for what, secret in secrets.items():
        assert secret and secret not in text, what
    assert unconfirmed.email  # its link was mailed, and is not in the log either
