"""Signed, time-limited links (itsdangerous) for email confirmation, password reset, email
change and staff invitations.

A token is bound to what it may change: the password-reset, email-change and invitation
tokens carry a digest of the account's current password hash, so the first use (which
changes the hash or the address) makes every earlier link worthless.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a purpose, not a password)
CHANGE_EMAIL = "change-email"
STAFF_INVITE = "staff-invite"

MAX_AGE = {
    CONFIRM_EMAIL: timedelta(days=3),
    RESET_PASSWORD: timedelta(hours=1),
    CHANGE_EMAIL: timedelta(hours=24),
    STAFF_INVITE: timedelta(days=7),
}


class TokenInvalid(Exception):
    """The link is forged, for another purpose, already used, or no longer matches."""


class TokenExpired(TokenInvalid):
    """The link was real but is too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def password_digest(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def make(purpose: str, user: Any, **claims: str) -> str:
    """A token for `purpose` about `user`, carrying `claims` and the password binding."""
    payload = {"u": user.id, "p": password_digest(user.password_hash), **claims}
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: str) -> tuple[Any, dict[str, Any]]:
    """The user a token is about and its claims; raises TokenExpired or TokenInvalid."""
    from app.accounts.models import User

    try:
        payload = _serializer(purpose).loads(token, max_age=int(MAX_AGE[purpose].total_seconds()))
    except SignatureExpired as error:
        raise TokenExpired() from error
    except BadSignature as error:
        raise TokenInvalid() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise TokenInvalid()
    user = db.session.get(User, payload["u"])
    if user is None or not user.is_active:
        raise TokenInvalid()
    if not hmac.compare_digest(str(payload.get("p", "")), password_digest(user.password_hash)):
        raise TokenInvalid()  # the password changed since: the link was used or superseded
    return user, payload
