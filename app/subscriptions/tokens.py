"""The tokens in subscription links: opaque, signed, and never a subscriber's id.

Every email carries `sign(subscriber.token)` in its preferences and unsubscribe links: the
random token names the subscriber, the signature lets a tampered link be refused (400)
before anything is looked up. Confirmation links also carry what the person asked for
(topics, language, name) and when the link was made; they last a week.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_MAX_AGE = 7 * 24 * 3600


class BadToken(Exception):
    """A link token that was altered, truncated, made up or is too old."""


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"subscription-links", hashlib.sha256).digest()


def sign(token: str) -> str:
    mac = hmac.new(_key(current_app.config["SECRET_KEY"]), token.encode(), hashlib.sha256)
    signature = base64.urlsafe_b64encode(mac.digest()[:18]).decode().rstrip("=")
    return f"{token}.{signature}"


def unsign(value: str) -> str:
    token, _, signature = (value or "").rpartition(".")
    if not token or len(value) > 200:
        raise BadToken("malformed")
    expected = sign(token).rpartition(".")[2]
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise BadToken("bad signature")
    return token


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="subscription-confirm")


def confirmation_token(token: str, topics: list[str], language: str, name: str) -> str:
    return _confirm_serializer().dumps({"s": token, "t": topics, "l": language, "n": name})


def read_confirmation(value: str) -> tuple[dict[str, Any], datetime]:
    """The request a confirmation link carries, and when the link was made (naive UTC)."""
    if not value or len(value) > 1000:
        raise BadToken("malformed")
    try:
        payload, issued = _confirm_serializer().loads(
            value, max_age=CONFIRM_MAX_AGE, return_timestamp=True
        )
    except SignatureExpired as error:
        raise BadToken("expired") from error
    except BadSignature as error:
        raise BadToken("bad signature") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), str):
        raise BadToken("malformed")
    return payload, issued.astimezone(UTC).replace(tzinfo=None)
