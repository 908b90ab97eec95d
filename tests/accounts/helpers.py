"""Driving the account pages the way a person does: forms with their CSRF token, links
from the emails in the outbox, codes from an authenticator app."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.factories import PASSWORD
from tests.helpers import submit

LINK_RE = re.compile(r"http://localhost(/[^\s\"<>]+)")


def sign_in(client, email: str, password: str = PASSWORD, *, remember=False, next_url=None):
    """Submit the sign-in form."""
    url = "/account/login" + (f"?next={next_url}" if next_url else "")
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return submit(client, url, data)


def code_for(user: User, at: float | None = None) -> str:
    secret = db.session.get(User, user.id).totp_secret
    totp = pyotp.TOTP(secret)
    return totp.at(at) if at is not None else totp.now()


def staff_sign_in(client, user: User, password: str = PASSWORD):
    """Password, then a fresh TOTP code; returns the response to the code."""
    first = sign_in(client, user.email, password)
    assert first.status_code == 302 and first.headers["Location"] == "/account/two-factor"
    return submit(client, "/account/two-factor", {"code": code_for(user)})


def outbox(template: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    db.session.rollback()  # see what the requests committed
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == f"accounts/{template}")
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def link_in(message: OutboxMessage, prefix: str) -> str:
    """The path of the first link to SITE_URL in the email starting with `prefix`."""
    for match in LINK_RE.finditer(message.body_text):
        path = match.group(1)
        if path.startswith(prefix):
            assert path in message.body_html  # the HTML part carries the same link
            return path
    raise AssertionError(f"no link to {prefix} in {message.body_text!r}")


def reload(obj):
    """The row again, as the requests left it."""
    db.session.rollback()
    return db.session.get(type(obj), obj.id)


def location(response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def secret_on(response) -> str:
    """The TOTP key shown for typing into an app (in groups of four), as one string."""
    from tests.helpers import soup

    return soup(response).select_one("code.secret").get_text().replace(" ", "").strip()
