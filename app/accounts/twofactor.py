"""Two-factor authentication: enrolling, checking a code, recovery codes, turning it off.

A TOTP code is accepted once (its time step is remembered). Ten recovery codes are made at
enrollment and whenever the user asks again; only their SHA-256 is kept (they are random
80-bit values, so a slow hash adds nothing) and each works once.
"""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app.accounts import totp
from app.accounts.mail import notify
from app.accounts.models import RecoveryCode, User
from app.audit import record
from app.database import utcnow
from app.extensions import db
from app.urls import external_url

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32, lower case: no 0/1/8/9 to misread


def _normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def generate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash(code), created_at=now) for code in codes
    )
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; True when it was the user's and not used before."""
    if len(_normalize(code)) != 16:
        return False
    # One conditional UPDATE: two requests racing with the same code cannot both win.
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    left = recovery_codes_left(user)
    record("auth.recovery_code_used", user, actor=user, left=left)
    notify(
        user,
        "recovery_code_used",
        _l("A recovery code was used to sign in"),
        left=left,
        settings_url=external_url("accounts.two_factor_settings"),
    )
    return True


def check_second_factor(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when `code` is a fresh TOTP code or an unused recovery code."""
    digits = "".join(ch for ch in (code or "") if not ch.isspace())
    if digits.isdigit():
        return "totp" if totp.verify_and_consume(user, digits) else None
    return "recovery" if use_recovery_code(user, code) else None


def enroll(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-factor on with `secret` once `code` proves the app has it; returns the new
    recovery codes, or None when the code does not match."""
    step = totp.matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    codes = generate_recovery_codes(user)
    record("auth.totp_enrolled", user, actor=user)
    notify(
        user,
        "two_factor_enabled",
        _l("Two-factor authentication is on"),
        settings_url=external_url("accounts.two_factor_settings"),
    )
    return codes


def disable(user: User, *, actor: User, reason: str) -> None:
    """Turn two-factor off: the secret and every recovery code are deleted."""
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("auth.totp_disabled", user, actor=actor, reason=reason)
    notify(
        user,
        "two_factor_disabled",
        _l("Two-factor authentication was turned off"),
        reason=reason,
        settings_url=external_url("accounts.two_factor_settings"),
    )
