"""Rate limits for signing in and the other account forms (Flask-Limiter).

Two kinds of limit guard each sensitive form:

* per client (the keyed hash of the IP address), counting every POST;
* per account (a keyed hash of the email typed, or the account in the two-factor step),
  counting only failures, so the owner signing in correctly never uses it up.

Each is a staircase of windows (minutes, an hour, a day): a few mistakes cost a short wait,
persisting costs longer and longer ones; that is the back-off. Keys are hashes, so the
limiter's storage (memory, or Redis via RATELIMIT_STORAGE_URI) never holds an address or an
email. Unknown emails are limited exactly like known ones, so the limit reveals nothing.
"""

from __future__ import annotations

from flask import g, request, session
from flask_login import current_user

from app.extensions import limiter
from app.security import ip_hash, keyed_hash

# Per client, every POST.
LOGIN_CLIENT = "10 per minute; 50 per hour; 200 per day"
TWO_FACTOR_CLIENT = "10 per minute; 50 per hour"
SIGNUP_CLIENT = "5 per hour; 20 per day"
RESET_CLIENT = "5 per 15 minutes; 20 per day"
TOKEN_FORM_CLIENT = "10 per minute; 50 per hour"  # noqa: S105 (a rate, not a secret)

# Per account, failures only.
LOGIN_ACCOUNT = "5 per 5 minutes; 10 per hour; 20 per day"
TWO_FACTOR_ACCOUNT = "5 per 5 minutes; 10 per hour; 20 per day"
PASSWORD_CHECK_ACCOUNT = "5 per 15 minutes; 20 per day"  # noqa: S105

# Per address asked about (every POST, known or not): reset links are not a mail cannon.
RESET_ADDRESS = "3 per hour; 10 per day"
# Per signed-in account, every POST: resending confirmation, changing the address.
MAIL_SENDING_ACCOUNT = "3 per hour; 10 per day"


def client_key() -> str:
    return ip_hash("throttle")


def email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return keyed_hash(email, "throttle-email")


def account_key() -> str:
    """The account in the middle of signing in (two-factor step) or signed in."""
    pending = session.get("mfa_pending") or {}
    if pending.get("user_id"):
        return keyed_hash(str(pending["user_id"]), "throttle-account")
    if current_user.is_authenticated:
        return keyed_hash(str(current_user.id), "throttle-account")
    return client_key()


def mark_failed() -> None:
    """Count this request against the per-account failure limits."""
    g.auth_failed = True


def failed(_response) -> bool:
    return bool(g.get("auth_failed"))


def per_client(limits: str):
    return limiter.limit(limits, key_func=client_key, methods=["POST"])


def per_email_failures(limits: str):
    return limiter.limit(limits, key_func=email_key, methods=["POST"], deduct_when=failed)


def per_email(limits: str):
    return limiter.limit(limits, key_func=email_key, methods=["POST"])


def per_account_failures(limits: str):
    return limiter.limit(limits, key_func=account_key, methods=["POST"], deduct_when=failed)


def per_account(limits: str):
    return limiter.limit(limits, key_func=account_key, methods=["POST"])
