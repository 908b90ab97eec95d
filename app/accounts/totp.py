"""Time-based one-time passwords (RFC 6238) with replay protection."""

from __future__ import annotations

import hmac
import time

import pyotp
import segno
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db

ISSUER = "VOM Korea Newcomers"
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (for `flask demo totp`, development only)."""
    return pyotp.TOTP(secret).now()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The enrollment QR code as an SVG data URI, drawn on the server."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def matching_step(secret: str, code: str, now: float | None = None, window: int = 1) -> int | None:
    """The time step whose code equals `code` (allowing `window` steps of drift), or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP)
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_and_consume(user, code: str, now: float | None = None) -> bool:
    """Accept a code once: a step at or before the last one used is refused (replay).

    The step is claimed with one conditional UPDATE, so two requests racing with the same
    code cannot both win.
    """
    from app.accounts.models import User

    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True
