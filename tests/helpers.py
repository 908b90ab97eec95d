"""Helpers for driving the site as a person would: read forms, send them with their token."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from app.accounts.models import LoginSession, User
from app.database import utcnow
from app.extensions import db

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would find it."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    form_url: str | None = None,
    **kw,
):
    """GET the page holding the form (form_url, default url), then POST `data` with its token."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kw)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(soup(response).get_text(" ").split())


def login(client: FlaskClient, user: User, *, mfa: bool = True) -> LoginSession:
    """Sign `user` in on `client` directly (the sign-in form itself is tested in accounts)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    login_session = LoginSession(
        user_id=user.id,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=12),
        mfa_verified_at=now if mfa else None,
    )
    db.session.add(login_session)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return login_session
