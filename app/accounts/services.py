"""Accounts: signing in, passwords, password reset, email change and settings.

Services change state, write the audit row and queue the email in the caller's transaction,
and flush; the view commits once.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import tokens
from app.accounts.mail import notify, rehearse
from app.accounts.models import User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.sessions import end_other_sessions
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.security import Role, is_staff
from app.urls import external_url


class WrongPassword(Exception):
    """The current password given to confirm a change is not right."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown emails take as long as wrong passwords."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        record("auth.login_failed", user, actor=user, email_known=user is not None)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        record("auth.password_rehashed", user, actor=user)
    return user


def needs_two_factor(user: User) -> bool:
    return is_staff(user) or user.totp_enabled


def create_user(
    email: str,
    password: str | None,
    *,
    name: str = "",
    roles: tuple[Role, ...] = (),
    locale: str = "en",
) -> User:
    """A new account; `password=None` leaves it without a usable password (an invitation)."""
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        locale=locale,
        password_hash=hash_password(password) if password is not None else unusable_hash(),
        password_changed_at=utcnow() if password is not None else None,
    )
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.flush()
    return user


def unusable_hash() -> str:
    """A password hash no password matches; changing it invalidates earlier invitation links."""
    return "!" + secrets.token_hex(16)


def check_password(user: User, password: str) -> None:
    """Raise WrongPassword unless `password` is the user's current password."""
    if not verify_password(user.password_hash, password):
        record("auth.password_check_failed", user, actor=user)
        raise WrongPassword()


# --- passwords --------------------------------------------------------------------------------


def set_password(
    user: User, new_password: str, *, actor: User | None, reason: str, tell: bool = True
) -> None:
    """Store a new password, end every login session of the account and tell its owner.

    The caller starts a fresh session for the browser that made the change, if any.
    """
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_other_sessions(user)
    record("auth.password_changed", user, actor=actor or user, reason=reason)
    if not tell:
        return
    notify(
        user,
        "password_changed",
        _l("Your password was changed"),
        reset_url=external_url("accounts.reset_request"),
    )


def change_password(user: User, current: str, new_password: str) -> None:
    check_password(user, current)
    set_password(user, new_password, actor=user, reason="changed")


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; either way the caller answers alike."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        rehearse("password_reset", "en", user=None, reset_url="", minutes=60)
        return
    token = tokens.make(tokens.RESET_PASSWORD, user)
    notify(
        user,
        "password_reset",
        _l("Reset your password"),
        reset_url=external_url("accounts.reset_password", token=token),
        minutes=int(tokens.MAX_AGE[tokens.RESET_PASSWORD].total_seconds() // 60),
    )
    record("auth.password_reset_requested", user, actor=user)


def reset_password(token: str, new_password: str) -> User:
    """Use a reset link (once); raises tokens.TokenInvalid / TokenExpired."""
    user, _payload = tokens.read(tokens.RESET_PASSWORD, token)
    if user.invite_pending:  # the link proves the address, as the invitation would
        user.invite_accepted_at = utcnow()
    set_password(user, new_password, actor=user, reason="reset")
    return user


def check_reset_token(token: str) -> User:
    user, _payload = tokens.read(tokens.RESET_PASSWORD, token)
    return user


# --- email address ------------------------------------------------------------------------------


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Send a confirmation link to the new address (after checking the current password).

    If the new address already has an account, that address is told so instead; the person
    asking sees the same answer either way.
    """
    check_password(user, password)
    new_email = normalize_email(new_email)
    record("auth.email_change_requested", user, actor=user)
    if new_email == user.email:
        return
    owner = find_by_email(new_email)
    if owner is not None:
        notify(
            owner,
            "email_in_use",
            _l("Someone tried to use your email address"),
            login_url=external_url("accounts.login"),
            reset_url=external_url("accounts.reset_request"),
        )
        return
    token = tokens.make(tokens.CHANGE_EMAIL, user, n=new_email, o=user.email)
    notify(
        user,
        "email_change",
        _l("Confirm your new email address"),
        to=new_email,
        confirm_url=external_url("accounts.confirm_email_change", token=token),
        new_email=new_email,
    )


class EmailTaken(Exception):
    """The new address got an account between the request and the confirmation."""


def read_email_change(token: str) -> tuple[User, str]:
    user, payload = tokens.read(tokens.CHANGE_EMAIL, token)
    if payload.get("o") != user.email or not payload.get("n"):
        raise tokens.TokenInvalid()  # already changed (used) or changed another way since
    return user, str(payload["n"])


def confirm_email_change(token: str, keep=None) -> User:
    """Use an email-change link (once): the address changes, other sessions end, the old
    address is told."""
    user, new_email = read_email_change(token)
    if find_by_email(new_email) is not None:
        raise EmailTaken()
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    end_other_sessions(user, keep=keep)
    record("auth.email_changed", user, actor=user, old=old_email, new=new_email)
    notify(
        user,
        "email_changed",
        _l("Your email address was changed"),
        to=old_email,
        old_email=old_email,
        new_email=new_email,
    )
    return user


# --- settings ----------------------------------------------------------------------------------


def update_settings(user: User, *, name: str, locale: str) -> None:
    changed = {}
    if user.name != name.strip():
        changed["name"] = True
        user.name = name.strip()
    if user.locale != locale:
        changed["locale"] = locale
        user.locale = locale
    if changed:
        record("account.settings_changed", user, actor=user, **changed)
